/**
 * Line headers packed per text block (schema v9, text_store = 'packed'). A case made since v9
 * writes no row per line: each text block (store/text-blocks.ts) gets one `line_heads` row
 * holding the header fields of its lines as arrays, deflated. On the 1 GiB bench case the
 * per-line rows were half the case on disk (472 of 931 MB) and their inserts were most of the
 * engine thread's phase-1 time (4.1 of 7.6 s on the 256 MB case, ~2 µs a row for 14 bound
 * columns whatever the batching); a packed row is one insert per ~2,000 lines.
 *
 * A heads row covers lines first_line_id … + n - 1 of one source (the lines of its text block,
 * block_id), numbered line_no … + n - 1 in that source. Its inflated layout (little-endian):
 *   u32 n, then per line: ts f64 (NaN = none), byte_offset f64, pid f64 (NaN = none),
 *   host u32, program u32 (ids in order_names, 0 = none), quality u8 (TIME_QUALITY_CODES
 *   index, + ZONED when the time moves with the case zone), severity u8 and level u8
 *   (NONE = none), each field as one array of n.
 *
 * Readers: `LineHeads.of(db)` pages (rows in the `lines` table's column order, the viewer's
 * path) and the table-valued function `line_rows(from, to)` with the `lines` table's columns,
 * for the SQL that reads rows (text '' and the block id, as in a v8 row: line_text(block,
 * line_id, text) gives the text). Cases made before v9 keep their `lines` rows and read them
 * there; `line_rows` reads those too, so SQL written against it serves every case.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import Database, { type Statement } from 'better-sqlite3';
import type { Db } from './database';
import { scratch } from './text-blocks';
import { HOST, PROGRAM } from './order-capture';

/** quality byte: + ZONED when the line printed a zone-less wall time (rezone moves it). */
export const ZONED = 8;
/** severity and level byte: no value. */
export const NONE = 255;
const LEVEL = 1;

/** The columns of `lines` (and of `line_rows`), in order. */
export const LINE_ROW_COLUMNS = [
  'line_id',
  'source_id',
  'line_no',
  'byte_offset',
  'ts',
  'ts_quality',
  'text',
  'host',
  'program',
  'pid',
  'severity',
  'ts_zoned',
  'level',
  'block',
] as const;

/** One row as `SELECT * FROM lines` gives it raw (text '' when it lives in a block). */
export type LineTuple = [
  number,
  number,
  number,
  number,
  number | null,
  number,
  string,
  string | null,
  string | null,
  number | null,
  number | null,
  number | null,
  number | null,
  number | null,
];

/** DecodedHeads.rewrite's statement, prepared once per connection (it runs once per heads row). */
const rewrites = new WeakMap<Db, Statement>();

/** The header arrays of one heads row. */
export class DecodedHeads {
  readonly ts: Float64Array;
  readonly offset: Float64Array;
  readonly pid: Float64Array;
  readonly host: Uint32Array;
  readonly program: Uint32Array;
  readonly quality: Uint8Array;
  readonly severity: Uint8Array;
  readonly level: Uint8Array;

  constructor(
    readonly first: number,
    readonly n: number,
    readonly sourceId: number,
    readonly lineNo: number,
    readonly blockId: number,
    arrays?: Pick<
      DecodedHeads,
      'ts' | 'offset' | 'pid' | 'host' | 'program' | 'quality' | 'severity' | 'level'
    >,
  ) {
    if (arrays) {
      this.ts = arrays.ts;
      this.offset = arrays.offset;
      this.pid = arrays.pid;
      this.host = arrays.host;
      this.program = arrays.program;
      this.quality = arrays.quality;
      this.severity = arrays.severity;
      this.level = arrays.level;
    } else {
      // One buffer for all, f64s first so every array is aligned.
      const buf = new ArrayBuffer(n * (8 * 3 + 4 * 2 + 3));
      this.ts = new Float64Array(buf, 0, n);
      this.offset = new Float64Array(buf, 8 * n, n);
      this.pid = new Float64Array(buf, 16 * n, n);
      this.host = new Uint32Array(buf, 24 * n, n);
      this.program = new Uint32Array(buf, 28 * n, n);
      this.quality = new Uint8Array(buf, 32 * n, n);
      this.severity = new Uint8Array(buf, 33 * n, n);
      this.level = new Uint8Array(buf, 34 * n, n);
    }
  }

  /** The arrays' bytes after the u32 count, deflated. */
  encode(): Buffer {
    const n = this.n;
    const raw = scratch(8 + n * 35);
    raw.writeUInt32LE(n, 0);
    raw.writeUInt32LE(1, 4); // layout version
    let o = 8;
    for (const a of [
      this.ts,
      this.offset,
      this.pid,
      this.host,
      this.program,
      this.quality,
      this.severity,
      this.level,
    ]) {
      const b = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
      b.copy(raw, o);
      o += b.length;
    }
    return deflateRawSync(raw, { level: LEVEL });
  }

  static decode(
    first: number,
    sourceId: number,
    lineNo: number,
    blockId: number,
    data: Uint8Array,
  ): DecodedHeads {
    const raw = inflateRawSync(data);
    const n = raw.readUInt32LE(0);
    if (raw.readUInt32LE(4) !== 1 || raw.length !== 8 + n * 35)
      throw new Error(`line heads at line ${first} are damaged (${raw.length} bytes for ${n} lines)`);
    const h = new DecodedHeads(first, n, sourceId, lineNo, blockId);
    new Uint8Array(h.ts.buffer).set(raw.subarray(8));
    return h;
  }

  /** The earliest and latest ts of the row's lines (nulls when none has one). */
  timeSpan(): [number | null, number | null] {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < this.n; i++) {
      const t = this.ts[i]!;
      if (t < lo) lo = t;
      if (t > hi) hi = t;
    }
    return lo === Infinity ? [null, null] : [lo, hi];
  }

  /** Writes the row's arrays and time span back (after its times changed). */
  rewrite(db: Db): void {
    const [lo, hi] = this.timeSpan();
    let put = rewrites.get(db);
    if (!put) {
      put = db.prepare('UPDATE line_heads SET data = ?, min_ts = ?, max_ts = ? WHERE first_line_id = ?');
      rewrites.set(db, put);
    }
    put.run(this.encode(), lo, hi, this.first);
  }

  /** Line i's ts, ts_quality, severity and level as the lines table had them (null: none). */
  timeAt(i: number): number | null {
    const t = this.ts[i]!;
    return Number.isNaN(t) ? null : t;
  }

  qualityAt(i: number): number {
    return this.quality[i]! & (ZONED - 1);
  }

  severityAt(i: number): number | null {
    const v = this.severity[i]!;
    return v === NONE ? null : v;
  }

  levelAt(i: number): number | null {
    const v = this.level[i]!;
    return v === NONE ? null : v;
  }

  /** Line i's ts_zoned as the lines table had it (1 or null). */
  zoned(i: number): number | null {
    return (this.quality[i]! & ZONED) !== 0 ? 1 : null;
  }
}

/**
 * Collects the headers of the lines being inserted and writes one heads row per text block
 * (inside the batch's transaction). Lines arrive in id order; a new block id, a new source or
 * a gap in ids closes the open row.
 */
export class HeadsWriter {
  /** The open row's arrays, reused row after row (allocated again only to grow). */
  private buf = new DecodedHeads(0, 4096, 0, 0, 0);
  private open: { first: number; sourceId: number; lineNo: number; blockId: number } | null = null;
  private count = 0;
  private readonly ins: Statement;

  constructor(db: Db) {
    this.ins = db.prepare(
      'INSERT INTO line_heads (first_line_id, n, source_id, line_no, block_id, min_ts, max_ts, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
  }

  add(
    lineId: number,
    sourceId: number,
    lineNo: number,
    blockId: number,
    byteOffset: number,
    ts: number | null,
    quality: number,
    zoned: boolean,
    host: number,
    program: number,
    pid: number | null,
    severity: number | null,
    level: number | null,
  ): void {
    const o = this.open;
    if (o && (o.blockId !== blockId || o.sourceId !== sourceId || lineId !== o.first + this.count))
      this.flush();
    if (!this.open) this.open = { first: lineId, sourceId, lineNo, blockId };
    if (this.count === this.buf.n) this.buf = this.grown(this.buf);
    const h = this.buf;
    const i = this.count++;
    h.ts[i] = ts ?? NaN;
    h.offset[i] = byteOffset;
    h.pid[i] = pid ?? NaN;
    h.host[i] = host;
    h.program[i] = program;
    h.quality[i] = quality | (zoned ? ZONED : 0);
    h.severity[i] = severity ?? NONE;
    h.level[i] = level ?? NONE;
  }

  private grown(h: DecodedHeads): DecodedHeads {
    const g = new DecodedHeads(0, h.n * 2, 0, 0, 0);
    g.ts.set(h.ts);
    g.offset.set(h.offset);
    g.pid.set(h.pid);
    g.host.set(h.host);
    g.program.set(h.program);
    g.quality.set(h.quality);
    g.severity.set(h.severity);
    g.level.set(h.level);
    return g;
  }

  /** Writes the open row (inside the caller's transaction). */
  flush(): void {
    const o = this.open;
    const n = this.count;
    this.open = null;
    this.count = 0;
    if (!o || n === 0) return;
    const h = this.buf;
    const t = new DecodedHeads(o.first, n, o.sourceId, o.lineNo, o.blockId, {
      ts: h.ts.subarray(0, n),
      offset: h.offset.subarray(0, n),
      pid: h.pid.subarray(0, n),
      host: h.host.subarray(0, n),
      program: h.program.subarray(0, n),
      quality: h.quality.subarray(0, n),
      severity: h.severity.subarray(0, n),
      level: h.level.subarray(0, n),
    });
    const [lo, hi] = t.timeSpan();
    this.ins.run(o.first, n, o.sourceId, o.lineNo, o.blockId, lo, hi, t.encode());
  }

  discard(): void {
    this.open = null;
    this.count = 0;
  }
}

/** How many decoded heads rows a connection keeps. */
const CACHE_ROWS = 16;
const registry = new WeakMap<Db, LineHeads>();
type HeadsRow = [number, number, number, number, number, Uint8Array];
const SELECT_HEADS = 'SELECT first_line_id, n, source_id, line_no, block_id, data FROM line_heads';

/**
 * Reads packed headers for one case connection; registers `line_rows(from, to)` on it. Reads
 * from JavaScript go through the case's own connection (they see its open transaction); the
 * table-valued function reads through a second, read-only connection, as line_text does
 * (better-sqlite3 lets no query run on the connection whose statement is calling back).
 */
export class LineHeads {
  private readonly cache = new Map<number, DecodedHeads>();
  private readonly at: Statement;
  private readonly range: Statement;
  private side: { db: Db; at: Statement; range: Statement; lines: Statement; names: NameLists } | null = null;
  private readonly names: NameLists;
  /** Whether this case keeps its line headers packed (else in `lines` rows). */
  readonly packed: boolean;

  constructor(
    private readonly db: Db,
    private readonly file: string,
  ) {
    this.packed = textStore(db) === 'packed';
    this.at = db
      .prepare(`${SELECT_HEADS} WHERE first_line_id <= ? ORDER BY first_line_id DESC LIMIT 1`)
      .raw(true);
    this.range = db
      .prepare(
        `${SELECT_HEADS} WHERE first_line_id >= coalesce((SELECT max(first_line_id) FROM line_heads WHERE first_line_id <= @from), 0) AND first_line_id <= @to ORDER BY first_line_id`,
      )
      .raw(true);
    this.names = new NameLists(db);
    const rowsOf = (from: number, to: number): Generator<LineTuple> => this.sideRows(from, to);
    db.table('line_rows', {
      columns: [...LINE_ROW_COLUMNS],
      parameters: ['from_id', 'to_id'],
      rows: function* (from: unknown, to: unknown) {
        yield* rowsOf(Number(from), Number(to));
      },
    });
    registry.set(db, this);
  }

  static of(db: Db): LineHeads {
    const h = registry.get(db);
    if (!h) throw new Error('no LineHeads for this connection: open the case through CaseStore');
    return h;
  }

  close(): void {
    this.side?.db.close();
    this.side = null;
    this.cache.clear();
  }

  /** Forgets decoded rows (after heads were rewritten: times patched, a source dropped). */
  invalidate(): void {
    this.cache.clear();
  }

  /** The heads row holding line `lineId`, or null. */
  headsOf(lineId: number): DecodedHeads | null {
    for (const h of this.cache.values()) if (lineId >= h.first && lineId < h.first + h.n) return h;
    const r = this.at.get(lineId) as HeadsRow | undefined;
    if (!r || lineId >= r[0] + r[1]) return null;
    return this.remember(r);
  }

  private remember(r: HeadsRow): DecodedHeads {
    let h = this.cache.get(r[0]);
    if (h) return h;
    h = DecodedHeads.decode(r[0], r[2], r[3], r[4], r[5]);
    if (this.cache.size >= CACHE_ROWS) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(r[0], h);
    return h;
  }

  /** The heads rows covering lines [from, to] (inclusive), in line order. */
  covering(from: number, to: number): DecodedHeads[] {
    if (to < from) return [];
    const out: DecodedHeads[] = [];
    for (const r of this.range.all({ from, to }) as HeadsRow[]) {
      if (r[0] + r[1] <= from) continue;
      out.push(this.remember(r));
    }
    return out;
  }

  /** Calls `each(heads, i)` for every line in [from, to] (inclusive), in id order. */
  forEach(from: number, to: number, each: (h: DecodedHeads, i: number) => void): void {
    for (const h of this.covering(from, to)) {
      const a = Math.max(from, h.first) - h.first;
      const b = Math.min(to, h.first + h.n - 1) - h.first;
      for (let i = a; i <= b; i++) each(h, i);
    }
  }

  /** The earliest and latest time of any line (null: no line has one), from every heads row. */
  timeRange(): { a: number | null; b: number | null } {
    return this.db.prepare('SELECT min(min_ts) AS a, max(max_ts) AS b FROM line_heads').get() as {
      a: number | null;
      b: number | null;
    };
  }

  /**
   * Replaces the time of every zoned line in [from, to) by map(ts), in line order, rewriting
   * each heads row touched (inside the caller's transaction). Returns the lines changed.
   */
  mapZonedTimes(from: number, to: number, map: (ts: number) => number): number {
    let changed = 0;
    for (let a = from; a < to; a += 16 * 4096) {
      const b = Math.min(to, a + 16 * 4096);
      for (const h of this.covering(a, b - 1)) {
        if (h.first < a) continue; // done with the slice before
        let dirty = false;
        const hi = Math.min(to, h.first + h.n) - h.first;
        for (let i = 0; i < hi; i++)
          if ((h.quality[i]! & ZONED) !== 0 && !Number.isNaN(h.ts[i]!)) {
            h.ts[i] = map(h.ts[i]!);
            dirty = true;
            changed++;
          }
        if (dirty) h.rewrite(this.db);
      }
    }
    this.invalidate();
    return changed;
  }

  /** The time of the first (or last) line in [from, to) that has one; null when none does. */
  edgeTime(from: number, to: number, last: boolean): number | null {
    const step = 16 * 4096;
    for (let k = 0; from + k * step < to; k++) {
      const a = last ? Math.max(from, to - (k + 1) * step) : from + k * step;
      const b = last ? to - k * step : Math.min(to, a + step);
      const hs = this.covering(a, b - 1);
      if (last) hs.reverse();
      for (const h of hs) {
        const lo = Math.max(a, h.first) - h.first;
        const hi = Math.min(b, h.first + h.n) - h.first;
        if (last) {
          for (let i = hi - 1; i >= lo; i--) if (!Number.isNaN(h.ts[i]!)) return h.ts[i]!;
        } else for (let i = lo; i < hi; i++) if (!Number.isNaN(h.ts[i]!)) return h.ts[i]!;
      }
    }
    return null;
  }

  /**
   * Hosts and programs by line count (the `limit` commonest, ties by name) and lines per
   * level (index 8: none), from every heads row: the facets of a case without its time order.
   */
  facets(limit: number): {
    hosts: { value: string; count: number }[];
    programs: { value: string; count: number }[];
    severities: number[];
  } {
    const counts: [Map<number, number>, Map<number, number>] = [new Map(), new Map()];
    const severities = new Array<number>(9).fill(0);
    const all = this.db.prepare(SELECT_HEADS).raw(true);
    for (const r of all.iterate() as IterableIterator<HeadsRow>) {
      const h = DecodedHeads.decode(r[0], r[2], r[3], r[4], r[5]);
      for (let i = 0; i < h.n; i++) {
        const l = h.level[i]!;
        severities[l === NONE ? 8 : l]!++;
        const host = h.host[i]!;
        const program = h.program[i]!;
        if (host !== 0) counts[HOST].set(host, (counts[HOST].get(host) ?? 0) + 1);
        if (program !== 0) counts[PROGRAM].set(program, (counts[PROGRAM].get(program) ?? 0) + 1);
      }
    }
    const top = (k: 0 | 1): { value: string; count: number }[] =>
      [...counts[k]]
        .map(([id, count]) => ({ value: this.names.name(k, id) ?? '', count }))
        .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
        .slice(0, limit);
    return { hosts: top(HOST), programs: top(PROGRAM), severities };
  }

  /** Host or program name of an id (0 = none). */
  name(kind: 0 | 1, id: number): string | null {
    return this.names.name(kind, id);
  }

  /** The rows of lines [from, to] (inclusive) as the lines table gives them. */
  tuples(from: number, to: number): LineTuple[] {
    const out: LineTuple[] = [];
    this.forEach(from, to, (h, i) => out.push(tupleOf(h, i, this.names)));
    return out;
  }

  private sideConn(): NonNullable<LineHeads['side']> {
    if (this.side) return this.side;
    const db = new Database(this.file, { readonly: true, fileMustExist: true });
    db.pragma('cache_size = -8192');
    this.side = {
      db,
      at: db
        .prepare(`${SELECT_HEADS} WHERE first_line_id <= ? ORDER BY first_line_id DESC LIMIT 1`)
        .raw(true),
      range: db
        .prepare(
          `${SELECT_HEADS} WHERE first_line_id >= ? AND first_line_id < ? ORDER BY first_line_id LIMIT ?`,
        )
        .raw(true),
      lines: db.prepare('SELECT * FROM lines WHERE line_id >= ? AND line_id < ? ORDER BY line_id').raw(true),
      names: new NameLists(db),
    };
    return this.side;
  }

  /** line_rows(from, to): lines from … to - 1, read through the side connection in slices. */
  private *sideRows(from: number, to: number): Generator<LineTuple> {
    if (!(to > from)) return;
    const s = this.sideConn();
    if (!this.packed) {
      const end = Math.min(to, lastLineId(s.db) + 1);
      for (let a = from; a < end; a += SIDE_LINES)
        for (const r of s.lines.all(a, Math.min(to, a + SIDE_LINES)) as LineTuple[]) yield r;
      return;
    }
    // Queries run between yields only (none may run while the caller's statement steps ours).
    const head = s.at.get(from) as HeadsRow | undefined;
    let batch: HeadsRow[] = head && head[0] + head[1] > from ? [head] : [];
    let next = from + 1;
    for (;;) {
      if (batch.length === 0) {
        if (next >= to) return;
        batch = s.range.all(next, to, SIDE_ROWS) as HeadsRow[];
        if (batch.length === 0) return;
        next = batch[batch.length - 1]![0] + 1;
      }
      const r = batch.shift()!;
      const h = DecodedHeads.decode(r[0], r[2], r[3], r[4], r[5]);
      const a = Math.max(from, h.first) - h.first;
      const b = Math.min(to, h.first + h.n) - h.first;
      const out: LineTuple[] = [];
      for (let i = a; i < b; i++) out.push(tupleOf(h, i, s.names));
      yield* out;
    }
  }
}

/** line_rows reads rows of an unpacked case, and heads rows of a packed one, this many at a time. */
const SIDE_LINES = 4096;
const SIDE_ROWS = 8;

function tupleOf(h: DecodedHeads, i: number, names: NameLists): LineTuple {
  const pid = h.pid[i]!;
  return [
    h.first + i,
    h.sourceId,
    h.lineNo + i,
    h.offset[i]!,
    h.timeAt(i),
    h.qualityAt(i),
    '',
    names.name(HOST, h.host[i]!),
    names.name(PROGRAM, h.program[i]!),
    Number.isNaN(pid) ? null : pid,
    h.severityAt(i),
    h.zoned(i),
    h.levelAt(i),
    h.blockId,
  ];
}

/** order_names by id, reloaded when an id is not known yet (names are only ever added). */
class NameLists {
  private lists: [string[], string[]] = [[], []];
  private readonly all: Statement;

  constructor(db: Db) {
    this.all = db.prepare('SELECT kind, id, name FROM order_names');
  }

  name(kind: 0 | 1, id: number): string | null {
    if (id === 0) return null;
    let v = this.lists[kind][id - 1];
    if (v === undefined) {
      this.reload();
      v = this.lists[kind][id - 1];
    }
    return v ?? null;
  }

  private reload(): void {
    const lists: [string[], string[]] = [[], []];
    for (const r of this.all.all() as { kind: number; id: number; name: string }[])
      lists[r.kind === HOST ? HOST : PROGRAM][r.id - 1] = r.name;
    this.lists = lists;
  }
}

/** The case's text store: 'packed' (v9), 'blocks' (v8: rows + text blocks) or 'rows'. */
export function textStore(db: Db): string {
  return (
    (db.prepare("SELECT value FROM meta WHERE key = 'text_store'").pluck().get() as string | undefined) ??
    'rows'
  );
}

/** The highest line id in the case (0 when it has none), whichever way its lines are kept. */
export function lastLineId(db: Db): number {
  const rows = db.prepare('SELECT max(line_id) FROM lines').pluck().get() as number | null;
  const heads = db
    .prepare('SELECT first_line_id + n - 1 FROM line_heads ORDER BY first_line_id DESC LIMIT 1')
    .pluck()
    .get() as number | undefined;
  return Math.max(rows ?? 0, heads ?? 0);
}
