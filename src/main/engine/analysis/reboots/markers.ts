/**
 * Boot, shutdown and crash markers in log lines of any format. One line in, at most one marker
 * out; a cheap keyword prefilter skips the great majority of lines before any parsing. The
 * rules are data: a pattern over the peeled message (or the whole line), what it means, and how
 * much it weighs.
 */
import { evidenceOf, type Evidence, type RecordLine } from '../../../../shared/model/log';
import { kernelMessage, type KernelMessage } from '../kernel/message';
import { alternation } from '../words';
import { crashDirTime } from './crash-dirs';

export type MarkerKind =
  | 'kernel-banner' // Linux version …
  | 'kernel-cmdline' // Command line: …
  | 'kernel-time-zero' // dmesg [    0.000000]
  | 'kernel-boot-msg' // Initializing cgroup subsys …
  | 'syslog-start' // rsyslogd … start, syslogd 1.4.1: restart
  | 'systemd-startup' // systemd[1]: Startup finished
  | 'journal-boundary' // -- Reboot --, -- Boot <id> --
  | 'journal-boot-id' // _BOOT_ID changes in JSON/export
  | 'list-boots' // journalctl --list-boots row
  | 'shutdown' // shutdown sequence lines
  | 'stopping' // systemd Stopping …; a storm of them is a shutdown
  | 'power-button' // ACPI power button pressed
  | 'panic' // Kernel panic - not syncing
  | 'hang' // hung task, soft/hard lockup, RCU stall
  | 'kdump' // saving vmcore, /var/crash/<stamp>/
  | 'kdump-kernel'; // the capture kernel booting (elfcorehdr= on its command line)

/**
 * - `boot`: the machine started
 * - `end-clean`: part of an orderly shutdown
 * - `end-crash`: the kernel died (panic) or a capture kernel ran
 * - `crash-after`: written after a crash about it (vmcore saved)
 * - `hint`: context for the ending (hang signatures, power button, Stopping …)
 */
export type MarkerRole = 'boot' | 'end-clean' | 'end-crash' | 'crash-after' | 'hint';
export type MarkerStrength = 'strong' | 'medium' | 'weak';

export interface BootMarker {
  kind: MarkerKind;
  role: MarkerRole;
  strength: MarkerStrength;
  /** UTC ms of the line (for journal boundaries, of the first timed line after it). */
  ts: number | null;
  /** The time the marker speaks about when it differs from the line's (crash directory stamp, list-boots first entry). */
  refTs: number | null;
  /** Written by the running system: a sign of life. A capture kernel's lines are not. */
  life: boolean;
  evidence: Evidence & { what: string };
  text: string;
  kernel?: string;
  commandLine?: string;
  bootId?: string;
  /** Quality of the line's time (exact, year-inferred, ...). */
  tsQuality: RecordLine['tsQuality'];
  /** Journal boundaries: UTC ms of the line before, so the boot started after it. */
  afterTs?: number | null;
  /** list-boots: UTC ms of the boot's last journal entry. */
  lastEntryTs?: number | null;
}

interface Rule {
  kind: MarkerKind;
  role: MarkerRole;
  strength: MarkerStrength;
  /** Kernel messages only (after the prefixes are peeled). */
  kernel?: boolean;
  /** Tested against the peeled message; `onLine` rules test the whole line. */
  re: RegExp;
  onLine?: boolean;
  what: string;
  life?: boolean;
}

const RULES: readonly Rule[] = [
  {
    kind: 'kernel-banner',
    role: 'boot',
    strength: 'strong',
    kernel: true,
    re: /^Linux version (\S+)/,
    what: 'kernel banner',
  },
  {
    kind: 'kernel-cmdline',
    role: 'boot',
    strength: 'strong',
    kernel: true,
    re: /^(?:Kernel )?[Cc]ommand line: ?(.*)$/,
    what: 'kernel command line',
  },
  {
    kind: 'kernel-boot-msg',
    role: 'boot',
    strength: 'medium',
    kernel: true,
    re: /^Initializing cgroup subsys \w+/,
    what: 'kernel boot message (cgroup init)',
  },
  // panic and hang texts are distinctive enough to trust without a kernel prefix (bare oops dumps)
  {
    kind: 'panic',
    role: 'end-crash',
    strength: 'strong',
    re: /^Kernel panic - not syncing/,
    what: 'kernel panic',
  },
  {
    kind: 'hang',
    role: 'hint',
    strength: 'medium',
    re: /^INFO: task .+ blocked for more than \d+ seconds/,
    what: 'hung task',
  },
  {
    kind: 'hang',
    role: 'hint',
    strength: 'medium',
    re: /(?:soft|hard) lockup|self-detected stall|detected stalls? on CPU/i,
    what: 'lockup or RCU stall',
  },
  {
    kind: 'shutdown',
    role: 'end-clean',
    strength: 'strong',
    kernel: true,
    re: /^reboot: (?:Restarting system|Power down|System halted)|^(?:Restarting system|Power down|System halted)\.?$/,
    what: 'kernel restart/power-off',
  },
  {
    kind: 'syslog-start',
    role: 'boot',
    strength: 'weak',
    re: /\[origin software="rsyslogd"[^\]]*\] start\s*$/,
    onLine: true,
    what: 'rsyslogd start',
  },
  {
    kind: 'syslog-start',
    role: 'boot',
    strength: 'weak',
    re: /\bsyslogd [\d.]+: restart/,
    onLine: true,
    what: 'syslogd restart',
  },
  {
    kind: 'shutdown',
    role: 'end-clean',
    strength: 'medium',
    re: /\[origin software="rsyslogd"[^\]]*\] exiting on signal 15/,
    onLine: true,
    what: 'rsyslogd exiting on signal 15',
  },
  {
    kind: 'shutdown',
    role: 'end-clean',
    strength: 'strong',
    re: /^Reached target (?:System )?(?:Shutdown|Power-Off|Power Off|Reboot|Halt|Kexec|Final Step)\b/,
    what: 'systemd reached a shutdown target',
  },
  {
    kind: 'shutdown',
    role: 'end-clean',
    strength: 'strong',
    re: /systemd-shutdown(?:\[\d+\])?: /,
    onLine: true,
    what: 'systemd-shutdown',
  },
  {
    kind: 'shutdown',
    role: 'end-clean',
    strength: 'strong',
    re: /^(?:Shutting down\.|System is (?:rebooting|powering down|halting)\.?|Powering off\.|Rebooting\.)$/,
    what: 'shutdown announced',
  },
  {
    kind: 'shutdown',
    role: 'end-clean',
    strength: 'strong',
    re: /shutting down for system (?:reboot|halt|poweroff)/,
    onLine: true,
    what: 'shutdown command',
  },
  {
    kind: 'shutdown',
    role: 'end-clean',
    strength: 'medium',
    re: /^Journal stopped$/,
    what: 'journald stopped',
  },
  { kind: 'stopping', role: 'hint', strength: 'weak', re: /^Stopping .+/, what: 'systemd stopping a unit' },
  {
    kind: 'power-button',
    role: 'hint',
    strength: 'medium',
    re: /Power key pressed|button\/power|Power button pressed/i,
    onLine: true,
    what: 'power button pressed',
  },
  {
    kind: 'systemd-startup',
    role: 'boot',
    strength: 'medium',
    re: /^Startup finished in /,
    what: 'systemd startup finished',
  },
  {
    kind: 'journal-boundary',
    role: 'boot',
    strength: 'medium',
    re: /^-- (?:Reboot|Boot ([0-9a-f]{32})) --$/,
    onLine: true,
    what: 'journal boot boundary',
  },
  {
    kind: 'kdump',
    role: 'crash-after',
    strength: 'strong',
    re: /kdump[\w-]*(?:\[\d+\])?: .*(?:sav(?:ing|ed) (?:the )?vmcore|vmcore saved|saving to )/i,
    onLine: true,
    what: 'kdump saved a vmcore',
    life: false,
  },
];

// One pass over the line for every keyword the rules need. Cheap substrings only.
export const BOOT_MARKER_KEYWORDS = [
  'Linux version',
  'ommand line',
  '0.000000]',
  'cgroup subsys',
  'syslogd',
  'Startup finished',
  '-- Reboot',
  '-- Boot ',
  'Reached target',
  'systemd-shutdown',
  'Journal stopped',
  'hutting down',
  'Stopping ',
  'Power key',
  'button/power',
  'ower button',
  'panic',
  'blocked for more',
  'lockup',
  'stall',
  'kdump',
  'var/crash/',
  'Restarting system',
  'Power down',
  'System halted',
  'System is ',
  'Powering off',
  'Rebooting',
];
const PREFILTER = alternation(BOOT_MARKER_KEYWORDS);

const LIST_BOOTS =
  /^\s*(-?\d+) ([0-9a-f]{32}) (?:\w{3} )?(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(?: (\S+))?\s*(?:—|–|-|\s)\s*(?:\w{3} )?(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(?: (\S+))?\s*$/;

function zoneOffsetMin(zone: string | undefined): number | null {
  if (zone === undefined || zone === 'UTC' || zone === 'GMT' || zone === 'Z') return 0;
  const m = /^([+-])(\d\d):?(\d\d)$/.exec(zone);
  if (!m) return null;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

function journalTime(s: string, zone: string | undefined): number {
  const ms = Date.parse(`${s.replace(' ', 'T')}Z`);
  return ms - (zoneOffsetMin(zone) ?? 0) * 60_000;
}

/** A `journalctl --list-boots` row as a boot marker (first entry as the start, last entry as a sign of life). */
export function listBootsMarker(line: RecordLine): BootMarker | null {
  if (!line.text.includes(':')) return null;
  const m = LIST_BOOTS.exec(line.text);
  if (!m) return null;
  const first = journalTime(m[3] ?? '', m[4]);
  const last = journalTime(m[5] ?? '', m[6]);
  const known = zoneOffsetMin(m[4]) !== null;
  return {
    kind: 'list-boots',
    role: 'boot',
    strength: 'strong',
    ts: first,
    refTs: first,
    tsQuality: known ? 'exact' : 'zone-assumed',
    life: true,
    evidence: evidenceOf(
      line,
      `journal boot ${m[1]} (${m[2]})${known ? '' : `, zone ${m[4]} taken as UTC`}`,
    ) as Evidence & { what: string },
    text: line.text,
    bootId: m[2],
    lastEntryTs: last,
  };
}

function ev(line: RecordLine, what: string): Evidence & { what: string } {
  return evidenceOf(line, what) as Evidence & { what: string };
}

function make(line: RecordLine, rule: Rule, extra: Partial<BootMarker> = {}): BootMarker {
  return {
    kind: rule.kind,
    role: rule.role,
    strength: rule.strength,
    ts: line.ts,
    refTs: null,
    tsQuality: line.tsQuality,
    life: rule.life ?? true,
    evidence: ev(line, rule.what),
    text: line.text,
    ...extra,
  };
}

// A pid other than 1 on "Startup finished" is a user manager, not the boot.
function systemdPidOk(line: RecordLine, km: KernelMessage): boolean {
  if (km.program !== undefined && !km.program.startsWith('systemd')) return false;
  if (line.pid !== undefined) return line.pid === 1;
  const m = /systemd\[(\d+)\]:/.exec(line.text);
  return m === null || m[1] === '1';
}

/**
 * The boot/shutdown/crash marker a line carries, or null. Never throws. `mayHaveKeyword`
 * false: the pass's keyword gate (analysis/keywords.ts) found none of PREFILTER's words.
 */
export function detectBootMarker(line: RecordLine, mayHaveKeyword = true): BootMarker | null {
  const text = line.text;
  if (!mayHaveKeyword || !PREFILTER.test(text)) return null;
  // a journal reader may already have split the header: its message is the better input
  const km = kernelMessage(line.message ?? text);
  if (line.program !== undefined) {
    km.program ??= line.program;
    if (line.program === 'kernel') km.isKernel = true;
  }
  const msg = km.message;
  for (const rule of RULES) {
    if (rule.kernel && !km.isKernel) continue;
    const m = rule.re.exec(rule.onLine ? text : msg);
    if (!m) continue;
    switch (rule.kind) {
      case 'kernel-banner':
        return make(line, rule, { kernel: m[1] });
      case 'kernel-cmdline': {
        const cmdline = (m[1] ?? '').trim();
        if (/\belfcorehdr=/.test(cmdline)) {
          return make(
            line,
            {
              ...rule,
              kind: 'kdump-kernel',
              role: 'end-crash',
              what: 'capture kernel booting (elfcorehdr=)',
              life: false,
            },
            { commandLine: cmdline },
          );
        }
        return make(line, rule, { commandLine: cmdline });
      }
      case 'systemd-startup':
        if (!systemdPidOk(line, km)) continue;
        return make(line, rule);
      case 'stopping':
        if (km.program === undefined || !km.program.startsWith('systemd')) continue;
        if (!systemdPidOk(line, km)) continue;
        return make(line, rule);
      case 'shutdown':
        // user managers (systemd[1234]) reach their own shutdown.target at every logout
        if (km.program === 'systemd' && !systemdPidOk(line, km)) continue;
        return make(line, rule);
      case 'journal-boundary':
        return make(line, rule, m[1] ? { bootId: m[1] } : {});
      default:
        return make(line, rule);
    }
  }
  if (km.isKernel && km.bootSecs === 0 && msg.trim() !== '') {
    return make(line, {
      kind: 'kernel-time-zero',
      role: 'boot',
      strength: 'strong',
      re: /$/,
      what: 'dmesg time 0.000000',
    });
  }
  if (text.includes('var/crash/')) {
    const dir = crashDirTime(text);
    if (dir) {
      return make(
        line,
        {
          kind: 'kdump',
          role: 'crash-after',
          strength: 'strong',
          re: /$/,
          what: `crash directory ${dir.dir}`,
          life: false,
        },
        { refTs: dir.ts },
      );
    }
  }
  return null;
}
