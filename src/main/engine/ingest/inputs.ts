/**
 * Turns what the engineer opened (a folder, files, a tar / tar.gz / tgz archive, a .gz file)
 * into a stream of entries, each readable once as a byte stream. Nothing is extracted to
 * disk: archive members are read in place (ARCHITECTURE decision 2 and 5).
 */
import { createReadStream as fsReadStream } from 'node:fs';
import { lstat, opendir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import * as tar from 'tar-stream';

export interface InputEntry {
  /** Member path inside the input, POSIX separators, never absolute, never containing `..`. */
  path: string;
  /** Size in bytes as stored (compressed size for a .gz member), when known. */
  size: number;
  mtimeMs: number | null;
  /** The bytes, decompressed when the member is gzip. Must be consumed or destroyed. */
  stream: Readable;
  /**
   * For a gzip member: the MTIME of its gzip header (the compressed file's time), filled in
   * as soon as the first compressed bytes pass, i.e. before the first decompressed byte.
   * null when the header says 0 (no time stored).
   */
  gzip?: { mtimeMs: number | null };
}

/** An entry that cannot be read, with the reason; the walk carries on. */
export interface InputProblem {
  path: string;
  size: number;
  mtimeMs: number | null;
  /** `skipped` for what is deliberately not read (links, devices); `error` for damage. */
  level: 'skipped' | 'error';
  reason: string;
}

function problem(
  path: string,
  level: InputProblem['level'],
  reason: string,
  size = 0,
  mtimeMs: number | null = null,
): WalkItem {
  return { kind: 'problem', problem: { path, size, mtimeMs, level, reason } };
}

export type WalkItem = { kind: 'entry'; entry: InputEntry } | { kind: 'problem'; problem: InputProblem };

// Large reads: the per-chunk overhead (and the number of transactions) falls with chunk size.
const createReadStream = (file: string) => fsReadStream(file, { highWaterMark: 1 << 20 });

const TAR_NAMES = /\.(tar|tar\.gz|tgz)$/i;

export function isTarName(name: string): boolean {
  return TAR_NAMES.test(name);
}

/** Makes an archive member path safe to record: no leading `/`, no `..`, no empty segments. */
export function safeMemberPath(raw: string): { path: string; note: string | null } {
  const segments = raw.replace(/\\/g, '/').split('/');
  const kept: string[] = [];
  let note: string | null = null;
  for (const s of segments) {
    if (s === '' || s === '.') continue;
    if (s === '..') {
      note = `member path ${JSON.stringify(raw)} climbs out of the archive with ".."; recorded without it`;
      continue;
    }
    kept.push(s);
  }
  if (raw.startsWith('/') && !note) note = `absolute member path ${JSON.stringify(raw)} recorded relative`;
  return { path: kept.join('/'), note };
}

/** MTIME of a gzip member header (RFC 1952: bytes 4–7, little-endian seconds), null when 0 or not gzip. */
export function gzipHeaderMtime(head: Uint8Array): number | null {
  if (head.length < 8 || head[0] !== 0x1f || head[1] !== 0x8b) return null;
  const secs = (head[4]! | (head[5]! << 8) | (head[6]! << 16)) + head[7]! * 0x1000000;
  return secs === 0 ? null : secs * 1000;
}

function gunzipIfNeeded(name: string, stream: Readable): Pick<InputEntry, 'stream' | 'gzip'> {
  if (!/\.gz$/i.test(name)) return { stream };
  const gunzip = createGunzip();
  const gzip: { mtimeMs: number | null } = { mtimeMs: null };
  let head: Buffer | null = Buffer.alloc(0);
  const peek = (chunk: Buffer): void => {
    head = Buffer.concat([head!, chunk]);
    if (head.length < 8) return;
    gzip.mtimeMs = gzipHeaderMtime(head);
    head = null;
    stream.off('data', peek);
  };
  stream.on('error', (err) => gunzip.destroy(err));
  const out = stream.pipe(gunzip);
  stream.on('data', peek);
  return { stream: out, gzip };
}

/** Walks one input location on disk. */
export async function* walkInput(location: string): AsyncGenerator<WalkItem> {
  const st = await stat(location);
  if (st.isDirectory()) {
    yield* walkDirectory(location);
  } else if (isTarName(location)) {
    yield* walkTar(location);
  } else if (st.isFile()) {
    const name = path.basename(location);
    yield {
      kind: 'entry',
      entry: {
        path: name,
        size: st.size,
        mtimeMs: st.mtimeMs,
        ...gunzipIfNeeded(name, createReadStream(location)),
      },
    };
  } else {
    yield problem(path.basename(location), 'skipped', 'not a regular file, folder or archive');
  }
}

async function* walkDirectory(root: string): AsyncGenerator<WalkItem> {
  const realRoot = await realpath(root);
  const stack: string[] = [''];
  while (stack.length > 0) {
    const rel = stack.pop()!;
    const dir = await opendir(path.join(root, rel));
    const names: string[] = [];
    for await (const d of dir) names.push(d.name);
    names.sort();
    const subdirs: string[] = [];
    for (const name of names) {
      const relPath = rel ? `${rel}/${name}` : name;
      const abs = path.join(root, relPath);
      const ls = await lstat(abs);
      if (ls.isSymbolicLink()) {
        // Follow a link only when it stays inside the input folder: customer trees must not
        // make us read the engineer's own files.
        let target: string;
        try {
          target = await realpath(abs);
        } catch {
          yield problem(relPath, 'skipped', 'symbolic link to a missing target');
          continue;
        }
        if (target !== realRoot && !target.startsWith(realRoot + path.sep)) {
          yield problem(relPath, 'skipped', 'symbolic link pointing outside the input folder');
          continue;
        }
        const ts = await stat(target);
        if (ts.isDirectory()) {
          yield problem(
            relPath,
            'skipped',
            `symbolic link to folder ${path.relative(realRoot, target)}, read there`,
            0,
            null,
          );
          continue;
        }
        if (ts.isFile()) {
          yield {
            kind: 'entry',
            entry: {
              path: relPath,
              size: ts.size,
              mtimeMs: ts.mtimeMs,
              ...gunzipIfNeeded(name, createReadStream(target)),
            },
          };
        }
        continue;
      }
      if (ls.isDirectory()) subdirs.push(relPath);
      else if (ls.isFile()) {
        if (isTarName(name)) {
          yield problem(
            relPath,
            'skipped',
            'archive inside a folder: open it on its own (nested archives come with the full ingest engine)',
            ls.size,
            ls.mtimeMs,
          );
          continue;
        }
        yield {
          kind: 'entry',
          entry: {
            path: relPath,
            size: ls.size,
            mtimeMs: ls.mtimeMs,
            ...gunzipIfNeeded(name, createReadStream(abs)),
          },
        };
      } else {
        yield problem(relPath, 'skipped', 'device file, FIFO or socket');
      }
    }
    for (const d of subdirs.reverse()) stack.push(d);
  }
}

async function* walkTar(location: string): AsyncGenerator<WalkItem> {
  const extract = tar.extract();
  const file = createReadStream(location);
  const source: Readable = /\.(tar\.gz|tgz)$/i.test(location) ? file.pipe(createGunzip()) : file;
  source.on('error', (err: Error) => extract.destroy(err));
  file.on('error', (err) => extract.destroy(err));
  source.pipe(extract);
  try {
    for await (const entry of extract) {
      const member = entry as unknown as Readable & { header: tar.Header };
      const h = member.header;
      const { path: memberPath, note } = safeMemberPath(h.name);
      const mtimeMs = h.mtime ? h.mtime.getTime() : null;
      const size = h.size ?? 0;
      if (note) yield problem(memberPath, 'error', note, size, mtimeMs);
      if (h.type === 'file' || h.type === 'contiguous-file') {
        if (memberPath === '') {
          member.resume();
          continue;
        }
        yield {
          kind: 'entry',
          entry: { path: memberPath, size, mtimeMs, ...gunzipIfNeeded(memberPath, member) },
        };
        // The consumer reads the member; make sure it is drained before the next header.
        member.resume();
      } else {
        member.resume();
        if (h.type === 'directory') continue;
        const what =
          h.type === 'symlink' || h.type === 'link'
            ? `${h.type === 'symlink' ? 'symbolic' : 'hard'} link to ${JSON.stringify(h.linkname ?? '')} (its target is indexed under its own path)`
            : `${h.type} entry (not a regular file)`;
        yield problem(memberPath, 'skipped', what, size, mtimeMs);
      }
    }
  } catch (err) {
    yield problem(path.basename(location), 'error', `archive damaged: ${(err as Error).message}`);
  }
}
