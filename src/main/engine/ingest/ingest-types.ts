/** The ingest's options, progress and outcome, shared by the loop and the per-source readers. */
export interface IngestProgress {
  phase: 'reading' | 'done';
  current: string | null;
  bytesDone: number;
  bytesTotal: number | null;
  linesDone: number;
}

export interface IngestOptions {
  onProgress?: (p: IngestProgress) => void;
  isCancelled?: () => boolean;
  batchLines?: number;
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
