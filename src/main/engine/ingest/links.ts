/**
 * Links inside an archive, resolved inside that archive and never on disk: sosreport's
 * top-level `messages -> var/log/messages`, `var/log/messages -> ../../sos_strings/…tailed`,
 * `last -> sos_commands/login/last_-F`, tar hard links. A link to a file becomes one more path
 * of that file's source; a link to a folder is read there; a dangling link, one that climbs out
 * of its archive, or a loop is listed with the reason.
 */
import path from 'node:path';
import type { ArchiveLink } from './inputs';

export type LinkOutcome =
  | { kind: 'file'; path: string; target: string }
  | { kind: 'folder'; path: string; target: string }
  | { kind: 'unresolved'; path: string; reason: string };

const MAX_HOPS = 40;

class Unresolved extends Error {}

/**
 * Normalises `rel` (POSIX, may contain `..`) inside the archive whose members start with
 * `prefix`; throws when `..` climbs above the archive's root.
 */
function inside(prefix: string, rel: string, what: string): string {
  const out: string[] = [];
  for (const s of rel.split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..') {
      if (out.length === 0) throw new Unresolved(`${what} climbs out of the archive; not followed`);
      out.pop();
    } else out.push(s);
  }
  return prefix + out.join('/');
}

/**
 * Resolves every link of one input. `files` are the member paths read as files; `sosRoots`
 * the report roots (an absolute target `/etc/x` means `<root>etc/x` in a sosreport).
 */
export function resolveLinks(
  links: readonly ArchiveLink[],
  files: ReadonlySet<string>,
  sosRoots: readonly string[] = [],
): LinkOutcome[] {
  const byPath = new Map(links.map((l) => [l.path, l]));
  const folders = new Set<string>();
  // Folders: every parent of a file or of a link (a folder may hold only links).
  for (const f of [...files, ...byPath.keys()]) {
    let i = f.lastIndexOf('/');
    while (i > 0) {
      const dir = f.slice(0, i);
      if (folders.has(dir)) break;
      folders.add(dir);
      // A nested archive `x.tar.xz!` is reached by its own name too.
      if (dir.endsWith('!')) folders.add(dir.slice(0, -1));
      i = f.lastIndexOf('/', i - 1);
    }
  }

  const targetOf = (l: ArchiveLink): string => {
    const rel = l.path.slice(l.archivePrefix.length);
    const quoted = JSON.stringify(l.target);
    if (l.target === '') throw new Unresolved('link with an empty target');
    if (l.hard) return inside(l.archivePrefix, l.target, `hard link to ${quoted}`);
    if (l.target.startsWith('/')) {
      // In a sosreport, `/` is the report's root (the customer's file system was copied there).
      const root = sosRoots
        .filter((r) => r.startsWith(l.archivePrefix) && l.path.startsWith(r))
        .sort((a, b) => b.length - a.length)[0];
      const base = root ?? l.archivePrefix;
      return inside(base, l.target, `symbolic link to ${quoted}`);
    }
    const dir = path.posix.dirname(rel);
    return inside(
      l.archivePrefix,
      dir === '.' ? l.target : `${dir}/${l.target}`,
      `symbolic link to ${quoted}`,
    );
  };

  const canon = (p: string, hops: { n: number }): string => {
    const segs = p.split('/');
    let cur = '';
    for (const seg of segs) {
      const next = cur ? `${cur}/${seg}` : seg;
      const l = byPath.get(next);
      if (l) {
        if (++hops.n > MAX_HOPS)
          throw new Unresolved(`more than ${MAX_HOPS} links in a row (a loop); not followed`);
        cur = canon(targetOf(l), hops);
      } else cur = next;
    }
    return cur;
  };

  const out: LinkOutcome[] = [];
  for (const l of links) {
    const kind = l.hard ? 'hard link' : 'symbolic link';
    try {
      const resolved = canon(targetOf(l), { n: 0 });
      if (files.has(resolved)) out.push({ kind: 'file', path: l.path, target: resolved });
      else if (folders.has(resolved)) out.push({ kind: 'folder', path: l.path, target: resolved });
      else
        out.push({
          kind: 'unresolved',
          path: l.path,
          reason: `dangling ${kind} to ${JSON.stringify(l.target)}: ${resolved} is not in the archive`,
        });
    } catch (err) {
      if (!(err instanceof Unresolved)) throw err;
      out.push({
        kind: 'unresolved',
        path: l.path,
        reason: err.message.startsWith('more than')
          ? `${kind} to ${JSON.stringify(l.target)}: ${err.message}`
          : err.message,
      });
    }
  }
  return out;
}
