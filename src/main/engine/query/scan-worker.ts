/**
 * The second core for a search that must read every line of a large view (a regex with no
 * literal the full-text index could use, or a word too frequent for it). The engine thread
 * keeps scanning from the front of the remaining positions exactly as before (first hits
 * stream from the view's start at the same latency); a scan worker scans from the back, with
 * its own read-only connection to the case file, its own RowReader / BlockScan / TextBlocks
 * and its own compiled matcher.
 *
 * Work is shared by stealing chunks of positions: the range is cut into K chunks and one
 * 32-bit word in shared memory counts the chunks taken from the front (low 16 bits, the
 * engine) and from the back (high 16 bits, the worker). Each side claims its next chunk with
 * a compare-and-swap, so both finish together whatever the engine thread spends on answering
 * other requests meanwhile. Every chunk the worker takes lies after every chunk the engine
 * takes: the engine emits its own hits as it goes, then the worker's chunks in ascending order.
 *
 * The worker returns, per chunk, its hit count and the rows (position, line id, source id,
 * line no, text) of at most `limit` hits: the first ones of the chunk, the only ones that can
 * still be listed. Once the engine has listed `limit` hits itself (a flag in shared memory),
 * the worker sends counts only. Rows travel as transferred typed arrays and one string array.
 *
 * Lines scanned by the worker are added to a shared counter (progress); the engine's cancel
 * is a shared flag the worker reads between steps of SCAN_STEP lines (a few ms), and the
 * engine terminates the worker when its scan ends, however it ends (done, cancelled, the
 * case closed, an error); a worker thread's own workers end with it (engine shutdown).
 * A worker error, exit or a refusal (the case's order changed) is logged, and the engine
 * thread scans the chunks the worker took but did not deliver: never a wrong or missing result.
 *
 * A filter whose conditions need the rows (texts, hosts, programs) is materialised the same
 * way over the merged order (CaseQuery.materialise): the worker sends the positions kept.
 *
 * The worker is the engine's own worker file started with `{ role: 'scanner' }`
 * (worker-entry.ts); under tsx, scan-boot.cjs. The viewer's reader never configures it.
 */
import { type MessagePort, Worker } from 'node:worker_threads';
import type { LineFilter, TextMatch } from '../../../shared/model/view';
import { openCaseDbReadOnly, type Db } from '../store/database';
import { LineHeads } from '../store/line-heads';
import { TextBlocks } from '../store/text-blocks';
import { compileFilter, compileMatch, sqlDecides, sqlPredicate, type CompiledFilter } from './match';
import { CHUNK, readOrderStats, storedOrderId } from './order';
import { RowReader } from './rows';
import { FilteredView, MergedView, SourceView, StoredOrder, type OrderChunk, type View } from './views';

/** Positions per scan step (one matching() call): as the engine thread's SEARCH_BATCH. */
export const SCAN_STEP = 4096;
/** Positions per claimed chunk (at least; more when the range has over 65535 of them). */
export const CLAIM_POSITIONS = 32_768;
const MAX_CHUNKS = 0xffff;

/** Indexes into the shared Int32Array. */
const CLAIM = 0;
const CANCEL = 1;
const SCANNED = 2;
/** Set by the engine once it has listed `limit` hits itself: the worker's rows cannot be listed. */
const FULL = 3;
const STATE_WORDS = 4;

/**
 * A search (hits, listed up to `limit`) or a filter over the merged view (the positions of
 * the lines that pass: materialising a filtered view whose conditions need the rows).
 */
export type ScanTask =
  { kind: 'search'; match: TextMatch; limit: number } | { kind: 'filter'; filter: LineFilter };

/** The view as the worker rebuilds it on its own connection. */
export type ScanViewSpec =
  | { kind: 'merged' }
  | { kind: 'source'; firstLineId: number; count: number }
  /** A filtered view's merged positions, in shared memory (no copy per worker). */
  | { kind: 'positions'; positions: Int32Array };

export interface ScanJob {
  file: string;
  /** The stored order the engine's view is built on: the worker refuses another one. */
  buildId: string;
  view: ScanViewSpec;
  task: ScanTask;
  /** The positions [base, end) shared out, in chunks of `chunk`. */
  base: number;
  end: number;
  chunk: number;
  /** The last `reserved` chunks are the worker's from the start (see ScanRun). */
  reserved: number;
  state: Int32Array;
}

/**
 * One chunk's result: its hit count and the rows of its first `limit` hits (or none); for a
 * filter, the positions kept.
 */
export interface ChunkResult {
  k: number;
  lines: number;
  count: number;
  kept: Int32Array;
  positions: Float64Array;
  lineIds: Float64Array;
  sourceIds: Float64Array;
  lineNos: Float64Array;
  texts: string[];
}

type ToWorker = { t: 'job'; job: ScanJob };
type FromWorker =
  ({ t: 'chunk' } & ChunkResult) | { t: 'end'; cancelled: boolean } | { t: 'error'; message: string };

// ---- configuration ---------------------------------------------------------------------

let configured: { file: string; workerData: unknown } | null = null;

/**
 * Names the file a scan worker starts from (the main engine worker names its own file, with
 * `{ role: 'scanner' }`; tests and benches name scan-boot.cjs); null turns it off.
 * Unconfigured (the viewer's reader, a plain Engine), every scan runs in the calling thread.
 */
export function configureScanWorker(file: string | null, workerData: unknown = { role: 'scanner' }): void {
  configured = file === null ? null : { file, workerData };
}

/**
 * Positions a scan must still read for the worker to be started. A worker is started per
 * scan: `new Worker` costs the engine thread 1–25 ms, and the worker is ready to scan
 * 140–220 ms later (bundled; 190–250 ms under tsx; up to ~0.5 s on a loaded machine),
 * loading on its own thread. One thread scans ~1.8M lines/s of a blocks case (8.4M in ~4.7 s),
 * so 1M positions (~0.55 s) leave the worker about half of what remains once it is up; below
 * ~0.5M the engine would be done, or waiting for the worker's reserved chunk, before it helps.
 * POSTMORTEM_SCAN_WORKER_MIN overrides it (tests); POSTMORTEM_SCAN_WORKER=0 turns the worker off.
 */
export const PARALLEL_MIN = 1_000_000;

export function parallelMin(): number {
  const env = process.env.POSTMORTEM_SCAN_WORKER_MIN;
  const n = env === undefined ? NaN : Number(env);
  return Number.isFinite(n) && n >= 0 ? n : PARALLEL_MIN;
}

/**
 * How long a long search scans in the engine thread alone before the worker is started, unless
 * it has found hits sooner (CaseQuery.scan): the first hits are what the engineer waits for,
 * and a worker starting on a busy second core slowed them by ~50 %. The worker takes 140–220
 * ms to be ready anyway, so a late start costs the whole scan at most ~100 ms.
 * POSTMORTEM_SCAN_WORKER_AFTER_MS overrides it (tests).
 */
export const WORKER_AFTER_MS = 200;

export function workerAfterMs(): number {
  const env = process.env.POSTMORTEM_SCAN_WORKER_AFTER_MS;
  const n = env === undefined ? NaN : Number(env);
  return Number.isFinite(n) && n >= 0 ? n : WORKER_AFTER_MS;
}

/** CLAIM_POSITIONS, or POSTMORTEM_SCAN_CHUNK (tests: many chunks on a small case). */
function claimPositions(): number {
  const n = Number(process.env.POSTMORTEM_SCAN_CHUNK);
  return Number.isInteger(n) && n > 0 ? n : CLAIM_POSITIONS;
}

/** Chunks reserved to the worker: 1, or POSTMORTEM_SCAN_RESERVE (tests: a worker with many chunks to fail in). */
function reserveChunks(): number {
  const n = Number(process.env.POSTMORTEM_SCAN_RESERVE);
  return Number.isInteger(n) && n >= 0 ? n : 1;
}

export function scanWorkerEnabled(): boolean {
  return configured !== null && process.env.POSTMORTEM_SCAN_WORKER !== '0';
}

/** For tests and benches: runs started, chunks delivered, failures fallen back from; `started` sees each worker. */
export const scanWorkerStats = {
  runs: 0,
  chunks: 0,
  fallbacks: 0,
  started: null as ((w: Worker) => void) | null,
};

// ---- the engine's side -----------------------------------------------------------------

/**
 * One parallel scan of positions [base, end): the engine claims chunks from the front with
 * `claimFront`, the worker from the back; `finish` waits for the worker and gives its chunks.
 */
export class ScanRun {
  readonly chunks: number;
  readonly chunk: number;
  private readonly state: Int32Array;
  private readonly worker: Worker;
  private readonly delivered = new Map<number, ChunkResult>();
  private ended = false;
  private failure: Error | null = null;
  private wake: (() => void) | null = null;
  private deliveredLines = 0;
  private closed = false;
  /** Delivered chunks in arrival (descending) order; those before dropFrom have had their rows dropped. */
  private readonly withRows: number[] = [];
  private dropFrom = 0;
  private rowsKept = 0;
  private readonly limit: number;

  private constructor(file: string, workerData: unknown, job: Omit<ScanJob, 'state' | 'chunk' | 'reserved'>) {
    this.limit = job.task.kind === 'search' ? job.task.limit : Infinity;
    const len = job.end - job.base;
    const chunk = Math.max(claimPositions(), Math.ceil(len / MAX_CHUNKS));
    // A filter is shared in whole chunks of the order.
    this.chunk = job.task.kind === 'filter' ? Math.ceil(chunk / CHUNK) * CHUNK : chunk;
    this.chunks = Math.ceil(len / this.chunk);
    this.state = new Int32Array(new SharedArrayBuffer(STATE_WORDS * 4));
    // The last chunk is the worker's from the start, so it takes part in every parallel scan
    // even when it starts late (this thread then waits for that one chunk). Under a bundle it
    // is up long before the two sides meet on a view of PARALLEL_MIN positions.
    const reserved = Math.min(reserveChunks(), Math.floor(this.chunks / 2));
    Atomics.store(this.state, CLAIM, (reserved << 16) | 0);
    this.worker = new Worker(file, { workerData });
    // A CLI or a test is not kept alive by it; the engine terminates it after each scan.
    this.worker.unref();
    this.worker.on('message', (m: FromWorker) => {
      if (m.t === 'chunk') {
        this.keep(m);
        this.deliveredLines += m.lines;
        scanWorkerStats.chunks++;
      } else if (m.t === 'end') this.ended = true;
      else this.fail(new Error(m.message));
      this.wake?.();
    });
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => {
      if (!this.ended) this.fail(new Error(`the scan worker exited (code ${code})`));
    });
    scanWorkerStats.runs++;
    scanWorkerStats.started?.(this.worker);
    const msg: ToWorker = { t: 'job', job: { ...job, chunk: this.chunk, reserved, state: this.state } };
    this.worker.postMessage(msg);
  }

  /** A run when the worker is configured and enabled, else null (scan in the calling thread). */
  static start(job: Omit<ScanJob, 'state' | 'chunk' | 'reserved'>): ScanRun | null {
    if (!scanWorkerEnabled() || configured === null || job.end <= job.base) return null;
    try {
      return new ScanRun(configured.file, configured.workerData, job);
    } catch (err) {
      console.warn(`[engine] scan worker not started: ${(err as Error).message}`);
      return null;
    }
  }

  private fail(err: Error): void {
    if (this.ended || this.failure || this.closed) return;
    this.failure = err;
    scanWorkerStats.fallbacks++;
    console.warn(`[engine] scan worker failed, this thread scans its part: ${err.message}`);
    this.wake?.();
  }

  get failed(): boolean {
    return this.failure !== null;
  }

  /** Positions [from, to) of chunk k. */
  range(k: number, base: number, end: number): [number, number] {
    const from = base + k * this.chunk;
    return [from, Math.min(end, from + this.chunk)];
  }

  /** The next chunk from the front, or -1 when the two sides have met. */
  claimFront(): number {
    return claim(this.state, this.chunks, false);
  }

  /** Lines the worker has scanned so far (only what it delivered, once it has failed). */
  scannedByWorker(): number {
    return this.failure ? this.deliveredLines : Atomics.load(this.state, SCANNED);
  }

  /** The engine has listed all it may: the worker sends counts only from now on. */
  listedFull(): void {
    Atomics.store(this.state, FULL, 1);
  }

  cancel(): void {
    Atomics.store(this.state, CANCEL, 1);
  }

  /**
   * Waits until the worker has ended (or failed), calling `tick` every 50 ms (progress); a
   * tick that returns true (cancelled) stops the wait at once, and null is returned. Else
   * the chunks the worker took, ascending, each with its result or null (not delivered: the
   * caller scans it).
   */
  async finish(tick: () => boolean): Promise<{ k: number; result: ChunkResult | null }[] | null> {
    while (!this.ended && !this.failure) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wake = null;
      if (tick()) return null;
    }
    const b = Atomics.load(this.state, CLAIM) >>> 16;
    const out: { k: number; result: ChunkResult | null }[] = [];
    for (let k = this.chunks - b; k < this.chunks; k++)
      out.push({ k, result: this.delivered.get(k) ?? null });
    return out;
  }

  /**
   * Keeps a delivered chunk. Chunks arrive in descending order (the worker claims from the
   * back), so each one comes before all kept so far: the rows of the latest chunks are
   * dropped (their counts kept) once the earlier ones hold `limit` rows without them, as
   * they can never be listed. The rows held stay below 2 × limit whatever the case size.
   */
  private keep(r: ChunkResult): void {
    this.delivered.set(r.k, r);
    this.rowsKept += r.texts.length;
    this.withRows.push(r.k);
    for (;;) {
      const last = this.delivered.get(this.withRows[this.dropFrom] ?? -1);
      if (!last || this.withRows.length - this.dropFrom < 2) break;
      if (this.rowsKept - last.texts.length < this.limit) break;
      this.rowsKept -= last.texts.length;
      this.delivered.set(last.k, { ...last, ...noRows() });
      this.dropFrom++;
    }
  }

  /** Stops the worker (each scan starts its own: see PARALLEL_MIN for the cost). */
  close(): void {
    this.closed = true;
    Atomics.store(this.state, CANCEL, 1);
    this.wake = null;
    void this.worker.terminate();
  }
}

/**
 * Claims the next chunk of `chunks` from the front (the engine) or the back (the worker): the
 * CLAIM word counts the chunks taken by each side (front: low 16 bits, back: high 16 bits).
 * Returns the chunk's index, or -1 once the two sides have met.
 */
function claim(state: Int32Array, chunks: number, back: boolean): number {
  for (;;) {
    const w = Atomics.load(state, CLAIM);
    const f = w & 0xffff;
    const b = w >>> 16;
    if (f + b >= chunks) return -1;
    const next = back ? ((b + 1) << 16) | f : (b << 16) | (f + 1);
    if (Atomics.compareExchange(state, CLAIM, w, next | 0) === w) return back ? chunks - 1 - b : f;
  }
}

function noRows(): Pick<ChunkResult, 'positions' | 'lineIds' | 'sourceIds' | 'lineNos' | 'texts'> {
  const none = new Float64Array(0);
  return { positions: none, lineIds: none, sourceIds: none, lineNos: none, texts: [] };
}

/** A source's line-id range (null: no such source). */
export function sourceRange(db: Db, sourceId: number): { first: number; count: number } | null {
  const s = db.prepare('SELECT first_line_id, line_count FROM sources WHERE source_id = ?').get(sourceId) as
    { first_line_id: number | null; line_count: number } | undefined;
  if (!s) return null;
  return { first: s.first_line_id ?? 1, count: s.first_line_id === null ? 0 : s.line_count };
}

/**
 * The positions of order chunk `c` (at `ch`) whose lines pass filter f: the conditions the
 * order answers first, then the rows for what needs them. Both threads run this.
 */
export function filterChunk(rows: RowReader, f: CompiledFilter, c: number, ch: OrderChunk): number[] {
  const cand: number[] = [];
  for (let j = 0; j < ch.ids.length; j++)
    if (f.quick(ch.ids[j]!, ch.keys[j]!, ch.flags[j]!, ch.names[2 * j]!, ch.names[2 * j + 1]!)) cand.push(j);
  let keep = cand;
  if (f.needsRow && cand.length > 0)
    keep = rows
      .matching(
        cand.map((j) => ch.ids[j]!),
        f.sql,
        f.text,
      )
      .map((h) => cand[h.index]!);
  return keep.map((j) => c * CHUNK + j);
}

// ---- the worker's side -----------------------------------------------------------------

interface Opened {
  file: string;
  db: Db;
  texts: TextBlocks;
  heads: LineHeads;
  rows: RowReader;
}

/** Runs in the scan worker: answers jobs until terminated. */
export function runScanWorker(port: MessagePort): void {
  let opened: Opened | null = null;
  const open = (file: string): Opened => {
    if (opened && opened.file === file) return opened;
    if (opened) close(opened);
    const db = openCaseDbReadOnly(file, 'the scan worker reads this case');
    // Sequential reads: the page cache is of little use (the texts come through TextBlocks's own connection).
    db.pragma('cache_size = -8192');
    const texts = new TextBlocks(db, file);
    const heads = new LineHeads(db, file);
    opened = { file, db, texts, heads, rows: new RowReader(db) };
    return opened;
  };
  port.on('message', (m: ToWorker) => {
    if (m.t !== 'job') return;
    try {
      const cancelled = runJob(open(m.job.file), m.job, (r) => {
        const transfer = new Set(
          [r.positions, r.lineIds, r.sourceIds, r.lineNos, r.kept].map((a) => a.buffer as ArrayBuffer),
        );
        port.postMessage({ t: 'chunk', ...r } satisfies FromWorker, [...transfer]);
      });
      port.postMessage({ t: 'end', cancelled } satisfies FromWorker);
    } catch (err) {
      port.postMessage({ t: 'error', message: (err as Error).message } satisfies FromWorker);
    }
  });
}

function close(o: Opened): void {
  o.texts.close();
  o.heads.close();
  o.db.close();
}

function orderOf(db: Db, job: ScanJob): StoredOrder {
  const stats = readOrderStats(db);
  if (!stats || stats.buildId !== job.buildId || storedOrderId(db) !== job.buildId)
    throw new Error("the case's time order changed: the scan worker cannot read the same view");
  return new StoredOrder(db, stats);
}

function viewOf(order: StoredOrder, job: ScanJob): View {
  const v = job.view;
  if (v.kind === 'merged') return new MergedView(order);
  if (v.kind === 'source') return new SourceView(order, v.firstLineId, v.count);
  return new FilteredView(order, v.positions);
}

/** Claims chunks from the back until the sides meet; returns whether it was cancelled. */
function runJob(o: Opened, job: ScanJob, send: (r: ChunkResult) => void): boolean {
  const order = orderOf(o.db, job);
  const view = viewOf(order, job);
  const task = job.task;
  const limit = task.kind === 'search' ? task.limit : 0;
  const m = task.kind === 'search' ? task.match : null;
  const match = m ? compileMatch(m) : null;
  const pred = m ? sqlPredicate(m) : null;
  const decided = m ? sqlDecides(m) : false;
  const filter =
    task.kind === 'filter' ? compileFilter(task.filter, (id) => sourceRange(o.db, id), order.names) : null;
  if (filter && job.chunk % CHUNK !== 0)
    throw new Error('a filter scan is shared in whole chunks of the order');
  const s = job.state;
  const chunks = Math.ceil((job.end - job.base) / job.chunk);
  for (let next = 0; ; next++) {
    if (Atomics.load(s, CANCEL) !== 0) return true;
    // The reserved chunks first (last to first), then claim the next one from the back.
    const k = next < job.reserved ? chunks - 1 - next : claim(s, chunks, true);
    if (k < 0) return false;
    const from = job.base + k * job.chunk;
    const to = Math.min(job.end, from + job.chunk);
    const positions: number[] = [];
    const lineIds: number[] = [];
    const sourceIds: number[] = [];
    const lineNos: number[] = [];
    const texts: string[] = [];
    let count = 0;
    if (filter) {
      // A filter (over the merged view, from position 0): whole chunks of the order.
      const kept: number[] = [];
      for (let c = from / CHUNK; c * CHUNK < to; c++) {
        if (Atomics.load(s, CANCEL) !== 0) return true;
        const ch = order.chunk(c);
        for (const p of filterChunk(o.rows, filter, c, ch)) kept.push(p);
        Atomics.add(s, SCANNED, ch.ids.length);
      }
      send({ k, lines: to - from, count: kept.length, kept: Int32Array.from(kept), ...noRows() });
      continue;
    }
    for (let p = from; p < to; p += SCAN_STEP) {
      if (Atomics.load(s, CANCEL) !== 0) return true;
      const ids = view.ids(p, Math.min(SCAN_STEP, to - p));
      const listable = Atomics.load(s, FULL) === 0;
      for (const { index, row } of o.rows.matching(ids, pred, decided ? null : match)) {
        if (listable && texts.length < limit) {
          positions.push(p + index);
          lineIds.push(row[0]);
          sourceIds.push(row[1]);
          lineNos.push(row[2]);
          texts.push(row[3]);
        }
        count++;
      }
      Atomics.add(s, SCANNED, ids.length);
    }
    send({
      k,
      lines: to - from,
      count,
      positions: Float64Array.from(positions),
      lineIds: Float64Array.from(lineIds),
      sourceIds: Float64Array.from(sourceIds),
      lineNos: Float64Array.from(lineNos),
      texts,
      kept: new Int32Array(0),
    });
  }
}
