/**
 * Reading lines by id in bulk. A slice of a view is mostly runs of consecutive ids (a source
 * is contiguous and mostly in time order): when the ids are dense enough, one range scan on
 * the primary key reads them all; scattered ids go through one `IN (json_each)` lookup.
 */
import type { ViewLine } from '../../../shared/model/case';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../store/database';
import { TIME_QUALITY_CODES } from '../store/schema';
import { LINE_TEXT } from './match';
import { BlockScan } from './block-scan';
import { TextBlocks } from '../store/text-blocks';
import { type DecodedHeads, LineHeads, textStore } from '../store/line-heads';

/** line_id, source_id, line_no, byte_offset, ts, ts_quality, text, level, severity (printed), block */
export type RawLine = [
  number,
  number,
  number,
  number,
  number | null,
  number,
  string,
  number | null,
  number | null,
  number | null,
];

/** A RawLine's columns; a row with a block gets its text from the block, in JavaScript. */
const COLS = 'line_id, source_id, line_no, byte_offset, ts, ts_quality, text, level, severity, block';

/** line_id, source_id, line_no, text: what a search hit needs. */
export type HitRow = [number, number, number, string];

/** A literal a line's text must (anyOf) or must not (noneOf) contain. */
export interface TextLiteral {
  literal: string;
  caseSensitive: boolean;
}

export interface TextLiterals {
  /** The line contains one of these; null: no such condition. */
  anyOf: TextLiteral[] | null;
  /** The line contains none of these. */
  noneOf: TextLiteral[];
}

/**
 * A condition SQLite evaluates itself (no row crosses into JavaScript unless it matches). The
 * same condition split in two, for a case whose texts are in blocks (line_text() per row would
 * cross into JavaScript for every line): `rows`, what SQLite decides from the row (host,
 * program), and `texts`, the literals, tested on each block's decompressed bytes.
 */
export interface SqlPredicate {
  sql: string;
  args: unknown[];
  rows: { sql: string; args: unknown[]; hosts: string[] | null; programs: string[] | null } | null;
  texts: TextLiterals;
}

export class RowReader {
  private readonly range;
  private readonly scattered;
  private readonly hitStmts = new Map<string, { range: Statement; scattered: Statement }>();
  /** Set when the case keeps its texts in blocks (store/text-blocks.ts). */
  private readonly blocks: BlockScan | null;
  private readonly texts: TextBlocks;
  /** Set when the case packs its line headers (schema v9): no lines rows to read. */
  private readonly heads: LineHeads | null;

  constructor(private readonly db: Db) {
    const heads = LineHeads.of(db);
    this.heads = heads.packed ? heads : null;
    this.blocks = textStore(db) === 'blocks' || this.heads ? new BlockScan(db) : null;
    this.texts = TextBlocks.of(db);
    this.range = db.prepare(`SELECT ${COLS} FROM lines WHERE line_id >= ? AND line_id <= ?`).raw(true);
    this.scattered = db
      .prepare(`SELECT ${COLS} FROM lines WHERE line_id IN (SELECT value FROM json_each(?))`)
      .raw(true);
  }

  /**
   * The lines among these ids that match: SQLite evaluates `pred` first when given (literal
   * text, hosts, programs, a regex's required literal), then `match` runs in JavaScript on
   * the texts that passed (exact semantics: the SQL part only ever narrows).
   */
  matching(
    ids: ArrayLike<number>,
    pred: SqlPredicate | null,
    match: ((text: string) => boolean) | null,
  ): { index: number; row: HitRow }[] {
    const n = ids.length;
    if (n === 0) return [];
    if (this.blocks) return this.blocks.matching(ids, pred, match);
    const { min, max } = idRange(ids);
    const span = max - min + 1;
    const where = pred ? ` AND ${pred.sql}` : '';
    let st = this.hitStmts.get(where);
    if (!st) {
      const cols = `line_id, source_id, line_no, ${LINE_TEXT}`;
      st = {
        range: this.db
          .prepare(`SELECT ${cols} FROM lines WHERE line_id >= ? AND line_id <= ?${where}`)
          .raw(true),
        scattered: this.db
          .prepare(`SELECT ${cols} FROM lines WHERE line_id IN (SELECT value FROM json_each(?))${where}`)
          .raw(true),
      };
      this.hitStmts.set(where, st);
    }
    const args: unknown[] = pred ? pred.args : [];
    let rows =
      span <= n * 4 + 64
        ? (st.range.all(min, max, ...args) as HitRow[])
        : (st.scattered.all(JSON.stringify(Array.from(ids)), ...args) as HitRow[]);
    if (match) rows = rows.filter((r) => match(r[3]));
    return alignHits(ids, rows);
  }

  /** The rows of these ids, aligned with them (undefined where a line does not exist). */
  read(ids: ArrayLike<number>): (RawLine | undefined)[] {
    const n = ids.length;
    const out = new Array<RawLine | undefined>(n);
    if (n === 0) return out;
    const { min, max } = idRange(ids);
    const span = max - min + 1;
    let rows: RawLine[];
    if (this.heads) rows = this.packedRows(ids, min, max, span <= n * 4 + 64);
    else if (span <= n * 4 + 64) rows = this.range.all(min, max) as RawLine[];
    else rows = this.scattered.all(JSON.stringify(Array.from(ids))) as RawLine[];
    for (const r of rows) if (r[9] !== null) r[6] = this.texts.text(r[9], r[0]);
    if (span <= n * 16 + 1024) {
      const byOffset = new Array<RawLine | undefined>(span);
      for (const r of rows) byOffset[r[0] - min] = r;
      for (let i = 0; i < n; i++) out[i] = byOffset[ids[i]! - min];
    } else {
      const byId = new Map<number, RawLine>();
      for (const r of rows) byId.set(r[0], r);
      for (let i = 0; i < n; i++) out[i] = byId.get(ids[i]!);
    }
    return out;
  }

  /** read()'s rows from packed headers: the heads covering [min, max], or each id's own. */
  private packedRows(ids: ArrayLike<number>, min: number, max: number, dense: boolean): RawLine[] {
    const heads = this.heads!;
    const rows: RawLine[] = [];
    const put = (h: DecodedHeads, i: number): void => {
      const id = h.first + i;
      rows.push([
        id,
        h.sourceId,
        h.lineNo + i,
        h.offset[i]!,
        h.timeAt(i),
        h.qualityAt(i),
        '',
        h.levelAt(i),
        h.severityAt(i),
        h.blockId,
      ]);
    };
    if (dense) heads.forEach(min, max, put);
    else
      for (let k = 0; k < ids.length; k++) {
        const h = heads.headsOf(ids[k]!);
        if (h) put(h, ids[k]! - h.first);
      }
    return rows;
  }
}

/** The smallest and largest of some line ids. */
export function idRange(ids: ArrayLike<number>): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (id < min) min = id;
    if (id > max) max = id;
  }
  return { min, max };
}

/** The positions (indexes into ids) whose lines match, in order, with their rows. */
export function alignHits(ids: ArrayLike<number>, rows: HitRow[]): { index: number; row: HitRow }[] {
  const n = ids.length;
  const out: { index: number; row: HitRow }[] = [];
  if (rows.length === 0) return out;
  const byId = new Map<number, HitRow>();
  for (const r of rows) byId.set(r[0], r);
  for (let i = 0; i < n; i++) {
    const r = byId.get(ids[i]!);
    if (r) out.push({ index: i, row: r });
  }
  return out;
}

export function viewLine(r: RawLine): ViewLine {
  return {
    lineId: r[0],
    sourceId: r[1],
    lineNo: r[2],
    byteOffset: r[3],
    ts: r[4],
    tsQuality: TIME_QUALITY_CODES[r[5]] ?? 'none',
    text: r[6],
    level: r[7],
    levelInferred: r[7] !== null && r[8] === null,
  };
}
