/**
 * Reads a case's lines back as the analysers' RecordLines, streaming (better-sqlite3's
 * iterate: one row in memory at a time). Kept apart from CaseStore's write side.
 */
import type { RecordLine } from '../../../shared/model/log';
import type { Db } from './database';
import { TIME_QUALITY_CODES } from './schema';
import { TextBlocks } from './text-blocks';

/** line_id, source_id, line_no, ts, ts_quality, block, text — raw arrays read faster than row objects. */
type Row = [number, number, number, number | null, number, number | null, string];

export interface SourceRef {
  sourceId: number;
  path: string;
  kind: string;
  mtimeMs: number | null;
  lineCount: number;
  firstLineId: number | null;
  /** The zone its zone-less times were resolved with, and whether the archive gave it. */
  zone: { zone: number | string; source: string; assumed: boolean } | null;
  /** `skipped` sources (a binary vmcore or core file) have no lines but are still evidence. */
  status: string;
  sizeBytes: number;
}

export function sourceRefs(db: Db): SourceRef[] {
  return (
    db
      .prepare(
        "SELECT source_id, path, kind, mtime_ms, line_count, first_line_id, zone, status, size_bytes FROM sources WHERE status IN ('complete', 'failed', 'skipped') ORDER BY source_id",
      )
      .all() as {
      source_id: number;
      path: string;
      kind: string;
      mtime_ms: number | null;
      line_count: number;
      first_line_id: number | null;
      zone: string | null;
      status: string;
      size_bytes: number;
    }[]
  ).map((r) => ({
    sourceId: r.source_id,
    path: r.path,
    kind: r.kind,
    mtimeMs: r.mtime_ms,
    lineCount: r.line_count,
    firstLineId: r.first_line_id,
    zone: r.zone ? (JSON.parse(r.zone) as SourceRef['zone']) : null,
    status: r.status,
    sizeBytes: r.size_bytes,
  }));
}

const READ_CHUNK = 8192;

/**
 * Every line of the given sources, each source in its own order. A source's lines are
 * contiguous in line ids, so each is one range scan on the primary key (raw rows: no objects
 * built by the driver).
 */
export function* readRecordLines(db: Db, sources: readonly SourceRef[]): Generator<RecordLine> {
  const stmt = db
    .prepare(
      'SELECT line_id, source_id, line_no, ts, ts_quality, block, text FROM lines WHERE line_id >= ? AND line_id < ? ORDER BY line_id',
    )
    .raw(true);
  const texts = TextBlocks.of(db);
  for (const s of sources) {
    if (s.firstLineId === null || s.lineCount === 0) continue;
    const end = s.firstLineId + s.lineCount;
    // Chunks through .all() cost far less per row than iterate() (one native call per chunk).
    for (let from = s.firstLineId; from < end; from += READ_CHUNK) {
      const rows = stmt.all(from, Math.min(from + READ_CHUNK, end)) as Row[];
      for (const r of rows) {
        yield {
          lineId: r[0],
          sourceId: r[1],
          sourcePath: s.path,
          lineNo: r[2],
          ts: r[3],
          tsQuality: TIME_QUALITY_CODES[r[4]] ?? 'none',
          text: r[5] === null ? r[6] : texts.text(r[5], r[0]),
        };
      }
    }
  }
}

/** The lines of one small source, in memory (system files: sysctl, proc/sys, limits.conf). */
export function sourceLines(db: Db, source: SourceRef): RecordLine[] {
  return [...readRecordLines(db, [source])];
}
