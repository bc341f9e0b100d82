/**
 * The one contract between the renderer and the rest of Postmortem.
 * Every call the renderer can make and every event it can receive is declared here;
 * the Electron preload, the IPC router, the browser host and its client all derive
 * from `API_CALLS` / `API_EVENTS`, and `schemas.ts` holds a zod schema per call.
 * Every call takes exactly one plain object and returns a promise of plain data.
 */
import type { CaseAnalysis } from './model/analysis';
import type { Annotation, AnnotationAnchor } from './model/annotation';
import type { CaseInfo, CaseSummary, JobProgress, LinePage, LineView, SearchResult } from './model/case';
import type { Finding } from './model/finding';

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

export interface SearchRequest {
  caseId: string;
  view: LineView;
  query: string;
  mode: 'text' | 'regex';
  caseSensitive: boolean;
  limit: number;
}

export interface AnnotationDraft {
  caseId: string;
  /** Absent to create. */
  annotationId?: number;
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
  format: 'pdf' | 'html';
}

export type ExportResult =
  | { status: 'saved'; fileName: string; bytes: number }
  | { status: 'download'; fileName: string; bytes: number; url: string }
  | { status: 'cancelled' };

export interface CaseChanged {
  caseId: string;
  reason: 'ingest-started' | 'ingest-finished' | 'annotations' | 'findings' | 'opened';
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
  search(input: SearchRequest): Promise<SearchResult>;
  listFindings(input: { caseId: string }): Promise<Finding[]>;
  /** The analysers' full models: OOM reports, incidents, boots, system facts and recommendations. */
  getAnalysis(input: { caseId: string }): Promise<CaseAnalysis>;
  listAnnotations(input: { caseId: string }): Promise<Annotation[]>;
  saveAnnotation(input: AnnotationDraft): Promise<Annotation>;
  deleteAnnotation(input: { caseId: string; annotationId: number }): Promise<{ deleted: boolean }>;
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
  'search',
  'listFindings',
  'getAnalysis',
  'listAnnotations',
  'saveAnnotation',
  'deleteAnnotation',
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
}

export type ApiEvent = keyof WorkbenchEvents;
export const API_EVENTS = ['ingestProgress', 'caseChanged'] as const satisfies readonly ApiEvent[];

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
