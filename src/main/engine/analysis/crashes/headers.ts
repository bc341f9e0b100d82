/**
 * The first line of every kernel report the crash detectors know, as data: one row per
 * wording, oldest kernels included. A row says which incident kind the line opens and how it
 * joins a report that is already open (an `Oops:` line belongs to the `BUG: unable to handle`
 * above it; a 3.x `WARNING: at kernel/watchdog.c` is the frame of a hard lockup).
 */
import type { IncidentKind } from '../../../../shared/model/incident';

export type HeaderRole =
  /** Opens a new report. */
  | 'open'
  /** Part of an open report of one of `joins` (die line after a BUG line); opens one otherwise. */
  | 'join'
  /** The message of a young open warning: the warning takes this kind. */
  | 'upgrade';

export interface HeaderRule {
  kind: IncidentKind;
  re: RegExp;
  role: HeaderRole;
  /** Kinds of open reports this line belongs to (role `join`). */
  joins?: IncidentKind[];
  /** Which checker printed a `kasan`-kind report. */
  checker?: string;
  /** Everything up to the next header belongs to the report (free-text reports). */
  freeText?: boolean;
}

const DIE_JOINS: IncidentKind[] = ['oops', 'bug', 'kasan', 'gpf'];

export const HEADER_RULES: readonly HeaderRule[] = [
  { kind: 'panic', re: /^Kernel panic - not syncing:? ?(?<reason>.*)$/, role: 'open' },
  {
    kind: 'soft-lockup',
    re: /\bBUG: soft lockup - CPU#(?<cpu>\d+) stuck for (?<secs>\d+)s! \[(?<comm>.+):(?<pid>\d+)\]/,
    role: 'open',
  },
  { kind: 'hard-lockup', re: /Watchdog detected hard LOCKUP on cpu (?<cpu>\d+)/, role: 'upgrade' },
  {
    kind: 'hung-task',
    re: /^INFO: task (?<comm>.+):(?<pid>\d+) (?:blocked(?: in I\/O wait)?|can't die) for more than (?<secs>\d+) seconds\./,
    role: 'open',
    freeText: true,
  },
  // RCU stall wordings: 2.6.3x "INFO: RCU detected CPU 1 stall", 3.x "INFO: rcu_sched detected stalls on CPUs/tasks",
  // "INFO: rcu_sched self-detected stall on CPU", 4.19+ with a "rcu: " prefix, expedited and rcu_tasks variants.
  {
    kind: 'rcu-stall',
    re: /^(?:rcu: )?INFO: (?:rcu\w*|RCU)(?: detected CPU \d+)? ?(?:self-)?(?:detected )?(?:expedited )?stalls?\b/,
    role: 'open',
    freeText: true,
  },
  { kind: 'kasan', re: /^BUG: KASAN: (?<what>.*)$/, role: 'open', checker: 'kasan', freeText: true },
  { kind: 'kasan', re: /^BUG: KFENCE: (?<what>.*)$/, role: 'open', checker: 'kfence', freeText: true },
  { kind: 'kasan', re: /^BUG: KCSAN: (?<what>.*)$/, role: 'open', checker: 'kcsan', freeText: true },
  { kind: 'kasan', re: /^UBSAN: (?<what>.*)$/, role: 'open', checker: 'ubsan', freeText: true },
  { kind: 'kasan', re: /^BUG: memory leak$/, role: 'open', checker: 'kmemleak', freeText: true },
  {
    kind: 'kasan',
    re: /^unreferenced object 0x[0-9a-f]+ \(size \d+\):/,
    role: 'join',
    joins: ['kasan'],
    checker: 'kmemleak',
    freeText: true,
  },
  { kind: 'kasan', re: /^kmemleak: \d+ new suspected memory leaks/, role: 'open', checker: 'kmemleak' },
  {
    kind: 'kasan',
    re: /^(?:WARNING|INFO|\[ INFO|\[ BUG|BUG): (?<what>possible (?:recursive|circular) locking dependency detected|possible recursive locking detected|possible irq lock inversion dependency detected|inconsistent lock state|suspicious RCU usage|held lock freed!?|bad unlock balance detected!?|lock held when returning to user space!?|nested lock was not taken|possible deadlock|lock held at task exit time!?|circular locking deadlock detected!?|possible circular locking deadlock detected!?|bad contention detected!?|lock held by task|[\w ]*hardirq-safe -> hardirq-unsafe[\w ]*)/,
    role: 'open',
    checker: 'lockdep',
    freeText: true,
  },
  {
    kind: 'oops',
    re: /^BUG: unable to handle (?:kernel )?(?<what>NULL pointer dereference|paging request|page fault)(?: for address:?| at(?: virtual address)?|,? address:?)? ?(?<addr>[0-9a-fx]+)?/,
    role: 'open',
  },
  {
    kind: 'oops',
    re: /^BUG: [Kk]ernel NULL pointer dereference(?:, address:| on \w+ at) (?<addr>\S+)/,
    role: 'open',
  },
  {
    kind: 'oops',
    re: /^Unable to handle kernel (?<what>NULL pointer dereference|paging request|access to user memory|execute from non-executable memory|read from unreadable memory|write to read-only memory)(?: at virtual address| outside uaccess routines at virtual address)? ?(?<addr>[0-9a-fx]+)?/,
    role: 'open',
  },
  {
    kind: 'oops',
    re: /^Unable to handle kernel pointer dereference in virtual (?:kernel|user) address space/,
    role: 'open',
  },
  { kind: 'oops', re: /^Kernel attempted to (?:read|write|access|execute)/, role: 'open' },
  { kind: 'oops', re: /^PANIC: double fault, error_code: (?<code>\S+)/, role: 'open' },
  { kind: 'oops', re: /^divide error: (?<code>[0-9a-f]{4}) \[#(?<die>\d+)\]/, role: 'open' },
  { kind: 'oops', re: /^stack segment: (?<code>[0-9a-f]{4}) \[#(?<die>\d+)\]/, role: 'open' },
  {
    kind: 'gpf',
    re: /^general protection fault(?:, [^:]*)?: (?<code>[0-9a-f]{4}) \[#(?<die>\d+)\]/,
    role: 'open',
  },
  { kind: 'bug', re: /^kernel BUG at (?<loc>[^!\s]+)!?/, role: 'open' },
  {
    kind: 'oops',
    re: /^Oops: (?<code>[^[]*?)(?:, sig: \d+)? \[#(?<die>\d+)\]/,
    role: 'join',
    joins: DIE_JOINS,
  },
  { kind: 'oops', re: /^Internal error: (?<code>.*?) \[#(?<die>\d+)\]/, role: 'join', joins: DIE_JOINS },
  {
    kind: 'oops',
    re: /^invalid opcode: (?<code>[0-9a-f]{4}) \[#(?<die>\d+)\]/,
    role: 'join',
    joins: DIE_JOINS,
  },
  {
    kind: 'oops',
    re: /^illegal operation: (?<code>[0-9a-f]{4}) (?:ilc:\d )?\[#(?<die>\d+)\]/,
    role: 'join',
    joins: DIE_JOINS,
  },
  {
    kind: 'oops',
    re: /^(?:stack guard page|kernel stack overflow[^:]*): (?<code>[0-9a-f]{4}) \[#(?<die>\d+)\]/,
    role: 'join',
    joins: DIE_JOINS,
  },
  { kind: 'bug', re: /^BUG: (?<what>.+)$/, role: 'open' },
  // SLUB debugging: "BUG kmalloc-64 (Not tainted): Poison overwritten"
  { kind: 'bug', re: /^BUG (?<cache>\S+) \((?:Not tainted|Tainted: [^)]*)\): (?<what>.*)$/, role: 'open' },
  {
    kind: 'warning',
    re: /^WARNING: CPU: (?<cpu>\d+) PID: (?<pid>\d+) at (?<loc>\S+)(?: (?<fn>\S+))?/,
    role: 'join',
    joins: ['hard-lockup', 'netdev-watchdog'],
  },
  {
    kind: 'warning',
    re: /^WARNING: at ?(?<loc>[^\s:]+:\d+|\S+)(?: (?<fn>\S+))?/,
    role: 'join',
    joins: ['hard-lockup', 'netdev-watchdog'],
  },
  {
    kind: 'netdev-watchdog',
    re: /^NETDEV WATCHDOG: (?<dev>\S+) \((?<driver>[^)]*)\): transmit (?:queue (?<queue>\d+) )?timed out/,
    role: 'upgrade',
  },
  // MCE: the first line of a machine-check report; later "[Hardware Error]" lines join it.
  { kind: 'mce', re: /Machine Check Exception: (?<status>[0-9a-f]+)/, role: 'join', joins: ['mce'] },
  { kind: 'mce', re: /\[Hardware Error\]: ?(?<what>.*)$/, role: 'join', joins: ['mce'] },
  {
    kind: 'mce',
    re: /^EDAC (?!DEBUG)(?:[\w-]+ )?MC\d*: (?:\d+ )?(?<what>(?:CE|UE)\b.*|HANDLING MCE MEMORY ERROR.*)$/,
    role: 'join',
    joins: ['mce'],
  },
  {
    kind: 'io-error',
    re: /^(?:(?:blk_update_request|print_req_error|blk_print_req_error|end_request): )?(?<what>I\/O error|critical (?:medium|target|nexus|space allocation) error|recoverable transport error|timeout error|operation not supported error|protection error|resource error),? dev (?<dev>[^,\s]+),? sector (?<sector>\d+)/,
    role: 'join',
    joins: ['io-error'],
  },
  {
    kind: 'io-error',
    re: /^Buffer I\/O error on (?:dev(?:ice)? )?(?<dev>[^,\s]+),? (?:logical )?block (?<sector>\d+)/,
    role: 'join',
    joins: ['io-error'],
  },
  {
    kind: 'io-error',
    re: /^sd \S+: \[(?<dev>\w+)\] (?:tag#\d+ )?(?<what>FAILED Result:.*|Unhandled (?:sense|error) code.*|Medium Error.*)$/,
    role: 'join',
    joins: ['io-error'],
  },
  {
    kind: 'io-error',
    re: /^(?<dev>ata\d+)(?:\.\d+)?: exception Emask (?<what>.*)$/,
    role: 'join',
    joins: ['io-error'],
  },
  {
    kind: 'io-error',
    re: /^nvme (?<dev>nvme\d+): I\/O \d+ QID \d+ timeout/,
    role: 'join',
    joins: ['io-error'],
  },
  {
    kind: 'fs-error',
    re: /^(?<fs>EXT[234]-fs) error \(device (?<dev>[^)]+)\)/,
    role: 'join',
    joins: ['fs-error'],
  },
  {
    kind: 'fs-error',
    re: /^(?<fs>EXT[234]-fs) \((?<dev>[^)]+)\): (?<what>Remounting filesystem read-only|error count since last fsck.*|previous I\/O error to superblock detected|I\/O error while writing superblock|failed to convert unwritten extents.*)/,
    role: 'join',
    joins: ['fs-error'],
  },
  { kind: 'fs-error', re: /^Aborting journal on device (?<dev>\S+)\./, role: 'join', joins: ['fs-error'] },
  {
    kind: 'fs-error',
    re: /^(?<fs>XFS) \((?<dev>[^)]+)\): (?<what>Corruption (?:of in-memory data|detected|warning).*|Metadata (?:corruption detected|CRC error).*|metadata I\/O error.*|Log I\/O Error.*|I\/O Error Detected.*|xfs_do_force_shutdown.*|Filesystem has been shut down.*|Please unmount the filesystem.*|Please umount the filesystem.*|Internal error.*|.*Shutting down filesystem.*|log I\/O error.*)$/,
    role: 'join',
    joins: ['fs-error'],
  },
  {
    kind: 'fs-error',
    re: /^(?<fs>BTRFS) (?:error|critical) \(device (?<dev>[^)]+)\)/,
    role: 'join',
    joins: ['fs-error'],
  },
  {
    kind: 'fs-error',
    re: /^(?<fs>FAT-fs) \((?<dev>[^)]+)\): (?<what>error.*|Filesystem has been set read-only)/,
    role: 'join',
    joins: ['fs-error'],
  },
  { kind: 'fs-error', re: /^(?<fs>SQUASHFS) error: (?<what>.*)$/, role: 'join', joins: ['fs-error'] },
  {
    kind: 'nfs',
    re: /^(?:nfs|nfs4|lockd|NFS): server (?<dev>\S+) not responding, (?<what>still trying|timed out)/,
    role: 'open',
  },
];

/** Cheap test run on every line before the table: most log lines contain none of these. */
export const HEADER_PREFILTER =
  /BUG|Oops|panic|PANIC|WARNING|LOCKUP|INFO:|fault|error|Error|opcode|operation:|Internal|Unable|Machine|Hardware|EDAC|I\/O|-fs|XFS|BTRFS|SQUASHFS|server|NETDEV|UBSAN|unreferenced|kmemleak|Emask|Medium|FAILED|Unhandled|timeout|Aborting|segment:|stack guard|overflow|Kernel attempted/;

export interface HeaderHit {
  rule: HeaderRule;
  groups: Record<string, string | undefined>;
}

export function matchHeader(message: string): HeaderHit | null {
  if (!HEADER_PREFILTER.test(message)) return null;
  // "watchdog: BUG: soft lockup" and "NMI watchdog: Watchdog detected" carry a subsystem prefix.
  const m = message.startsWith('NMI watchdog: ')
    ? message.slice(14)
    : message.startsWith('watchdog: ')
      ? message.slice(10)
      : message;
  for (const rule of HEADER_RULES) {
    const hit = rule.re.exec(m);
    if (hit) return { rule, groups: { ...(hit.groups ?? {}) } };
  }
  return null;
}
