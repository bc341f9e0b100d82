/**
 * Turns what the engineer opened (a folder, files, archives) into a stream of entries, each
 * readable once as a byte stream. Nothing is extracted to disk: archive members are read in
 * place (ARCHITECTURE decisions 2 and 5). The one exception is a zip inside another archive:
 * zip is not streamable, so it is spooled to a temporary file in the case's folder (size
 * capped) and removed when read.
 *
 * Formats are recognised by their magic bytes, never by name: gzip, xz, bzip2, zstd (single
 * files or around a tar), tar and zip, nested up to `limits.maxDepth` archives deep. A member
 * of a nested archive is named `outer.zip!/sosreport-x.tar.xz!/var/log/messages`. Links inside
 * an archive are reported as `link` items and resolved inside the archive by the ingest once
 * the whole input is walked (a link may come before its target).
 */
import { createReadStream as fsReadStream, type ReadStream } from 'node:fs';
import { lstat, mkdir, open, opendir, realpath, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import {
  type ArchiveLimits,
  ArchiveLimitError,
  type ExpansionBudget,
  ExpansionGuard,
  decompress,
  formatBytes,
  gzipHeaderMtime,
  limitsWith,
  nameDisagreement,
  peek,
  sniffContainer,
  stripCompressionExt,
} from './containers';
import { zipMembers } from './zip';

export { gzipHeaderMtime } from './containers';

export interface InputEntry {
  /** Member path inside the input, POSIX separators, never absolute, never containing `..`. */
  path: string;
  /** Size in bytes as stored (compressed size for a compressed member), when known. */
  size: number;
  mtimeMs: number | null;
  /** The bytes, decompressed when the member is compressed. Must be consumed or destroyed. */
  stream: Readable;
  /**
   * For a gzip member: the MTIME of its gzip header (the compressed file's time). null when
   * the header says 0 (no time stored).
   */
  gzip?: { mtimeMs: number | null };
  /**
   * How the bytes were unpacked, outermost first (`xz-compressed (xz magic FD 37 …)`), and
   * where the name disagreed with the content. Empty for a plain file.
   */
  container?: string[];
}

/** An entry that cannot be read, with the reason; the walk carries on. */
export interface InputProblem {
  path: string;
  size: number;
  mtimeMs: number | null;
  /** `skipped` for what is deliberately not read (devices, encrypted members); `error` for damage and limits. */
  level: 'skipped' | 'error';
  reason: string;
}

/** A symbolic or hard link inside an archive, resolved by the ingest after the walk. */
export interface ArchiveLink {
  /** The link's own path (with the nesting prefix). */
  path: string;
  /** The target as stored in the archive. */
  target: string;
  hard: boolean;
  mtimeMs: number | null;
  /** Prefix of the archive holding the link (`` for the input, `a.zip!/` when nested). */
  archivePrefix: string;
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

export type WalkItem =
  | { kind: 'entry'; entry: InputEntry }
  | { kind: 'problem'; problem: InputProblem }
  | { kind: 'link'; link: ArchiveLink }
  /** Something worth a line in the ingest log that is not a source (an archive whose name lied). */
  | { kind: 'note'; path: string; message: string };

/** Bytes of the input files read from disk so far: the progress of a compressed input. */
export class DiskProgress {
  private done = 0;
  private readonly active = new Set<ReadStream>();
  track(s: ReadStream): ReadStream {
    this.active.add(s);
    s.once('close', () => {
      this.done += s.bytesRead;
      this.active.delete(s);
    });
    return s;
  }
  add(n: number): void {
    this.done += n;
  }
  get bytes(): number {
    let n = this.done;
    for (const s of this.active) n += s.bytesRead;
    return n;
  }
}

export interface WalkOptions {
  limits?: Partial<ArchiveLimits>;
  /** Folder for the temporary copy of a nested zip (inside the case's folder); removed after. */
  tempDir?: string;
  disk?: DiskProgress;
}

interface Ctx {
  limits: ArchiveLimits;
  tempDir: string;
  disk: DiskProgress;
  budget: ExpansionBudget;
  spools: number;
}

// Large reads: the per-chunk overhead (and the number of transactions) falls with chunk size.
function readStream(ctx: Ctx, file: string): ReadStream {
  return ctx.disk.track(fsReadStream(file, { highWaterMark: 1 << 20 }));
}

const HEAD = 512;

/** Kept for callers that ask by name; the walk itself goes by content. */
export function isTarName(name: string): boolean {
  return /\.(tar|tar\.gz|tgz|tar\.xz|txz|tar\.bz2|tbz2?|tar\.zst|tzst|zip)$/i.test(name);
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

/** Walks one input location on disk. */
export async function* walkInput(location: string, options: WalkOptions = {}): AsyncGenerator<WalkItem> {
  const ctx: Ctx = {
    limits: limitsWith(options.limits),
    // The ingest passes a folder inside the case's; never the customer's input folder.
    tempDir: options.tempDir ?? path.join(os.tmpdir(), `postmortem-nested-${process.pid}`),
    disk: options.disk ?? new DiskProgress(),
    budget: { used: 0 },
    spools: 0,
  };
  const st = await stat(location);
  if (st.isDirectory()) {
    yield* walkDirectory(location, ctx);
  } else if (st.isFile()) {
    yield* walkDiskFile(location, path.basename(location), st.size, st.mtimeMs, '', 0, ctx);
  } else {
    yield problem(path.basename(location), 'skipped', 'not a regular file, folder or archive');
  }
}

async function readHead(file: string): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(HEAD);
    const { bytesRead } = await fh.read(buf, 0, HEAD, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/**
 * A file on disk: a zip is read through its central directory; anything else as a stream.
 * `prefix` names its members when it is an archive (`` for an input, `x.tar!/` when nested).
 */
async function* walkDiskFile(
  file: string,
  memberPath: string,
  size: number,
  mtimeMs: number | null,
  prefix: string,
  depth: number,
  ctx: Ctx,
): AsyncGenerator<WalkItem> {
  let head: Buffer;
  try {
    head = await readHead(file);
  } catch (err) {
    yield problem(
      memberPath,
      'error',
      `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
    return;
  }
  const sniffed = sniffContainer(head);
  if (sniffed?.format === 'zip') {
    if (depth >= ctx.limits.maxDepth) {
      yield problem(memberPath, 'error', depthError(depth, ctx), size, mtimeMs);
      return;
    }
    const note = nameDisagreement(path.basename(memberPath), sniffed);
    if (note) yield { kind: 'note', path: memberPath, message: `format: ${note}` };
    yield* walkZipFile(file, memberPath, size, prefix, depth + 1, ctx, true);
    return;
  }
  yield* walkMember(
    {
      path: memberPath,
      size,
      mtimeMs,
      stream: readStream(ctx, file),
      prefix,
      depth,
      layers: 0,
      notes: [],
      name: path.basename(memberPath),
    },
    ctx,
  );
}

function depthError(depth: number, ctx: Ctx): string {
  return `archive nested ${depth + 1} deep, over the limit of ${ctx.limits.maxDepth} (limit maxDepth); not opened`;
}

interface Member {
  path: string;
  size: number;
  mtimeMs: number | null;
  stream: Readable | AsyncIterable<Uint8Array>;
  /** Prefix for its members if it turns out to be an archive. */
  prefix: string;
  /** Archives above it. */
  depth: number;
  /** Compression layers already removed. */
  layers: number;
  notes: string[];
  /** The name its content is compared with (the compression extension removed per layer). */
  name: string;
  gzip?: { mtimeMs: number | null };
  /** A tar member: abandoning its stream must not destroy it (that would end the whole tar). */
  inTar?: boolean;
}

/** One stream: unpack compression layers, open archives, or hand it out as an entry. */
async function* walkMember(m: Member, ctx: Ctx): AsyncGenerator<WalkItem> {
  const { head, stream } = await peek(
    m.stream as AsyncIterable<Uint8Array>,
    HEAD,
    m.inTar ? 'leave' : 'destroy',
  );
  const sniffed = sniffContainer(head);
  const disagreement = nameDisagreement(m.name, sniffed);
  // `x.tar.gz` decompressed is named `x.tar`; `syslog.2.gz` is `syslog.2` (nothing claimed).
  const notes = disagreement ? [...m.notes, disagreement] : m.notes;
  const format = sniffed?.format ?? null;
  if (format === 'gzip' || format === 'xz' || format === 'bzip2' || format === 'zstd') {
    if (m.layers >= ctx.limits.maxCompressionLayers) {
      stream.destroy();
      yield problem(
        m.path,
        'error',
        `${m.layers + 1} compression layers, over the limit of ${ctx.limits.maxCompressionLayers} (limit maxCompressionLayers); not read`,
        m.size,
        m.mtimeMs,
      );
      return;
    }
    const out = decompress(format, stream, m.path, m.size, ctx.limits, ctx.budget);
    const gzip = format === 'gzip' ? { mtimeMs: gzipHeaderMtime(head) } : m.gzip;
    yield* walkMember(
      {
        ...m,
        stream: out,
        layers: m.layers + 1,
        notes: [...notes, `${format}-compressed (${sniffed!.magic})`],
        name: stripCompressionExt(m.name),
        ...(gzip ? { gzip } : {}),
        inTar: false,
      },
      ctx,
    );
    return;
  }
  if (format === 'tar' || format === 'zip') {
    if (m.depth >= ctx.limits.maxDepth) {
      stream.destroy();
      yield problem(m.path, 'error', depthError(m.depth, ctx), m.size, m.mtimeMs);
      return;
    }
    if (disagreement) yield { kind: 'note', path: m.path, message: `format: ${disagreement}` };
    if (format === 'tar') yield* walkTar(stream, m, ctx);
    else yield* spoolZip(stream, m, ctx);
    return;
  }
  const entry: InputEntry = { path: m.path, size: m.size, mtimeMs: m.mtimeMs, stream };
  if (m.gzip) entry.gzip = m.gzip;
  if (notes.length > 0) entry.container = notes;
  yield { kind: 'entry', entry };
}

function archiveError(label: string, err: Error): string {
  if (err instanceof ArchiveLimitError || err.name === 'ArchiveLimitError') return err.message;
  return `archive damaged: ${err.message}; the members before that are indexed (${label})`;
}

async function* walkTar(stream: Readable, m: Member, ctx: Ctx): AsyncGenerator<WalkItem> {
  const extract = tar.extract();
  stream.on('error', (err: Error) => extract.destroy(err));
  stream.pipe(extract as unknown as NodeJS.WritableStream);
  const prefix = m.prefix;
  try {
    for await (const entry of extract) {
      const member = entry as unknown as Readable & { header: tar.Header; resume: () => void };
      const h = member.header;
      const { path: safe, note } = safeMemberPath(h.name);
      const memberPath = prefix + safe;
      const mtimeMs = h.mtime ? h.mtime.getTime() : null;
      const size = h.size ?? 0;
      if (note) yield problem(memberPath, 'error', note, size, mtimeMs);
      if (h.type === 'file' || h.type === 'contiguous-file') {
        if (safe === '') {
          member.resume();
          continue;
        }
        yield* walkMember(
          {
            path: memberPath,
            size,
            mtimeMs,
            stream: member as unknown as AsyncIterable<Uint8Array>,
            prefix: `${memberPath}!/`,
            depth: m.depth + 1,
            layers: 0,
            notes: [],
            name: path.posix.basename(safe),
            inTar: true,
          },
          ctx,
        );
        // Whatever the consumer left unread is drained before the next header.
        member.resume();
      } else {
        member.resume();
        if (h.type === 'directory') continue;
        if (h.type === 'symlink' || h.type === 'link') {
          yield {
            kind: 'link',
            link: {
              path: memberPath,
              target: h.linkname ?? '',
              hard: h.type === 'link',
              mtimeMs,
              archivePrefix: prefix,
            },
          };
          continue;
        }
        yield problem(memberPath, 'skipped', `${h.type} entry (not a regular file)`, size, mtimeMs);
      }
    }
  } catch (err) {
    yield problem(m.path, 'error', archiveError(`tar ${m.path}`, err as Error));
  }
}

/** A zip found inside another archive or a compressed stream: copied to a temporary file, capped. */
async function* spoolZip(stream: Readable, m: Member, ctx: Ctx): AsyncGenerator<WalkItem> {
  await mkdir(ctx.tempDir, { recursive: true });
  const tmp = path.join(ctx.tempDir, `nested-${process.pid}-${Date.now()}-${ctx.spools++}.zip`);
  const fh = await open(tmp, 'wx', 0o600);
  let written = 0;
  let failure: string | null = null;
  try {
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        written += chunk.length;
        if (written > ctx.limits.maxSpoolBytes) {
          failure = `zip inside an archive is over the limit of ${formatBytes(ctx.limits.maxSpoolBytes)} for its temporary copy (limit maxSpoolBytes); not read`;
          stream.destroy();
          break;
        }
        await fh.write(chunk);
      }
    } catch (err) {
      failure = archiveError(`zip ${m.path}`, err as Error);
    } finally {
      await fh.close();
    }
    if (failure) {
      yield problem(m.path, 'error', failure, m.size, m.mtimeMs);
      return;
    }
    yield* walkZipFile(tmp, m.path, m.size, m.prefix, m.depth + 1, ctx, false);
  } finally {
    await rm(tmp, { force: true });
  }
}

async function* walkZipFile(
  file: string,
  zipPath: string,
  zipSize: number,
  prefix: string,
  depth: number,
  ctx: Ctx,
  onDisk: boolean,
): AsyncGenerator<WalkItem> {
  try {
    for await (const z of zipMembers(file)) {
      const { path: safe, note } = safeMemberPath(z.name);
      const memberPath = prefix + safe;
      const mtimeMs = z.mtimeMs;
      if (note) yield problem(memberPath, 'error', note, z.compressedSize, mtimeMs);
      if (z.type === 'directory' || safe === '') continue;
      if (z.encrypted) {
        yield problem(
          memberPath,
          'skipped',
          'encrypted zip member (no password support); not read',
          z.compressedSize,
          mtimeMs,
        );
        if (onDisk) ctx.disk.add(z.compressedSize);
        continue;
      }
      if (!z.readable) {
        yield problem(
          memberPath,
          'skipped',
          `zip compression method ${z.method} is not supported (stored and deflate are); not read`,
          z.compressedSize,
          mtimeMs,
        );
        if (onDisk) ctx.disk.add(z.compressedSize);
        continue;
      }
      // The declared sizes may lie (yauzl checks them while reading), but an honest bomb is refused before any byte is read.
      const declaredRatio = z.uncompressedSize / Math.max(1, z.compressedSize);
      if (z.uncompressedSize > ctx.limits.ratioFloorBytes && declaredRatio > ctx.limits.maxRatio) {
        yield problem(
          memberPath,
          'error',
          `${memberPath}: declares ${formatBytes(z.uncompressedSize)} from ${formatBytes(z.compressedSize)} (ratio over ${Math.floor(declaredRatio)}:1, limit ${ctx.limits.maxRatio}:1); not read (archive bomb limit maxRatio)`,
          z.compressedSize,
          mtimeMs,
        );
        if (onDisk) ctx.disk.add(z.compressedSize);
        continue;
      }
      let raw: Readable;
      try {
        raw = await z.open();
      } catch (err) {
        yield problem(
          memberPath,
          'error',
          `cannot read zip member: ${(err as Error).message}`,
          z.compressedSize,
          mtimeMs,
        );
        continue;
      }
      if (z.type === 'symlink') {
        let target = '';
        try {
          const parts: Buffer[] = [];
          for await (const c of raw as AsyncIterable<Buffer>) parts.push(c);
          target = Buffer.concat(parts).toString('utf8');
        } catch (err) {
          yield problem(memberPath, 'error', `cannot read zip symbolic link: ${(err as Error).message}`);
          continue;
        }
        yield {
          kind: 'link',
          link: { path: memberPath, target, hard: false, mtimeMs, archivePrefix: prefix },
        };
        continue;
      }
      // Deflate members are guarded like any decompressor: the expanded bytes count against the limits.
      const guarded = z.method === 8 ? guardZip(raw, memberPath, z.compressedSize, ctx) : raw;
      const notes = z.method === 8 ? [`deflate member of zip ${zipPath || 'input'}`] : [];
      if (z.nameNote) notes.unshift(z.nameNote);
      yield* walkMember(
        {
          path: memberPath,
          size: z.compressedSize,
          mtimeMs,
          stream: guarded,
          prefix: `${memberPath}!/`,
          depth,
          layers: 0,
          notes,
          name: path.posix.basename(safe),
        },
        ctx,
      );
      if (onDisk) ctx.disk.add(z.compressedSize);
    }
  } catch (err) {
    yield problem(
      zipPath || path.basename(file),
      'error',
      archiveError(`zip ${zipPath}`, err as Error),
      zipSize,
    );
  }
}

function guardZip(raw: Readable, member: string, compressed: number, ctx: Ctx): Readable {
  // A pass-through decompress step: the guard of containers.ts on an already inflated stream.
  const guard = new ExpansionGuard(member, compressed, ctx.limits, ctx.budget);
  raw.on('error', (err: Error) => guard.destroy(err));
  guard.on('close', () => {
    if (!raw.destroyed) raw.destroy();
  });
  return raw.pipe(guard);
}

async function* walkDirectory(root: string, ctx: Ctx): AsyncGenerator<WalkItem> {
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
        if (ts.isFile()) yield* walkDiskFile(target, relPath, ts.size, ts.mtimeMs, `${relPath}!/`, 0, ctx);
        continue;
      }
      if (ls.isDirectory()) subdirs.push(relPath);
      else if (ls.isFile()) yield* walkDiskFile(abs, relPath, ls.size, ls.mtimeMs, `${relPath}!/`, 0, ctx);
      else yield problem(relPath, 'skipped', 'device file, FIFO or socket');
    }
    for (const d of subdirs.reverse()) stack.push(d);
  }
}
