/**
 * Names of crash artefacts: kdump directories (RHEL `/var/crash/<ip>-<YYYY-MM-DD-HH:MM:SS>/`,
 * Ubuntu `/var/crash/<YYYYMMDDHHMM>/`), the files in them, and core files named by
 * `kernel.core_pattern` (%e %p %P %u %g %s %t %h %E %c) and `core_uses_pid`.
 */

export interface KdumpDirName {
  flavour: 'rhel' | 'ubuntu';
  /** Host address for RHEL directories. */
  host?: string;
  /** Local wall-clock time of the crash, `YYYY-MM-DD HH:MM[:SS]` (the machine's zone, not stated). */
  localTime: string;
}

const RHEL = /^(?<host>[\w.:-]+?)-(?<y>\d{4})-(?<mo>\d\d)-(?<d>\d\d)-(?<h>\d\d):(?<mi>\d\d):(?<s>\d\d)$/;
const UBUNTU = /^(?<y>\d{4})(?<mo>\d\d)(?<d>\d\d)(?<h>\d\d)(?<mi>\d\d)$/;

export function parseKdumpDirName(name: string): KdumpDirName | null {
  let m = RHEL.exec(name);
  if (m?.groups) {
    const g = m.groups;
    return { flavour: 'rhel', host: g.host!, localTime: `${g.y}-${g.mo}-${g.d} ${g.h}:${g.mi}:${g.s}` };
  }
  m = UBUNTU.exec(name);
  if (m?.groups) {
    const g = m.groups;
    if (Number(g.mo) < 1 || Number(g.mo) > 12 || Number(g.d) < 1 || Number(g.d) > 31) return null;
    return { flavour: 'ubuntu', localTime: `${g.y}-${g.mo}-${g.d} ${g.h}:${g.mi}` };
  }
  return null;
}

export type KdumpFileRole =
  | 'vmcore'
  | 'vmcore-incomplete'
  | 'vmcore-flat'
  | 'vmcore-dmesg'
  | 'vmcore-dmesg-incomplete'
  | 'kexec-dmesg'
  | 'creation-status'
  | 'ubuntu-dmesg'
  | 'ubuntu-dump'
  | 'other';

export function kdumpFileRole(file: string): KdumpFileRole {
  if (file === 'vmcore') return 'vmcore';
  if (file === 'vmcore-incomplete') return 'vmcore-incomplete';
  if (file === 'vmcore.flat') return 'vmcore-flat';
  if (file === 'vmcore-dmesg.txt') return 'vmcore-dmesg';
  if (file === 'vmcore-dmesg-incomplete.txt') return 'vmcore-dmesg-incomplete';
  if (file === 'kexec-dmesg.log') return 'kexec-dmesg';
  if (file === 'vmcore-creation.status') return 'creation-status';
  if (/^dmesg\.\d{12}$/.test(file)) return 'ubuntu-dmesg';
  if (/^dump\.\d{12}$/.test(file)) return 'ubuntu-dump';
  return 'other';
}

export interface CoreNameFields {
  exe?: string;
  pid?: number;
  globalPid?: number;
  uid?: number;
  gid?: number;
  signal?: number;
  /** %t: seconds since the epoch (UTC). */
  epochSecs?: number;
  host?: string;
  /** %E: the executable path with `/` written as `!`. */
  exePath?: string;
  coreLimit?: number;
}

const SPEC: Record<string, { re: string; field: keyof CoreNameFields; numeric: boolean }> = {
  e: { re: '(.+?)', field: 'exe', numeric: false },
  p: { re: '(\\d+)', field: 'pid', numeric: true },
  P: { re: '(\\d+)', field: 'globalPid', numeric: true },
  u: { re: '(\\d+)', field: 'uid', numeric: true },
  g: { re: '(\\d+)', field: 'gid', numeric: true },
  s: { re: '(\\d+)', field: 'signal', numeric: true },
  t: { re: '(\\d+)', field: 'epochSecs', numeric: true },
  h: { re: '(.+?)', field: 'host', numeric: false },
  E: { re: '(.+?)', field: 'exePath', numeric: false },
  c: { re: '(\\d+|unlimited)', field: 'coreLimit', numeric: true },
};

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Matches a core file name against `kernel.core_pattern` (its last path component). A pattern
 * starting with `|` pipes cores to a helper (systemd-coredump, apport, abrt): no file name to match.
 * With a plain pattern and `core_uses_pid=1` and no %p, the kernel appends `.PID`.
 */
export function decodeCoreName(
  fileName: string,
  corePattern: string,
  coreUsesPid: boolean,
): CoreNameFields | null {
  if (corePattern.startsWith('|')) return null;
  const last = corePattern.split('/').pop() ?? corePattern;
  const fields: (keyof CoreNameFields)[] = [];
  let re = '^';
  for (let i = 0; i < last.length; i++) {
    const ch = last[i]!;
    if (ch === '%' && i + 1 < last.length) {
      const spec = last[++i]!;
      if (spec === '%') {
        re += '%';
        continue;
      }
      const s = SPEC[spec];
      if (s) {
        re += s.re;
        fields.push(s.field);
      } else {
        re += '.*?';
      }
      continue;
    }
    re += escapeRe(ch);
  }
  if (coreUsesPid && !last.includes('%p')) {
    re += '\\.(\\d+)';
    fields.push('pid');
  }
  const m = new RegExp(`${re}$`).exec(fileName);
  if (!m) return null;
  const out: CoreNameFields = {};
  fields.forEach((f, idx) => {
    const v = m[idx + 1]!;
    const spec = Object.values(SPEC).find((s) => s.field === f);
    if (f === 'coreLimit' && v === 'unlimited') return;
    if (spec?.numeric || f === 'pid') (out as Record<string, number | string>)[f] = Number(v);
    else (out as Record<string, number | string>)[f] = f === 'exePath' ? v.replace(/!/g, '/') : v;
  });
  return out;
}
