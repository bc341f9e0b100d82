/**
 * Log rotation families: `syslog`, `syslog.1`, `syslog.2.gz`, `messages-20220607`,
 * `kern.log.3`, `secure-20220601.gz` belong together. Each source gets its family (the
 * live file's path) and its rotation index, newest = 0, so the viewer can group them and the
 * year inference can chain them (an older rotation ends before a newer one begins).
 */

export interface RotationName {
  /** The family: the live file's path (folder kept, rotation suffix and compression removed). */
  family: string;
  /** `live` (no suffix), `numbered` (`.N`, N is the index), `dated` (`-YYYYMMDD[HH…]`). */
  scheme: 'live' | 'numbered' | 'dated';
  /** For numbered: N; for dated: the date digits (ordered newest first by the caller). */
  key: number;
}

const COMPRESSION = /\.(gz|xz|bz2|zst|zstd|Z)$/;
/** Files that never rotate into a family (binary journals, the rotation's own state). */
const NOT_LOGS = /\.journal~?$|(?:^|\/)(?:logrotate\.status|wtmp\.db)$/;

/** Rotation suffixes are read only on logs: `libc.so.6` is not rotation 6 of `libc.so`. */
const LOGLIKE_DIR = /(?:^|\/)(?:log|logs|crash|audit)\/(?:[^/]+\/)*$/;
const LOGLIKE_NAME =
  /(?:\.log|^(?:messages|syslog|secure|maillog|cron|dmesg|kern|auth|daemon|debug|boot|spooler|wtmp|btmp|user|mail|warn|localmessages|journal))(?:$|[-_.])/i;

/** Splits a member path into its rotation family; null for names that do not look rotated or live. */
export function rotationOf(memberPath: string): RotationName | null {
  if (NOT_LOGS.test(memberPath)) return null;
  // Inside a nested archive the family stays inside that archive (`a.zip!/var/log/syslog`).
  const path = memberPath.replace(COMPRESSION, '');
  const slash = path.lastIndexOf('/');
  const dir = path.slice(0, slash + 1);
  const base = path.slice(slash + 1);
  if (base === '') return null;
  if (!LOGLIKE_DIR.test(dir) && !LOGLIKE_NAME.test(base)) return null;
  let m = /^(.+?)\.(\d{1,4})$/.exec(base);
  if (m && !/^\d+$/.test(m[1]!)) return { family: dir + m[1]!, scheme: 'numbered', key: Number(m[2]) };
  // dateext: -YYYYMMDD, optionally -YYYYMMDDHH or with seconds (dateformat -%Y%m%d%H%s).
  m = /^(.+?)[-_.]((?:19|20)\d{6}(?:\d{2,10})?)$/.exec(base);
  if (m) return { family: dir + m[1]!, scheme: 'dated', key: Number(m[2]!.slice(0, 14).padEnd(14, '0')) };
  return { family: dir + base, scheme: 'live', key: 0 };
}

export interface RotationAssignment {
  path: string;
  family: string;
  rotation: number;
}

/**
 * Rotation indices for a set of member paths (one input). A family exists only when at least
 * two members share it or a member is visibly rotated (`syslog.1` alone is still rotation 1).
 * Numbered rotations keep their number; dated ones are ranked newest first after the live file
 * and the numbered ones.
 */
export function assignRotations(paths: Iterable<string>): RotationAssignment[] {
  const families = new Map<string, Array<{ path: string; r: RotationName }>>();
  for (const p of paths) {
    const r = rotationOf(p);
    if (!r) continue;
    let list = families.get(r.family);
    if (!list) families.set(r.family, (list = []));
    list.push({ path: p, r });
  }
  const out: RotationAssignment[] = [];
  for (const [family, members] of families) {
    const rotated = members.some((m) => m.r.scheme !== 'live');
    if (!rotated) continue;
    const live = members.filter((m) => m.r.scheme === 'live');
    const numbered = members.filter((m) => m.r.scheme === 'numbered').sort((a, b) => a.r.key - b.r.key);
    const dated = members.filter((m) => m.r.scheme === 'dated').sort((a, b) => b.r.key - a.r.key);
    for (const m of live) out.push({ path: m.path, family, rotation: 0 });
    let maxNumbered = live.length > 0 ? 0 : -1;
    for (const m of numbered) {
      out.push({ path: m.path, family, rotation: m.r.key });
      maxNumbered = Math.max(maxNumbered, m.r.key);
    }
    dated.forEach((m, i) => out.push({ path: m.path, family, rotation: maxNumbered + 1 + i }));
  }
  return out;
}
