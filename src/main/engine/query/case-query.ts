/**
 * The viewer's queries over one case: pages of any view, locating lines and times, next /
 * previous line of a severity, search (one-shot and streaming), the timeline histogram,
 * facets and the remembered UI state. Long scans are cut in slices and yield to the worker's
 * event loop between them, so page requests are answered while a search or a filter runs.
 */
import type { Located } from '../../../shared/api';
import type { LinePage, LineView, SearchHit, SearchResult, ViewLine } from '../../../shared/model/case';
import {
  EMPTY_FILTER,
  isEmptyFilter,
  type CaseUiState,
  type Facets,
  type Histogram,
  type HistogramBucket,
  type LineFilter,
  type SeverityName,
  type TextMatch,
} from '../../../shared/model/view';
import { fulltextGroup, fulltextIds, fulltextStatus } from '../search/fulltext';
import { planFulltext } from '../search/plan';
import type { CaseStore } from '../store/case-store';
import { lastLineId } from '../store/line-heads';
import { releaseCapture } from '../store/order-capture';
import { compileFilter, compileMatch, levelMask, QueryError, sqlDecides, sqlPredicate } from './match';
import {
  buildMergedOrder,
  CHUNK,
  dropMergedOrder,
  LEVEL_NONE,
  orderIsCurrent,
  readOrderStats,
  storedOrderId,
  UNTIMED,
  type OrderStats,
} from './order';
import { RowReader, viewLine, type HitRow } from './rows';
import {
  filterChunk,
  parallelMin,
  ScanRun,
  scanWorkerEnabled,
  sourceRange,
  type ScanViewSpec,
  workerAfterMs,
} from './scan-worker';
import { inferLevel } from './severity';
import {
  FilteredView,
  IngestOrder,
  MergedView,
  SourceView,
  StoredOrder,
  type Order,
  type View,
} from './views';

/** How long a scan runs before it yields to other requests (ms). */
const SLICE_MS = 20;
const SCAN_BATCH = 2048;
/** Positions per search step: one SQL statement each (small enough to yield every ~20 ms). */
const SEARCH_BATCH = 4096;
const FILTER_CACHE = 4;

export const DEFAULT_UI_STATE: CaseUiState = {
  cursorLineId: null,
  viewSource: null,
  filter: EMPTY_FILTER,
  openPanel: null,
  layout: { left: 260, right: 420, bottom: 160 },
  bookmarks: [],
};

/** Readable bucket widths for the timeline, smallest first. */
const STEPS_MS = [
  1_000,
  2_000,
  5_000,
  10_000,
  15_000,
  30_000,
  60_000,
  120_000,
  300_000,
  600_000,
  900_000,
  1_800_000,
  3_600_000,
  7_200_000,
  10_800_000,
  21_600_000,
  43_200_000,
  86_400_000,
  2 * 86_400_000,
  7 * 86_400_000,
  14 * 86_400_000,
  30 * 86_400_000,
  91 * 86_400_000,
  365 * 86_400_000,
];

export function bucketWidth(spanMs: number, buckets: number): number {
  const want = spanMs / Math.max(1, buckets);
  for (const s of STEPS_MS) if (s >= want) return s;
  return Math.ceil(want / STEPS_MS[STEPS_MS.length - 1]!) * STEPS_MS[STEPS_MS.length - 1]!;
}

const yieldNow = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A filtered view's positions in shared memory (materialise makes them so; copied otherwise). */
function sharedPositions(view: FilteredView): Int32Array {
  if (view.positions.buffer instanceof SharedArrayBuffer) return view.positions;
  const out = new Int32Array(new SharedArrayBuffer(view.positions.byteLength));
  out.set(view.positions);
  return out;
}

export interface SearchSpec {
  query: string;
  mode: 'text' | 'regex';
  caseSensitive: boolean;
  limit: number;
}

export interface SearchBatch {
  hits: SearchHit[];
  total: number;
  scannedLines: number;
  totalLines: number;
  done: boolean;
  cancelled: boolean;
  elapsedMs: number;
  /** How the candidates were found: the full-text index, or every line of the view. */
  via: 'index' | 'scan';
}

/**
 * The index is used when its candidates are at most this share of the case's lines: a line
 * read by id costs 5–15× a line read in a range scan (measured on the 64 MB bench case), so
 * beyond it the scan is faster. An index of groups of lines (search/fulltext.ts) gives its
 * candidates in runs of consecutive lines, read like a range: the share grows with the group
 * (half the group size).
 */
const INDEX_SHARE = 1 / 32;
/** Candidates checked in the first step (the first hits come sooner), then SEARCH_BATCH. */
const FIRST_STEP = 256;
/** Positions of a view of ≥ 4× this many lines read before the index is asked (see scan). */
const SCAN_FIRST = 16_384;

/**
 * A reader without the right to build the time order met a case whose order is missing or
 * stale (engine/client.ts then asks the main engine, which builds it).
 */
export class OrderNotReadyError extends Error {
  constructor() {
    super('the time order of this case is not built yet');
    this.name = 'OrderNotReadyError';
  }
}

export class CaseQuery {
  private order: Order;
  private stats: OrderStats | null = null;
  private readonly rows: RowReader;
  private readonly filtered = new Map<string, Promise<FilteredView>>();
  /** Bumped whenever the order is replaced: scans that started on an older one stop. */
  private generation = 0;

  /**
   * `build: false` (a read-only reader): never build the order; see OrderNotReadyError.
   * `fulltext: false`: never use the full-text index (to measure the scan against it).
   */
  constructor(
    private readonly store: CaseStore,
    private readonly options: { build?: boolean; fulltext?: boolean } = {},
  ) {
    this.rows = new RowReader(store.db);
    this.order = this.loadOrder();
  }

  /** The stored order when current; built now when missing and the case is not being indexed. */
  private loadOrder(): Order {
    const stats = readOrderStats(this.store.db);
    if (orderIsCurrent(this.store.db, stats)) {
      this.stats = stats;
      return new StoredOrder(this.store.db, stats);
    }
    const state = this.store.meta('state');
    const hasLines = lastLineId(this.store.db) > 0;
    // A case opened read-only (another process is ingesting into it) cannot store an order:
    // it is paged in ingest order until that process has built one.
    if (state !== 'indexing' && hasLines && this.store.readOnly === null) {
      if (this.options.build === false) throw new OrderNotReadyError();
      return this.build();
    }
    this.stats = null;
    return new IngestOrder(this.store.db);
  }

  private build(): Order {
    this.stats = buildMergedOrder(this.store.db, inferLevel);
    releaseCapture(this.store.db);
    this.generation++;
    this.filtered.clear();
    return new StoredOrder(this.store.db, this.stats);
  }

  /** Ingest is about to add lines: the merged view is ingest order until `rebuild`. */
  invalidate(): void {
    dropMergedOrder(this.store.db);
    this.stats = null;
    this.generation++;
    this.filtered.clear();
    this.order = new IngestOrder(this.store.db);
  }

  /** Builds the time order again (after ingest, after a zone change); returns its figures. */
  rebuild(): OrderStats {
    this.order = this.build();
    return this.stats!;
  }

  /** Figures of the stored order (null while the case is being indexed). */
  orderStats(): OrderStats | null {
    return this.stats;
  }

  /**
   * The order to answer from. While indexing, the ingest-order fallback grows with the case;
   * an order rebuilt behind this reader's back (a zone change) is picked up here.
   */
  private current(): Order {
    const id = storedOrderId(this.store.db);
    if (this.stats === null) {
      if (id !== null) {
        this.order = this.loadOrder();
        this.generation++;
        this.filtered.clear();
      } else this.order = new IngestOrder(this.store.db);
    } else if (id !== this.stats.buildId) {
      this.order = this.loadOrder();
      this.generation++;
      this.filtered.clear();
    }
    return this.order;
  }

  // ---- views ---------------------------------------------------------------------------

  private sourceRange(sourceId: number): { first: number; count: number } | null {
    return sourceRange(this.store.db, sourceId);
  }

  async view(v: LineView): Promise<View> {
    const order = this.current();
    if (v.kind === 'merged' || (v.kind === 'filtered' && isEmptyFilter(v.filter)))
      return new MergedView(order);
    if (v.kind === 'source') {
      const r = this.sourceRange(v.sourceId);
      if (!r) throw new QueryError(`no source ${v.sourceId} in this case`);
      return new SourceView(order, r.first, r.count);
    }
    return this.filteredView(v.filter);
  }

  private filteredView(filter: LineFilter): Promise<View> {
    if (isEmptyFilter(filter)) return Promise.resolve(new MergedView(this.current()));
    const key = JSON.stringify(filter);
    const cached: Promise<FilteredView> | undefined = this.filtered.get(key);
    if (cached) {
      this.filtered.delete(key);
      this.filtered.set(key, cached);
      return cached;
    }
    const order = this.current();
    const compiled = compileFilter(filter, (id) => this.sourceRange(id), order.names); // throws on a bad pattern
    const p = this.materialise(order, compiled, filter, this.generation);
    this.filtered.set(key, p);
    p.catch(() => this.filtered.delete(key));
    while (this.filtered.size > FILTER_CACHE) this.filtered.delete(this.filtered.keys().next().value!);
    return p;
  }

  private async materialise(
    order: Order,
    f: ReturnType<typeof compileFilter>,
    filter: LineFilter,
    generation: number,
  ): Promise<FilteredView> {
    let positions = new Int32Array(1024);
    let n = 0;
    let sliceStart = performance.now();
    const add = (keep: ArrayLike<number>): void => {
      if (n + keep.length > positions.length) {
        const grown = new Int32Array(Math.max(positions.length * 2, n + keep.length));
        grown.set(positions.subarray(0, n));
        positions = grown;
      }
      for (let i = 0; i < keep.length; i++) positions[n++] = keep[i]!;
    };
    // Order chunks [a, b) in this thread.
    const chunksHere = async (a: number, b: number): Promise<void> => {
      for (let c = a; c < b; c++) {
        if (generation !== this.generation)
          throw new QueryError('the case changed while the filter was applied: apply it again');
        add(filterChunk(this.rows, f, c, order.chunk(c)));
        if (performance.now() - sliceStart > SLICE_MS) {
          await yieldNow();
          sliceStart = performance.now();
        }
      }
    };
    const chunks = Math.ceil(order.total / CHUNK);
    // Conditions that need the rows (texts, names) read every line: shared with the scan
    // worker on a large case (scan-worker.ts), in whole chunks of the order.
    const run =
      f.needsRow && order.total >= parallelMin() && this.stats !== null && order === this.order
        ? ScanRun.start({
            file: this.store.file,
            buildId: this.stats.buildId,
            view: { kind: 'merged' },
            task: { kind: 'filter', filter },
            base: 0,
            end: order.total,
          })
        : null;
    if (run === null) await chunksHere(0, chunks);
    else {
      try {
        const per = run.chunk / CHUNK;
        for (let k = run.claimFront(); k >= 0; k = run.claimFront())
          await chunksHere(k * per, Math.min(chunks, (k + 1) * per));
        for (const { k, result } of (await run.finish(() => false))!) {
          if (generation !== this.generation)
            throw new QueryError('the case changed while the filter was applied: apply it again');
          if (result) add(result.kept);
          else await chunksHere(k * per, Math.min(chunks, (k + 1) * per));
        }
      } finally {
        run.close();
      }
    }
    // In shared memory: a scan worker reads the view's positions without a copy.
    const shared = new Int32Array(new SharedArrayBuffer(n * 4));
    shared.set(positions.subarray(0, n));
    return new FilteredView(order, shared);
  }

  // ---- pages and jumps -----------------------------------------------------------------

  async page(v: LineView, start: number, count: number): Promise<LinePage> {
    const view = await this.view(v);
    const total = view.total;
    const s = Math.max(0, Math.min(start, total));
    const slice = view.slice(s, count);
    const rows = this.rows.read(slice.ids);
    const lines: ViewLine[] = [];
    for (const r of rows) if (r) lines.push(viewLine(r));
    return { view: v, start: s, total, lines };
  }

  async locateLine(v: LineView, lineId: number): Promise<number | null> {
    return (await this.view(v)).positionOf(lineId);
  }

  async locateLines(v: LineView, lineIds: readonly number[]): Promise<(number | null)[]> {
    const view = await this.view(v);
    return lineIds.map((id) => view.positionOf(id));
  }

  async locateTime(v: LineView, ts: number): Promise<Located> {
    const view = await this.view(v);
    if (view.total === 0) return { position: null, lineId: null };
    let p = view.locateTime(ts);
    if (p >= view.total) p = view.total - 1; // none after: the last line
    const id = view.slice(p, 1).ids[0];
    return { position: p, lineId: id ?? null };
  }

  async seekLine(
    v: LineView,
    from: number,
    direction: 'next' | 'prev',
    severities: readonly SeverityName[],
  ): Promise<Located> {
    const view = await this.view(v);
    const mask = levelMask(severities);
    let sliceStart = performance.now();
    if (direction === 'next') {
      for (let p = Math.max(0, from + 1); p < view.total; p += SCAN_BATCH) {
        const s = view.slice(p, SCAN_BATCH);
        for (let j = 0; j < s.ids.length; j++) {
          const level = s.flags[j]! & 15;
          if (level !== LEVEL_NONE && (mask & (1 << level)) !== 0)
            return { position: p + j, lineId: s.ids[j]! };
        }
        if (performance.now() - sliceStart > SLICE_MS) {
          await yieldNow();
          sliceStart = performance.now();
        }
      }
    } else {
      for (let end = Math.min(from, view.total); end > 0; end -= SCAN_BATCH) {
        const p = Math.max(0, end - SCAN_BATCH);
        const s = view.slice(p, end - p);
        for (let j = s.ids.length - 1; j >= 0; j--) {
          const level = s.flags[j]! & 15;
          if (level !== LEVEL_NONE && (mask & (1 << level)) !== 0)
            return { position: p + j, lineId: s.ids[j]! };
        }
        if (performance.now() - sliceStart > SLICE_MS) {
          await yieldNow();
          sliceStart = performance.now();
        }
      }
    }
    return { position: null, lineId: null };
  }

  // ---- search --------------------------------------------------------------------------

  /**
   * Scans a view in order, handing batches of hits to `onBatch`: the first as soon as a hit
   * is found, then at most every 150 ms, and a last one with done (or cancelled) set.
   */
  async scan(
    v: LineView,
    spec: SearchSpec,
    onBatch: (b: SearchBatch) => void,
    isCancelled: () => boolean = () => false,
  ): Promise<void> {
    const started = performance.now();
    const m = { pattern: spec.query, mode: spec.mode, caseSensitive: spec.caseSensitive };
    const match = compileMatch(m);
    const pred = sqlPredicate(m);
    const decided = sqlDecides(m);
    const view = await this.view(v);
    const totalLines = view.total;
    let via: 'index' | 'scan' = 'scan';
    let pending: SearchHit[] = [];
    let listed = 0;
    let total = 0;
    let scanned = 0;
    let lastEmit = 0;
    // Whether a batch with hits went out: the first hits go at once, later ones every 150 ms.
    // (A progress batch with no hits does not count: when it did, the first hits waited up to
    // 150 ms behind it.)
    let hitsSent = false;
    let sliceStart = performance.now();
    const emit = (done: boolean, cancelled: boolean): void => {
      onBatch({
        hits: pending,
        total,
        scannedLines: scanned,
        totalLines,
        done,
        cancelled,
        elapsedMs: Math.round(performance.now() - started),
        via,
      });
      if (pending.length > 0) hitsSent = true;
      pending = [];
      lastEmit = performance.now();
    };
    const hit = (position: number, row: HitRow): void => {
      total++;
      if (listed < spec.limit) {
        listed++;
        pending.push({ lineId: row[0], sourceId: row[1], lineNo: row[2], position, text: row[3] });
      }
    };
    const pause = async (): Promise<void> => {
      const now = performance.now();
      if ((pending.length > 0 && !hitsSent) || now - lastEmit > 150) emit(false, false);
      if (now - sliceStart > SLICE_MS) {
        await yieldNow();
        sliceStart = performance.now();
      }
    };
    // Positions [a, b) read line by line in this thread; `done(n)` after each step of n
    // lines; false when cancelled.
    const scanRange = async (
      a: number,
      b: number,
      done: (p: number, n: number) => void,
    ): Promise<boolean> => {
      // The view's first FIRST_STEP positions alone: a frequent word's first hits go out as a
      // short batch (a screenful of rows to draw), not the hundreds a full batch finds.
      for (let p = a, step = p === 0 ? FIRST_STEP : SEARCH_BATCH; p < b; p += step, step = SEARCH_BATCH) {
        if (isCancelled()) return false;
        const ids = view.ids(p, Math.min(step, b - p));
        for (const { index, row } of this.rows.matching(ids, pred, decided ? null : match))
          hit(p + index, row);
        done(p, ids.length);
        await pause();
      }
      return true;
    };
    // Positions [from, to) read line by line (with the scan worker's help when they are
    // many); false when cancelled.
    let from = 0;
    const scanTo = async (to: number): Promise<boolean> => {
      let run: ScanRun | null = null;
      if (to - from >= parallelMin() && this.scanShareable(view)) {
        // This thread alone until the first hits are out, or workerAfterMs() have passed: a
        // worker starting meanwhile on a busy second core delayed them by ~50 % (1 GiB case,
        // load 2: 306 → 470 ms), and the first hits are what the engineer waits for.
        const alone = performance.now();
        const after = workerAfterMs();
        while (from < to && total === 0 && performance.now() - alone < after) {
          const b = Math.min(to, from + (from === 0 ? FIRST_STEP : SEARCH_BATCH));
          if (!(await scanRange(from, b, (p, n) => (scanned = Math.min(totalLines, p + n))))) return false;
          from = b;
        }
        if (isCancelled()) return false;
        if (to - from >= parallelMin() / 2) run = this.startScanRun(view, m, spec.limit, from, to);
      }
      const ok = run
        ? await this.scanShared(run, from, to, {
            scanRange,
            hit,
            pause,
            // A case closed meanwhile stops the wait for the worker (it reads its own connection).
            isCancelled: () => isCancelled() || !this.store.db.open,
            isFull: () => listed >= spec.limit,
            setScanned: (n) => (scanned = Math.min(totalLines, n)),
            addTotal: (n) => (total += n),
          })
        : await scanRange(from, to, (p, n) => (scanned = Math.min(totalLines, p + n)));
      if (ok) from = to;
      return ok;
    };
    const usable = this.indexUsable(m);
    if (usable) {
      // A big view's first positions are read first: a frequent word's first hits come from
      // there at once, before the index has been asked and its candidates placed.
      if (totalLines >= 4 * SCAN_FIRST && !(await scanTo(SCAN_FIRST))) return emit(true, true);
      const cand = this.candidates(usable);
      if (cand) {
        via = 'index';
        // The rest from the candidates: their positions in the view, sorted, rows read in that order.
        const pos = new Float64Array(cand.length);
        const idOf = new Int32Array(cand.length);
        let n = 0;
        for (const id of cand) {
          const p = view.positionOf(id);
          if (p === null || p < from) continue;
          pos[n] = p;
          idOf[n++] = id;
        }
        const byPos = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => pos[a]! - pos[b]!);
        for (let i = 0, step = FIRST_STEP; i < n; i += step, step = SEARCH_BATCH) {
          if (isCancelled()) return emit(true, true);
          const at = byPos.subarray(i, i + step);
          const ids = Int32Array.from(at, (k) => idOf[k]!);
          for (const { index, row } of this.rows.matching(ids, pred, decided ? null : match))
            hit(pos[at[index]!]!, row);
          scanned = Math.min(totalLines, pos[at[at.length - 1]!]! + 1);
          await pause();
        }
        scanned = totalLines;
        return emit(true, false);
      }
    }
    if (!(await scanTo(totalLines))) return emit(true, true);
    scanned = totalLines;
    emit(true, false);
  }

  /** Whether a scan of this view can be shared with a scan worker (see startScanRun). */
  private scanShareable(view: View): boolean {
    return (
      scanWorkerEnabled() &&
      this.stats !== null &&
      this.order instanceof StoredOrder &&
      (view instanceof MergedView || view instanceof SourceView || view instanceof FilteredView)
    );
  }

  /**
   * A scan worker for positions [from, to) of this view, or null (not configured, no stored
   * order, a view the worker cannot rebuild): see scan-worker.ts.
   */
  private startScanRun(view: View, m: TextMatch, limit: number, from: number, to: number): ScanRun | null {
    if (!this.scanShareable(view) || this.stats === null) return null;
    let spec: ScanViewSpec;
    if (view instanceof MergedView) spec = { kind: 'merged' };
    else if (view instanceof SourceView)
      spec = { kind: 'source', firstLineId: view.firstLineId, count: view.total };
    else if (view instanceof FilteredView) spec = { kind: 'positions', positions: sharedPositions(view) };
    else return null;
    return ScanRun.start({
      file: this.store.file,
      buildId: this.stats.buildId,
      view: spec,
      task: { kind: 'search', match: m, limit },
      base: from,
      end: to,
    });
  }

  /**
   * Positions [from, to) scanned by this thread from the front and the scan worker from the
   * back (scan-worker.ts), hits handed to `s.hit` in view order; false when cancelled. A
   * worker that fails leaves its undelivered chunks to this thread.
   */
  private async scanShared(
    run: ScanRun,
    from: number,
    to: number,
    s: {
      scanRange: (a: number, b: number, done: (p: number, n: number) => void) => Promise<boolean>;
      hit: (position: number, row: HitRow) => void;
      pause: () => Promise<void>;
      isCancelled: () => boolean;
      isFull: () => boolean;
      setScanned: (n: number) => void;
      addTotal: (n: number) => void;
    },
  ): Promise<boolean> {
    let here = 0;
    const progress = (): void => s.setScanned(from + here + run.scannedByWorker());
    const done = (_p: number, n: number): void => {
      here += n;
      progress();
      if (s.isFull()) run.listedFull();
    };
    try {
      if (s.isFull()) run.listedFull();
      for (let k = run.claimFront(); k >= 0; k = run.claimFront()) {
        const [a, b] = run.range(k, from, to);
        if (!(await s.scanRange(a, b, done))) return false;
      }
      const back = await run.finish(() => {
        if (s.isCancelled()) return true;
        progress();
        void s.pause();
        return false;
      });
      if (back === null || s.isCancelled()) return false;
      for (const { k, result } of back) {
        if (result === null) {
          // Taken by the worker but not delivered (it failed): scanned here.
          const [a, b] = run.range(k, from, to);
          if (!(await s.scanRange(a, b, done))) return false;
          continue;
        }
        const n = result.texts.length;
        for (let i = 0; i < n; i++)
          s.hit(result.positions[i]!, [
            result.lineIds[i]!,
            result.sourceIds[i]!,
            result.lineNos[i]!,
            result.texts[i]!,
          ]);
        s.addTotal(result.count - n);
        progress();
        await s.pause();
      }
      return true;
    } finally {
      run.close();
    }
  }

  /** The index's query for a search, when the index is complete and the query has a usable word. */
  private indexUsable(m: { pattern: string; mode: 'text' | 'regex'; caseSensitive: boolean }): string | null {
    if (this.options.fulltext === false) return null;
    const plan = planFulltext(m);
    if (plan === null) return null;
    return fulltextStatus(this.store.db).complete ? plan.match : null;
  }

  /**
   * The lines the full-text index says may match, or null when they are too many for the index
   * to be faster than reading every line. Never decides a match: the matcher checks each one.
   */
  private candidates(match: string): number[] | null {
    const lines = fulltextStatus(this.store.db).totalLines;
    const group = fulltextGroup(this.store.db);
    const share = INDEX_SHARE * Math.max(1, group / 2);
    // Two groups are read sooner than any scan, however small the case.
    return fulltextIds(this.store.db, match, Math.max(Math.ceil(lines * share), 2 * group));
  }

  /** One-shot search: the first `limit` hits in view order and the total count. */
  async search(v: LineView, spec: SearchSpec): Promise<SearchResult> {
    const started = performance.now();
    const hits: SearchHit[] = [];
    let total = 0;
    await this.scan(v, spec, (b) => {
      hits.push(...b.hits);
      total = b.total;
    });
    return {
      query: spec.query,
      hits,
      total,
      truncated: total > hits.length,
      elapsedMs: Math.round(performance.now() - started),
    };
  }

  // ---- timeline ------------------------------------------------------------------------

  async histogram(req: {
    filter: LineFilter | null;
    from: number | null;
    to: number | null;
    buckets: number;
  }): Promise<Histogram> {
    const order = this.current();
    const range = this.timeRange();
    const from = req.from ?? range.first;
    const to = req.to ?? range.last;
    if (from === null || to === null || to < from) {
      return { from: from ?? 0, to: to ?? 0, bucketMs: 1000, buckets: [], silences: [], total: 0 };
    }
    const bucketMs = bucketWidth(to - from + 1, req.buckets);
    const first = Math.floor(from / bucketMs) * bucketMs;
    const count = Math.floor((to - first) / bucketMs) + 1;
    const buckets: HistogramBucket[] = [];
    for (let i = 0; i < count; i++)
      buckets.push({ t: first + i * bucketMs, counts: new Array<number>(9).fill(0) });
    let total = 0;
    const add = (ts: number, level: number, n = 1): void => {
      const b = buckets[Math.floor((ts - first) / bucketMs)];
      if (!b) return;
      b.counts[level] = (b.counts[level] ?? 0) + n;
      total += n;
    };
    const filter = req.filter && !isEmptyFilter(req.filter) ? req.filter : null;
    const scanRange = async (view: View, a: number, b: number): Promise<void> => {
      // Positions whose key is in [a, b]: from locateTime(a) until a key passes b.
      let sliceStart = performance.now();
      for (let p = view.locateTime(a); p < view.total; p += SCAN_BATCH) {
        const s = view.slice(p, SCAN_BATCH);
        for (let j = 0; j < s.ids.length; j++) {
          const key = s.keys[j]!;
          if (key > b) return;
          if ((s.flags[j]! & UNTIMED) === 0 && key >= a) add(key, s.flags[j]! & 15);
        }
        if (performance.now() - sliceStart > SLICE_MS) {
          await yieldNow();
          sliceStart = performance.now();
        }
      }
    };
    if (filter) {
      await scanRange(await this.filteredView(filter), from, to);
    } else if (this.stats && bucketMs % 60_000 === 0) {
      // Whole units (hours when the width is whole hours, else minutes) from the stored
      // counts; the partial units at either end by scanning the order.
      const unit = bucketMs % 3_600_000 === 0 ? 3_600_000 : 60_000;
      const table = unit === 3_600_000 ? 'hour_counts' : 'minute_counts';
      const col = unit === 3_600_000 ? 'hour' : 'minute';
      const u0 = Math.ceil(from / unit);
      const u1 = Math.floor((to + 1) / unit); // exclusive
      if (u0 < u1) {
        const rows = this.store.db
          .prepare(`SELECT ${col}, level, n FROM ${table} WHERE ${col} >= ? AND ${col} < ?`)
          .raw(true)
          .all(u0, u1) as [number, number, number][];
        for (const [u, level, n] of rows) add(u * unit, level, n);
        const view = new MergedView(order);
        if (from < u0 * unit) await scanRange(view, from, u0 * unit - 1);
        if (u1 * unit <= to) await scanRange(view, u1 * unit, to);
      } else await scanRange(new MergedView(order), from, to);
    } else {
      await scanRange(new MergedView(order), from, to);
    }
    const silences = (this.stats?.silences ?? []).filter((s) => s.to >= from && s.from <= to);
    return { from, to, bucketMs, buckets, silences, total };
  }

  private timeRange(): { first: number | null; last: number | null } {
    if (this.stats) return { first: this.stats.firstTs, last: this.stats.lastTs };
    if (this.store.heads.packed) {
      const t = this.store.heads.timeRange();
      return { first: t.a, last: t.b };
    }
    const r = this.store.db.prepare('SELECT min(ts) AS a, max(ts) AS b FROM lines').get() as {
      a: number | null;
      b: number | null;
    };
    return { first: r.a, last: r.b };
  }

  facets(): Facets {
    if (this.stats) return structuredClone(this.stats.facets);
    // While indexing: counted now (the stored figures come with the time order).
    const db = this.store.db;
    if (this.store.heads.packed) return this.store.heads.facets(500);
    const group = (col: 'host' | 'program'): { value: string; count: number }[] =>
      (
        db
          .prepare(
            `SELECT ${col} AS value, count(*) AS count FROM lines WHERE ${col} IS NOT NULL GROUP BY ${col} ORDER BY count DESC, value LIMIT 500`,
          )
          .all() as { value: string; count: number }[]
      ).map((r) => ({ value: r.value, count: r.count }));
    const severities = new Array<number>(9).fill(0);
    for (const r of db.prepare('SELECT level, count(*) AS n FROM lines GROUP BY level').all() as {
      level: number | null;
      n: number;
    }[])
      severities[r.level ?? LEVEL_NONE] = r.n;
    return { hosts: group('host'), programs: group('program'), severities };
  }

  // ---- remembered UI state -------------------------------------------------------------

  uiState(): CaseUiState {
    const raw = this.store.meta('ui_state');
    if (!raw) return structuredClone(DEFAULT_UI_STATE);
    try {
      const s = JSON.parse(raw) as Partial<CaseUiState>;
      return {
        cursorLineId: s.cursorLineId ?? null,
        viewSource: s.viewSource ?? null,
        filter: { ...EMPTY_FILTER, ...(s.filter ?? {}) },
        openPanel: s.openPanel ?? null,
        layout: { ...DEFAULT_UI_STATE.layout, ...(s.layout ?? {}) },
        bookmarks: Array.isArray(s.bookmarks) ? s.bookmarks : [],
      };
    } catch {
      return structuredClone(DEFAULT_UI_STATE);
    }
  }

  saveUiState(state: CaseUiState): void {
    this.store.setMeta('ui_state', JSON.stringify(state));
  }
}
