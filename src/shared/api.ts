/**
 * The one contract between the renderer and the rest of Postmortem.
 * Every call the renderer can make and every event it can receive is declared here;
 * the Electron preload, the IPC router, the browser host and its client all derive
 * from `API_CALLS` / `API_EVENTS`, and `schemas.ts` holds a zod schema per call.
 * Every call takes exactly one plain object and returns a promise of plain data.
 */
import type { CaseAnalysis } from './model/analysis';
import type { Annotation, AnnotationAnchor } from './model/annotation';
import type {
  CaseInfo,
  CaseSummary,
  JobProgress,
  LinePage,
  LineView,
  SearchProgress,
  SearchResult,
} from './model/case';
import type { Finding } from './model/finding';
import type {
  Redaction,
  RedactionSettings,
  ReportDraft,
  ReportEdits,
  ReportFormat,
  ReportLang,
  ReportOptions,
} from './model/report';
import type { CaseUiState, Facets, Histogram, LineFilter, SeverityName } from './model/view';

export interface AppInfo {
  name: string;
  version: string;
  /** Which transport carries the contract. */
  transport: 'electron' | 'browser-host';
  /** The case opened at start (the sample on first launch), if any. */
  initialCaseId: string | null;
  /** Whether this host can show native open/save dialogs. */
  canPickFiles: boolean;
}

export interface OpenInputRequest {
  /** Which native dialog to show (Electron only). */
  pick: 'archive' | 'folder' | 'files';
}

export type OpenResult = { status: 'opened'; caseId: string; jobId: string | null } | { status: 'cancelled' };

export interface GetLinesRequest {
  caseId: string;
  view: LineView;
  /** 0-based position in the view. */
  start: number;
  count: number;
}

export interface LocateRequest {
  caseId: string;
  view: LineView;
  lineId: number;
}

/** Several lines at once (the overview ruler's marks, next/previous bookmark): one round trip. */
export interface LocateManyRequest {
  caseId: string;
  view: LineView;
  lineIds: number[];
}

export interface SearchRequest {
  caseId: string;
  view: LineView;
  query: string;
  mode: 'text' | 'regex';
  caseSensitive: boolean;
  limit: number;
}

/** Where a time or severity lands in a view. */
export interface Located {
  position: number | null;
  lineId: number | null;
}

export interface LocateTimeRequest {
  caseId: string;
  view: LineView;
  /** UTC ms: the first line at or after it (the last line when none is after). */
  ts: number;
}

export interface SeekRequest {
  caseId: string;
  view: LineView;
  /** Position to move from (exclusive). */
  from: number;
  direction: 'next' | 'prev';
  /** The next line whose (printed or inferred) severity is one of these. */
  severities: SeverityName[];
}

export interface HistogramRequest {
  caseId: string;
  filter: LineFilter | null;
  /** UTC ms; null for the case's first / last time. */
  from: number | null;
  to: number | null;
  /** Wanted number of buckets (the engine rounds the width to a readable step). */
  buckets: number;
}

export interface AnnotationDraft {
  caseId: string;
  /** Absent to create. */
  annotationId?: number;
  /** The finding the note is about (`Finding.findingKey`). */
  findingKey?: string | null;
  /** The global line id the note is attached to (its anchor is computed by the engine). */
  lineId?: number | null;
  lineCount?: number;
  spanStart?: number | null;
  spanEnd?: number | null;
  body: string;
  tags: string[];
  starred: boolean;
}

export interface ExportReportRequest {
  caseId: string;
  format: ReportFormat;
  options: ReportOptions;
}

export type ExportResult =
  | { status: 'saved'; fileName: string; bytes: number }
  | { status: 'download'; fileName: string; bytes: number; url: string }
  | { status: 'cancelled' };

export interface CaseChanged {
  caseId: string;
  reason: 'ingest-started' | 'ingest-finished' | 'annotations' | 'findings' | 'opened' | 'report';
}

export interface WorkbenchApi {
  appInfo(input: Record<string, never>): Promise<AppInfo>;
  listCases(input: Record<string, never>): Promise<CaseInfo[]>;
  /** Shows a native dialog (Electron) and indexes what was picked into a new case. */
  openInput(input: OpenInputRequest): Promise<OpenResult>;
  /** Indexes paths on the host. Electron: only the preload's drag-and-drop calls it. */
  openPaths(input: { paths: string[] }): Promise<OpenResult>;
  /** Shows a native dialog to pick an existing `.pmcase`. */
  openCaseFile(input: Record<string, never>): Promise<OpenResult>;
  caseSummary(input: { caseId: string }): Promise<CaseSummary>;
  getLines(input: GetLinesRequest): Promise<LinePage>;
  /** Position of a line in a view (for jumps); null when the line is not in that view. */
  locateLine(input: LocateRequest): Promise<{ position: number | null }>;
  /** locateLine for each of `lineIds`, in the same order (null where a line is not in the view). */
  locateLines(input: LocateManyRequest): Promise<{ positions: (number | null)[] }>;
  /** One-shot search: the first `limit` hits in view order and the total count. */
  search(input: SearchRequest): Promise<SearchResult>;
  /** Streaming search over the whole view: batches arrive as `searchProgress` events. */
  startSearch(input: SearchRequest): Promise<{ searchId: string }>;
  cancelSearch(input: { searchId: string }): Promise<{ cancelled: boolean }>;
  locateTime(input: LocateTimeRequest): Promise<Located>;
  /** Next / previous line of a severity (next error, previous warning…). */
  seekLine(input: SeekRequest): Promise<Located>;
  /** Lines per time bucket stacked by severity, and silences, for the timeline. */
  histogram(input: HistogramRequest): Promise<Histogram>;
  /** Hosts, programs and severities of the case with their line counts, for filter chips. */
  facets(input: { caseId: string }): Promise<Facets>;
  getUiState(input: { caseId: string }): Promise<CaseUiState>;
  saveUiState(input: { caseId: string; state: CaseUiState }): Promise<{ saved: boolean }>;
  listFindings(input: { caseId: string }): Promise<Finding[]>;
  /** The analysers' full models: OOM reports, incidents, boots, system facts and recommendations. */
  getAnalysis(input: { caseId: string }): Promise<CaseAnalysis>;
  listAnnotations(input: { caseId: string }): Promise<Annotation[]>;
  saveAnnotation(input: AnnotationDraft): Promise<Annotation>;
  deleteAnnotation(input: { caseId: string; annotationId: number }): Promise<{ deleted: boolean }>;
  /** Undoes a delete. */
  restoreAnnotation(input: { caseId: string; annotationId: number }): Promise<Annotation>;
  /** The report drafted from the analysis in a language, with the engineer's saved edits applied. */
  getReportDraft(input: { caseId: string; lang: ReportLang }): Promise<ReportDraft>;
  saveReportDraft(input: { caseId: string; edits: ReportEdits }): Promise<ReportDraft>;
  /** The report as self-contained HTML, for the sandboxed preview. */
  previewReport(input: { caseId: string; options: ReportOptions }): Promise<{ html: string }>;
  getRedaction(input: {
    caseId: string;
  }): Promise<{ settings: RedactionSettings; replacements: Redaction[] }>;
  saveRedaction(input: { caseId: string; settings: RedactionSettings }): Promise<{ saved: boolean }>;
  exportReport(input: ExportReportRequest): Promise<ExportResult>;
  getJob(input: { jobId: string }): Promise<JobProgress | null>;
  cancelJob(input: { jobId: string }): Promise<JobProgress | null>;
}

export type ApiCall = keyof WorkbenchApi;

export const API_CALLS = [
  'appInfo',
  'listCases',
  'openInput',
  'openPaths',
  'openCaseFile',
  'caseSummary',
  'getLines',
  'locateLine',
  'locateLines',
  'search',
  'startSearch',
  'cancelSearch',
  'locateTime',
  'seekLine',
  'histogram',
  'facets',
  'getUiState',
  'saveUiState',
  'listFindings',
  'getAnalysis',
  'listAnnotations',
  'saveAnnotation',
  'deleteAnnotation',
  'restoreAnnotation',
  'getReportDraft',
  'saveReportDraft',
  'previewReport',
  'getRedaction',
  'saveRedaction',
  'exportReport',
  'getJob',
  'cancelJob',
] as const satisfies readonly ApiCall[];

// Compile-time check that API_CALLS lists every call of WorkbenchApi.
type Missing = Exclude<ApiCall, (typeof API_CALLS)[number]>;
const _everyCallListed: Missing extends never ? true : Missing = true;
void _everyCallListed;

export interface WorkbenchEvents {
  ingestProgress: JobProgress;
  caseChanged: CaseChanged;
  searchProgress: SearchProgress;
}

export type ApiEvent = keyof WorkbenchEvents;
export const API_EVENTS = [
  'ingestProgress',
  'caseChanged',
  'searchProgress',
] as const satisfies readonly ApiEvent[];

/** What the renderer holds: the calls plus event subscription. */
export interface WorkbenchClient extends WorkbenchApi {
  on<E extends ApiEvent>(event: E, listener: (payload: WorkbenchEvents[E]) => void): () => void;
}

export type ApiInput<K extends ApiCall> = Parameters<WorkbenchApi[K]>[0];
export type ApiOutput<K extends ApiCall> = Awaited<ReturnType<WorkbenchApi[K]>>;

/** An error that crosses a process boundary: a stable code and a message for people. */
export interface ApiErrorShape {
  code: 'invalid-input' | 'not-found' | 'forbidden' | 'unsupported' | 'failed' | 'cancelled';
  message: string;
}

export class ApiError extends Error implements ApiErrorShape {
  constructor(
    readonly code: ApiErrorShape['code'],
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type { AnnotationAnchor };
