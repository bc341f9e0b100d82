/**
 * The services behind the contract: plain TypeScript, no electron. Transports (Electron IPC,
 * the browser host) and the CLI carry them; dispatch.ts validates every input on the way in.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ApiError,
  type AnnotationDraft,
  type AppInfo,
  type ExportReportRequest,
  type ExportResult,
  type GetLinesRequest,
  type HistogramRequest,
  type LocateManyRequest,
  type LocateRequest,
  type LocateTimeRequest,
  type Located,
  type OpenInputRequest,
  type OpenResult,
  type SearchRequest,
  type SeekRequest,
  type WorkbenchApi,
} from '../../shared/api';
import type {
  Redaction,
  RedactionSettings,
  ReportDraft,
  ReportEdits,
  ReportLang,
  ReportOptions,
} from '../../shared/model/report';
import type { CaseUiState, Facets, Histogram } from '../../shared/model/view';
import type { Annotation } from '../../shared/model/annotation';
import type { CaseInfo, CaseSummary, JobProgress, LinePage, SearchResult } from '../../shared/model/case';
import type { Finding } from '../../shared/model/finding';
import type { EngineClient } from '../engine/client';
import type { CaseAnalysis } from '../../shared/model/analysis';
import type { EngineEvents } from '../engine/engine';
import type { ReportData } from '../report/model';
import { reportDraft } from '../report/draft';
import { buildReport, renderDraft, reportFileBase } from '../report/report';
import { WorkbenchEventBus } from './events';
import type { ArtifactSink, PathPicker, PdfPrinter } from './ports';
import { SAMPLE_ARCHIVE, SAMPLE_CASE_FILE, SAMPLE_TITLE } from './sample';

export interface WorkbenchServiceOptions {
  engine: EngineClient;
  /** Where new cases are created. */
  casesDir: string;
  transport: AppInfo['transport'];
  version: string;
  picker?: PathPicker;
  /** Created on first use (launching Chromium is slow). */
  printer: () => PdfPrinter;
  sink: ArtifactSink;
}

type Empty = Record<string, never>;

export class WorkbenchService implements WorkbenchApi {
  readonly events = new WorkbenchEventBus();
  private readonly files = new Map<string, string>(); // caseId → case file
  private readonly jobs = new Map<string, JobProgress & { startedAt: number; done: Promise<void> }>();
  /** Per ingest job in the analysis or phase 2: when that phase started and its bytes then. */
  private readonly phaseStarts = new Map<string, { phase: string; at: number; bytes: number }>();
  private initialCaseId: string | null = null;
  private printerInstance: PdfPrinter | null = null;
  /** Report exports in progress, for cancelJob. */
  private readonly reportJobs = new Map<string, ReportJob>();

  constructor(private readonly opts: WorkbenchServiceOptions) {
    mkdirSync(opts.casesDir, { recursive: true });
    opts.engine.onEvent((event, payload) => {
      if (event === 'ingestProgress') this.onIngestProgress(payload);
    });
  }

  // ---- host-side operations (not part of the renderer contract) ------------------------

  /** Opens the sample case, indexing it on first use. */
  async openSample(): Promise<OpenResult & { status: 'opened' }> {
    const file = path.join(this.opts.casesDir, SAMPLE_CASE_FILE);
    const info = await this.openCaseFileAt(file, { create: true, title: SAMPLE_TITLE });
    let jobId: string | null = null;
    if (info.state !== 'complete') jobId = this.startIngest(info.caseId, [SAMPLE_ARCHIVE]);
    this.initialCaseId ??= info.caseId;
    return { status: 'opened', caseId: info.caseId, jobId };
  }

  /** Creates a case for inputs on this host and starts indexing them; `file` picks the case path. */
  async openInputs(
    paths: string[],
    options: { file?: string; title?: string } = {},
  ): Promise<OpenResult & { status: 'opened' }> {
    const resolved = paths.map((p) => path.resolve(p));
    const missing = resolved.filter((p) => !existsSync(p));
    if (missing.length === resolved.length) {
      throw new ApiError('not-found', `nothing to open: ${missing.join(', ')} not found`);
    }
    const title = options.title ?? resolved.map((p) => path.basename(p)).join(', ');
    const file =
      options.file ??
      path.join(this.opts.casesDir, `${slug(title)}-${randomBytes(3).toString('hex')}.pmcase`);
    const info = await this.openCaseFileAt(file, { create: true, title });
    const jobId = this.startIngest(info.caseId, resolved);
    this.initialCaseId ??= info.caseId;
    return { status: 'opened', caseId: info.caseId, jobId };
  }

  /** Opens an existing case file (or creates it when asked). */
  async openCaseFileAt(file: string, options: { create: boolean; title?: string }): Promise<CaseInfo> {
    const args: { file: string; create: boolean; title?: string } = {
      file: path.resolve(file),
      create: options.create,
    };
    if (options.title !== undefined) args.title = options.title;
    const info = await this.opts.engine.call('openCase', args);
    this.files.set(info.caseId, args.file);
    return info;
  }

  /** The case's analysis (OOM reports, incidents, boots, system facts), redone when stale. */
  async analysis(caseId: string): Promise<CaseAnalysis> {
    return this.getAnalysis({ caseId });
  }

  setInitialCase(caseId: string): void {
    this.initialCaseId = caseId;
  }

  /** Resolves when the job has finished (for the CLI and tests). */
  async waitForJob(jobId: string): Promise<JobProgress> {
    const job = this.jobs.get(jobId);
    if (!job) throw new ApiError('not-found', `no job ${jobId}`);
    await job.done;
    return this.publicJob(job);
  }

  async dispose(): Promise<void> {
    await this.printerInstance?.close?.();
    this.printerInstance = null;
  }

  // ---- the contract ----------------------------------------------------------------------

  async appInfo(_input: Empty): Promise<AppInfo> {
    return {
      name: 'Postmortem',
      version: this.opts.version,
      transport: this.opts.transport,
      initialCaseId: this.initialCaseId,
      canPickFiles: this.opts.picker !== undefined,
    };
  }

  async listCases(_input: Empty): Promise<CaseInfo[]> {
    const known = new Set(this.files.values());
    for (const name of readdirSync(this.opts.casesDir)) {
      if (name.endsWith('.pmcase')) known.add(path.join(this.opts.casesDir, name));
    }
    const out: CaseInfo[] = [];
    for (const file of known) {
      try {
        out.push(await this.openCaseFileAt(file, { create: false }));
      } catch (err) {
        console.warn(`[cases] ${file}: ${(err as Error).message}`);
      }
    }
    return out.sort((a, b) => b.updatedAt - a.updatedAt);
  }

  async openInput(input: OpenInputRequest): Promise<OpenResult> {
    if (!this.opts.picker)
      throw new ApiError(
        'unsupported',
        'this host has no file dialogs: start `postmortem serve <archive>` with the input instead',
      );
    const paths = await this.opts.picker.pickInputs(input.pick);
    if (!paths || paths.length === 0) return { status: 'cancelled' };
    return this.openInputs(paths);
  }

  async openPaths(input: { paths: string[] }): Promise<OpenResult> {
    return this.openInputs(input.paths);
  }

  async openCaseFile(_input: Empty): Promise<OpenResult> {
    if (!this.opts.picker) throw new ApiError('unsupported', 'this host has no file dialogs');
    const file = await this.opts.picker.pickCaseFile();
    if (!file) return { status: 'cancelled' };
    const info = await this.openCaseFileAt(file, { create: false });
    this.events.emit('caseChanged', { caseId: info.caseId, reason: 'opened' });
    return { status: 'opened', caseId: info.caseId, jobId: null };
  }

  private caseKnown(caseId: string): void {
    if (!this.files.has(caseId)) throw new ApiError('not-found', `no open case ${caseId}`);
  }

  async caseSummary(input: { caseId: string }): Promise<CaseSummary> {
    this.caseKnown(input.caseId);
    return this.opts.engine.call('summary', input);
  }

  async getLines(input: GetLinesRequest): Promise<LinePage> {
    this.caseKnown(input.caseId);
    return this.opts.engine.call('getLines', input);
  }

  async locateLines(input: LocateManyRequest): Promise<{ positions: (number | null)[] }> {
    this.caseKnown(input.caseId);
    return this.opts.engine.call('locateLines', input);
  }

  async locateLine(input: LocateRequest): Promise<{ position: number | null }> {
    this.caseKnown(input.caseId);
    return this.opts.engine.call('locateLine', input);
  }

  async search(input: SearchRequest): Promise<SearchResult> {
    this.caseKnown(input.caseId);
    return this.opts.engine.call('search', input);
  }

  async listFindings(input: { caseId: string }): Promise<Finding[]> {
    this.caseKnown(input.caseId);
    return this.opts.engine.call('listFindings', input);
  }

  async getAnalysis(input: { caseId: string }): Promise<CaseAnalysis> {
    this.caseKnown(input.caseId);
    return this.opts.engine.call('analysis', input);
  }

  async listAnnotations(input: { caseId: string }): Promise<Annotation[]> {
    this.caseKnown(input.caseId);
    return this.opts.engine.call('listAnnotations', input);
  }

  async saveAnnotation(input: AnnotationDraft): Promise<Annotation> {
    this.caseKnown(input.caseId);
    const { caseId, ...draft } = input;
    const saved = await this.opts.engine.call('saveAnnotation', { caseId, draft });
    this.events.emit('caseChanged', { caseId, reason: 'annotations' });
    return saved;
  }

  async deleteAnnotation(input: { caseId: string; annotationId: number }): Promise<{ deleted: boolean }> {
    this.caseKnown(input.caseId);
    const r = await this.opts.engine.call('deleteAnnotation', input);
    this.events.emit('caseChanged', { caseId: input.caseId, reason: 'annotations' });
    return r;
  }

  async restoreAnnotation(input: { caseId: string; annotationId: number }): Promise<Annotation> {
    this.caseKnown(input.caseId);
    const r = await this.opts.engine.call('restoreAnnotation', input);
    this.events.emit('caseChanged', { caseId: input.caseId, reason: 'annotations' });
    return r;
  }

  // ---- SESSION-2 CONTRACT: each block below is replaced by its owner before commit ----
  /**
   * Streaming search: the engine sends batches as `searchProgress` events under the id chosen
   * here (listened for before the engine starts, so no batch is missed); forwarded to the
   * contract's `searchProgress` until the last batch.
   */
  async startSearch(input: SearchRequest): Promise<{ searchId: string }> {
    this.caseKnown(input.caseId);
    const searchId = `search-${randomBytes(6).toString('hex')}`;
    const off = this.opts.engine.onEvent((event, payload) => {
      if (event !== 'searchProgress' || payload.searchId !== searchId) return;
      this.events.emit('searchProgress', payload);
      if (payload.done) off();
    });
    // Answer with the id at once: the renderer holds the first batch until it knows the id, so
    // waiting for the engine's reply (sent after its first scan slice) delayed the first hits.
    this.opts.engine.call('startSearch', { ...input, searchId }).catch((err: unknown) => {
      off();
      this.events.emit('searchProgress', {
        searchId,
        caseId: input.caseId,
        hits: [],
        total: 0,
        scannedLines: 0,
        totalLines: 0,
        done: true,
        cancelled: false,
        elapsedMs: 0,
        error: err instanceof Error ? err.message : String(err),
      });
    });
    return { searchId };
  }
  async cancelSearch(input: { searchId: string }): Promise<{ cancelled: boolean }> {
    return this.opts.engine.call('cancelSearch', input);
  }
  async locateTime(input: LocateTimeRequest): Promise<Located> {
    this.caseKnown(input.caseId);
    return this.opts.engine.call('locateTime', input);
  }
  async seekLine(input: SeekRequest): Promise<Located> {
    this.caseKnown(input.caseId);
    return this.opts.engine.call('seekLine', input);
  }
  async histogram(input: HistogramRequest): Promise<Histogram> {
    this.caseKnown(input.caseId);
    return this.opts.engine.call('histogram', input);
  }
  async facets(input: { caseId: string }): Promise<Facets> {
    this.caseKnown(input.caseId);
    return this.opts.engine.call('facets', input);
  }
  async getUiState(input: { caseId: string }): Promise<CaseUiState> {
    this.caseKnown(input.caseId);
    return this.opts.engine.call('getUiState', input);
  }
  async saveUiState(input: { caseId: string; state: CaseUiState }): Promise<{ saved: boolean }> {
    this.caseKnown(input.caseId);
    return this.opts.engine.call('saveUiState', input);
  }
  // ---- end of the engine-query block (owner: engine query) ----
  async getReportDraft(input: { caseId: string; lang: ReportLang }): Promise<ReportDraft> {
    return reportDraft(await this.reportData(input.caseId, false), input.lang);
  }
  async saveReportDraft(input: { caseId: string; edits: ReportEdits }): Promise<ReportDraft> {
    this.caseKnown(input.caseId);
    try {
      await this.opts.engine.call('saveReportEdits', input);
    } catch (err) {
      throw new ApiError('invalid-input', (err as Error).message);
    }
    this.events.emit('caseChanged', { caseId: input.caseId, reason: 'report' });
    return reportDraft(await this.reportData(input.caseId, false), input.edits.lang);
  }
  async previewReport(input: { caseId: string; options: ReportOptions }): Promise<{ html: string }> {
    const data = await this.reportData(input.caseId, input.options.redact);
    return { html: buildReport(data, input.options, this.reportMeta()).html };
  }
  async getRedaction(input: {
    caseId: string;
  }): Promise<{ settings: RedactionSettings; replacements: Redaction[] }> {
    this.caseKnown(input.caseId);
    return this.opts.engine.call('redactionState', input);
  }
  async saveRedaction(input: { caseId: string; settings: RedactionSettings }): Promise<{ saved: boolean }> {
    this.caseKnown(input.caseId);
    try {
      await this.opts.engine.call('saveRedactionSettings', input);
    } catch (err) {
      throw new ApiError('invalid-input', (err as Error).message);
    }
    this.events.emit('caseChanged', { caseId: input.caseId, reason: 'report' });
    return { saved: true };
  }

  private async reportData(caseId: string, names: boolean): Promise<ReportData> {
    this.caseKnown(caseId);
    return this.opts.engine.call('reportData', { caseId, names });
  }

  private reportMeta(): { appVersion: string; generatedAt: number } {
    return { appVersion: this.opts.version, generatedAt: Date.now() };
  }
  // ---- end of the report block (owner: report) ----

  /**
   * Builds the report of a case as PDF (through the printer), HTML or Markdown. `job` (an export
   * from the UI) is told each phase and stops the work at the next phase once cancelled.
   */
  async renderReport(
    caseId: string,
    format: 'pdf' | 'html' | 'md',
    options: ReportOptions = { lang: 'en', redact: false, paper: 'A4' },
    job?: ReportJob,
  ): Promise<{ bytes: Buffer; fileName: string; mime: string; replacements: Redaction[] }> {
    // Chromium starts now and launches while the engine reads the case and the draft is made.
    if (format === 'pdf') this.warmPrinter();
    job?.phase('drafting');
    const data = await (job
      ? job.race(this.reportData(caseId, options.redact))
      : this.reportData(caseId, options.redact));
    const draft = reportDraft(data, options.lang);
    if (job) {
      job.phase('rendering');
      // Let the phase reach the renderer before the (synchronous) rendering starts.
      await new Promise((resolve) => setImmediate(resolve));
      job.check();
    }
    const report = renderDraft(draft, data, options, this.reportMeta());
    if (options.redact)
      await this.opts.engine.call('saveRedactionReplacements', { caseId, replacements: report.replacements });
    const base = reportFileBase(report.title);
    const replacements = report.replacements;
    if (format === 'html')
      return {
        bytes: Buffer.from(report.html, 'utf8'),
        fileName: `${base}.html`,
        mime: 'text/html; charset=utf-8',
        replacements,
      };
    if (format === 'md')
      return {
        bytes: Buffer.from(report.markdown, 'utf8'),
        fileName: `${base}.md`,
        mime: 'text/markdown; charset=utf-8',
        replacements,
      };
    this.printerInstance ??= this.opts.printer();
    job?.phase('printing');
    const printing = this.printerInstance.printToPdf(report.html, report.pdf);
    // A cancelled print runs to its end inside Chromium; its PDF is thrown away.
    const bytes = await (job ? job.race(printing) : printing);
    job?.setPages(countPdfPages(bytes));
    return { bytes, fileName: `${base}.pdf`, mime: 'application/pdf', replacements };
  }

  /** Starts the PDF printer's browser ahead of the print (a printer that can, e.g. ChromiumPdfPrinter). */
  private warmPrinter(): void {
    this.printerInstance ??= this.opts.printer();
    void this.printerInstance.warmUp?.();
  }

  /**
   * Streams the timeline (every line and finding, UTC) to a file on this host, in the engine
   * worker: JSONL, or CSV for Timesketch. For the CLI, and behind `exportReport`.
   */
  async exportTimelineTo(
    caseId: string,
    format: 'jsonl' | 'timesketch',
    file: string,
    redact: boolean,
  ): Promise<{ bytes: number; lines: number; findings: number; untimed: number; ms: number }> {
    this.caseKnown(caseId);
    const r = await this.opts.engine.call('exportTimeline', {
      caseId,
      format,
      file: path.resolve(file),
      redact,
    });
    return { bytes: r.bytes, lines: r.lines, findings: r.findings, untimed: r.untimed, ms: r.ms };
  }

  /**
   * Exports the report (PDF, HTML, Markdown) or the timeline (JSONL, Timesketch CSV) as a job of
   * kind `report`: its phases (drafting, rendering, printing, writing; pages once printed) are
   * published as `ingestProgress` events and `cancelJob` stops it (`{ status: 'cancelled' }`).
   */
  async exportReport(input: ExportReportRequest): Promise<ExportResult> {
    this.caseKnown(input.caseId);
    const summary = await this.opts.engine.call('summary', { caseId: input.caseId });
    const base = reportFileBase(summary.title);
    const timeline = input.format === 'jsonl' || input.format === 'timesketch';
    const fileName = timeline
      ? `${base}-timeline.${input.format === 'jsonl' ? 'jsonl' : 'csv'}`
      : `${base}.${input.format}`;
    const job = new ReportJob(input.caseId, fileName, (p) => this.events.emit('ingestProgress', p));
    this.jobs.set(job.progress.jobId, job.progress);
    this.reportJobs.set(job.progress.jobId, job);
    try {
      let result: ExportResult;
      if (timeline) {
        const tmp = path.join(os.tmpdir(), `postmortem-${randomBytes(6).toString('hex')}-${fileName}`);
        job.phase('writing');
        const written = this.exportTimelineTo(
          input.caseId,
          input.format as 'jsonl' | 'timesketch',
          tmp,
          input.options.redact,
        );
        try {
          const r = await job.race(written);
          job.setBytes(r.bytes, r.bytes);
        } catch (err) {
          // The engine finishes the file it is streaming; it is removed once written.
          void written.then(
            () => rmSync(tmp, { force: true }),
            () => rmSync(tmp, { force: true }),
          );
          throw err;
        }
        result = await this.opts.sink.deliverFile(
          fileName,
          tmp,
          input.format === 'jsonl' ? 'application/x-ndjson' : 'text/csv; charset=utf-8',
        );
      } else {
        const r = await this.renderReport(
          input.caseId,
          input.format as 'pdf' | 'html' | 'md',
          input.options,
          job,
        );
        job.phase('writing');
        job.setBytes(0, r.bytes.length);
        result = await this.opts.sink.deliver(r.fileName, r.bytes, r.mime);
        job.setBytes(r.bytes.length, r.bytes.length);
      }
      job.finish(result.status === 'cancelled' ? 'cancelled' : 'done');
      return result;
    } catch (err) {
      if (err instanceof ReportCancelled) {
        job.finish('cancelled');
        return { status: 'cancelled' };
      }
      job.finish('failed', (err as Error).message);
      throw err;
    } finally {
      this.reportJobs.delete(job.progress.jobId);
    }
  }

  async getJob(input: { jobId: string }): Promise<JobProgress | null> {
    const job = this.jobs.get(input.jobId);
    return job ? this.publicJob(job) : null;
  }

  async cancelJob(input: { jobId: string }): Promise<JobProgress | null> {
    const job = this.jobs.get(input.jobId);
    if (!job) return null;
    const report = this.reportJobs.get(input.jobId);
    if (report) return report.cancel();
    if (job.state === 'running') await this.opts.engine.call('cancel', { jobId: input.jobId });
    return this.publicJob(job);
  }

  // ---- jobs --------------------------------------------------------------------------------

  private startIngest(caseId: string, inputs: string[]): string {
    const jobId = `ingest-${randomBytes(6).toString('hex')}`;
    const job = newJob({ jobId, kind: 'ingest', caseId, phase: 'reading', current: null });
    this.jobs.set(jobId, job);
    this.events.emit('caseChanged', { caseId, reason: 'ingest-started' });
    job.done = this.opts.engine.call('ingest', { caseId, jobId, inputs }).then(
      (outcome) => {
        job.state = outcome.cancelled ? 'cancelled' : 'done';
        job.phase = 'done';
        job.timings = {
          readMs: outcome.readMs,
          analysisMs: outcome.analysisMs,
          fulltextMs: outcome.fulltextMs,
        };
        job.message = outcome.errors.length
          ? `${outcome.errors.length} input error(s): ${outcome.errors.map((e) => e.message).join('; ')}`
          : null;
        this.finishJob(job);
      },
      (err: Error) => {
        job.state = 'failed';
        job.message = err.message;
        this.finishJob(job);
      },
    );
    return jobId;
  }

  private finishJob(job: JobProgress): void {
    this.phaseStarts.delete(job.jobId);
    this.events.emit('ingestProgress', this.publicJob(job));
    this.events.emit('caseChanged', { caseId: job.caseId, reason: 'ingest-finished' });
  }

  private onIngestProgress(p: EngineEvents['ingestProgress']): void {
    const job = this.jobs.get(p.jobId);
    if (!job || job.state !== 'running') return;
    const now = Date.now();
    // Rate and ETA over the job so far, except in the analysis and phase 2: each counts its own
    // bytes from 0 (the input's bytes whose lines it has analysed or indexed), so their rate and
    // ETA run from their own start.
    let start = { phase: '', at: job.startedAt, bytes: 0 };
    const phase = p.progress.phase;
    if (phase === 'fulltext' || phase === 'analysing') {
      const known = this.phaseStarts.get(job.jobId);
      if (known && known.phase === phase) start = known;
      else {
        start = { phase, at: now, bytes: p.progress.bytesDone };
        this.phaseStarts.set(job.jobId, start);
        // The analysis is done when the full-text index starts: the findings can be shown now.
        if (phase === 'fulltext') this.events.emit('caseChanged', { caseId: job.caseId, reason: 'findings' });
      }
    }
    const elapsedS = Math.max((now - start.at) / 1000, 0.001);
    job.phase = p.progress.phase;
    job.current = p.progress.current;
    job.bytesDone = p.progress.bytesDone;
    job.bytesTotal = p.progress.bytesTotal;
    job.linesDone = p.progress.linesDone;
    job.rate = Math.round(Math.max(0, p.progress.bytesDone - start.bytes) / elapsedS);
    job.etaS =
      job.bytesTotal && job.rate > 0
        ? Math.max(0, Math.round((job.bytesTotal - job.bytesDone) / job.rate))
        : null;
    this.events.emit('ingestProgress', this.publicJob(job));
  }

  private publicJob(job: JobProgress): JobProgress {
    return {
      jobId: job.jobId,
      kind: job.kind,
      caseId: job.caseId,
      state: job.state,
      phase: job.phase,
      current: job.current,
      bytesDone: job.bytesDone,
      bytesTotal: job.bytesTotal,
      linesDone: job.linesDone,
      rate: job.rate,
      etaS: job.etaS,
      message: job.message,
      ...(job.timings ? { timings: job.timings } : {}),
    };
  }
}

/** Thrown at the next phase of a cancelled report export. */
class ReportCancelled extends Error {
  constructor() {
    super('export cancelled');
  }
}

/** A job's progress record as it starts: running, nothing done yet. */
function newJob(
  start: Pick<JobProgress, 'jobId' | 'kind' | 'caseId' | 'phase' | 'current'>,
): JobProgress & { startedAt: number; done: Promise<void> } {
  return {
    ...start,
    state: 'running',
    bytesDone: 0,
    bytesTotal: null,
    linesDone: 0,
    rate: 0,
    etaS: null,
    message: null,
    startedAt: Date.now(),
    done: Promise.resolve(),
  };
}

export type ReportPhase = 'drafting' | 'rendering' | 'printing' | 'writing';

/**
 * One report export as a job (`kind: 'report'`): each phase is published as an `ingestProgress`
 * event, with the file being made as `current`, its bytes once known, and the PDF's page count
 * as `pages` once printed.
 */
export class ReportJob {
  readonly progress: JobProgress & { startedAt: number; done: Promise<void> };
  private cancelled = false;
  private readonly onCancel = new Set<() => void>();
  private resolveDone: () => void = () => undefined;

  constructor(
    caseId: string,
    fileName: string,
    private readonly emit: (p: JobProgress) => void,
  ) {
    this.progress = newJob({
      jobId: `report-${randomBytes(6).toString('hex')}`,
      kind: 'report',
      caseId,
      phase: 'drafting',
      current: fileName,
    });
    this.progress.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
  }

  /** Enters a phase (throws ReportCancelled once cancelled). */
  phase(phase: ReportPhase): void {
    this.check();
    this.progress.phase = phase;
    this.publish();
  }

  check(): void {
    if (this.cancelled) throw new ReportCancelled();
  }

  setPages(pages: number | null): void {
    if (pages === null) return;
    this.progress.pages = pages;
    this.publish();
  }

  setBytes(done: number, total: number): void {
    this.progress.bytesDone = done;
    this.progress.bytesTotal = total;
    const s = Math.max((Date.now() - this.progress.startedAt) / 1000, 0.001);
    this.progress.rate = Math.round(done / s);
    this.publish();
  }

  /** Waits for `p`, or rejects with ReportCancelled as soon as the job is cancelled. */
  race<T>(p: Promise<T>): Promise<T> {
    if (this.cancelled) {
      // Whatever `p` does later (a print finishing, or failing when the printer closes) is dropped.
      p.catch(() => undefined);
      return Promise.reject(new ReportCancelled());
    }
    return new Promise<T>((resolve, reject) => {
      const stop = (): void => reject(new ReportCancelled());
      this.onCancel.add(stop);
      p.then(resolve, reject).finally(() => this.onCancel.delete(stop));
    });
  }

  cancel(): JobProgress {
    if (this.progress.state === 'running' && !this.cancelled) {
      this.cancelled = true;
      for (const stop of [...this.onCancel]) stop();
    }
    return this.payload();
  }

  finish(state: 'done' | 'failed' | 'cancelled', message: string | null = null): void {
    if (this.progress.state !== 'running') return;
    this.progress.state = state;
    this.progress.phase = state;
    this.progress.message = message;
    this.publish();
    this.resolveDone();
  }

  private payload(): JobProgress {
    const p = this.progress;
    return {
      jobId: p.jobId,
      kind: p.kind,
      caseId: p.caseId,
      state: p.state,
      phase: p.phase,
      current: p.current,
      bytesDone: p.bytesDone,
      bytesTotal: p.bytesTotal,
      linesDone: p.linesDone,
      rate: p.rate,
      etaS: p.etaS,
      message: p.message,
      ...(p.pages !== undefined ? { pages: p.pages } : {}),
    };
  }

  private publish(): void {
    this.emit(this.payload());
  }
}

/** Pages of a PDF as Chromium writes it (one `/Type /Page` object per page); null when none is found. */
export function countPdfPages(pdf: Buffer): number | null {
  const n = pdf.toString('latin1').match(/\/Type\s*\/Page(?![A-Za-z])/g)?.length ?? 0;
  return n > 0 ? n : null;
}

function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9\u4e00-\u9fff]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
}
