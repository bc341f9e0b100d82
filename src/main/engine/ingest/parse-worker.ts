/**
 * Parsing in a second thread. A large text source is split, decoded, parsed, clocked and
 * levelled by RowBuilder in a parse worker, and the engine thread only inserts the rows it
 * gets back, batch by batch: both cores work. Same rows, same batches, same transactions as
 * the in-thread path, so kill -9 safety is unchanged (a batch is one transaction on the
 * engine thread; the source stays `indexing` until its times are final).
 *
 * Engine → worker: `begin` (the source's options), `chunk` (bytes, transferred), `end`.
 * Worker → engine: `batch` (rows: texts, numbers in a transferred Float64Array, host and
 * program names as per-batch dictionaries), `rewrite` (final times of stale rows), `done`
 * (what the source's reader and clock learnt), `error`.
 * At most WINDOW_BYTES are in flight, so neither side's queue grows with the input.
 *
 * The worker is the engine's own worker file started with `{ role: 'parser' }` (see
 * worker-entry.ts), so the Electron bundle needs no entry of its own.
 */
import { createHash } from 'node:crypto';
import { type MessagePort, Worker } from 'node:worker_threads';
import type { SniffResult } from '../formats/registry';
import { TIME_QUALITY_CODES } from '../store/schema';
import { type RowBuilderOptions, RowBuilder, type RowSink } from './row-builder';
import type { ResolvedTime, StaleRange } from './source-times';

/** Bytes sent and not yet consumed by the worker before the reader waits. */
const WINDOW_BYTES = 8 * 1024 * 1024;
/** The worker says how many bytes it has consumed at least every this many (less than the window). */
const ACK_BYTES = 1024 * 1024;
/** Final times per `rewrite` message. */
const REWRITE_ROWS = 65_536;
/** Numbers per row in a batch: byteOffset, ts (NaN = null), quality code, zoned, pid, severity, level (NaN = null). */
export const ROW_NUMS = 7;

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
  | { t: 'chunk'; b: Uint8Array }
  | { t: 'end' };

type FromWorker =
  | ({ t: 'batch'; consumed: number } & RowBatch)
  | { t: 'ack'; consumed: number }
  | { t: 'rewrite'; rows: Float64Array }
  | ({ t: 'done' } & ParsedSource)
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
  if (stale.length > 0) for (const q of rewriteQuads(b, stale)) rewrite(q);
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
  ): void {
    const i = this.n++;
    if (i >= this.capacity) this.grow();
    if (wellFormed(text)) {
      if (this.bytes.length - this.pos < text.length * 3) this.growBytes(text.length * 3);
      this.pos += (this.bytes as unknown as FastBuffer).utf8Write(
        text,
        this.pos,
        this.bytes.length - this.pos,
      );
    } else this.odd.push([i, text]);
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

  private growBytes(need: number): void {
    let size = Math.max(TEXT_BYTES, this.bytes.length * 2);
    while (size - this.pos < need) size *= 2;
    const b = Buffer.allocUnsafeSlow(size);
    this.bytes.copy(b, 0, 0, this.pos);
    this.bytes = b;
  }

  private grow(): void {
    const grow = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(a.length * 2);
      b.set(a);
      return b;
    };
    this.nums = grow(this.nums, (k) => new Float64Array(k));
    this.ends = grow(this.ends, (k) => new Int32Array(k));
    this.hostIdx = grow(this.hostIdx, (k) => new Int32Array(k));
    this.progIdx = grow(this.progIdx, (k) => new Int32Array(k));
    this.capacity *= 2;
  }
}

/** Buffer sets kept for reuse. */
const POOL = 8;
/** Text bytes a batch starts with (grown as needed: 10,000 lines of ~130 bytes fit). */
const TEXT_BYTES = 2 * 1024 * 1024;

/** Buffer's own UTF-8 methods (what write/toString call after checking their arguments). */
export interface FastBuffer {
  utf8Write(text: string, offset: number, length: number): number;
  utf8Slice(start: number, end: number): string;
}

/** String.prototype.isWellFormed (ES2024; the project's lib is older). */
const wellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

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
  let consumed = 0;
  let acked = 0;
  const post = (m: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
  port.on('message', (m: ToWorker) => {
    try {
      if (m.t === 'begin') {
        consumed = 0;
        acked = 0;
        hash = createHash('sha256');
        const pool = sink?.pool ?? [];
        sink = new BatchSink(m.opts.batchLines, (b) => {
          acked = consumed;
          post({ t: 'batch', consumed, ...b }, [
            b.textBytes.buffer as ArrayBuffer,
            b.textEnds.buffer as ArrayBuffer,
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
        if (!builder) return;
        const chunk = Buffer.from(m.b.buffer, m.b.byteOffset, m.b.byteLength);
        hash.update(chunk);
        builder.push(chunk);
        consumed += m.b.byteLength;
        // Long lines may fill no batch for many chunks: say what was consumed anyway.
        if (consumed - acked >= ACK_BYTES) {
          acked = consumed;
          post({ t: 'ack', consumed });
        }
      } else if (m.t === 'end') {
        if (!builder) return;
        const b = builder;
        builder = null;
        const done = finishRows(b, (q) => post({ t: 'rewrite', rows: q }, [q.buffer as ArrayBuffer]));
        post({ t: 'done', ...done, sha256: hash.digest('hex') });
      }
    } catch (err) {
      builder = null;
      post({ t: 'error', message: (err as Error).stack ?? String(err) });
    }
  });
}

export interface ParseHandler {
  /** Inserts one batch (synchronously: the next message waits for it). */
  batch(b: RowBatch): void;
  rewrite(quads: Float64Array): void;
}

let configured: { file: string; workerData: unknown } | null = null;

/** Sources and batches parsed in parse workers by this process (tests check the worker ran). */
export const parseWorkerStats = { sources: 0, batches: 0 };

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
 * engine worker configures it only with POSTMORTEM_PARSE_WORKER=1 (see worker-entry.ts).
 */
export function createParseWorker(): ParseWorker | null {
  if (configured === null || process.env.POSTMORTEM_PARSE_WORKER === '0') return null;
  return new ParseWorker(configured.file, configured.workerData);
}

/** The engine's side: one worker, started on first use, reused for every large source. */
export class ParseWorker {
  private worker: Worker | null = null;

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
    let consumed = 0;
    let sent = 0;
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
    const onMessage = (m: FromWorker): void => {
      if (failure !== null) return;
      try {
        if (m.t === 'batch') {
          parseWorkerStats.batches++;
          consumed = Math.max(consumed, m.consumed);
          handler.batch(m);
          const back: BufferSet = {
            bytes: m.textBytes.buffer as ArrayBuffer,
            ends: m.textEnds.buffer as ArrayBuffer,
            nums: m.nums.buffer as ArrayBuffer,
            hostIdx: m.hostIdx.buffer as ArrayBuffer,
            progIdx: m.progIdx.buffer as ArrayBuffer,
          };
          w.postMessage({ t: 'recycle', ...back } satisfies ToWorker, Object.values(back));
          wake?.();
        } else if (m.t === 'ack') {
          consumed = Math.max(consumed, m.consumed);
          wake?.();
        } else if (m.t === 'rewrite') handler.rewrite(m.rows);
        else if (m.t === 'done') settle?.resolve(m);
        else fail(new Error(`parse worker: ${m.message}`));
      } catch (err) {
        fail(err);
      }
    };
    const onError = (err: Error): void => fail(err);
    const onExit = (code: number): void => fail(new Error(`parse worker exited (code ${code})`));
    w.on('message', onMessage);
    w.on('error', onError);
    w.on('exit', onExit);
    const send = (chunk: Buffer): void => {
      // A copy the worker owns (stream chunks share pooled memory): transferred, not cloned.
      // (`new Uint8Array(chunk)` copies element by element: 20× slower than set.)
      const b = new Uint8Array(new ArrayBuffer(chunk.length));
      b.set(chunk);
      w.postMessage({ t: 'chunk', b } satisfies ToWorker, [b.buffer]);
      sent += b.byteLength;
    };
    try {
      w.postMessage({ t: 'begin', opts } satisfies ToWorker);
      send(head);
      if (!ended) {
        for (;;) {
          while (sent - consumed > WINDOW_BYTES && failure === null)
            await new Promise<void>((resolve) => (wake = resolve));
          wake = null;
          if (failure !== null) break;
          const c = await next();
          if (c === null) break;
          send(c);
        }
      }
      if (failure === null) w.postMessage({ t: 'end' } satisfies ToWorker);
      return await done;
    } catch (err) {
      // Its state is mid-source: a fresh worker for the next one.
      this.close();
      throw err;
    } finally {
      w.off('message', onMessage);
      w.off('error', onError);
      w.off('exit', onExit);
    }
  }

  close(): void {
    const w = this.worker;
    this.worker = null;
    if (w) void w.terminate();
  }
}
