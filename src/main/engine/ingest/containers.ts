/**
 * Container formats read as streams, recognised by their magic bytes (names lie): gzip, xz,
 * bzip2, zstd, tar and zip. Each decompressor is guarded by the archive limits (a total of
 * expanded bytes per input and a ratio per member), so a bomb stops with an error naming the
 * member and the limit instead of filling the memory or the disk.
 */
import { Readable, Transform, type TransformCallback } from 'node:stream';
import type { ReadableStream as NodeWebReadableStream } from 'node:stream/web';
import { createGunzip } from 'node:zlib';
import { Decompress as ZstdDecompress } from 'fzstd';
import { XzReadableStream } from 'xz-decompress';
import { bzip2Stream } from './bzip2';

export type CompressionFormat = 'gzip' | 'xz' | 'bzip2' | 'zstd';
export type ArchiveFormat = 'tar' | 'zip';
export type ContainerFormat = CompressionFormat | ArchiveFormat;

/** Limits against archive bombs and runaway nesting (all configurable per ingest). */
export interface ArchiveLimits {
  /** Expanded bytes allowed per input (all members and layers together). */
  maxExpandedBytes: number;
  /** Expanded/compressed ratio allowed per member, checked once it has expanded past `ratioFloorBytes`. */
  maxRatio: number;
  /** A member that expands to less than this is never refused for its ratio (small logs of zeros are harmless). */
  ratioFloorBytes: number;
  /** Archives inside archives (tar, zip) allowed below the input: 8 reads `a.zip!/b.tar!/…` eight deep. */
  maxDepth: number;
  /** Compression layers on one member (`x.gz.gz…`). */
  maxCompressionLayers: number;
  /** A zip inside another archive is spooled to a temporary file (zip is not streamable); its size cap. */
  maxSpoolBytes: number;
}

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/**
 * Defaults sane for a 10 GB sosreport: logs compress 10–30× with xz, floods of identical lines
 * up to a few hundred ×; 1000:1 past 256 MiB is a bomb, not a log.
 */
export const DEFAULT_LIMITS: ArchiveLimits = {
  maxExpandedBytes: 256 * GiB,
  maxRatio: 1000,
  ratioFloorBytes: 256 * MiB,
  maxDepth: 8,
  maxCompressionLayers: 4,
  maxSpoolBytes: 16 * GiB,
};

export function limitsWith(partial: Partial<ArchiveLimits> | undefined): ArchiveLimits {
  return { ...DEFAULT_LIMITS, ...(partial ?? {}) };
}

/** Raised when a limit stops a member; its message names the member and the limit. */
export class ArchiveLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveLimitError';
  }
}

/** Bytes expanded so far in one input, shared by every guard of that input. */
export interface ExpansionBudget {
  used: number;
}

export function formatBytes(n: number): string {
  if (n >= GiB) return `${(n / GiB).toFixed(n % GiB === 0 ? 0 : 1)} GiB`;
  if (n >= MiB) return `${(n / MiB).toFixed(n % MiB === 0 ? 0 : 1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(n % 1024 === 0 ? 0 : 1)} KiB`;
  return `${n} B`;
}

const hex = (b: Uint8Array, n: number): string =>
  Array.from(b.subarray(0, n), (x) => x.toString(16).toUpperCase().padStart(2, '0')).join(' ');

/** A valid tar header block: `ustar` magic, or (v7 tar) a matching header checksum. */
export function isTarHeader(head: Uint8Array): boolean {
  if (head.length < 512) return false;
  const magic = String.fromCharCode(...head.subarray(257, 262));
  if (magic === 'ustar') return true;
  // v7: checksum field (148..155, octal) = sum of the block with the field read as spaces.
  const field = String.fromCharCode(...head.subarray(148, 156))
    .replace(/[\0 ]+$/g, '')
    .trim();
  if (!/^[0-7]{1,7}$/.test(field)) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : head[i]!;
  if (sum !== parseInt(field, 8)) return false;
  // The name must be printable and non-empty.
  return head[0] !== 0;
}

export interface Sniffed {
  format: ContainerFormat;
  /** The evidence, e.g. `xz magic FD 37 7A 58 5A 00`. */
  magic: string;
}

/** Recognises a container from its first bytes (at least 512 for tar); null = not a container. */
export function sniffContainer(head: Uint8Array): Sniffed | null {
  const b = head;
  if (b.length >= 3 && b[0] === 0x1f && b[1] === 0x8b && b[2] === 0x08)
    return { format: 'gzip', magic: `gzip magic ${hex(b, 3)}` };
  if (
    b.length >= 6 &&
    b[0] === 0xfd &&
    b[1] === 0x37 &&
    b[2] === 0x7a &&
    b[3] === 0x58 &&
    b[4] === 0x5a &&
    b[5] === 0x00
  )
    return { format: 'xz', magic: `xz magic ${hex(b, 6)}` };
  // "BZh" + block size digit 1-9 + block magic 31 41 59 26 53 59 (or end-of-stream 17 72 45 38 50 90).
  if (b.length >= 10 && b[0] === 0x42 && b[1] === 0x5a && b[2] === 0x68 && b[3]! >= 0x31 && b[3]! <= 0x39) {
    const block = hex(b.subarray(4), 6);
    if (block === '31 41 59 26 53 59' || block === '17 72 45 38 50 90')
      return { format: 'bzip2', magic: `bzip2 magic ${hex(b, 4)} ${block}` };
  }
  if (b.length >= 4 && b[0] === 0x28 && b[1] === 0xb5 && b[2] === 0x2f && b[3] === 0xfd)
    return { format: 'zstd', magic: `zstd magic ${hex(b, 4)}` };
  if (b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04)
    return { format: 'zip', magic: `zip local header ${hex(b, 4)}` };
  // An empty zip is only its end-of-central-directory record.
  if (b.length >= 22 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x05 && b[3] === 0x06)
    return { format: 'zip', magic: `zip end record ${hex(b, 4)}` };
  if (isTarHeader(b)) return { format: 'tar', magic: 'tar header (ustar magic or valid header checksum)' };
  return null;
}

const NAME_FORMAT: Array<[RegExp, ContainerFormat]> = [
  [/\.(tgz|gz|gzip)$/i, 'gzip'],
  [/\.(txz|xz)$/i, 'xz'],
  [/\.(tbz2?|bz2)$/i, 'bzip2'],
  [/\.(tzst|zst|zstd)$/i, 'zstd'],
  [/\.zip$/i, 'zip'],
  [/\.tar$/i, 'tar'],
];

/** What the name claims (the last extension only), for the "name disagreed" note. */
export function formatFromName(name: string): ContainerFormat | null {
  for (const [re, f] of NAME_FORMAT) if (re.test(name)) return f;
  return null;
}

/** The name with the compression extension removed (`syslog.2.gz` → `syslog.2`, `x.tgz` → `x.tar`). */
export function stripCompressionExt(name: string): string {
  return name.replace(/\.(tgz|txz|tbz2?|tzst)$/i, '.tar').replace(/\.(gz|gzip|xz|bz2|zst|zstd)$/i, '');
}

/**
 * Says when the name and the content disagree (`messages.gz` holding plain text, a gzip file
 * named `messages`); null when they agree.
 */
export function nameDisagreement(name: string, sniffed: Sniffed | null): string | null {
  const claimed = formatFromName(name);
  const actual = sniffed?.format ?? null;
  if (claimed === actual) return null;
  // `x.tar.gz`: the outer layer is gzip; the inner tar is checked after decompression.
  if (claimed === 'tar' && actual === null)
    return `named ${JSON.stringify(name)} but not a tar archive (no tar header); read as is`;
  if (claimed !== null && actual === null)
    return `named ${JSON.stringify(name)} but the content is not ${claimed} (no ${claimed} magic); read as is`;
  if (claimed === null && actual !== null)
    return `${actual} content (${sniffed!.magic}) under a name without a ${actual} extension`;
  return `named ${JSON.stringify(name)} (${claimed}) but the content is ${actual} (${sniffed!.magic}); read as ${actual}`;
}

/** MTIME of a gzip header (RFC 1952: bytes 4–7, little-endian seconds), null when 0 or not gzip. */
export function gzipHeaderMtime(head: Uint8Array): number | null {
  if (head.length < 8 || head[0] !== 0x1f || head[1] !== 0x8b) return null;
  const secs = (head[4]! | (head[5]! << 8) | (head[6]! << 16)) + head[7]! * 0x1000000;
  return secs === 0 ? null : secs * 1000;
}

/**
 * Reads at least `n` bytes (or all, when shorter) and gives back a stream that still starts at
 * byte 0. Works on any async-iterable byte stream (node streams, tar-stream's streamx members).
 * Destroying the returned stream ends the source's iteration (and so the source).
 */
export async function peek(
  source: AsyncIterable<Uint8Array>,
  n: number,
  /** `leave`: abandoning the returned stream leaves the source alone (a tar member: destroying it would end the whole archive; the tar walk drains it). */
  onAbandon: 'destroy' | 'leave' = 'destroy',
): Promise<{ head: Buffer; stream: Readable; ended: boolean }> {
  const it = source[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let len = 0;
  let ended = false;
  let error: unknown = null;
  try {
    while (len < n) {
      const r = await it.next();
      if (r.done) {
        ended = true;
        break;
      }
      const c = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value);
      chunks.push(c);
      len += c.length;
    }
  } catch (err) {
    error = err;
  }
  const head = Buffer.concat(chunks, len);
  async function* rest(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    if (error !== null) throw error instanceof Error ? error : new Error(String(error));
    if (ended) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value);
    }
  }
  const stream = Readable.from(rest(), { objectMode: false, highWaterMark: 1 << 20 });
  stream.once('close', () => {
    if (!ended && onAbandon === 'destroy') void it.return?.()?.catch(() => undefined);
  });
  return { head, stream, ended: ended && error === null };
}

/**
 * Counts the bytes a decompressor gives and stops it when a limit is passed: the input's total
 * (`budget`) or this member's ratio to its compressed size.
 */
export class ExpansionGuard extends Transform {
  expanded = 0;
  constructor(
    private readonly member: string,
    private readonly compressedBytes: number,
    private readonly limits: ArchiveLimits,
    private readonly budget: ExpansionBudget,
    /** The decoder calls `check` itself (zstd); the transform only passes bytes on. */
    private readonly preCounted = false,
  ) {
    super({ highWaterMark: 1 << 20 });
  }

  check(more: number): ArchiveLimitError | null {
    this.expanded += more;
    this.budget.used += more;
    if (this.budget.used > this.limits.maxExpandedBytes)
      return new ArchiveLimitError(
        `${this.member}: the input expanded past the limit of ${formatBytes(this.limits.maxExpandedBytes)} in total; reading stopped (archive bomb limit maxExpandedBytes)`,
      );
    if (this.expanded > this.limits.ratioFloorBytes) {
      const ratio = this.expanded / Math.max(1, this.compressedBytes);
      if (ratio > this.limits.maxRatio)
        return new ArchiveLimitError(
          `${this.member}: expanded ${formatBytes(this.expanded)} from ${formatBytes(this.compressedBytes)} (ratio over ${Math.floor(ratio)}:1, limit ${this.limits.maxRatio}:1); reading stopped (archive bomb limit maxRatio)`,
        );
    }
    return null;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    const err = this.preCounted ? null : this.check(chunk.length);
    if (err) return cb(err);
    cb(null, chunk);
  }
}

/**
 * zstd through fzstd's streaming decoder. One push can expand enormously (an RLE block is 4
 * bytes for 128 KiB), so the limits are checked inside the output callback, which aborts the
 * push before the memory fills.
 */
function zstdStream(member: string, check: (bytes: number) => ArchiveLimitError | null): Transform {
  let decoder: ZstdDecompress | null = null;
  const fail = (err: unknown): Error =>
    err instanceof ArchiveLimitError
      ? err
      : new Error(`zstd stream damaged in ${member}: ${(err as Error).message}`);
  const t = new Transform({
    highWaterMark: 1 << 20,
    transform(chunk: Buffer, _enc, cb) {
      try {
        decoder!.push(chunk);
        cb();
      } catch (err) {
        cb(fail(err));
      }
    },
    flush(cb) {
      try {
        decoder!.push(new Uint8Array(0), true);
        cb();
      } catch (err) {
        cb(fail(err));
      }
    },
  });
  decoder = new ZstdDecompress((data) => {
    if (data.length === 0) return;
    const limit = check(data.length);
    if (limit) throw limit;
    // fzstd hands out a fresh array per block: no copy needed.
    t.push(Buffer.from(data.buffer, data.byteOffset, data.length));
  });
  return t;
}

function xzStream(source: Readable): Readable {
  const web = Readable.toWeb(source) as unknown as ReadableStream<Uint8Array>;
  const out = Readable.fromWeb(new XzReadableStream(web) as unknown as NodeWebReadableStream<Uint8Array>, {
    highWaterMark: 1 << 20,
  });
  return out;
}

/**
 * Decompresses one stream, guarded. Errors of the compressed source end the output with that
 * error; `member` names the member in every error.
 */
export function decompress(
  format: CompressionFormat,
  source: Readable,
  member: string,
  compressedBytes: number,
  limits: ArchiveLimits,
  budget: ExpansionBudget,
): Readable {
  const guard = new ExpansionGuard(member, compressedBytes, limits, budget, format === 'zstd');
  let raw: Readable;
  if (format === 'gzip') {
    const gunzip = createGunzip({ chunkSize: 256 * 1024 });
    source.on('error', (err) => gunzip.destroy(err));
    raw = source.pipe(gunzip);
  } else if (format === 'bzip2') {
    const bz = bzip2Stream(member);
    source.on('error', (err) => bz.destroy(err));
    raw = source.pipe(bz);
  } else if (format === 'zstd') {
    const z = zstdStream(member, (n) => guard.check(n));
    source.on('error', (err) => z.destroy(err));
    raw = source.pipe(z);
  } else {
    raw = xzStream(source);
  }
  raw.on('error', (err: Error) => guard.destroy(err));
  guard.on('error', () => {
    // Stop reading the compressed bytes when the guard gives up.
    raw.destroy();
    source.destroy();
  });
  guard.on('close', () => {
    if (!guard.writableFinished) {
      raw.destroy();
      source.destroy();
    }
  });
  return raw.pipe(guard);
}
