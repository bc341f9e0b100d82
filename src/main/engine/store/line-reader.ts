/**
 * Reads a case's lines back as the analysers' RecordLines, streaming (better-sqlite3's
 * iterate: one row in memory at a time). Kept apart from CaseStore's write side.
 */
import type { Statement } from 'better-sqlite3';
import type { RecordLine } from '../../../shared/model/log';
import type { Db } from './database';
import { TIME_QUALITY_CODES } from './schema';
import { TextBlocks } from './text-blocks';
import { LineHeads, ZONED } from './line-heads';

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
 * Lines per batch handed on. Small enough that a batch's line objects (and their texts) die in
 * the young generation, as one line at a time did: whole chunks of 8,192 lived long enough to be
 * promoted and raised the pass's peak RSS by ~60 MiB.
 */
const BATCH = 1024;

/**
 * Every line of the given sources, each source in its own order. A source's lines are
 * contiguous in line ids (line n is first_line_id + n - 1), so each is one range scan on the
 * primary key, in chunks (one native call per chunk). Where the chunk's texts are in blocks,
 * only the times are read from the rows and the texts are sliced from each block in turn;
 * otherwise (a case from before v8) the rows give everything.
 */
export function* readRecordLines(db: Db, sources: readonly SourceRef[]): Generator<RecordLine> {
  for (const s of sources)
    if (s.firstLineId !== null)
      for (const batch of readSourceBatches(db, s, 1, s.lineCount)) for (const line of batch) yield line;
}

/**
 * The lines of readRecordLines in batches (up to BATCH lines, in order): the analysers' pass
 * loops over arrays instead of resuming a generator for every line.
 */
export function* readRecordBatches(db: Db, sources: readonly SourceRef[]): Generator<RecordLine[]> {
  for (const s of sources) if (s.firstLineId !== null) yield* readSourceBatches(db, s, 1, s.lineCount);
}

/** Lines `fromLineNo`..`toLineNo` (1-based, inclusive) of one source, in order. */
export function* readSourceLines(
  db: Db,
  s: SourceRef,
  fromLineNo: number,
  toLineNo: number,
): Generator<RecordLine> {
  for (const batch of readSourceBatches(db, s, fromLineNo, toLineNo)) for (const line of batch) yield line;
}

/** readSourceLines in batches of up to BATCH consecutive lines. */
export function* readSourceBatches(
  db: Db,
  s: SourceRef,
  fromLineNo: number,
  toLineNo: number,
): Generator<RecordLine[]> {
  if (s.firstLineId === null) return;
  const st = statementsOf(db);
  const texts = TextBlocks.of(db);
  const first = s.firstLineId;
  const end = first + Math.min(toLineNo, s.lineCount);
  const heads = LineHeads.of(db);
  if (heads.packed) {
    yield* packedBatches(heads, texts, s, first + Math.max(1, fromLineNo) - 1, end);
    return;
  }
  for (let from = first + Math.max(1, fromLineNo) - 1; from < end; from += READ_CHUNK) {
    const to = Math.min(from + READ_CHUNK, end);
    const cover = texts.blocksCovering(from, to - 1);
    const t = covers(cover, from, to) ? timesOf(st, from, to) : null;
    if (t && t.ts.length === to - from && t.quality.length === to - from) {
      let out: RecordLine[] = [];
      for (const [blockId, blockFirst, n] of cover) {
        const b = texts.passing(blockId);
        const lo = Math.max(from, blockFirst);
        const hi = Math.min(to, blockFirst + n);
        for (let id = lo; id < hi; id++) {
          out.push({
            lineId: id,
            sourceId: s.sourceId,
            sourcePath: s.path,
            lineNo: id - first + 1,
            ts: t.ts[id - from]!,
            tsQuality: TIME_QUALITY_CODES[t.quality[id - from]!] ?? 'none',
            text: b.text(id - blockFirst),
          });
          if (out.length === BATCH) {
            yield out;
            out = [];
          }
        }
      }
      if (out.length > 0) yield out;
      continue;
    }
    const rows = st.full.all(from, to) as Row[];
    for (let i = 0; i < rows.length; i += BATCH) {
      const out: RecordLine[] = [];
      for (let j = i; j < Math.min(i + BATCH, rows.length); j++) {
        const r = rows[j]!;
        out.push({
          lineId: r[0],
          sourceId: r[1],
          sourcePath: s.path,
          lineNo: r[2],
          ts: r[3],
          tsQuality: TIME_QUALITY_CODES[r[4]] ?? 'none',
          text: r[5] === null ? r[6] : texts.text(r[5], r[0]),
        });
      }
      yield out;
    }
  }
}

/** readSourceBatches for packed headers: each heads row gives its lines' times and their block. */
function* packedBatches(
  heads: LineHeads,
  texts: TextBlocks,
  s: SourceRef,
  from: number,
  end: number,
): Generator<RecordLine[]> {
  for (let at = from; at < end; at += READ_CHUNK) {
    const to = Math.min(at + READ_CHUNK, end);
    let out: RecordLine[] = [];
    for (const h of heads.covering(at, to - 1)) {
      const b = texts.passing(h.blockId);
      const lo = Math.max(at, h.first);
      const hi = Math.min(to, h.first + h.n);
      for (let id = lo; id < hi; id++) {
        const i = id - h.first;
        const ts = h.ts[i]!;
        out.push({
          lineId: id,
          sourceId: h.sourceId,
          sourcePath: s.path,
          lineNo: h.lineNo + i,
          ts: Number.isNaN(ts) ? null : ts,
          tsQuality: TIME_QUALITY_CODES[h.quality[i]! & (ZONED - 1)] ?? 'none',
          text: b.text(id - b.firstLineId),
        });
        if (out.length === BATCH) {
          yield out;
          out = [];
        }
      }
    }
    if (out.length > 0) yield out;
  }
}

interface Statements {
  full: Statement;
  times: Statement;
  timesJson: Statement;
}

const statements = new WeakMap<Db, Statements>();

/** The reader's range reads, prepared once per connection (a case can have hundreds of sources). */
function statementsOf(db: Db): Statements {
  let st = statements.get(db);
  if (!st) {
    st = {
      full: db
        .prepare(
          'SELECT line_id, source_id, line_no, ts, ts_quality, block, text FROM lines WHERE line_id >= ? AND line_id < ? ORDER BY line_id',
        )
        .raw(true),
      times: db
        .prepare('SELECT ts, ts_quality FROM lines WHERE line_id >= ? AND line_id < ? ORDER BY line_id')
        .raw(true),
      // The same times as two JSON arrays: one string each to parse instead of a row array per
      // line (about half the cost of `times`). The aggregate takes the rows in the order of the
      // rowid range search (a subquery with ORDER BY costs a co-routine and is slower than
      // `times`). A REAL time could lose digits in JSON, so a chunk holding one is read by rows.
      timesJson: db
        .prepare(
          "SELECT json_group_array(ts), json_group_array(ts_quality), sum(typeof(ts) = 'real') FROM lines WHERE line_id >= ? AND line_id < ?",
        )
        .raw(true),
    };
    statements.set(db, st);
  }
  return st;
}

/** Times and time-quality codes of lines [from, to), in line order. */
function timesOf(st: Statements, from: number, to: number): { ts: (number | null)[]; quality: number[] } {
  const r = st.timesJson.get(from, to) as [string, string, number | null] | undefined;
  if (r && !r[2]) return { ts: JSON.parse(r[0]) as (number | null)[], quality: JSON.parse(r[1]) as number[] };
  const rows = st.times.all(from, to) as [number | null, number][];
  return { ts: rows.map((x) => x[0]), quality: rows.map((x) => x[1]) };
}

/** Whether the blocks (in line order) hold every line in [from, to) without a gap. */
function covers(cover: readonly [number, number, number][], from: number, to: number): boolean {
  if (cover.length === 0 || cover[0]![1] > from) return false;
  for (let i = 1; i < cover.length; i++)
    if (cover[i]![1] !== cover[i - 1]![1] + cover[i - 1]![2]) return false;
  const last = cover[cover.length - 1]!;
  return last[1] + last[2] >= to;
}

/** The lines of one small source, in memory (system files: sysctl, proc/sys, limits.conf). */
export function sourceLines(db: Db, source: SourceRef): RecordLine[] {
  return [...readRecordLines(db, [source])];
}
