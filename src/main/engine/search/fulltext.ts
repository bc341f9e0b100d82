/**
 * Phase 2: the full-text index (table line_fts, schema v7) filled from the lines phase 1
 * stored. Each batch commits with meta `fulltext_next` (the next line id to index), so a kill
 * at any moment leaves an index that is whole up to that id and the next run resumes there.
 * Between batches the worker's event loop runs (annotation writes, other requests wait at most
 * one batch).
 *
 * A case whose texts are in blocks (schema v8) indexes GROUP consecutive lines per index row
 * (meta `fulltext_group`; rowid k holds lines (k-1)·GROUP+1 … k·GROUP, joined by newlines):
 * FTS5's cost is mostly per row, and its doclists hold a row id per row. Measured on the 256 MB
 * bench case: one row per line took 6.7 s (the texts come out of blocks in JavaScript, one
 * INSERT each); see bench:ingest for groups. The index only narrows a search's candidates
 * (every candidate line is checked by the matcher), so a group's lines are all candidates.
 * An older case keeps one row per line, filled by INSERT … SELECT from its rows.
 */
import { lastLineId } from '../store/line-heads';
import type { Db } from '../store/database';
import { TextBlocks } from '../store/text-blocks';

export const FULLTEXT_NEXT = 'fulltext_next';
export const FULLTEXT_MS = 'fulltext_ms';
export const FULLTEXT_GROUP = 'fulltext_group';
/** Lines per index row for cases whose texts are in blocks. */
export const GROUP = 8;

/** Lines per index row of this case's index (1 when not recorded: an index made before groups). */
export function fulltextGroup(db: Db): number {
  return Number(metaGet(db, FULLTEXT_GROUP) ?? 1);
}
/**
 * Wall time one batch aims at: about the longest a write from the UI waits behind the index.
 * Larger transactions build faster (FTS5 writes a segment per commit: on the 64 MB case,
 * 5,000 lines a commit took 1.4 s, 20,000 0.77 s, 80,000 0.68 s).
 */
const BATCH_TARGET_MS = 50;
const FIRST_BATCH = 8192;
const MAX_BATCH = 262_144;

export interface FulltextStatus {
  /** Lines indexed (line ids below `next`). */
  indexedLines: number;
  /** Lines in the case (its highest line id). */
  totalLines: number;
  /** True when every line is indexed and search may use the index. */
  complete: boolean;
  /** Wall time of the last build that completed the index (ms), when known. */
  buildMs: number | null;
}

export interface FulltextProgress {
  linesDone: number;
  linesTotal: number;
  bytesDone: number;
  bytesTotal: number;
}

function metaGet(db: Db, key: string): string | undefined {
  return db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(key) as string | undefined;
}

function metaSet(db: Db, key: string, value: string): void {
  db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(key, value);
}

function maxLineId(db: Db): number {
  return lastLineId(db);
}

export function hasFulltextTable(db: Db): boolean {
  return (
    db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'line_fts'").get() !== undefined
  );
}

export function fulltextStatus(db: Db): FulltextStatus {
  const total = maxLineId(db);
  if (!hasFulltextTable(db)) return { indexedLines: 0, totalLines: total, complete: false, buildMs: null };
  const next = Number(metaGet(db, FULLTEXT_NEXT) ?? 1);
  const ms = metaGet(db, FULLTEXT_MS);
  const state = metaGet(db, 'state');
  return {
    indexedLines: Math.min(total, next - 1),
    totalLines: total,
    // While an ingest adds lines (state indexing) the index is behind by definition.
    complete: next === total + 1 && state !== 'indexing',
    buildMs: ms === undefined ? null : Number(ms),
  };
}

/** Average stored bytes per line id, to turn line counts into the bytes progress shows. */
function bytesPerLine(db: Db, total: number): number {
  if (total === 0) return 0;
  const b = db.prepare("SELECT sum(size_bytes) FROM sources WHERE status = 'complete'").pluck().get() as
    number | null;
  return (b ?? 0) / total;
}

/**
 * Indexes the lines not indexed yet, in committed batches, until done or `isCancelled`.
 * Returns whether the index is complete. Throws when the case cannot be written.
 */
export async function buildFulltext(
  db: Db,
  options: {
    isCancelled?: () => boolean;
    onProgress?: (p: FulltextProgress) => void;
    /** For tests: stop after this many batches (as a kill would), of this many lines at first. */
    maxBatches?: number;
    firstBatch?: number;
  } = {},
): Promise<boolean> {
  const started = performance.now();
  const total = maxLineId(db);
  let next = Number(metaGet(db, FULLTEXT_NEXT) ?? 1);
  if (!Number.isInteger(next) || next < 1 || next > total + 1) {
    // Lines below `next` were removed (never expected: the index only covers finished
    // ingests): the index may describe other texts, so it starts again.
    db.transaction(() => {
      db.prepare("INSERT INTO line_fts(line_fts) VALUES ('delete-all')").run();
      metaSet(db, FULLTEXT_NEXT, '1');
    })();
    next = 1;
  }
  const perLine = bytesPerLine(db, total);
  const store = metaGet(db, 'text_store');
  const blocks = store === 'blocks' || store === 'packed';
  // A new index of a case with texts in blocks groups its lines.
  if (next === 1 && blocks && metaGet(db, FULLTEXT_GROUP) === undefined)
    metaSet(db, FULLTEXT_GROUP, String(GROUP));
  const group = fulltextGroup(db);
  const insert = blocks ? blockInserter(db, group) : rowInserter(db);
  const setNext = db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('fulltext_next', ?)");
  const step = db.transaction((from: number, to: number) => {
    insert(from, to);
    setNext.run(String(to));
  });
  const report = (): void =>
    options.onProgress?.({
      linesDone: next - 1,
      linesTotal: total,
      bytesDone: Math.round((next - 1) * perLine),
      bytesTotal: Math.round(total * perLine),
    });
  let batch = options.firstBatch ?? FIRST_BATCH;
  let batches = 0;
  let lastReport = 0;
  report();
  while (next <= total) {
    if (options.isCancelled?.()) return false;
    if (options.maxBatches !== undefined && batches >= options.maxBatches) return false;
    // Batches end on a group's end (but the case's last group may be partial).
    const to = Math.min(total + 1, next + Math.ceil(batch / group) * group);
    const t = performance.now();
    step(next, to);
    const took = performance.now() - t;
    next = to;
    batches++;
    // Keep each transaction near the target, whatever the line length and the machine's load.
    // (at most doubled or halved per batch: one slow commit, a segment merge, is not a trend).
    const f = Math.min(2, Math.max(0.5, BATCH_TARGET_MS / Math.max(1, took)));
    batch = Math.max(1024, Math.min(MAX_BATCH, Math.round(batch * f)));
    if (performance.now() - lastReport > 250) {
      report();
      lastReport = performance.now();
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  metaSet(db, FULLTEXT_MS, String(Math.round(performance.now() - started)));
  report();
  return true;
}

/** Indexes lines [from, to) of a case whose texts are in its rows (made before schema v8). */
function rowInserter(db: Db): (from: number, to: number) => void {
  const insert = db.prepare(
    'INSERT INTO line_fts (rowid, text) SELECT line_id, text FROM lines WHERE line_id >= ? AND line_id < ?',
  );
  return (from, to) => insert.run(from, to);
}

/**
 * Indexes lines [from, to) of a case whose texts are in blocks, `group` lines per index row:
 * each block is decompressed once, a group's texts are joined by newlines. `from` is a group's
 * start, or inside the case's last group when lines were added after it was indexed: that
 * partial row is deleted first (a contentless table deletes by the indexed text, which the
 * lines still hold) and indexed again whole. One pass: blocks are read with `passing` (not
 * cached, see TextBlocks). (A line_text() call per row inside INSERT …
 * SELECT cost 3× the whole build on the 256 MB case; multi-row VALUES and a json_each() array
 * were slower than single-row INSERTs.)
 */
function blockInserter(db: Db, group: number): (from: number, to: number) => void {
  const texts = TextBlocks.of(db);
  const one = db.prepare('INSERT INTO line_fts (rowid, text) VALUES (?, ?)');
  const remove = db.prepare("INSERT INTO line_fts (line_fts, rowid, text) VALUES ('delete', ?, ?)");
  const joined = (from: number, to: number, each: (rowid: number, text: string) => void): void => {
    let parts: string[] = [];
    let row = Math.floor((from - 1) / group) + 1;
    for (const [blockId, first, n] of texts.blocksCovering(from, to - 1)) {
      const b = texts.passing(blockId);
      const end = Math.min(to, first + n);
      for (let id = Math.max(from, first); id < end; id++) {
        const r = Math.floor((id - 1) / group) + 1;
        if (r !== row) {
          if (parts.length > 0) each(row, parts.join('\n'));
          parts = [];
          row = r;
        }
        parts.push(b.text(id - first));
      }
    }
    if (parts.length > 0) each(row, parts.join('\n'));
  };
  return (from, to) => {
    const start = Math.floor((from - 1) / group) * group + 1;
    if (start < from) joined(start, from, (rowid, text) => remove.run(rowid, text));
    joined(start, to, (rowid, text) => one.run(rowid, text));
  };
}

/**
 * Line ids the index gives for an FTS5 query, ascending; null when there are more than `max`
 * (the caller scans instead: reading that many lines one by one is slower).
 */
export function fulltextIds(db: Db, match: string, max: number): number[] | null {
  const group = fulltextGroup(db);
  const rows = Math.ceil(max / group);
  // Counted inside SQLite first (no row crosses into JavaScript): a common word gives up fast.
  const n = db
    .prepare('SELECT count(*) FROM (SELECT rowid FROM line_fts WHERE line_fts MATCH ? LIMIT ?)')
    .pluck()
    .get(match, rows + 1) as number;
  if (n > rows) return null;
  const found = db
    .prepare('SELECT rowid FROM line_fts WHERE line_fts MATCH ? ORDER BY rowid')
    .pluck()
    .all(match) as number[];
  if (group === 1) return found;
  // Every line of each group found (the last group stops at the case's last line).
  const total = maxLineId(db);
  const ids: number[] = [];
  for (const r of found)
    for (let id = (r - 1) * group + 1, end = Math.min(total, r * group); id <= end; id++) ids.push(id);
  return ids.length > max ? null : ids;
}
