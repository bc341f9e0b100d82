/**
 * Line texts in compressed blocks (schema v8). A row of `lines` keeps its header fields and
 * the id of the block holding its text (`block`); the block (`line_blocks`) holds the texts of
 * up to BLOCK_LINES consecutive lines of one source, about BLOCK_BYTES of UTF-8, compressed
 * (LZ4 since schema v10, deflate before: TextCodec).
 * Block size, measured on the 256 MB bench case (16 KiB pages): 64 KiB blocks deflate to
 * ~9 KiB, one row per page, so the table took 67 MB for 47 MB of data; 256 KiB blocks
 * (~35 KiB) fill their overflow pages and deflate better. Inflating one costs ~0.5 ms.
 * Text in rows cost ~1.45× the input on disk and most of phase 1's SQLite time (the bytes go
 * through the B-tree and the WAL twice); deflated blocks are ~1/7 of it.
 *
 * Block ids come from an AUTOINCREMENT key, so an id is never reused even when a dropped
 * source's line ids are: a decoded block can be cached by id on any connection for as long
 * as the connection lives, with no invalidation.
 *
 * A block's decompressed layout (little-endian): u32 n, u32 byte length, u32 odd-text JSON
 * length, n × u32 end offsets (relative to the bytes), the texts' UTF-8 bytes, then the odd
 * texts as JSON `[[index, text], …]`: texts that are not well-formed UTF-16 (a lone
 * surrogate would not survive UTF-8); their byte range is empty.
 *
 * Cases indexed before v8 keep their texts in `lines.text` (block NULL), and so do cases
 * that already had lines when they were upgraded (meta `text_store` tells which): a case
 * is one or the other, never both.
 */
import { endianness } from 'node:os';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import Database, { type Statement } from 'better-sqlite3';
import { compressSync as lz4Compress, uncompressSync as lz4Uncompress } from 'lz4-napi';
import type { Db } from './database';

/** Texts per block at most, and the UTF-8 bytes after which a block is closed. */
export const BLOCK_LINES = 16_384;
export const BLOCK_BYTES = 256 * 1024;
/**
 * Output buffer of one inflate: a whole block (header, ends, texts) fits in one, so zlib hands it
 * back as is instead of concatenating 16 KiB chunks (that copy was ~15 % of a search's time).
 */
const INFLATE_CHUNK = BLOCK_BYTES + 4 * BLOCK_LINES + 64 * 1024;
const LITTLE_ENDIAN = endianness() === 'LE';
/**
 * Deflate level. Measured on 64 MiB of the bench syslog in 64 KiB blocks (Node 20, this
 * machine): level 1 ~200 MB/s at 7.0:1, level 6 ~100 MB/s at 8.6:1. Phase 1 is CPU-bound on
 * two cores, so the fast level.
 */
const LEVEL = 1;
const HEADER = 12;

/**
 * How a case's blocks are compressed (meta `text_codec`, schema v10). 'lz4' (LZ4 block format
 * behind a u32 little-endian size, lz4-napi's lz4_flex) for cases made since v10; 'deflate'
 * (raw, level 1) for older ones, which keep it: a case is one or the other.
 * Measured on the 4,190 blocks of the 1 GiB bench case (1,048 MB of layouts, one thread): deflate
 * 166 MB, 4.9 s to compress, 1.1–1.3 s to inflate; LZ4 226 MB, 2.2 s and 0.5–0.6 s. Every
 * phase-1 block is compressed once and every scan, analysis and phase 2 decodes them all, so
 * LZ4, for ~8 % of the input more on disk.
 */
export type TextCodec = 'deflate' | 'lz4';

/** The codec of the case open on `db` (meta text_codec; none: a case from before v10). */
export function textCodecOf(db: Db): TextCodec {
  const v = db.prepare("SELECT value FROM meta WHERE key = 'text_codec'").pluck().get();
  return v === 'lz4' ? 'lz4' : 'deflate';
}

function compressLayout(raw: Buffer, codec: TextCodec): Buffer {
  return codec === 'lz4' ? lz4Compress(raw) : deflateRawSync(raw, { level: LEVEL });
}

function decompressLayout(data: Uint8Array, codec: TextCodec): Buffer {
  if (codec === 'deflate') return inflateRawSync(data, { chunkSize: INFLATE_CHUNK });
  if (data.length < 4) throw new Error(`an LZ4 block of ${data.length} bytes has no size`);
  const size = (data[0]! | (data[1]! << 8) | (data[2]! << 16) | (data[3]! << 24)) >>> 0;
  // LZ4 expands a byte to at most 255: a larger size is a damaged prefix, which would otherwise
  // have the decoder allocate and clear up to 4 GiB (no fixed cap: a block of odd texts, which
  // the block's byte limit does not count, may legitimately be large).
  if (size > (data.length - 4) * 255 + 16)
    throw new Error(`an LZ4 block of ${data.length} bytes claims ${size} bytes`);
  return lz4Uncompress(data);
}

/** String.prototype.isWellFormed (ES2024; the project's lib is older). */
export const wellFormed = (s: string): boolean =>
  (s as unknown as { isWellFormed(): boolean }).isWellFormed();

/** Buffer's own UTF-8 methods (what write/toString call after checking their arguments). */
export interface FastBuffer {
  utf8Write(text: string, offset: number, length: number): number;
  utf8Slice(start: number, end: number): string;
  latin1Slice(start: number, end: number): string;
}

/**
 * Compresses (`codec`) the texts [from, to) of a batch given as UTF-8 bytes and cumulative end
 * offsets (`ends[i]` is where text i ends; text `from` starts at `start`). `odd` holds the texts
 * that are not well-formed, by index in the batch (their bytes are empty in `bytes`).
 */
export function encodeBlock(
  bytes: Uint8Array,
  ends: ArrayLike<number>,
  from: number,
  to: number,
  start: number,
  odd: ReadonlyMap<number, string> | null,
  codec: TextCodec,
): Buffer {
  const n = to - from;
  let oddJson: Buffer | null = null;
  if (odd && odd.size > 0) {
    const list: Array<[number, string]> = [];
    for (let i = from; i < to; i++) {
      const t = odd.get(i);
      if (t !== undefined) list.push([i - from, t]);
    }
    if (list.length > 0) oddJson = Buffer.from(JSON.stringify(list));
  }
  const end = n > 0 ? ends[to - 1]! : start;
  const textLen = end - start;
  const raw = scratch(HEADER + n * 4 + textLen + (oddJson?.length ?? 0));
  raw.writeUInt32LE(n, 0);
  raw.writeUInt32LE(textLen, 4);
  raw.writeUInt32LE(oddJson?.length ?? 0, 8);
  let o = HEADER;
  for (let i = from; i < to; i++) {
    raw.writeUInt32LE(ends[i]! - start, o);
    o += 4;
  }
  raw.set(bytes.subarray(start, end), o);
  if (oddJson) raw.set(oddJson, o + textLen);
  return compressLayout(raw, codec);
}

/**
 * A grow-only buffer handed out again and again: `get(size)` gives a view of at least `size`
 * bytes (≥ 512 KiB, word-aligned), valid until the next call. For work whose bytes die with
 * the call (a block's raw layout before deflateRawSync, which keeps no view of its input; a
 * block lowered for a search): a fresh buffer per block was garbage the size of the input.
 */
export function reusableBuffer(): (size: number) => Buffer {
  let buf: Buffer | null = null;
  return (size) => {
    if (!buf || buf.length < size) buf = Buffer.allocUnsafeSlow(Math.max(size, 512 * 1024));
    return buf.subarray(0, size);
  };
}

/** The raw layout of the block being encoded (encodeBlock); it raised the ingest's peak RSS when fresh. */
export const scratch = reusableBuffer();

/** One decompressed block. */
export class DecodedBlock {
  readonly n: number;
  /** The texts' UTF-8 bytes; text i is bytes [start(i), end(i)). */
  readonly bytes: Buffer;
  private readonly ends: Uint32Array;
  private readonly odd: Map<number, string> | null;
  /** scanText's segments, made on its first call. */
  private segments: Segments | null = null;

  constructor(
    readonly firstLineId: number,
    data: Uint8Array,
    codec: TextCodec,
  ) {
    const raw = decompressLayout(data, codec);
    if (raw.length < HEADER) throw new Error(`a text block of ${raw.length} bytes has no header`);
    const n = raw.readUInt32LE(0);
    const textLen = raw.readUInt32LE(4);
    const oddLen = raw.readUInt32LE(8);
    if (HEADER + n * 4 + textLen + oddLen > raw.length)
      throw new Error(
        `a text block of ${raw.length} bytes claims ${n} texts of ${textLen} + ${oddLen} bytes`,
      );
    this.n = n;
    // The ends are little-endian u32s: read in place where the platform is little-endian and
    // they are aligned (a fresh decompression output is), else copied one by one.
    if (LITTLE_ENDIAN && (raw.byteOffset + HEADER) % 4 === 0)
      this.ends = new Uint32Array(raw.buffer, raw.byteOffset + HEADER, n);
    else {
      this.ends = new Uint32Array(n);
      for (let i = 0, o = HEADER; i < n; i++, o += 4) this.ends[i] = raw.readUInt32LE(o);
    }
    const at = HEADER + n * 4;
    this.bytes = raw.subarray(at, at + textLen);
    this.odd =
      oddLen > 0
        ? new Map(
            JSON.parse(raw.toString('utf8', at + textLen, at + textLen + oddLen)) as Array<[number, string]>,
          )
        : null;
  }

  start(i: number): number {
    return i === 0 ? 0 : this.ends[i - 1]!;
  }

  end(i: number): number {
    return this.ends[i]!;
  }

  /** Text i of the block (0-based). */
  text(i: number): string {
    const odd = this.odd?.get(i);
    if (odd !== undefined) return odd;
    return (this.bytes as unknown as FastBuffer).utf8Slice(this.start(i), this.ends[i]!);
  }

  /**
   * Text i for a scan that tests every text and keeps few (a search, a filter): a substring of
   * one string made per run of texts of at most SCAN_SEGMENT bytes, when that run is ASCII (the
   * UTF-16 offsets are then the byte offsets), else text(i). One string per ~32 KiB instead of
   * one per text: ~3× less time making the strings of a 1 GiB case (a substring shares its
   * segment's characters). A substring keeps its whole segment alive, so only for texts that
   * die young or are few: never the analysers' reads, which keep report lines.
   */
  scanText(i: number): string {
    const odd = this.odd?.get(i);
    if (odd !== undefined) return odd;
    const segs = (this.segments ??= segmentsOf(this.ends));
    const k = segs.of[i]!;
    // Only the run in use is kept: the block outlives its scan in the cache, and runs kept
    // with it were promoted and collected at full cost (a scan spent a third of its time in GC).
    if (segs.current !== k) {
      const from = segs.starts[k]!;
      const to = segs.starts[k + 1]!;
      const s = (this.bytes as unknown as FastBuffer).utf8Slice(from, to);
      segs.current = k;
      segs.string = s.length === to - from ? s : null;
    }
    const str = segs.string;
    const start = this.start(i);
    if (str === null) return (this.bytes as unknown as FastBuffer).utf8Slice(start, this.ends[i]!);
    const base = segs.starts[k]!;
    return str.substring(start - base, this.ends[i]! - base);
  }

  hasOdd(): boolean {
    return this.odd !== null;
  }

  /** Whether text i is one of the odd ones (kept as JSON; its byte range is empty). */
  isOdd(i: number): boolean {
    return this.odd?.has(i) === true;
  }

  /** The index of the text holding byte offset `at` (binary search over the ends). */
  indexAt(at: number): number {
    let lo = 0;
    let hi = this.n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ends[mid]! <= at) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * Bytes per string of DecodedBlock.scanText (a run of whole texts; a longer text is a run of
 * its own). Under V8's large-object limit (128 KiB): a string over it is allocated alone in
 * its own pages, and one per 256 KiB block cost ~1 ms, more than per-text strings.
 */
const SCAN_SEGMENT = 32 * 1024;

/**
 * scanText's runs: run k holds bytes [starts[k], starts[k + 1]); `of[i]` is text i's run;
 * `string` is run `current` as a string (null: not ASCII).
 */
interface Segments {
  of: Uint16Array;
  starts: number[];
  current: number;
  string: string | null;
}

function segmentsOf(ends: Uint32Array): Segments {
  const of = new Uint16Array(ends.length);
  const starts = [0];
  let runStart = 0;
  let prev = 0;
  for (let i = 0; i < ends.length; i++) {
    // Text i starts at prev; it opens a new run when the current one would pass the limit.
    if (ends[i]! - runStart > SCAN_SEGMENT && prev > runStart) {
      starts.push(prev);
      runStart = prev;
    }
    of[i] = starts.length - 1;
    prev = ends[i]!;
  }
  starts.push(prev);
  return { of, starts, current: -1, string: null };
}

/**
 * A copy of `src` with ASCII A-Z lowered and every other byte (UTF-8 sequences included) kept,
 * four bytes at a time: per 32-bit word, a byte b < 0x80 is in A-Z when b + 0x3f reaches 0x80
 * and b + 0x25 does not; those get 0x20 added. (A byte loop took ~2 ns a byte, 2.2 s of a
 * case-insensitive search over 1 GiB; this takes about half.)
 *
 * Written into `into` when it is given and large enough (a search's scratch buffer: a fresh
 * copy per block was a gibibyte of garbage per scan of a 1 GiB case, and ~15 % of the scan's
 * CPU went to collecting it); the result is then a view of `into`, valid until its next use.
 * Word-aligned input (an inflated block's texts are) is read and written in one pass.
 */
export function asciiLowered(src: Uint8Array, into?: Buffer): Buffer {
  const len = src.length;
  const out =
    into && into.length >= len && into.byteOffset % 4 === 0
      ? into.subarray(0, len)
      : Buffer.allocUnsafeSlow(len);
  const n = len >>> 2;
  const w = new Uint32Array(out.buffer, out.byteOffset, n);
  // Read in place when aligned; else from a copy in `out`, lowered where it lies.
  let r = w;
  if (src.byteOffset % 4 === 0) r = new Uint32Array(src.buffer, src.byteOffset, n);
  else out.set(src);
  for (let i = 0; i < n; i++) {
    const v = r[i]!;
    const x = v & 0x7f7f7f7f;
    w[i] = v | ((((x + 0x3f3f3f3f) ^ (x + 0x25252525)) & ~v & 0x80808080) >>> 2);
  }
  for (let i = n * 4; i < len; i++) {
    const c = src[i]!;
    out[i] = c >= 65 && c <= 90 ? c + 32 : c;
  }
  return out;
}

/** How many decompressed blocks a connection keeps (~270 KiB each). */
const CACHE_BLOCKS = 16;

const registry = new WeakMap<Db, TextBlocks>();

/**
 * Reads texts out of blocks for one case connection, keeping the last CACHE_BLOCKS decompressed.
 * Also registers on that connection the SQL function `line_text(block, line_id, text)`: the
 * line's text from its block, or `text` for a row that has no block (a case from before v8).
 *
 * Blocks are read through a second, read-only connection to the case, opened on first use:
 * SQLite calls line_text in the middle of the first connection's statement, and better-sqlite3
 * does not let a function run another query on the connection that called it. The second
 * connection sees what is committed, which is all a text read needs: rows are read once
 * their batch has committed.
 */
export class TextBlocks {
  private readonly cache = new Map<number, DecodedBlock>();
  /** The block read last (reads go through a block's lines in order). */
  private lastId = -1;
  private last: DecodedBlock | null = null;
  private side: { db: Db; byId: Statement; covering: Statement; at: Statement } | null = null;
  /** How this case's blocks are compressed. */
  readonly codec: TextCodec;

  constructor(
    db: Db,
    private readonly file: string,
  ) {
    this.codec = textCodecOf(db);
    db.function('line_text', { deterministic: true }, (block: unknown, lineId: unknown, text: unknown) =>
      block === null ? String(text) : this.text(Number(block), Number(lineId)),
    );
    registry.set(db, this);
  }

  /** The TextBlocks of a case connection (the one its CaseStore made). */
  static of(db: Db): TextBlocks {
    const t = registry.get(db);
    if (!t) throw new Error('no TextBlocks for this connection: open the case through CaseStore');
    return t;
  }

  private reader(): NonNullable<TextBlocks['side']> {
    if (this.side) return this.side;
    const db = new Database(this.file, { readonly: true, fileMustExist: true });
    db.pragma('cache_size = -8192');
    this.side = {
      db,
      byId: db.prepare('SELECT first_line_id, data FROM line_blocks WHERE block_id = ?').raw(true),
      covering: db
        .prepare(
          `SELECT block_id, first_line_id, n FROM line_blocks
           WHERE first_line_id >= coalesce((SELECT max(first_line_id) FROM line_blocks WHERE first_line_id <= @from), 0)
             AND first_line_id <= @to
           ORDER BY first_line_id`,
        )
        .raw(true),
      at: db
        .prepare(
          'SELECT block_id, first_line_id, n FROM line_blocks WHERE first_line_id <= ? ORDER BY first_line_id DESC LIMIT 1',
        )
        .raw(true),
    };
    return this.side;
  }

  close(): void {
    this.side?.db.close();
    this.side = null;
    this.cache.clear();
    this.last = null;
    this.lastId = -1;
  }

  block(blockId: number): DecodedBlock {
    if (blockId === this.lastId) return this.last!;
    let b = this.cache.get(blockId);
    if (b) {
      // Most recently used last (Map keeps insertion order).
      this.cache.delete(blockId);
      this.cache.set(blockId, b);
      this.lastId = blockId;
      this.last = b;
      return b;
    }
    b = this.decode(blockId);
    if (this.cache.size >= CACHE_BLOCKS) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(blockId, b);
    this.lastId = blockId;
    this.last = b;
    return b;
  }

  /**
   * A block for one pass through the case (the analysers' read): kept as the last block only,
   * never in the cache, so its inflated bytes die young. Cached, each block outlived a dozen
   * of its successors, got promoted to the old generation, and the inflate outputs (external
   * memory, ~384 KiB each) waited there for a full collection: up to 120 MiB at once.
   */
  passing(blockId: number): DecodedBlock {
    if (blockId === this.lastId) return this.last!;
    const b = this.cache.get(blockId) ?? this.decode(blockId);
    this.lastId = blockId;
    this.last = b;
    return b;
  }

  private decode(blockId: number): DecodedBlock {
    const row = this.reader().byId.get(blockId) as [number, Uint8Array] | undefined;
    if (!row) throw new Error(`line text block ${blockId} is missing from the case`);
    try {
      return new DecodedBlock(row[0], row[1], this.codec);
    } catch (err) {
      throw new Error(`line text block ${blockId} of the case is damaged: ${(err as Error).message}`);
    }
  }

  /** The text of line `lineId`, which lives in block `blockId`. */
  text(blockId: number, lineId: number): string {
    const b = this.block(blockId);
    const i = lineId - b.firstLineId;
    if (i < 0 || i >= b.n) throw new Error(`line ${lineId} is not in text block ${blockId}`);
    return b.text(i);
  }

  /** The row's text: from its block, or the row's own (a case from before v8). */
  rowText(blockId: number | null, lineId: number, text: string): string {
    return blockId === null ? text : this.text(blockId, lineId);
  }

  /** The block holding line `lineId` as [block_id, first_line_id, n], or null. */
  blockOf(lineId: number): [number, number, number] | null {
    const r = this.reader().at.get(lineId) as [number, number, number] | undefined;
    return r && lineId < r[1] + r[2] ? r : null;
  }

  /** The blocks holding lines [from, to], in line order: [block_id, first_line_id, n]. */
  blocksCovering(from: number, to: number): Array<[number, number, number]> {
    return this.reader().covering.all({ from, to }) as Array<[number, number, number]>;
  }
}

/**
 * Collects texts for the ingest's row-at-a-time path and hands out each block's id before the
 * block is written (rows carry it). `take` returns the finished block to insert.
 */
export class BlockWriter {
  private bytes = Buffer.allocUnsafeSlow(BLOCK_BYTES * 2);
  private pos = 0;
  private ends: number[] = [];
  private odd: Map<number, string> | null = null;
  private first = 0;
  private id = 0;

  /** The id the next block will get (set at the start of each transaction). */
  nextId = 1;

  constructor(private readonly codec: TextCodec) {}

  get count(): number {
    return this.ends.length;
  }

  /** Adds a text for line `lineId`; returns its block id. Call `full()` after, and flush when it says so. */
  add(lineId: number, text: string): number {
    if (this.ends.length === 0) {
      this.first = lineId;
      this.id = this.nextId++;
    }
    if (wellFormed(text)) {
      if (this.bytes.length - this.pos < text.length * 3) this.grow(text.length * 3);
      this.pos += (this.bytes as unknown as FastBuffer).utf8Write(
        text,
        this.pos,
        this.bytes.length - this.pos,
      );
    } else (this.odd ??= new Map()).set(this.ends.length, text);
    this.ends.push(this.pos);
    return this.id;
  }

  /** Whether line `lineId` cannot join the open block (not the next id). */
  breaks(lineId: number): boolean {
    return this.ends.length > 0 && lineId !== this.first + this.ends.length;
  }

  full(): boolean {
    return this.pos >= BLOCK_BYTES || this.ends.length >= BLOCK_LINES;
  }

  /** The open block, compressed, and resets; null when no text is held. */
  take(): { blockId: number; firstLineId: number; n: number; data: Buffer } | null {
    const n = this.ends.length;
    if (n === 0) return null;
    const data = encodeBlock(this.bytes, this.ends, 0, n, 0, this.odd, this.codec);
    const out = { blockId: this.id, firstLineId: this.first, n, data };
    this.discard();
    return out;
  }

  discard(): void {
    this.pos = 0;
    this.ends = [];
    this.odd = null;
  }

  private grow(need: number): void {
    let size = this.bytes.length * 2;
    while (size - this.pos < need) size *= 2;
    const b = Buffer.allocUnsafeSlow(size);
    this.bytes.copy(b, 0, 0, this.pos);
    this.bytes = b;
  }
}

/** The next unused block id (AUTOINCREMENT's sequence + 1). */
export function nextBlockId(db: Db): number {
  const r = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'line_blocks'").get() as
    { seq: number } | undefined;
  return (r?.seq ?? 0) + 1;
}
