/**
 * What the analysers read from a case: its sources, all their lines in order, and a range of
 * one source's lines (the OOM aftermath reads only the lines near the kills). Shared by the
 * engine and bench:analysis so the bench measures what the engine runs.
 */
import type { RecordLine } from '../../../shared/model/log';
import { type Db, usePageCache } from '../store/database';
import { readRecordBatches, readRecordLines, readSourceLines, type SourceRef } from '../store/line-reader';
import type { AnalysisInput } from './run';

/** SQLite page cache while the analysers read the case (KiB). The pass reads each page once. */
export const ANALYSIS_CACHE_KIB = 8192;

export interface CaseInputOptions {
  /** Sees every line read (the bench counts them and samples memory). */
  watch?: (lines: Iterable<RecordLine>) => Iterable<RecordLine>;
  /** The same for the pass's chunks of lines (`batches`). */
  watchBatches?: (batches: Iterable<readonly RecordLine[]>) => Iterable<readonly RecordLine[]>;
  /** false: no `linesOf`, so the aftermath reads the whole case again (the bench's baseline). */
  ranges?: boolean;
}

export function caseAnalysisInput(db: Db, refs: SourceRef[], options: CaseInputOptions = {}): AnalysisInput {
  const watch = options.watch ?? ((lines) => lines);
  const watchBatches = options.watchBatches ?? ((batches) => batches);
  const of = (only?: readonly { sourceId: number }[]): SourceRef[] =>
    only ? refs.filter((r) => only.some((o) => o.sourceId === r.sourceId)) : refs;
  const input: AnalysisInput = {
    sources: refs,
    lines: (only) => watch(readRecordLines(db, of(only))),
    batches: (only) => watchBatches(readRecordBatches(db, of(only))),
  };
  if (options.ranges !== false)
    // Line n of a source has the id first_line_id + n - 1 (store/schema.ts).
    input.linesOf = (source, from, to) => {
      const ref = refs.find((r) => r.sourceId === source.sourceId);
      if (!ref || ref.firstLineId === null) return [];
      return watch(readSourceLines(db, ref, from, to));
    };
  return input;
}

/** Runs `fn` with the analysis's small page cache on `db`, restoring the cache size after. */
export function withAnalysisCache<T>(db: Db, fn: () => T): T {
  const restore = usePageCache(db, -ANALYSIS_CACHE_KIB);
  try {
    return fn();
  } finally {
    restore();
  }
}
