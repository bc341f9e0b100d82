/**
 * `sysctl -a` output (`key = value`, one per line; permission errors interleaved) and the
 * one-value files under proc/sys (`proc/sys/vm/panic_on_oom` → `vm.panic_on_oom`).
 */

export interface SysctlEntry {
  key: string;
  value: string;
  /** 1-based line in the file. */
  lineNo: number;
}

const LINE = /^([a-z0-9_][\w.\-/]*?)\s*=\s?(.*)$/i;

export function parseSysctl(text: string): SysctlEntry[] {
  const out: SysctlEntry[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.startsWith('sysctl:') || line.trim() === '' || line.startsWith('#') || line.startsWith(';'))
      return;
    const m = LINE.exec(line);
    if (m) out.push({ key: m[1]!.replace(/\//g, '.'), value: m[2]!.trim(), lineNo: i + 1 });
  });
  return out;
}

/** `proc/sys/vm/panic_on_oom` (any prefix before `proc/sys/`) → `vm.panic_on_oom`; null for other paths. */
export function sysctlKeyFromPath(path: string): string | null {
  const m = /(?:^|\/)proc\/sys\/(.+)$/.exec(path.replace(/\\/g, '/'));
  if (!m) return null;
  return m[1]!.replace(/\//g, '.');
}
