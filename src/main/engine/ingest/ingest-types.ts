/** The ingest's options, progress and outcome, shared by the loop and the per-source readers. */
import type { ArchiveLimits } from './containers';

export interface IngestProgress {
  phase: 'reading' | 'done';
  current: string | null;
  /** Bytes read: of the input files on disk (compressed bytes for an archive) when their total is known. */
  bytesDone: number;
  bytesTotal: number | null;
  linesDone: number;
}

export interface IngestOptions {
  onProgress?: (p: IngestProgress) => void;
  isCancelled?: () => boolean;
  batchLines?: number;
  /** Archive bomb and nesting limits (defaults: containers.ts DEFAULT_LIMITS). */
  limits?: Partial<ArchiveLimits>;
  /** Folder for temporary copies of nested zips; default `<case file>-tmp`, removed after the ingest. */
  tempDir?: string;
  /**
   * Parse text sources in the parse worker (when one is configured, parse-worker.ts): true
   * for every text source, false for none; default: sources of 4 MiB or more.
   */
  parseWorker?: boolean;
}

export interface IngestOutcome {
  sources: number;
  lines: number;
  bytes: number;
  skipped: number;
  duplicates: number;
  errors: { input: string; path: string; message: string }[];
  cancelled: boolean;
}

export class IngestCancelled extends Error {
  constructor() {
    super('ingest cancelled');
  }
}
