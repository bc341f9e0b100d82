/**
 * Parsing in a second thread. A large text source is split, decoded, parsed, clocked and
 * levelled by RowBuilder in a parse worker, and the engine thread only inserts the rows it
 * gets back, batch by batch: both cores work. Same rows, same batches, same transactions as
 * the in-thread path, so kill -9 safety is unchanged (a batch is one transaction on the
 * engine thread; the source stays `indexing` until its times are final).
 *
 * Engine → worker: `begin` (the source's options), `chunk` (bytes in a pooled buffer,
 * transferred), `recycle` (a batch's buffers, inserted), `end`.
 * Worker → engine: `free` (a chunk buffer, split: back to the pool), `batch` (rows: texts,
 * numbers in a transferred Float64Array, host and program names as per-batch dictionaries),
 * `rewrite` (final times of stale rows), `done` (what the source's reader and clock learnt,
 * and the worker's memory peaks), `error`.
 * Memory is bounded by pools, not by the GC: the input goes round in CHUNKS buffers of
 * CHUNK_BYTES (8 MiB in flight at most, so neither side's queue grows with the input), and a
 * batch's buffers go back to the worker once inserted. (Allocating a buffer per chunk and per
 * batch instead let the process reach 0.9–1.2 GB on a 1 GiB log: both heaps stay small, so
 * V8 rarely collected the garbage buffers.)
 *
 * The worker is the engine's own worker file started with `{ role: 'parser' }` (see
 * worker-entry.ts), so the Electron bundle needs no entry of its own.
 */
import { createHash } from 'node:crypto';
import { type MessagePort, Worker } from 'node:worker_threads';
import type { SniffResult } from '../formats/registry';
import { TIME_QUALITY_CODES } from '../store/schema';
import { LEVEL_LATER, type RowBuilderOptions, RowBuilder, type RowSink } from './row-builder';
import { inferLevel } from '../query/severity';
import { doubled } from './pending-times';
import {
  BLOCK_BYTES,
  BLOCK_LINES,
  encodeBlock,
  type FastBuffer,
  type TextCodec,
  wellFormed,
} from '../store/text-blocks';
import type { ResolvedTime, StaleRange } from './source-times';

/**
 * The source's bytes go to the worker in pooled chunk buffers: CHUNK_BYTES each, at most
 * CHUNKS of them, each handed back by the worker (`free`) once its bytes are split, so the
 * input in flight is bounded (8 MiB) and no per-chunk buffer is left for the GC to find.
 */
const CHUNK_BYTES = 1024 * 1024;
const CHUNKS = 8;
/** Final times per `rewrite` message. */
const REWRITE_ROWS = 65_536;
/**
 * Numbers per row in a batch: byteOffset, ts (NaN = null), quality code, zoned, pid, severity,
 * level (NaN = null; -1 - k: to be inferred from the text's bytes k… by laterLevel).
 */
export const ROW_NUMS = 7;

/**
 * A row's level as the engine stores it: a batch's level, or, for one the parse worker left to
 * the engine (-1 - k), the level inferred from the ASCII bytes [start + k, end) of its text.
 * The engine thread has time to spare while the parse worker reads (phase 1 waits for the
 * worker), so the severity regex, the worker's costliest step, runs there.
 */
export function laterLevel(level: number, bytes: FastBuffer, start: number, end: number): number | null {
  if (Number.isNaN(level)) return null;
  if (level >= 0) return level;
  return inferLevel(bytes.latin1Slice(start - 1 - level, end));
}

export interface RowBatch {
  n: number;
  /** The rows' texts as UTF-8, one after another; row i ends at textEnds[i]. */
  textBytes: Uint8Array;
  textEnds: Int32Array;
  /** Texts that are not well-formed UTF-16 (a lone surrogate would not survive UTF-8): [row, text]. */
  oddTexts: Array<[number, string]>;
  nums: Float64Array;
  hostIdx: Int32Array;
  hosts: string[];
  progIdx: Int32Array;
  progs: string[];
  /**
   * With `textBlocks`: the texts compressed into blocks (encodeBlock), one after another; block
   * k is blockSizes[k] bytes holding the texts of the next blockRows[k] rows.
   */
  blocks?: { data: Uint8Array; sizes: Int32Array; rows: Int32Array };
}

/** What a source's reader and clock learnt, once it has ended. */
export interface ParsedSource {
  rows: number;
  bytes: number;
  sniff: SniffResult;
  quirks: string[];
  anchorText: string;
  /** JSON of the zone used, when the source's times needed one. */
  zone: string | null;
  /** sha256 of every byte, when the parse worker computed it (the engine thread then does not). */
  sha256?: string;
}

/** A batch's transferred buffers, returned to the worker after the insert. */
interface BufferSet {
  bytes: ArrayBuffer;
  ends: ArrayBuffer;
  nums: ArrayBuffer;
  hostIdx: ArrayBuffer;
  progIdx: ArrayBuffer;
}

type ToWorker =
  | { t: 'begin'; opts: RowBuilderOptions }
  | ({ t: 'recycle' } & BufferSet)
  | { t: 'chunk'; b: ArrayBuffer; n: number }
  | { t: 'end' };

type FromWorker =
  | ({ t: 'batch' } & RowBatch)
  | { t: 'free'; b: ArrayBuffer }
  | { t: 'rewrite'; rows: Float64Array }
  | ({ t: 'done'; peaks: MemoryPeaks } & ParsedSource)
  | { t: 'error'; message: string };

const QUALITY_CODE = new Map<string, number>(TIME_QUALITY_CODES.map((q, i) => [q, i]));

/** The stale rows' final times, as [index, ts (NaN = null), quality code, zoned] quads. */
export function* rewriteQuads(b: RowBuilder, stale: readonly StaleRange[]): Generator<Float64Array> {
  let buf = new Float64Array(REWRITE_ROWS * 4);
  let n = 0;
  for (const r of b.times.finalTimes(stale)) {
    buf[n * 4] = r.index;
    buf[n * 4 + 1] = r.time.ts === null ? NaN : r.time.ts;
    buf[n * 4 + 2] = QUALITY_CODE.get(r.time.quality) ?? 0;
    buf[n * 4 + 3] = r.time.zoned ? 1 : 0;
    if (++n === REWRITE_ROWS) {
      yield buf;
      buf = new Float64Array(REWRITE_ROWS * 4);
      n = 0;
    }
  }
  if (n > 0) yield buf.subarray(0, n * 4);
}

/** Ends a RowBuilder's source: its clock decides, the stale rows' final times are handed over. */
export function finishRows(b: RowBuilder, rewrite: (quads: Float64Array) => void): ParsedSource {
  b.end();
  const { resolution, stale } = b.times.finish();
  try {
    if (stale.length > 0) for (const q of rewriteQuads(b, stale)) rewrite(q);
  } finally {
    b.times.dispose();
  }
  return {
    rows: b.lineNo,
    bytes: b.reader.bytes,
    sniff: b.reader.sniffResult,
    quirks: b.reader.quirks(),
    anchorText: b.times.anchorText(resolution),
    zone: b.times.usesZone ? JSON.stringify(resolution.zone) : null,
  };
}

/** Collects one batch's rows into transferable arrays (texts as UTF-8 bytes: cheaper to move than strings). */
class BatchSink implements RowSink {
  private bytes = Buffer.allocUnsafeSlow(TEXT_BYTES);
  private pos = 0;
  private ends: Int32Array;
  private odd: Array<[number, string]> = [];
  private nums: Float64Array;
  private hostIdx: Int32Array;
  private progIdx: Int32Array;
  private hosts = new Map<string, number>();
  private progs = new Map<string, number>();
  private n = 0;
  /** Buffer sets the engine has sent back. */
  readonly pool: BufferSet[] = [];

  constructor(
    private capacity: number,
    /** The codec of the case's blocks when this side makes them, else null. */
    private readonly textBlocks: TextCodec | null,
    private readonly send: (b: RowBatch) => void,
  ) {
    this.nums = new Float64Array(capacity * ROW_NUMS);
    this.ends = new Int32Array(capacity);
    this.hostIdx = new Int32Array(capacity);
    this.progIdx = new Int32Array(capacity);
  }

  begin(): void {
    this.n = 0;
  }

  row(
    byteOffset: number,
    time: ResolvedTime,
    text: string,
    host: string | null,
    program: string | null,
    pid: number | null,
    severity: number | null,
    level: number | null,
    message: string,
  ): void {
    const i = this.n++;
    if (i >= this.capacity) this.grow();
    let ascii = false;
    if (wellFormed(text)) {
      if (this.bytes.length - this.pos < text.length * 3) this.growBytes(text.length * 3);
      const written = (this.bytes as unknown as FastBuffer).utf8Write(
        text,
        this.pos,
        this.bytes.length - this.pos,
      );
      ascii = written === text.length;
      this.pos += written;
    } else this.odd.push([i, text]);
    if (level === LEVEL_LATER)
      // An ASCII text ending with its message: the engine infers the level from the message's
      // bytes (laterLevel). Anything else is inferred here.
      level = ascii && text.endsWith(message) ? -1 - (text.length - message.length) : inferLevel(message);
    this.ends[i] = this.pos;
    const j = i * ROW_NUMS;
    const a = this.nums;
    a[j] = byteOffset;
    a[j + 1] = time.ts === null ? NaN : time.ts;
    a[j + 2] = QUALITY_CODE.get(time.quality) ?? 0;
    a[j + 3] = time.zoned ? 1 : 0;
    a[j + 4] = pid === null ? NaN : pid;
    a[j + 5] = severity === null ? NaN : severity;
    a[j + 6] = level === null ? NaN : level;
    this.hostIdx[i] = host === null ? -1 : idOf(this.hosts, host);
    this.progIdx[i] = program === null ? -1 : idOf(this.progs, program);
  }

  commit(count: number): void {
    // Read before the transfer detaches them.
    const textCapacity = this.bytes.length;
    const batch: RowBatch = {
      n: count,
      textBytes: new Uint8Array(this.bytes.buffer, this.bytes.byteOffset, this.pos),
      textEnds: this.ends.subarray(0, count),
      oddTexts: this.odd,
      nums: this.nums.subarray(0, count * ROW_NUMS),
      hostIdx: this.hostIdx.subarray(0, count),
      hosts: [...this.hosts.keys()],
      progIdx: this.progIdx.subarray(0, count),
      progs: [...this.progs.keys()],
    };
    if (this.textBlocks) batch.blocks = this.compress(this.textBlocks, count);
    this.send(batch);
    // The arrays were transferred: the engine sends them back once inserted (recycle), so a
    // few sets go round instead of a new set per batch for the GC to find.
    const set = this.pool.pop();
    const fits =
      set !== undefined &&
      set.bytes.byteLength >= textCapacity &&
      set.nums.byteLength >= this.capacity * ROW_NUMS * 8;
    this.bytes = fits ? Buffer.from(set.bytes) : Buffer.allocUnsafeSlow(textCapacity);
    this.pos = 0;
    this.odd = [];
    this.ends = fits ? new Int32Array(set.ends) : new Int32Array(this.capacity);
    this.nums = fits ? new Float64Array(set.nums) : new Float64Array(this.capacity * ROW_NUMS);
    this.hostIdx = fits ? new Int32Array(set.hostIdx) : new Int32Array(this.capacity);
    this.progIdx = fits ? new Int32Array(set.progIdx) : new Int32Array(this.capacity);
    this.hosts = new Map();
    this.progs = new Map();
    this.n = 0;
  }

  private compress(codec: TextCodec, count: number): NonNullable<RowBatch['blocks']> {
    return textBlocksOf(this.bytes, this.ends, count, this.odd.length > 0 ? new Map(this.odd) : null, codec);
  }

  private growBytes(need: number): void {
    let size = Math.max(TEXT_BYTES, this.bytes.length * 2);
    while (size - this.pos < need) size *= 2;
    const b = Buffer.allocUnsafeSlow(size);
    this.bytes.copy(b, 0, 0, this.pos);
    this.bytes = b;
  }

  private grow(): void {
    this.nums = doubled(this.nums, (k) => new Float64Array(k));
    this.ends = doubled(this.ends, (k) => new Int32Array(k));
    this.hostIdx = doubled(this.hostIdx, (k) => new Int32Array(k));
    this.progIdx = doubled(this.progIdx, (k) => new Int32Array(k));
    this.capacity *= 2;
  }
}

/**
 * A batch's texts (UTF-8 bytes, row i ends at ends[i]; `odd` by row) as compressed blocks of at
 * most BLOCK_LINES texts, each closed after BLOCK_BYTES: RowBatch.blocks. Run by the parse
 * worker or, when it is the busier thread, by the engine thread on the batch it received.
 */
export function textBlocksOf(
  bytes: Uint8Array,
  ends: Int32Array,
  count: number,
  odd: ReadonlyMap<number, string> | null,
  codec: TextCodec,
): NonNullable<RowBatch['blocks']> {
  const parts: Buffer[] = [];
  const rows: number[] = [];
  let from = 0;
  let start = 0;
  while (from < count) {
    let to = from + 1;
    while (to < count && to - from < BLOCK_LINES && ends[to - 1]! - start < BLOCK_BYTES) to++;
    parts.push(encodeBlock(bytes, ends, from, to, start, odd, codec));
    rows.push(to - from);
    start = ends[to - 1]!;
    from = to;
  }
  const data = Buffer.concat(parts);
  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    sizes: Int32Array.from(parts, (p) => p.length),
    rows: Int32Array.from(rows),
  };
}

/** Buffer sets kept for reuse. */
const POOL = 8;
/** Text bytes a batch starts with (grown as needed: 10,000 lines of ~130 bytes fit). */
const TEXT_BYTES = 2 * 1024 * 1024;

export type { FastBuffer };

function idOf(m: Map<string, number>, name: string): number {
  let id = m.get(name);
  if (id === undefined) {
    id = m.size;
    m.set(name, id);
  }
  return id;
}

/** The worker's side: one source at a time, from `begin` to `end`. */
export function runParseWorker(port: MessagePort): void {
  let builder: RowBuilder | null = null;
  let sink: BatchSink | null = null;
  let hash = createHash('sha256');
  let hashing = true;
  let consumed = 0;
  let peaks = memoryPeaks();
  let sampled = 0;
  const post = (m: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
  port.on('message', (m: ToWorker) => {
    try {
      if (m.t === 'begin') {
        consumed = 0;
        sampled = 0;
        peaks = memoryPeaks();
        hash = createHash('sha256');
        hashing = m.opts.workerHashes !== false;
        const pool = sink?.pool ?? [];
        sink = new BatchSink(m.opts.batchLines, m.opts.textBlocks ?? null, (b) => {
          post({ t: 'batch', ...b }, [
            b.textBytes.buffer as ArrayBuffer,
            b.textEnds.buffer as ArrayBuffer,
            b.nums.buffer as ArrayBuffer,
            b.hostIdx.buffer as ArrayBuffer,
            b.progIdx.buffer as ArrayBuffer,
          ]);
        });
        sink.pool.push(...pool);
        builder = new RowBuilder(m.opts, sink);
      } else if (m.t === 'recycle') {
        const { bytes, ends, nums, hostIdx, progIdx } = m;
        if (sink && sink.pool.length < POOL) sink.pool.push({ bytes, ends, nums, hostIdx, progIdx });
      } else if (m.t === 'chunk') {
        if (builder) {
          const chunk = Buffer.from(m.b, 0, m.n);
          if (hashing) hash.update(chunk);
          // The splitter keeps no view of a chunk past push (it copies a line's unfinished
          // tail), so the buffer can go straight back to the engine's pool.
          builder.push(chunk);
          consumed += m.n;
          if (consumed - sampled >= SAMPLE_BYTES) {
            sampled = consumed;
            sampleMemory(peaks);
          }
        }
        post({ t: 'free', b: m.b }, [m.b]);
      } else if (m.t === 'end') {
        if (!builder) return;
        const b = builder;
        builder = null;
        const done = finishRows(b, (q) => post({ t: 'rewrite', rows: q }, [q.buffer as ArrayBuffer]));
        sampleMemory(peaks);
        post({
          t: 'done',
          ...done,
          ...(hashing ? { sha256: hash.digest('hex') } : {}),
          peaks,
        });
      }
    } catch (err) {
      builder = null;
      post({ t: 'error', message: (err as Error).stack ?? String(err) });
    }
  });
}

/** The worker samples its memory every this many input bytes. */
const SAMPLE_BYTES = 16 * 1024 * 1024;

export interface ParseHandler {
  /** Inserts one batch (synchronously: the next message waits for it). */
  batch(b: RowBatch): void;
  rewrite(quads: Float64Array): void;
}

let configured: { file: string; workerData: unknown } | null = null;

/** Peaks of a thread's process.memoryUsage() fields (bytes), sampled as it works. */
export interface MemoryPeaks {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

export function memoryPeaks(): MemoryPeaks {
  return { rss: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
}

export function sampleMemory(p: MemoryPeaks): void {
  const m = process.memoryUsage();
  if (m.rss > p.rss) p.rss = m.rss;
  if (m.heapUsed > p.heapUsed) p.heapUsed = m.heapUsed;
  if (m.external > p.external) p.external = m.external;
  if (m.arrayBuffers > p.arrayBuffers) p.arrayBuffers = m.arrayBuffers;
}

/**
 * Sources and batches parsed in parse workers by this process (tests check the worker ran),
 * the most chunk buffers one parse worker's pool held, and the parse worker's memory peaks
 * (its own heap and buffers) over its sources.
 */
export const parseWorkerStats = { sources: 0, batches: 0, chunkBuffers: 0, workerPeaks: memoryPeaks() };

/**
 * Names the file a parse worker starts from (the engine worker names its own file, with
 * `{ role: 'parser' }`); null turns the parse worker off. Unconfigured, every source is
 * parsed in the ingest's own thread.
 */
export function configureParseWorker(file: string | null, workerData: unknown = { role: 'parser' }): void {
  configured = file === null ? null : { file, workerData };
}

/**
 * A parse worker for one ingest run (started only if a large source comes), or null. The
 * engine worker configures it unless POSTMORTEM_PARSE_WORKER=0 (see worker-entry.ts).
 */
export function createParseWorker(): ParseWorker | null {
  if (configured === null || process.env.POSTMORTEM_PARSE_WORKER === '0') return null;
  return new ParseWorker(configured.file, configured.workerData);
}

/** The engine's side: one worker, started on first use, reused for every large source. */
export class ParseWorker {
  private worker: Worker | null = null;
  /** Chunk buffers not in the worker's hands, and how many exist (at most CHUNKS). */
  private chunks: ArrayBuffer[] = [];
  private allocated = 0;

  constructor(
    private readonly file: string,
    private readonly workerData: unknown,
  ) {}

  /**
   * Parses one source in the worker: `head` then every chunk `next` gives. Batches and
   * rewrites reach the handler in order, before this resolves with what the source taught
   * and the sha256 of all its bytes.
   * A throw from `next` or the handler (a cancel, a write error) stops the worker.
   */
  async run(
    opts: RowBuilderOptions,
    head: Buffer,
    ended: boolean,
    next: () => Promise<Buffer | null>,
    handler: ParseHandler,
  ): Promise<ParsedSource> {
    const w = (this.worker ??= new Worker(this.file, { workerData: this.workerData }));
    parseWorkerStats.sources++;
    let failure: unknown = null;
    let wake: (() => void) | null = null;
    let settle: { resolve: (d: ParsedSource) => void; reject: (e: unknown) => void } | null = null;
    const done = new Promise<ParsedSource>((resolve, reject) => (settle = { resolve, reject }));
    // Attached to a rejection that may come before anyone awaits `done`.
    done.catch(() => undefined);
    const fail = (err: unknown): void => {
      if (failure === null) failure = err;
      settle?.reject(err);
      wake?.();
    };
    const chunks = this.chunks;
    const onMessage = (m: FromWorker): void => {
      if (m.t === 'free') {
        // Back to the pool even after a failure: the next source reuses it.
        chunks.push(m.b);
        wake?.();
        return;
      }
      if (failure !== null) return;
      try {
        if (m.t === 'batch') {
          parseWorkerStats.batches++;
          handler.batch(m);
          const back: BufferSet = {
            bytes: m.textBytes.buffer as ArrayBuffer,
            ends: m.textEnds.buffer as ArrayBuffer,
            nums: m.nums.buffer as ArrayBuffer,
            hostIdx: m.hostIdx.buffer as ArrayBuffer,
            progIdx: m.progIdx.buffer as ArrayBuffer,
          };
          w.postMessage({ t: 'recycle', ...back } satisfies ToWorker, Object.values(back));
        } else if (m.t === 'rewrite') handler.rewrite(m.rows);
        else if (m.t === 'done') {
          const p = parseWorkerStats.workerPeaks;
          for (const k of Object.keys(p) as Array<keyof MemoryPeaks>) p[k] = Math.max(p[k], m.peaks[k]);
          settle?.resolve(m);
        } else fail(new Error(`parse worker: ${m.message}`));
      } catch (err) {
        fail(err);
      }
    };
    const onError = (err: Error): void => fail(err);
    const onExit = (code: number): void => fail(new Error(`parse worker exited (code ${code})`));
    w.on('message', onMessage);
    w.on('error', onError);
    w.on('exit', onExit);
    // The chunk being filled: stream chunks are copied into pooled buffers (they are the
    // stream's, and a stream may reuse its memory), each sent once full.
    let cur: ArrayBuffer | null = null;
    let view: Uint8Array | null = null;
    let fill = 0;
    const take = async (): Promise<boolean> => {
      for (;;) {
        if (failure !== null) return false;
        let b = chunks.pop() ?? null;
        if (b === null && this.allocated < CHUNKS) {
          b = new ArrayBuffer(CHUNK_BYTES);
          parseWorkerStats.chunkBuffers = Math.max(parseWorkerStats.chunkBuffers, ++this.allocated);
        }
        if (b !== null) {
          cur = b;
          view = new Uint8Array(b);
          fill = 0;
          return true;
        }
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
      }
    };
    const flush = (): void => {
      if (cur === null || fill === 0) return;
      w.postMessage({ t: 'chunk', b: cur, n: fill } satisfies ToWorker, [cur]);
      cur = null;
      view = null;
      fill = 0;
    };
    const send = async (c: Buffer): Promise<boolean> => {
      let at = 0;
      while (at < c.length) {
        if (cur === null && !(await take())) return false;
        const n = Math.min(c.length - at, CHUNK_BYTES - fill);
        view!.set(at === 0 && n === c.length ? c : c.subarray(at, at + n), fill);
        fill += n;
        at += n;
        if (fill === CHUNK_BYTES) flush();
      }
      return true;
    };
    try {
      w.postMessage({ t: 'begin', opts } satisfies ToWorker);
      let ok = await send(head);
      if (!ended) {
        while (ok) {
          const c = await next();
          if (c === null) break;
          ok = await send(c);
        }
      }
      flush();
      if (failure === null) w.postMessage({ t: 'end' } satisfies ToWorker);
      return await done;
    } catch (err) {
      // Its state is mid-source: a fresh worker for the next one.
      this.close();
      throw err;
    } finally {
      if (cur !== null) chunks.push(cur);
      w.off('message', onMessage);
      w.off('error', onError);
      w.off('exit', onExit);
    }
  }

  close(): void {
    const w = this.worker;
    this.worker = null;
    // Buffers the old worker holds are lost with it.
    this.chunks = [];
    this.allocated = 0;
    if (w) void w.terminate();
  }
}
