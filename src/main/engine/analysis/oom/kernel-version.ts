/** The kernel release printed on the dump_stack line, as numbers and a distro tag. */

export interface KernelVersion {
  major: number;
  minor: number;
  patch: number;
  /** `el6`, `el7`, `el8`, … for Red Hat family builds (they backport OOM code). */
  rhel: number | null;
  text: string;
}

export function parseKernelVersion(text: string | null): KernelVersion | null {
  if (!text) return null;
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  if (!m) return null;
  const el = /\.el(\d+)/.exec(text);
  return {
    major: Number(m[1]),
    minor: Number(m[2]),
    patch: Number(m[3] ?? 0),
    rhel: el ? Number(el[1]) : null,
    text,
  };
}

/** a ≥ b, comparing major.minor(.patch). */
export function atLeast(v: KernelVersion, major: number, minor: number, patch = 0): boolean {
  if (v.major !== major) return v.major > major;
  if (v.minor !== minor) return v.minor > minor;
  return v.patch >= patch;
}
