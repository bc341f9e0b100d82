import type { TimeQuality } from './log';
import type { LineFilter } from './view';

/** A case as listed (opaque id: the renderer never sees paths). */
export interface CaseInfo {
  caseId: string;
  title: string;
  /** UTC ms of creation and last ingest. */
  createdAt: number;
  updatedAt: number;
  /** `complete` once every input was read; `incomplete` after an interrupted ingest. */
  state: 'empty' | 'indexing' | 'complete' | 'incomplete';
  lineCount: number;
  sourceCount: number;
  /**
   * Set when the case was opened read-only, saying why (another process is ingesting into it,
   * or holds its write lock). Null or absent: writable.
   */
  readOnly?: string | null;
}

export type SourceStatus = 'indexing' | 'complete' | 'failed' | 'skipped';

export interface SourceInfo {
  sourceId: number;
  /** Path inside the input (archive member path or relative file path); display only. */
  path: string;
  /** The input it came from (archive or folder name, no absolute path). */
  input: string;
  sha256: string | null;
  sizeBytes: number;
  /** Recognised kind (e.g. `syslog`, `text`, `last`); `binary` when skipped. */
  kind: string;
  encoding: string | null;
  lineCount: number;
  /** Global line id of this source's first line in the case. */
  firstLineId: number | null;
  status: SourceStatus;
  /** Why a source failed or was skipped: names the file and what was wrong. */
  error: string | null;
  /** Log rotation family: the live file's path (`var/log/syslog` for `syslog.2.gz`); null when not rotated. */
  family?: string | null;
  /** Rotation index within the family, newest = 0 (`syslog` 0, `syslog.1` 1, `syslog.2.gz` 2). */
  rotation?: number | null;
  /** The source lacks its start (sos `.tailed`: only the newest 25 MiB were kept). */
  truncated?: boolean;
}

export interface IngestError {
  input: string;
  path: string;
  message: string;
}

export interface CaseSummary extends CaseInfo {
  sources: SourceInfo[];
  errors: IngestError[];
  /** UTC ms range of lines with a time. */
  firstTs: number | null;
  lastTs: number | null;
  schemaVersion: number;
}

/**
 * Which lines a page is taken from: every source merged in time order (lines without a time
 * stay after the line before them in their source), one source in file order, or a filtered
 * view (time order; `filter.sourceIds` narrows it to sources).
 */
export type LineView =
  { kind: 'merged' } | { kind: 'source'; sourceId: number } | { kind: 'filtered'; filter: LineFilter };

export interface ViewLine {
  /** Global line id (1-based): the number shown in the gutter of the merged view. */
  lineId: number;
  sourceId: number;
  lineNo: number;
  byteOffset: number;
  ts: number | null;
  tsQuality: TimeQuality;
  text: string;
  /** Severity 0 (emerg) … 7 (debug), printed or inferred from the words; null when neither. */
  level: number | null;
  /** True when `level` was inferred from the message rather than printed (`<PRI>`, PRIORITY). */
  levelInferred: boolean;
}

export interface LinePage {
  view: LineView;
  /** 0-based position of the first line in the view. */
  start: number;
  /** Number of lines in the whole view. */
  total: number;
  lines: ViewLine[];
}

export interface SearchHit {
  lineId: number;
  sourceId: number;
  lineNo: number;
  /** Position of the line in the view searched. */
  position: number;
  text: string;
}

/** A batch of a streaming search (event `searchProgress`). */
export interface SearchProgress {
  searchId: string;
  caseId: string;
  /** Hits found since the previous batch, in view order. */
  hits: SearchHit[];
  /** Matching lines found so far (keeps counting after the hit list is cut at the limit). */
  total: number;
  scannedLines: number;
  totalLines: number;
  done: boolean;
  cancelled: boolean;
  elapsedMs: number;
  /** Set when the search failed (e.g. an invalid regex), naming what was wrong. */
  error: string | null;
  /**
   * How the batch's lines were found: `index` when the full-text index narrowed the candidates
   * (each hit is still checked by the same matcher as the scan), `scan` when every line was read.
   */
  via?: 'index' | 'scan';
}

export interface SearchResult {
  query: string;
  hits: SearchHit[];
  /** Total matching lines in the view (may exceed hits.length). */
  total: number;
  /** True when the hit list was cut at the limit. */
  truncated: boolean;
  elapsedMs: number;
}

export type JobKind = 'ingest' | 'report';
export type JobState = 'running' | 'done' | 'failed' | 'cancelled';

export interface JobProgress {
  jobId: string;
  kind: JobKind;
  caseId: string;
  state: JobState;
  phase: string;
  /** Current file (display path inside the input). */
  current: string | null;
  bytesDone: number;
  bytesTotal: number | null;
  linesDone: number;
  /** Bytes per second over the job so far. */
  rate: number;
  /** Seconds left, when the total is known. */
  etaS: number | null;
  message: string | null;
  /**
   * Set when an ingest job has finished: how long reading, analysing and building the full-text
   * index (phase 2; null when it did not finish) took (ms).
   */
  timings?: { readMs: number; analysisMs: number; fulltextMs?: number | null };
  /** Report jobs: pages of the printed PDF, once known. */
  pages?: number;
}
