/**
 * Reads a case's lines back as the analysers' RecordLines, streaming (better-sqlite3's
 * iterate: one row in memory at a time). Kept apart from CaseStore's write side.
 */
import type { RecordLine } from '../../../shared/model/log';
import type { Db } from './database';
import { TIME_QUALITY_CODES } from './schema';

interface Row {
  line_id: number;
  source_id: number;
  line_no: number;
  ts: number | null;
  ts_quality: number;
  text: string;
}

export interface SourceRef {
  sourceId: number;
  path: string;
  kind: string;
  mtimeMs: number | null;
  lineCount: number;
  /** The zone its zone-less times were resolved with, and whether the archive gave it. */
  zone: { zone: number | string; source: string; assumed: boolean } | null;
}

export function sourceRefs(db: Db): SourceRef[] {
  return (
    db
      .prepare(
        "SELECT source_id, path, kind, mtime_ms, line_count, zone FROM sources WHERE status IN ('complete', 'failed') ORDER BY source_id",
      )
      .all() as {
      source_id: number;
      path: string;
      kind: string;
      mtime_ms: number | null;
      line_count: number;
      zone: string | null;
    }[]
  ).map((r) => ({
    sourceId: r.source_id,
    path: r.path,
    kind: r.kind,
    mtimeMs: r.mtime_ms,
    lineCount: r.line_count,
    zone: r.zone ? (JSON.parse(r.zone) as SourceRef['zone']) : null,
  }));
}

/** Every line of the given sources (all when omitted), each source in its own order. */
export function* readRecordLines(db: Db, sources: readonly SourceRef[]): Generator<RecordLine> {
  const stmt = db.prepare(
    'SELECT line_id, source_id, line_no, ts, ts_quality, text FROM lines WHERE source_id = ? ORDER BY line_id',
  );
  for (const s of sources) {
    for (const r of stmt.iterate(s.sourceId) as IterableIterator<Row>) {
      yield {
        lineId: r.line_id,
        sourceId: r.source_id,
        sourcePath: s.path,
        lineNo: r.line_no,
        ts: r.ts,
        tsQuality: TIME_QUALITY_CODES[r.ts_quality] ?? 'none',
        text: r.text,
      };
    }
  }
}

/** The lines of one small source, in memory (system files: sysctl, proc/sys, limits.conf). */
export function sourceLines(db: Db, source: SourceRef): RecordLine[] {
  return [...readRecordLines(db, [source])];
}
