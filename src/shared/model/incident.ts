/**
 * Plain data types for kernel incidents, process deaths, crash artefacts and the machine's
 * readiness (system facts and recommendations). Shared by the engine, the CLI and the UI.
 */
import type { Evidence } from './log';

export type IncidentKind =
  | 'panic'
  | 'oops'
  | 'bug'
  | 'gpf'
  | 'warning'
  | 'soft-lockup'
  | 'hard-lockup'
  | 'hung-task'
  | 'rcu-stall'
  | 'mce'
  | 'io-error'
  | 'fs-error'
  | 'nfs'
  | 'netdev-watchdog'
  | 'kasan'
  | 'segfault'
  | 'trap'
  | 'process-killed'
  | 'core-dumped'
  | 'restart-loop'
  | 'flood'
  | 'log-loss';

export type Arch = 'x86-64' | 'i386' | 'arm64' | 'arm' | 'ppc64' | 's390x';

/** One frame of a kernel call trace. */
export interface KernelFrame {
  fn: string;
  /** `+0x1a/0x20` split into offset and size when printed. */
  offset?: string;
  size?: string;
  module?: string;
  address?: string;
  /** False for frames printed with `?` (found on the stack, not proven to be on the call chain). */
  reliable: boolean;
}

export interface TaintInfo {
  /** The field as printed after `Tainted:` (e.g. `G           OE`). */
  printed: string;
  letters: string[];
  meanings: string[];
  unknown: string[];
}

/** Decoded parts of a kernel report block; absent fields were not printed. */
export interface KernelBlockDetails {
  /** The header line's message, e.g. `BUG: unable to handle kernel NULL pointer dereference at 0000000000000078`. */
  headline: string;
  /** Panic reason (`Kernel panic - not syncing: <reason>`). */
  panicReason?: string;
  /** `Oops: 0002 [#1] SMP` → error code and die counter. */
  oopsCode?: string;
  dieCounter?: number;
  /** `kernel BUG at file:line` / `WARNING: … at file:line`. */
  location?: string;
  /** Faulting address for NULL-dereference and paging-request reports. */
  faultAddress?: string;
  cpu?: number;
  pid?: number;
  comm?: string;
  kernelRelease?: string;
  taint?: TaintInfo;
  hardware?: string;
  /** The instruction pointer as printed (RIP/EIP/pc/PC is at/NIP/PSW), symbolised when the kernel did. */
  ip?: string;
  arch?: Arch;
  /** Register name → value as printed. */
  registers?: Record<string, string>;
  callTrace?: KernelFrame[];
  modules?: string[];
  /** Hung task: seconds blocked; soft lockup: seconds stuck. */
  seconds?: number;
  /** Seconds since boot of the header line, when the line carries a dmesg stamp. */
  bootSecs?: number;
  /** Which sanitizer/checker printed a `kasan` incident (kasan, ubsan, lockdep, kmemleak, kcsan, kfence). */
  checker?: string;
  /** Block device, filesystem or server named by io-error/fs-error/nfs/netdev reports. */
  device?: string;
  sector?: number;
  /** MCE bank/status as printed. */
  mce?: string;
}

/** x86 page-fault error code bits as printed by `segfault at … error E`. */
export interface FaultErrorBits {
  code: number;
  /** Plain-language reading, e.g. ["user-mode", "read", "page not present"]. */
  meaning: string[];
}

export interface SegfaultDetails {
  comm: string;
  pid: number;
  /** `segfault` or, for traps, the trap name (`general protection fault`, `divide error`, `invalid opcode`…). */
  what: string;
  faultAddress?: string;
  ip: string;
  sp?: string;
  error?: FaultErrorBits;
  /** The mapping named after `in`: library or executable, its base and size. */
  object?: string;
  base?: string;
  mappingSize?: string;
  /** ip − base, hex. */
  offset?: string;
  /** The command to run on a machine with the same binaries. */
  addr2line?: string;
  /** How the addr2line address was chosen (inferred). */
  addr2lineNote?: string;
  cpu?: number;
}

export interface SignalInfo {
  name: string;
  /** x86/ARM/most numbering. */
  number: number | null;
  alphaSparc: number | null;
  mips: number | null;
  /** Default action: terminate, ignore, core (terminate and dump core), stop, continue. */
  action: 'term' | 'ign' | 'core' | 'stop' | 'cont';
  /** SIGKILL and SIGSTOP cannot be caught, blocked or ignored. */
  uncatchable: boolean;
  dumpsCore: boolean;
  meaning: { en: string; zh: string };
}

export interface DeathDetails {
  unit?: string;
  comm?: string;
  pid?: number;
  container?: string;
  /** How the process ended as printed: `code=killed, status=9/KILL`, `exitCode=137`, `OOMKilled`. */
  printed: string;
  signal?: SignalInfo;
  exitStatus?: number;
  /** Why systemd or the runtime said it failed (`oom-kill`, `core-dump`, `signal`, `exit-code`). */
  result?: string;
  /** True when the death is attributed to the OOM killer. */
  oomKill?: boolean;
  /** The kernel `Killed process` / `invoked oom-killer` line this death links to, when found. */
  oomEvidence?: Evidence;
  /** The core artefact this death links to, when the archive has it. */
  coreArtefact?: string;
  /** Restart loops: restarts seen. */
  restarts?: number;
  /** How a value was obtained when it was not printed (e.g. exit 137 read as 128+9). */
  inferred?: string;
}

export interface FloodDetails {
  message: string;
  program?: string;
  host?: string;
  /** Messages per minute over the span (null when the span is 0 or unknown). */
  perMinute: number | null;
  /** Median seconds between two messages. */
  medianIntervalSecs: number | null;
  spanSecs: number | null;
  /** Repeats reported by the syslog daemon (`message repeated N times`) included in count. */
  repeatedReported: number;
  /**
   * The message with its numbers (decimal and hex words: pids, ports, addresses, timestamps)
   * replaced by `#`: floods of texts that differ only there are one incident. Absent in
   * analyses made before ANALYSIS_VERSION 5.
   */
  template?: string;
  /** How many distinct texts of the template flooded (1 when every repeat was identical). */
  variants?: number;
  /**
   * Bursts: a pause of an hour or more ends one, and the same message later starts another
   * (first and last kept when there are many). Absent when the flood is a single burst.
   */
  bursts?: FloodBurst[];
  /** How many bursts there were in all (bursts[] may hold only the first and last ones). */
  burstCount?: number;
}

/** One uninterrupted run of a flooding message. */
export interface FloodBurst {
  firstTs: number | null;
  lastTs: number | null;
  count: number;
  spanSecs: number | null;
  /** Messages per minute over this burst's span (null when it is 0 or unknown). */
  perMinute: number | null;
  first: Evidence;
  last: Evidence;
  /** The text of this burst when it differs from the incident's message (a variant of the template). */
  message?: string;
}

export interface LogLossDetails {
  /** Who lost messages: journald forwarding, journald rate limit, rsyslog imuxsock/imjournal, printk. */
  reporter: string;
  /** Sum of the N printed on the lines (messages missed/suppressed/dropped). */
  lost: number;
}

export type IncidentDetails =
  | ({ type: 'kernel' } & KernelBlockDetails)
  | ({ type: 'segfault' } & SegfaultDetails)
  | ({ type: 'death' } & DeathDetails)
  | ({ type: 'flood' } & FloodDetails)
  | ({ type: 'log-loss' } & LogLossDetails);

export interface Incident {
  kind: IncidentKind;
  /** UTC ms of the first occurrence (null when its line carries no usable time). */
  ts: number | null;
  /** Source path of the first occurrence. */
  source: string;
  /** The header line of the first occurrence. */
  line: Evidence;
  /** Groups repeats: kind plus the first meaningful frames or the normalised headline. */
  signature: string;
  count: number;
  firstTs: number | null;
  lastTs: number | null;
  /** One line in English saying what happened. */
  summary: string;
  /** Every line of the first occurrence's block. */
  lines: Evidence[];
  /**
   * The header line of every occurrence (first included) — or, when there were more than the
   * analysis keeps, the first and the last ones: then occurrencesTruncated is true and
   * occurrencesTotal says how many there were (`count` may be larger still: a flood counts
   * messages, its occurrences are its bursts).
   */
  occurrences: Evidence[];
  occurrencesTruncated?: boolean;
  occurrencesTotal?: number;
  details: IncidentDetails;
}

// ---------------------------------------------------------------------------------------------
// Crash artefacts

export type CrashArtefactKind =
  | 'kdump-dir'
  | 'vmcore'
  | 'vmcore-dmesg'
  | 'coredump'
  | 'apport'
  | 'abrt'
  | 'core-file'
  | 'crash-session'
  | 'gdb-backtrace';

export type CrashMissingCode =
  | 'no-vmcore' // a dmesg file but no vmcore (param: the dmesg file's name)
  | 'no-vmcore-no-dmesg'
  | 'vmcore-incomplete'
  | 'creation-failed' // param: vmcore-creation.status text
  | 'no-vmcore-dmesg'
  | 'core-empty'
  | 'coredumpctl-missing'
  | 'coredumpctl-storage' // param: the Storage: value
  | 'apport-no-core'
  | 'abrt-no-core'
  | 'journal-core-saved' // param: the path the core was saved to on the machine
  | 'journal-core-elsewhere';

export interface CrashMissing {
  code: CrashMissingCode;
  param?: string;
  text: string;
}

export interface CrashArtefact {
  kind: CrashArtefactKind;
  /** Path inside the archive. */
  path: string;
  /** UTC ms or local wall-clock time of the crash, when known. */
  ts: number | null;
  /** How ts was obtained, e.g. "from the directory name (local time, zone unknown)". */
  tsNote?: string;
  /** Local wall-clock time as printed, `YYYY-MM-DD HH:MM:SS`, when the source has no zone. */
  localTime?: string;
  summary: string;
  executable?: string;
  pid?: number;
  uid?: number;
  signal?: SignalInfo;
  /** vmcore/core presence: `complete`, `incomplete`, `missing`, `present`, `unknown`. */
  completeness?: 'complete' | 'incomplete' | 'missing' | 'present' | 'truncated' | 'unknown';
  sizeBytes?: number;
  /** Files of a kdump directory as listed. */
  files?: string[];
  /** Kernel panic reason found in the artefact (vmcore-dmesg, crash `sys`). */
  panicReason?: string;
  /** Frames of the crashing thread (function names). */
  frames?: string[];
  fields?: Record<string, string>;
  /** What the artefact should hold and does not: a code the UI translates, its parameter, and the English sentence. */
  missing?: CrashMissing[];
  /** The boot the crash happened in (matched by time to `boots[]`), when one matches. */
  boot?: { index: number; start: string } | null;
  /** The incidents this artefact explains or belongs to (same dump directory, same pid, a panic just before). */
  explains?: { kind: IncidentKind; signature: string; line: Evidence }[];
  evidence: Evidence[];
}

// ---------------------------------------------------------------------------------------------
// System facts and recommendations

export interface Bilingual {
  en: string;
  zh: string;
}

/** Facts that are sysctl keys, shown under their own names. */
export const SYSCTL_FACT_KEYS = [
  'vm.panic_on_oom',
  'vm.overcommit_memory',
  'vm.overcommit_ratio',
  'vm.oom_kill_allocating_task',
  'vm.oom_dump_tasks',
  'kernel.panic',
  'kernel.panic_on_oops',
  'kernel.hung_task_panic',
  'kernel.hung_task_timeout_secs',
  'kernel.softlockup_panic',
  'kernel.core_pattern',
  'kernel.core_uses_pid',
  'kernel.tainted',
] as const;

/** Facts gathered from several files, which the UI labels in words. */
export const DERIVED_FACT_KEYS = [
  'swap',
  'core-size-limit',
  'kdump',
  'crashkernel',
  'kexec_crash_loaded',
  'pstore',
  'kernel-release',
] as const;

export type SystemFactKey = (typeof SYSCTL_FACT_KEYS)[number] | (typeof DERIVED_FACT_KEYS)[number];

export interface SystemFact {
  key: SystemFactKey;
  /** The value as found (trimmed), or null when the archive does not have it. */
  value: string | null;
  known: boolean;
  /** Plain-language reading of the value; for unknown facts "unknown (not in the archive)". */
  meaning: Bilingual;
  /** Where it came from (`sysctl -a`, `proc/sys/vm/panic_on_oom`, `proc/meminfo`, `OOM report`…). */
  from?: string;
  /** True when the value was inferred rather than read (e.g. swap from an OOM report). */
  inferred?: boolean;
  evidence: Evidence[];
}

export interface Recommendation {
  id: string;
  severity: 'info' | 'warning' | 'important';
  title: Bilingual;
  text: Bilingual;
  /** The fact keys and incident kinds this recommendation follows from. */
  because: string[];
  evidence: Evidence[];
}

export interface SystemReport {
  facts: SystemFact[];
  recommendations: Recommendation[];
}
