/**
 * What the merged time order needs of each line, captured while the line is inserted (schema
 * v6), so building the order reads ~13 bytes a line from order_capture instead of every row
 * of the lines table: the sort key (UTC ms, NaN = the line has no time of its own), the flags
 * byte (level 0-7 or 8, + 16 when untimed) and the host and program ids (order_names).
 *
 * Pieces are written inside the batch's own transaction (a kill keeps lines and capture in
 * step); a source's pieces tile its line ids. A source whose pieces do not add up to its
 * line count (a case made before v6, a zone change) is read from the lines table instead.
 */
import type { Db } from './database';

/** Lines per stored piece (a piece is ~53 KB: the merge holds one per source). */
export const PIECE = 4096;
/** flags byte: level 0-7, or 8 for none; + UNTIMED when the line has no time of its own. */
export const LEVEL_NONE = 8;
export const UNTIMED = 16;
/**
 * Distinct names per kind the order's u16 name ids hold; a later name gets a larger id (packed
 * line headers keep it: store/line-heads.ts), id 0 in the capture and the order, and the case
 * is flagged so the order falls back to SQL filters.
 */
export const MAX_NAMES = 65_535;
export const HOST = 0 as const;
export const PROGRAM = 1 as const;

/** A typed array's bytes as stored (little-endian on every platform Postmortem runs on). */
export function le<T extends Int32Array | Float64Array | Uint8Array | Uint16Array>(a: T): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/** Copies a stored blob into an aligned typed array (SQLite buffers need not be aligned). */
export function f64(b: Buffer): Float64Array {
  const a = new Float64Array(b.length / 8);
  new Uint8Array(a.buffer).set(b);
  return a;
}
export function u16(b: Buffer): Uint16Array {
  const a = new Uint16Array(b.length / 2);
  new Uint8Array(a.buffer).set(b);
  return a;
}

/**
 * Host and program ids of the case (id = index + 1), persisted in order_names. Another
 * writer on the same connection (an order build, a later ingest) may add names meanwhile: a
 * name missing here is looked up in the table before a new id (max + 1) is given to it.
 */
export class NameIds {
  readonly lists: [string[], string[]] = [[], []];
  private readonly maps: [Map<string, number>, Map<string, number>] = [new Map(), new Map()];
  overflow = false;
  private readonly ins;
  private readonly find;
  private readonly max;

  constructor(private readonly db: Db) {
    this.ins = db.prepare('INSERT INTO order_names (kind, name, id) VALUES (?, ?, ?)');
    this.find = db.prepare('SELECT id FROM order_names WHERE kind = ? AND name = ?').pluck();
    this.max = db.prepare('SELECT coalesce(max(id), 0) FROM order_names WHERE kind = ?').pluck();
    this.reload();
  }

  reload(): void {
    this.lists[HOST] = [];
    this.lists[PROGRAM] = [];
    this.maps[HOST].clear();
    this.maps[PROGRAM].clear();
    const rows = this.db.prepare('SELECT kind, id, name FROM order_names ORDER BY kind, id').all() as {
      kind: number;
      id: number;
      name: string;
    }[];
    for (const r of rows) {
      const k: 0 | 1 = r.kind === HOST ? HOST : PROGRAM;
      this.lists[k][r.id - 1] = r.name;
      this.maps[k].set(r.name, r.id);
    }
    this.overflow =
      this.db.prepare("SELECT 1 FROM meta WHERE key = 'order_names_overflow'").get() !== undefined;
  }

  /** The name's id (0 = none); new names are inserted in the open transaction. */
  id(kind: 0 | 1, name: string | null): number {
    if (name === null) return 0;
    const m = this.maps[kind];
    let id = m.get(name);
    if (id !== undefined) return id;
    id = this.find.get(kind, name) as number | undefined;
    if (id === undefined) {
      id = (this.max.get(kind) as number) + 1;
      if (id > MAX_NAMES && !this.overflow) {
        this.overflow = true;
        this.db
          .prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('order_names_overflow', '1')")
          .run();
      }
      this.ins.run(kind, name, id);
    }
    m.set(name, id);
    this.lists[kind][id - 1] = name;
    return id;
  }
}

/** Accumulates the current batch's lines into pieces; flushed before each COMMIT. */
export class OrderCapture {
  private keys = new Float64Array(PIECE);
  private flags = new Uint8Array(PIECE);
  private names = new Uint16Array(PIECE * 2);
  private n = 0;
  private first = 0;
  private source = 0;
  private names_: NameIds | null = null;
  private readonly ins;

  constructor(private readonly db: Db) {
    this.ins = db.prepare(
      'INSERT INTO order_capture (first_line_id, source_id, n, keys, flags, names) VALUES (?, ?, ?, ?, ?, ?)',
    );
  }

  private get ids(): NameIds {
    return (this.names_ ??= new NameIds(this.db));
  }

  /** The id of a host (kind HOST) or program name, 0 for none. */
  nameId(kind: 0 | 1, name: string | null): number {
    return name === null ? 0 : this.ids.id(kind, name);
  }

  add(
    lineId: number,
    sourceId: number,
    ts: number | null,
    level: number | null,
    host: string | null,
    program: string | null,
  ): void {
    this.addIds(lineId, sourceId, ts, level, this.nameId(HOST, host), this.nameId(PROGRAM, program));
  }

  /** add() with the names' ids (nameId); an id over MAX_NAMES is kept as 0 (see MAX_NAMES). */
  addIds(
    lineId: number,
    sourceId: number,
    ts: number | null,
    level: number | null,
    hostId: number,
    programId: number,
  ): void {
    if (this.n > 0 && (sourceId !== this.source || lineId !== this.first + this.n || this.n === PIECE))
      this.flush();
    if (this.n === 0) {
      this.first = lineId;
      this.source = sourceId;
    }
    const j = this.n++;
    const lv = level ?? LEVEL_NONE;
    if (ts === null) {
      this.keys[j] = NaN;
      this.flags[j] = lv | UNTIMED;
    } else {
      this.keys[j] = ts;
      this.flags[j] = lv;
    }
    this.names[2 * j] = hostId > MAX_NAMES ? 0 : hostId;
    this.names[2 * j + 1] = programId > MAX_NAMES ? 0 : programId;
  }

  /** Writes the open piece (inside the caller's transaction). */
  flush(): void {
    if (this.n === 0) return;
    const n = this.n;
    this.ins.run(
      this.first,
      this.source,
      n,
      le(this.keys.subarray(0, n)),
      le(this.flags.subarray(0, n)),
      le(this.names.subarray(0, 2 * n)),
    );
    this.n = 0;
  }

  /** The batch was rolled back: its piece and any names it added are gone. */
  discard(): void {
    this.n = 0;
    this.names_?.reload();
  }
}

/**
 * Patches the captured keys of rewritten rows (called inside rewriteTimes' transaction, with
 * line ids ascending). Returns false when a row has no piece (the source then reads lines).
 */
export class CapturePatcher {
  private piece: { first: number; n: number; keys: Float64Array; flags: Uint8Array; dirty: boolean } | null =
    null;
  private readonly get;
  private readonly put;

  constructor(private readonly db: Db) {
    this.get = db.prepare(
      'SELECT first_line_id, n, keys, flags FROM order_capture WHERE first_line_id <= ? ORDER BY first_line_id DESC LIMIT 1',
    );
    this.put = db.prepare('UPDATE order_capture SET keys = ?, flags = ? WHERE first_line_id = ?');
  }

  set(lineId: number, ts: number | null): boolean {
    let p = this.piece;
    if (!p || lineId < p.first || lineId >= p.first + p.n) {
      this.end();
      const r = this.get.get(lineId) as
        { first_line_id: number; n: number; keys: Buffer; flags: Buffer } | undefined;
      if (!r || lineId >= r.first_line_id + r.n) return false;
      p = this.piece = {
        first: r.first_line_id,
        n: r.n,
        keys: f64(r.keys),
        flags: new Uint8Array(r.flags),
        dirty: false,
      };
    }
    const j = lineId - p.first;
    const flags = p.flags[j]! & ~UNTIMED;
    p.keys[j] = ts === null ? NaN : ts;
    p.flags[j] = ts === null ? flags | UNTIMED : flags;
    p.dirty = true;
    return true;
  }

  end(): void {
    const p = this.piece;
    if (p?.dirty) this.put.run(le(p.keys), le(p.flags), p.first);
    this.piece = null;
  }
}

/**
 * Forgets the whole capture once the merged order is stored (CaseQuery's build, a zone
 * change): it is 13 bytes a line, 0.10× the input on disk, needed only to build the order
 * fast right after an ingest. A later build (new input, zone change) reads the older sources
 * from their lines, which are narrow since texts moved to blocks (schema v8). The freed
 * pages are reused by phase 2's index, which is written after the order.
 */
export function releaseCapture(db: Db): void {
  db.prepare('DELETE FROM order_capture').run();
}

/** Forgets the capture of some sources (their times changed in place): they are read from lines. */
export function dropCapture(db: Db, sourceId: number): void {
  db.prepare('DELETE FROM order_capture WHERE source_id = ?').run(sourceId);
}
