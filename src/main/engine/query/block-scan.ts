/**
 * Searching and filtering a case whose texts are in compressed blocks (store/text-blocks.ts).
 * Asking SQLite to test `line_text(…)` would hand every line to JavaScript and back; here each
 * block is decompressed once and a search's literals are looked for in its bytes (Buffer.indexOf,
 * on an ASCII-lowercased copy when case does not matter: LIKE's folding), so only the lines
 * that contain them become strings. Rows are read only for what SQLite must decide (host,
 * program) and for lines given by scattered ids.
 *
 * A hit is the same as with texts in rows: a literal found across two lines' bytes is not a
 * hit (the match must lie inside one text), an odd text (not well-formed UTF-16, kept as
 * itself in the block's JSON) is tested as a string, and every candidate still goes through
 * the caller's exact matcher when it has one.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from '../store/database';
import { asciiLowered, type DecodedBlock, reusableBuffer, TextBlocks } from '../store/text-blocks';
import { LineHeads } from '../store/line-heads';
import { HOST, PROGRAM } from '../store/order-capture';
import { type HitRow, idRange, type SqlPredicate, type TextLiteral, type TextLiterals } from './rows';
import { compileMatch } from './match';

/** A slice whose ids span at most this many times their count is read as one range. */
const DENSE = 4;

export class BlockScan {
  private readonly texts: TextBlocks;
  /** Set when the case packs its line headers (schema v9): no lines rows. */
  private readonly heads: LineHeads | null;
  private readonly sources: Statement;
  private readonly scattered = new Map<string, Statement>();
  private readonly passing = new Map<string, Statement>();

  constructor(private readonly db: Db) {
    this.texts = TextBlocks.of(db);
    const heads = LineHeads.of(db);
    this.heads = heads.packed ? heads : null;
    this.sources = db
      .prepare(
        'SELECT first_line_id, line_count, source_id FROM sources WHERE line_count > 0 ORDER BY first_line_id',
      )
      .raw(true);
  }

  matching(
    ids: ArrayLike<number>,
    pred: SqlPredicate | null,
    match: ((text: string) => boolean) | null,
  ): { index: number; row: HitRow }[] {
    const n = ids.length;
    const { min, max } = idRange(ids);
    const out =
      max - min + 1 <= n * DENSE + 64
        ? this.dense(ids, min, max, pred?.texts ?? null, match)
        : this.sparse(ids, pred?.texts ?? null, match);
    if (!pred?.rows || out.length === 0) return out;
    if (this.heads) return this.passingHeads(out, pred.rows);
    // What SQLite decides from the row (host, program), on the lines that passed the text.
    let st = this.passing.get(pred.rows.sql);
    if (!st) {
      st = this.db
        .prepare(
          `SELECT line_id FROM lines WHERE line_id IN (SELECT value FROM json_each(?)) AND ${pred.rows.sql}`,
        )
        .pluck();
      this.passing.set(pred.rows.sql, st);
    }
    const ok = new Set(st.all(JSON.stringify(out.map((h) => h.row[0])), ...pred.rows.args) as number[]);
    return out.filter((h) => ok.has(h.row[0]));
  }

  /** Ids mostly consecutive: the blocks covering [min, max], each decompressed once. */
  private dense(
    ids: ArrayLike<number>,
    min: number,
    max: number,
    lits: TextLiterals | null,
    match: ((text: string) => boolean) | null,
  ): { index: number; row: HitRow }[] {
    const cover = this.texts.blocksCovering(min, max);
    const span = max - min + 1;
    // pass[id - min] = 1: the line's text meets the literals.
    let pass: Uint8Array | null = null;
    if (lits && (lits.anyOf !== null || lits.noneOf.length > 0)) {
      pass = new Uint8Array(span);
      for (const [blockId, first, count] of cover) {
        const b = this.texts.block(blockId);
        const from = Math.max(min, first) - first;
        const to = Math.min(max + 1, first + count) - first;
        markLiterals(b, from, to, lits, pass, first - min);
      }
    }
    const src = this.sourceRanges();
    const out: { index: number; row: HitRow }[] = [];
    let c = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (pass && pass[id - min] !== 1) continue;
      // The block holding id: cover is in line order, ids mostly ascending.
      if (!(cover[c] && id >= cover[c]![1] && id < cover[c]![1] + cover[c]![2])) c = findBlock(cover, id);
      if (c < 0) {
        c = 0;
        continue;
      }
      const [blockId, first] = cover[c]!;
      const text = this.texts.block(blockId).scanText(id - first);
      if (match && !match(text)) continue;
      const s = sourceOf(src, id);
      if (s) out.push({ index: i, row: [id, s[2], id - s[0] + 1, text] });
    }
    return out;
  }

  /** The hits whose host and program are among the wanted ones, from packed headers. */
  private passingHeads(
    hits: { index: number; row: HitRow }[],
    rows: NonNullable<SqlPredicate['rows']>,
  ): { index: number; row: HitRow }[] {
    const heads = this.heads!;
    const hosts = rows.hosts ? new Set(rows.hosts) : null;
    const programs = rows.programs ? new Set(rows.programs) : null;
    return hits.filter((hit) => {
      const id = hit.row[0];
      const h = heads.headsOf(id);
      if (!h) return false;
      const i = id - h.first;
      if (hosts && !hosts.has(heads.name(HOST, h.host[i]!) ?? '\u0000')) return false;
      return !programs || programs.has(heads.name(PROGRAM, h.program[i]!) ?? '\u0000');
    });
  }

  /** Scattered ids (the full-text index's candidates): row by row. */
  private sparse(
    ids: ArrayLike<number>,
    lits: TextLiterals | null,
    match: ((text: string) => boolean) | null,
  ): { index: number; row: HitRow }[] {
    const sql =
      'SELECT line_id, source_id, line_no, block, text FROM lines WHERE line_id IN (SELECT value FROM json_each(?))';
    let st = this.scattered.get(sql);
    if (!st) {
      st = this.db.prepare(sql).raw(true);
      this.scattered.set(sql, st);
    }
    const test = lits ? literalTest(lits) : null;
    const byId = new Map<number, HitRow>();
    if (this.heads) {
      // No row to read: the source and line number come from the sources' ranges, the text
      // from the line's block (a lookup on the blocks' covering index).
      const src = this.sourceRanges();
      let blk: [number, number, number] | null = null;
      for (let k = 0; k < ids.length; k++) {
        const id = ids[k]!;
        const s = sourceOf(src, id);
        if (!s) continue;
        if (!blk || id < blk[1] || id >= blk[1] + blk[2]) blk = this.texts.blockOf(id);
        if (!blk) continue;
        const text = this.texts.block(blk[0]).text(id - blk[1]);
        if (test && !test(text)) continue;
        if (match && !match(text)) continue;
        byId.set(id, [id, s[2], id - s[0] + 1, text]);
      }
    } else
      for (const r of st.all(JSON.stringify(Array.from(ids))) as [
        number,
        number,
        number,
        number | null,
        string,
      ][]) {
        const text = this.texts.rowText(r[3], r[0], r[4]);
        if (test && !test(text)) continue;
        if (match && !match(text)) continue;
        byId.set(r[0], [r[0], r[1], r[2], text]);
      }
    const out: { index: number; row: HitRow }[] = [];
    for (let i = 0; i < ids.length; i++) {
      const row = byId.get(ids[i]!);
      if (row) out.push({ index: i, row });
    }
    return out;
  }

  /** [first_line_id, line_count, source_id] of every source with lines, in line order. */
  private sourceRanges(): Array<[number, number, number]> {
    return this.sources.all() as Array<[number, number, number]>;
  }
}

function findBlock(cover: Array<[number, number, number]>, id: number): number {
  let lo = 0;
  let hi = cover.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [, first, n] = cover[mid]!;
    if (id < first) hi = mid - 1;
    else if (id >= first + n) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** Line n of a source is line id first_line_id + n - 1 (store/schema.ts). */
function sourceOf(src: Array<[number, number, number]>, id: number): [number, number, number] | null {
  let lo = 0;
  let hi = src.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = src[mid]!;
    if (id < s[0]) hi = mid - 1;
    else if (id >= s[0] + s[1]) lo = mid + 1;
    else return s;
  }
  return null;
}

/** The literals as a test of one text (for scattered lines and odd texts). */
function literalTest(lits: TextLiterals): (text: string) => boolean {
  const has = (l: TextLiteral): ((t: string) => boolean) =>
    compileMatch({ pattern: l.literal, mode: 'text', caseSensitive: l.caseSensitive });
  const any = lits.anyOf?.map(has) ?? null;
  const none = lits.noneOf.map(has);
  return (t) => (any === null || any.some((f) => f(t))) && !none.some((f) => f(t));
}

/**
 * Sets pass[at + i] for the texts i in [from, to) of block b that meet the literals: one
 * Buffer.indexOf pass per literal over those texts' bytes.
 */
function markLiterals(
  b: DecodedBlock,
  from: number,
  to: number,
  lits: TextLiterals,
  pass: Uint8Array,
  at: number,
): void {
  if (from >= to) return;
  // The block lowered once for all its case-insensitive literals, into the scan's scratch buffer.
  let lower: Buffer | null = null;
  const bytesFor = (l: TextLiteral): Buffer => {
    if (exactLiteral(l)) return b.bytes;
    return (lower ??= asciiLowered(b.bytes, lowerScratch(b.bytes.length)));
  };
  if (lits.anyOf === null) pass.fill(1, at + from, at + to);
  else for (const l of lits.anyOf) found(b, bytesFor(l), from, to, l, (i) => (pass[at + i] = 1));
  for (const l of lits.noneOf) found(b, bytesFor(l), from, to, l, (i) => (pass[at + i] = 0));
  if (b.hasOdd()) {
    const test = literalTest(lits);
    for (let i = from; i < to; i++) if (b.isOdd(i)) pass[at + i] = test(b.text(i)) ? 1 : 0;
  }
}

/**
 * Case matters only for a literal with ASCII letters (LIKE folds nothing else): a pid, an
 * address or an IP is looked for in the bytes as they are, without lowering the block.
 */
function exactLiteral(l: TextLiteral): boolean {
  return l.caseSensitive || !/[A-Za-z]/.test(l.literal);
}

/** One lowered copy of a block at a time (markLiterals). */
const lowerScratch = reusableBuffer();

/**
 * Calls `hit(i)` for each text i in [from, to) of b that contains the literal; `bytes` are the
 * block's bytes, lowered when the literal's case does not matter.
 */
function found(
  b: DecodedBlock,
  bytes: Buffer,
  from: number,
  to: number,
  l: TextLiteral,
  hit: (i: number) => void,
): void {
  const exact = exactLiteral(l);
  const needle = Buffer.from(exact ? l.literal : asciiLower(l.literal));
  const end = b.end(to - 1);
  let pos = b.start(from);
  while (pos < end) {
    const k = bytes.indexOf(needle, pos);
    if (k < 0 || k + needle.length > end) return;
    const i = b.indexAt(k);
    if (k + needle.length <= b.end(i)) {
      hit(i);
      pos = b.end(i);
    } else pos = k + 1;
  }
}

function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}
