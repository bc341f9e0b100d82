/**
 * The engine: owns the open case databases and answers typed requests. It runs inside a
 * worker thread (worker-entry.ts) under Node and Electron alike, and can be created in
 * process for tests. Every method takes and returns plain, structured-cloneable data.
 */
import type { AnnotationDraft, Located } from '../../shared/api';
import type { Annotation } from '../../shared/model/annotation';
import type {
  CaseInfo,
  CaseSummary,
  LinePage,
  LineView,
  SearchProgress,
  SearchResult,
} from '../../shared/model/case';
import type { CaseUiState, Facets, Histogram, LineFilter, SeverityName } from '../../shared/model/view';
import type { Finding } from '../../shared/model/finding';
import { ANALYSIS_CACHE_KIB, caseAnalysisInput, withAnalysisCache } from './analysis/case-input';
import {
  ANALYSIS_VERSION,
  analyzeCase,
  analyzeCaseSliced,
  analyzeCaseSplit,
  detectLogIncidents,
  type CaseAnalysis,
  type PassSlicing,
} from './analysis/run';
import { detectIncidentsInWorker, detectWorkerFor } from './analysis/detect-worker';
import { INGEST_CACHE_KIB, ingestInputs, type IngestOutcome, type IngestProgress } from './ingest/ingest';
import { CaseQuery, type SearchSpec } from './query/case-query';
import type { OrderStats } from './query/order';
import { CaseStore } from './store/case-store';
import { usePageCache } from './store/database';
import { buildFulltext, fulltextStatus, type FulltextStatus } from './search/fulltext';
import { fullGc } from './full-gc';
import { sourceRefs } from './store/line-reader';
// report (owner: report) — imports of the marked section at the end of the Engine class
import type { Redaction, RedactionSettings, ReportEdits } from '../../shared/model/report';
import type { ReportData } from '../report/model';
import { Redactor } from '../report/redact';
import {
  collectReportData,
  redactionState,
  saveRedactionReplacements,
  saveRedactionSettings,
  saveReportEdits,
} from './report-data';
import { exportTimeline, type TimelineExportResult, type TimelineFormat } from './report/timeline-export';

const FINDING_KINDS = ['oom', 'incident', 'flood', 'boot', 'system'] as const;
/**
 * How long the analysis after an ingest holds the engine's thread before it answers what came
 * meanwhile (a search, a page of findings). Each pause costs a turn of the event loop (a few
 * µs when nothing waits); 50 ms is below what a user notices and well above the pass's batch
 * of 1,024 lines (~2-3 ms).
 */
const ANALYSIS_SLICE_MS = 50;

/** Ingest progress, plus the analysis phase the engine runs after reading. */
export type JobPhaseProgress = Omit<IngestProgress, 'phase'> & {
  phase: IngestProgress['phase'] | 'ordering' | 'analysing' | 'fulltext';
};

export interface EngineEvents {
  ingestProgress: { jobId: string; caseId: string; progress: JobPhaseProgress };
  /** A batch of a streaming search (startSearch), already in the contract's shape. */
  searchProgress: SearchProgress;
}

/** A search request as the engine takes it: the view, the query and the limit. */
export type SearchArgs = { caseId: string; view: LineView } & SearchSpec;

export type EngineEmit = <E extends keyof EngineEvents>(event: E, payload: EngineEvents[E]) => void;

/** A note as the renderer sends it, without the case id (the engine call names the case). */
export type AnnotationInput = Omit<AnnotationDraft, 'caseId'>;

export class Engine {
  private readonly cases = new Map<string, CaseStore>();
  private readonly queries = new Map<string, CaseQuery>();
  private readonly cancelled = new Set<string>();
  /** Parsed analyses by case, with the `updated_at` they were read at (see `analysis`). */
  private readonly analyses = new Map<string, { stamp: string; analysis: CaseAnalysis }>();
  /** Running streaming searches, by search id: set to true to stop one. */
  private readonly searches = new Map<string, { cancelled: boolean }>();
  /** Full-text index builds (phase 2) running in the background, by case id. */
  private readonly fulltextBuilds = new Map<string, { cancelled: boolean; done: Promise<boolean> }>();

  /**
   * `reader`: this engine answers the viewer's reads only (engine/client.ts routes them to a
   * second worker so that they never wait behind long calls). It never writes: a case whose
   * time order is missing or stale is refused with OrderNotReadyError, and the main engine,
   * which builds it, answers instead.
   */
  constructor(
    private readonly emit: EngineEmit = () => undefined,
    private readonly options: { reader?: boolean; fulltext?: boolean } = {},
  ) {}

  private store(caseId: string): CaseStore {
    const s = this.cases.get(caseId);
    if (!s) throw new Error(`case ${caseId} is not open`);
    return s;
  }

  /** Opens a case file, creating it when asked; returns its info. Opening twice is harmless. */
  openCase(args: { file: string; create: boolean; title?: string }): CaseInfo {
    for (const s of this.cases.values()) if (s.file === args.file) return s.info();
    const opts: { create: boolean; title?: string } = { create: args.create };
    if (args.title !== undefined) opts.title = args.title;
    const store = CaseStore.open(args.file, opts);
    this.cases.set(store.caseId, store);
    // A case indexed before phase 2 existed, or whose phase 2 was stopped, gets its index now.
    if (this.options.reader !== true && store.readOnly === null) this.resumeFulltext(store.caseId);
    return store.info();
  }

  /** Phase 2 in the background (no job: nothing is waiting for it); search scans meanwhile. */
  private resumeFulltext(caseId: string): void {
    const store = this.store(caseId);
    const status = fulltextStatus(store.db);
    if (status.complete || status.totalLines === 0 || store.meta('state') === 'indexing') return;
    if (this.fulltextBuilds.has(caseId)) return;
    const state = { cancelled: false, done: Promise.resolve(false) };
    state.done = buildFulltext(store.db, { isCancelled: () => state.cancelled })
      .catch((err: unknown) => {
        if (!state.cancelled)
          console.warn(`[engine] full-text index of ${caseId} stopped: ${(err as Error).message}`);
        return false;
      })
      .finally(() => {
        if (this.fulltextBuilds.get(caseId) === state) this.fulltextBuilds.delete(caseId);
      });
    this.fulltextBuilds.set(caseId, state);
  }

  /** Stops a background index build (it resumes from its last batch next time). */
  private async stopFulltext(caseId: string): Promise<void> {
    const b = this.fulltextBuilds.get(caseId);
    if (!b) return;
    b.cancelled = true;
    await b.done;
  }

  /** Builds the full-text index again from nothing (phase 2 alone: to measure it, or to repair it). */
  async rebuildFulltext(args: { caseId: string }): Promise<{ complete: boolean; ms: number }> {
    await this.stopFulltext(args.caseId);
    const db = this.store(args.caseId).db;
    db.transaction(() => {
      db.prepare("INSERT INTO line_fts(line_fts) VALUES ('delete-all')").run();
      db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('fulltext_next', '1')").run();
    })();
    const t = performance.now();
    const complete = await buildFulltext(db);
    return { complete, ms: Math.round(performance.now() - t) };
  }

  /** How far the full-text index is; search uses it only when complete. */
  fulltextStatus(args: { caseId: string }): FulltextStatus {
    return fulltextStatus(this.store(args.caseId).db);
  }

  /** The case's query layer (built on first use: opening an old case builds its time order). */
  private query(caseId: string): CaseQuery {
    let q = this.queries.get(caseId);
    if (!q) {
      q = new CaseQuery(this.store(caseId), {
        build: this.options.reader !== true,
        fulltext: this.options.fulltext !== false,
      });
      this.queries.set(caseId, q);
    }
    return q;
  }

  closeCase(args: { caseId: string }): void {
    const build = this.fulltextBuilds.get(args.caseId);
    if (build) build.cancelled = true;
    this.cases.get(args.caseId)?.close();
    this.cases.delete(args.caseId);
    this.analyses.delete(args.caseId);
    this.queries.delete(args.caseId);
  }

  closeAll(): void {
    for (const b of this.fulltextBuilds.values()) b.cancelled = true;
    for (const s of this.cases.values()) s.close();
    this.cases.clear();
    this.queries.clear();
  }

  caseInfo(args: { caseId: string }): CaseInfo {
    return this.store(args.caseId).info();
  }

  summary(args: { caseId: string }): CaseSummary {
    return this.store(args.caseId).summary();
  }

  getLines(args: { caseId: string; view: LineView; start: number; count: number }): Promise<LinePage> {
    return this.query(args.caseId).page(args.view, args.start, args.count);
  }

  async locateLine(args: {
    caseId: string;
    view: LineView;
    lineId: number;
  }): Promise<{ position: number | null }> {
    return { position: await this.query(args.caseId).locateLine(args.view, args.lineId) };
  }

  async locateLines(args: {
    caseId: string;
    view: LineView;
    lineIds: number[];
  }): Promise<{ positions: (number | null)[] }> {
    return { positions: await this.query(args.caseId).locateLines(args.view, args.lineIds) };
  }

  search(args: SearchArgs): Promise<SearchResult> {
    const { caseId, view, ...spec } = args;
    return this.query(caseId).search(view, spec);
  }

  /**
   * Starts a streaming search; batches arrive as `searchProgress` events under `searchId`
   * (chosen by the caller, so it can listen before the first batch). Returns once started:
   * an invalid regex is reported as the first (done) batch's error, not thrown.
   */
  startSearch(args: SearchArgs & { searchId: string }): { searchId: string } {
    const { caseId, view, searchId, ...spec } = args;
    if (this.searches.has(searchId)) throw new Error(`search ${searchId} is already running`);
    const q = this.query(caseId);
    const state = { cancelled: false };
    this.searches.set(searchId, state);
    const started = performance.now();
    const base = { searchId, caseId };
    void q
      .scan(
        view,
        spec,
        (b) => this.emit('searchProgress', { ...base, ...b, error: null }),
        () => state.cancelled,
      )
      .catch((err: unknown) =>
        this.emit('searchProgress', {
          ...base,
          hits: [],
          total: 0,
          scannedLines: 0,
          totalLines: 0,
          done: true,
          cancelled: false,
          elapsedMs: Math.round(performance.now() - started),
          error: err instanceof Error ? err.message : String(err),
        }),
      )
      .finally(() => this.searches.delete(searchId));
    return { searchId };
  }

  cancelSearch(args: { searchId: string }): { cancelled: boolean } {
    const s = this.searches.get(args.searchId);
    if (!s) return { cancelled: false };
    s.cancelled = true;
    return { cancelled: true };
  }

  locateTime(args: { caseId: string; view: LineView; ts: number }): Promise<Located> {
    return this.query(args.caseId).locateTime(args.view, args.ts);
  }

  seekLine(args: {
    caseId: string;
    view: LineView;
    from: number;
    direction: 'next' | 'prev';
    severities: SeverityName[];
  }): Promise<Located> {
    return this.query(args.caseId).seekLine(args.view, args.from, args.direction, args.severities);
  }

  histogram(args: {
    caseId: string;
    filter: LineFilter | null;
    from: number | null;
    to: number | null;
    buckets: number;
  }): Promise<Histogram> {
    const { caseId, ...req } = args;
    return this.query(caseId).histogram(req);
  }

  facets(args: { caseId: string }): Facets {
    return this.query(args.caseId).facets();
  }

  getUiState(args: { caseId: string }): CaseUiState {
    return this.query(args.caseId).uiState();
  }

  saveUiState(args: { caseId: string; state: CaseUiState }): { saved: boolean } {
    this.query(args.caseId).saveUiState(args.state);
    return { saved: true };
  }

  /** Builds the merged time order again (after a zone change, or to measure it); returns its figures. */
  buildOrder(args: { caseId: string }): OrderStats {
    return this.query(args.caseId).rebuild();
  }

  /** The stored order's figures (null while the case is being indexed). */
  orderStats(args: { caseId: string }): OrderStats | null {
    return this.query(args.caseId).orderStats();
  }

  listFindings(args: { caseId: string }): Finding[] {
    return this.store(args.caseId).findings();
  }

  listAnnotations(args: { caseId: string }): Annotation[] {
    return this.store(args.caseId).annotations();
  }

  saveAnnotation(args: { caseId: string; draft: AnnotationInput }): Annotation {
    return this.store(args.caseId).saveAnnotation(args.draft);
  }

  deleteAnnotation(args: { caseId: string; annotationId: number }): { deleted: boolean } {
    return { deleted: this.store(args.caseId).deleteAnnotation(args.annotationId) };
  }

  restoreAnnotation(args: { caseId: string; annotationId: number }): Annotation {
    return this.store(args.caseId).restoreAnnotation(args.annotationId);
  }

  async ingest(args: {
    caseId: string;
    jobId: string;
    inputs: string[];
  }): Promise<IngestOutcome & { readMs: number; analysisMs: number; fulltextMs: number | null }> {
    const store = this.store(args.caseId);
    const query = this.query(args.caseId);
    await this.stopFulltext(args.caseId);
    query.invalidate();
    // The whole job (reading, order, analysis, full-text index) keeps the ingest's small page
    // cache; the viewer's 64 MiB comes back at the end. Restored right after reading, the cache
    // filled up during the order build and phase 2, and the job's peak RSS on the 1 GiB bench
    // rose by 50-75 MiB, with no measurable gain in speed.
    const restoreCache = usePageCache(store.db, INGEST_CACHE_KIB);
    try {
      const started = performance.now();
      let last: JobPhaseProgress | null = null;
      const outcome = await ingestInputs(store, args.inputs, {
        onProgress: (progress) => {
          last = progress;
          if (progress.phase !== 'done')
            this.emit('ingestProgress', { jobId: args.jobId, caseId: args.caseId, progress });
        },
        isCancelled: () => this.cancelled.has(args.jobId),
      });
      const base: JobPhaseProgress = last ?? {
        phase: 'reading',
        current: null,
        bytesDone: 0,
        bytesTotal: null,
        linesDone: outcome.lines,
      };
      // The time order covers whatever was read, a cancelled ingest's lines included.
      this.emit('ingestProgress', {
        jobId: args.jobId,
        caseId: args.caseId,
        progress: { ...base, phase: 'ordering', current: null },
      });
      query.rebuild();
      const readMs = performance.now() - started;
      if (!outcome.cancelled) {
        // The analysis counts the input's bytes again from 0, in proportion to the lines it
        // has analysed: its bar, rate and ETA are its own (an estimate: lines are not all
        // the same length).
        const inputBytes = base.bytesTotal ?? base.bytesDone;
        const analysing = (done: number, total: number): void =>
          this.emit('ingestProgress', {
            jobId: args.jobId,
            caseId: args.caseId,
            progress: {
              ...base,
              phase: 'analysing',
              current: null,
              bytesDone: total > 0 ? Math.round((inputBytes * done) / total) : 0,
              bytesTotal: inputBytes,
              linesDone: done,
            },
          });
        analysing(0, 0);
        // The reading's garbage goes first, so the analysis starts from a small heap limit (full-gc.ts).
        fullGc();
        await this.analyzeAfterIngest(args.caseId, analysing);
      }
      const analysisMs = performance.now() - started - readMs;
      // Phase 2: the full-text index, in committed batches (a cancel or a kill keeps what is
      // done; the next open resumes it). Search scans until it is complete.
      let fulltextMs: number | null = null;
      if (!outcome.cancelled && !this.cancelled.has(args.jobId)) {
        const t = performance.now();
        const complete = await buildFulltext(store.db, {
          isCancelled: () => this.cancelled.has(args.jobId),
          onProgress: (p) =>
            this.emit('ingestProgress', {
              jobId: args.jobId,
              caseId: args.caseId,
              progress: {
                phase: 'fulltext',
                current: null,
                bytesDone: p.bytesDone,
                bytesTotal: p.bytesTotal,
                linesDone: p.linesDone,
              },
            }),
        });
        if (complete) fulltextMs = Math.round(performance.now() - t);
      }
      if (last)
        this.emit('ingestProgress', {
          jobId: args.jobId,
          caseId: args.caseId,
          progress: { ...(last as JobPhaseProgress), phase: 'done', current: null },
        });
      return {
        ...outcome,
        readMs: Math.round(readMs),
        analysisMs: Math.round(analysisMs),
        fulltextMs,
      };
    } finally {
      this.cancelled.delete(args.jobId);
      // A case closed during the job (its analysis stops with an error saying so) has no
      // connection left to restore or order.
      const open = this.cases.get(args.caseId) === store;
      if (open) restoreCache();
      // A failed ingest still leaves lines to browse: give them their time order.
      if (open && query.orderStats() === null && store.meta('state') !== 'indexing') {
        try {
          query.rebuild();
        } catch (err) {
          console.warn(`[engine] time order of ${args.caseId} not built: ${(err as Error).message}`);
        }
      }
    }
  }

  /** Runs every analyser over the case and stores the findings and the full models. */
  analyze(args: { caseId: string }): CaseAnalysis {
    const store = this.store(args.caseId);
    const refs = sourceRefs(store.db);
    const { analysis, findings } = withAnalysisCache(store.db, () =>
      analyzeCase(caseAnalysisInput(store.db, refs)),
    );
    return this.keepAnalysis(args.caseId, analysis, findings);
  }

  /**
   * The analysis after an ingest, in slices of ANALYSIS_SLICE_MS: between them this thread
   * answers the requests that came meanwhile (a search typed while the findings are computed
   * waits at most a slice, not the whole analysis: ~20 s on a 1 GiB case). With
   * POSTMORTEM_DETECT_WORKER=1 on a large case, the incidents are found by a detect worker
   * (analysis/detect-worker.ts) while this thread reads the logs for the rest; if the worker
   * fails, this thread finds them itself. A case closed meanwhile stops the analysis with an
   * error saying so; opening it again redoes the analysis (none was stored).
   */
  private async analyzeAfterIngest(
    caseId: string,
    progress?: (done: number, total: number) => void,
  ): Promise<CaseAnalysis> {
    const store = this.store(caseId);
    const refs = sourceRefs(store.db);
    const lines = refs.reduce((n, r) => n + r.lineCount, 0);
    const input = caseAnalysisInput(store.db, refs);
    const slicing: PassSlicing = {
      sliceMs: Number(process.env.POSTMORTEM_ANALYSIS_SLICE_MS ?? ANALYSIS_SLICE_MS),
      check: () => {
        if (this.cases.get(caseId) !== store)
          throw new Error(
            `${store.file}: the case was closed during its analysis; opening it again redoes the analysis`,
          );
      },
      ...(progress ? { progress } : {}),
    };
    const restore = usePageCache(store.db, -ANALYSIS_CACHE_KIB);
    let result: Awaited<ReturnType<typeof analyzeCaseSliced>>;
    try {
      if (detectWorkerFor(lines)) {
        const incidents = detectIncidentsInWorker(
          store.file,
          refs.map((r) => r.sourceId),
        ).catch((err: unknown) => {
          console.warn(
            `[engine] detect worker: ${(err as Error).message}; finding the incidents in this thread`,
          );
          return detectLogIncidents(input);
        });
        result = await analyzeCaseSplit(input, incidents, 'en', slicing);
      } else result = await analyzeCaseSliced(input, slicing);
    } finally {
      if (this.cases.get(caseId) === store) restore();
    }
    return this.keepAnalysis(caseId, result.analysis, result.findings);
  }

  private keepAnalysis(
    caseId: string,
    analysis: CaseAnalysis,
    findings: ReturnType<typeof analyzeCase>['findings'],
  ): CaseAnalysis {
    const store = this.store(caseId);
    store.db.transaction(() => {
      store.replaceFindings(FINDING_KINDS, findings, []);
      store.setMeta('analysis', JSON.stringify(analysis));
    })();
    this.analyses.set(caseId, { stamp: store.meta('updated_at') ?? '', analysis });
    return analysis;
  }

  /**
   * The stored analysis, redone when missing or made by an older analyser version. Kept parsed per
   * case until the case's `updated_at` moves (an ingest, here or by another process): the report,
   * the panels and the CLI read it many times, and parsing megabytes each time cost seconds.
   */
  analysis(args: { caseId: string }): CaseAnalysis {
    const store = this.store(args.caseId);
    const stamp = store.meta('updated_at') ?? '';
    const cached = this.analyses.get(args.caseId);
    if (cached && cached.stamp === stamp) return cached.analysis;
    const raw = store.meta('analysis');
    if (raw) {
      const stored = JSON.parse(raw) as CaseAnalysis;
      if (stored.version === ANALYSIS_VERSION) {
        this.analyses.set(args.caseId, { stamp, analysis: stored });
        return stored;
      }
    }
    return this.analyze(args);
  }

  cancel(args: { jobId: string }): void {
    this.cancelled.add(args.jobId);
  }

  // ---- REPORT (owner: report): drafting data, edits, redaction, timeline export ----------
  // Delegates to engine/report-data.ts and engine/report/timeline-export.ts.

  /** The case snapshot the report is drafted from; `names` also gathers host/user names to redact. */
  reportData(args: { caseId: string; names: boolean }): ReportData {
    return collectReportData(this.store(args.caseId), this.analysis({ caseId: args.caseId }), args.names);
  }

  saveReportEdits(args: { caseId: string; edits: ReportEdits }): { savedAt: number } {
    return { savedAt: saveReportEdits(this.store(args.caseId), args.edits) };
  }

  redactionState(args: { caseId: string }): { settings: RedactionSettings; replacements: Redaction[] } {
    return redactionState(this.store(args.caseId));
  }

  saveRedactionSettings(args: { caseId: string; settings: RedactionSettings }): { saved: boolean } {
    saveRedactionSettings(this.store(args.caseId), args.settings);
    return { saved: true };
  }

  saveRedactionReplacements(args: { caseId: string; replacements: Redaction[] }): { saved: boolean } {
    saveRedactionReplacements(this.store(args.caseId), args.replacements);
    return { saved: true };
  }

  /** Streams every line and finding to `file` (JSONL or Timesketch CSV), redacted when asked. */
  async exportTimeline(args: {
    caseId: string;
    format: TimelineFormat;
    file: string;
    redact: boolean;
  }): Promise<TimelineExportResult & { replacements: Redaction[] }> {
    const store = this.store(args.caseId);
    let redactor: Redactor | null = null;
    if (args.redact) {
      const data = collectReportData(store, this.analysis({ caseId: args.caseId }), true);
      redactor = new Redactor(data.redaction, { hosts: data.knownHosts, users: data.knownUsers });
    }
    const r = await exportTimeline(store, store.findings(), args.format, args.file, redactor);
    const replacements = redactor?.replacements() ?? [];
    if (redactor) saveRedactionReplacements(store, replacements);
    return { ...r, replacements };
  }
  // ---- end of REPORT section ----
}

/** The request names the worker answers: the Engine's public methods. */
export type EngineMethod = {
  [K in keyof Engine]: Engine[K] extends (args: never) => unknown ? K : never;
}[keyof Engine];

export type EngineArgs<M extends EngineMethod> = Parameters<Engine[M]>[0];
export type EngineResult<M extends EngineMethod> = Awaited<ReturnType<Engine[M]>>;
