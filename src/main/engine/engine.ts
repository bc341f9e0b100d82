/**
 * The engine: owns the open case databases and answers typed requests. It runs inside a
 * worker thread (worker-entry.ts) under Node and Electron alike, and can be created in
 * process for tests. Every method takes and returns plain, structured-cloneable data.
 */
import type { AnnotationDraft } from '../../shared/api';
import type { Annotation } from '../../shared/model/annotation';
import type { CaseInfo, CaseSummary, LinePage, LineView, SearchResult } from '../../shared/model/case';
import type { Finding } from '../../shared/model/finding';
import { ANALYSIS_VERSION, analyzeCase, type CaseAnalysis } from './analysis/run';
import { ingestInputs, type IngestOutcome, type IngestProgress } from './ingest/ingest';
import { CaseStore } from './store/case-store';
import { readRecordLines, sourceRefs } from './store/line-reader';

const FINDING_KINDS = ['oom', 'incident', 'flood', 'boot', 'system'] as const;

/** Ingest progress, plus the analysis phase the engine runs after reading. */
export type JobPhaseProgress = Omit<IngestProgress, 'phase'> & {
  phase: IngestProgress['phase'] | 'analysing';
};

export interface EngineEvents {
  ingestProgress: { jobId: string; caseId: string; progress: JobPhaseProgress };
}

export type EngineEmit = <E extends keyof EngineEvents>(event: E, payload: EngineEvents[E]) => void;

/** A note as the renderer sends it, without the case id (the engine call names the case). */
export type AnnotationInput = Omit<AnnotationDraft, 'caseId'>;

export class Engine {
  private readonly cases = new Map<string, CaseStore>();
  private readonly cancelled = new Set<string>();

  constructor(private readonly emit: EngineEmit = () => undefined) {}

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
    return store.info();
  }

  closeCase(args: { caseId: string }): void {
    this.cases.get(args.caseId)?.close();
    this.cases.delete(args.caseId);
  }

  closeAll(): void {
    for (const s of this.cases.values()) s.close();
    this.cases.clear();
  }

  caseInfo(args: { caseId: string }): CaseInfo {
    return this.store(args.caseId).info();
  }

  summary(args: { caseId: string }): CaseSummary {
    return this.store(args.caseId).summary();
  }

  getLines(args: { caseId: string; view: LineView; start: number; count: number }): LinePage {
    return this.store(args.caseId).page(args.view, args.start, args.count);
  }

  locateLine(args: { caseId: string; view: LineView; lineId: number }): { position: number | null } {
    return { position: this.store(args.caseId).locate(args.view, args.lineId) };
  }

  search(args: {
    caseId: string;
    view: LineView;
    query: string;
    mode: 'text' | 'regex';
    caseSensitive: boolean;
    limit: number;
  }): SearchResult {
    return this.store(args.caseId).search(args.view, args.query, args.mode, args.caseSensitive, args.limit);
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
  }): Promise<IngestOutcome & { readMs: number; analysisMs: number }> {
    const store = this.store(args.caseId);
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
      const readMs = performance.now() - started;
      if (!outcome.cancelled) {
        const base: JobPhaseProgress = last ?? {
          phase: 'reading',
          current: null,
          bytesDone: 0,
          bytesTotal: null,
          linesDone: outcome.lines,
        };
        this.emit('ingestProgress', {
          jobId: args.jobId,
          caseId: args.caseId,
          progress: { ...base, phase: 'analysing', current: null },
        });
        this.analyze({ caseId: args.caseId });
      }
      const analysisMs = performance.now() - started - readMs;
      if (last)
        this.emit('ingestProgress', {
          jobId: args.jobId,
          caseId: args.caseId,
          progress: { ...(last as JobPhaseProgress), phase: 'done', current: null },
        });
      return { ...outcome, readMs: Math.round(readMs), analysisMs: Math.round(analysisMs) };
    } finally {
      this.cancelled.delete(args.jobId);
    }
  }

  /** Runs every analyser over the case and stores the findings and the full models. */
  analyze(args: { caseId: string }): CaseAnalysis {
    const store = this.store(args.caseId);
    const refs = sourceRefs(store.db);
    const { analysis, findings } = analyzeCase({
      sources: refs,
      lines: (only) =>
        readRecordLines(
          store.db,
          only ? refs.filter((r) => only.some((o) => o.sourceId === r.sourceId)) : refs,
        ),
    });
    store.db.transaction(() => {
      store.replaceFindings(FINDING_KINDS, findings, []);
      store.setMeta('analysis', JSON.stringify(analysis));
    })();
    return analysis;
  }

  /** The stored analysis, redone when missing or made by an older analyser version. */
  analysis(args: { caseId: string }): CaseAnalysis {
    const raw = this.store(args.caseId).meta('analysis');
    if (raw) {
      const stored = JSON.parse(raw) as CaseAnalysis;
      if (stored.version === ANALYSIS_VERSION) return stored;
    }
    return this.analyze(args);
  }

  cancel(args: { jobId: string }): void {
    this.cancelled.add(args.jobId);
  }
}

/** The request names the worker answers: the Engine's public methods. */
export type EngineMethod = {
  [K in keyof Engine]: Engine[K] extends (args: never) => unknown ? K : never;
}[keyof Engine];

export type EngineArgs<M extends EngineMethod> = Parameters<Engine[M]>[0];
export type EngineResult<M extends EngineMethod> = Awaited<ReturnType<Engine[M]>>;
