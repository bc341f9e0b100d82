/**
 * Views as sequences of positions over the stored time order: the merged view (every
 * position), one source (file order: its line-id range), a filtered view (a materialised list
 * of merged positions). Chunks of the order are read from the case on demand and kept in a
 * small LRU, so memory stays flat whatever the case size.
 */
import { lastLineId, LineHeads, NONE } from '../store/line-heads';
import type { Db } from '../store/database';
import { CHUNK, LEVEL_NONE, UNTIMED, type OrderStats } from './order';

export interface OrderChunk {
  ids: Int32Array;
  keys: Float64Array;
  flags: Uint8Array;
  /** Host id, program id per position (interleaved; 0 = none or unknown). */
  names: Uint16Array;
}

class Lru<V> {
  private readonly map = new Map<number, V>();
  constructor(private readonly capacity: number) {}
  get(k: number, load: (k: number) => V): V {
    let v = this.map.get(k);
    if (v !== undefined) {
      this.map.delete(k);
      this.map.set(k, v);
      return v;
    }
    v = load(k);
    this.map.set(k, v);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value!);
    return v;
  }
  /** The value if it is held, without making it the most recent. */
  peek(k: number): V | undefined {
    return this.map.get(k);
  }
}

function int32(b: Buffer): Int32Array {
  // Copy: a Buffer from SQLite may sit at an offset not aligned for Int32Array.
  const out = new Int32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}
function uint16(b: Buffer): Uint16Array {
  const out = new Uint16Array(b.byteLength / 2);
  new Uint8Array(out.buffer).set(b);
  return out;
}
function float64(b: Buffer): Float64Array {
  const out = new Float64Array(b.byteLength / 8);
  new Uint8Array(out.buffer).set(b);
  return out;
}

/** The merged order of a case: ids, sort keys and flags by position; positions by line id. */
export interface Order {
  readonly total: number;
  /** Whether this is the stored time order (false: ingest order while the case is indexing). */
  readonly timeOrdered: boolean;
  /** The host and program names the chunks' ids stand for (null: not available). */
  readonly names: { hosts: string[]; programs: string[] } | null;
  chunk(c: number): OrderChunk;
  /**
   * The line ids of chunk c alone: what a search's scan needs of the order. A quarter of a
   * chunk's bytes (ids, not keys, flags and names): reading whole chunks cost a scan of the
   * 1 GiB case ~0.2 s of CPU in SQLite reads and copies.
   */
  chunkIds(c: number): Int32Array;
  positionOf(lineId: number): number | null;
  /** First position whose sort key is ≥ ts (total when none). */
  lowerBound(ts: number): number;
}

export class StoredOrder implements Order {
  readonly total: number;
  readonly timeOrdered = true;
  readonly names: { hosts: string[]; programs: string[] } | null;
  private readonly chunks = new Lru<OrderChunk>(96);
  private readonly idChunks = new Lru<Int32Array>(96);
  private readonly reverse = new Lru<Int32Array>(96);
  private readonly firstKeys: Float64Array;
  private readonly selChunk;
  private readonly selIds;
  private readonly selPos;

  constructor(
    private readonly db: Db,
    readonly stats: OrderStats,
  ) {
    this.total = stats.lines;
    this.names = stats.names;
    this.selChunk = db.prepare('SELECT ids, keys, flags, names FROM merged_order WHERE chunk = ?');
    this.selIds = db.prepare('SELECT ids FROM merged_order WHERE chunk = ?').pluck();
    this.selPos = db.prepare('SELECT positions FROM merged_position WHERE chunk = ?');
    const n = Math.ceil(this.total / CHUNK);
    this.firstKeys = new Float64Array(n);
    const stored = db
      .prepare("SELECT value FROM meta_large WHERE key = 'merged_order_keys'")
      .pluck()
      .get() as string | undefined;
    const keys = stored ? float64(Buffer.from(stored, 'base64')) : null;
    if (keys && keys.length === n) this.firstKeys.set(keys);
    else {
      const rows = db
        .prepare('SELECT chunk, substr(keys, 1, 8) AS k FROM merged_order ORDER BY chunk')
        .all() as {
        chunk: number;
        k: Buffer;
      }[];
      for (const r of rows) if (r.chunk < n) this.firstKeys[r.chunk] = float64(r.k)[0]!;
    }
  }

  chunk(c: number): OrderChunk {
    return this.chunks.get(c, (i) => {
      const r = this.selChunk.get(i) as
        { ids: Buffer; keys: Buffer; flags: Buffer; names: Buffer } | undefined;
      if (!r) throw new Error(`the case's time order has no chunk ${i}: rebuild it (re-open the case)`);
      return {
        ids: int32(r.ids),
        keys: float64(r.keys),
        flags: new Uint8Array(r.flags),
        names: uint16(r.names),
      };
    });
  }

  chunkIds(c: number): Int32Array {
    const whole = this.chunks.peek(c);
    if (whole) return whole.ids;
    return this.idChunks.get(c, (i) => {
      const ids = this.selIds.get(i) as Buffer | undefined;
      if (!ids) throw new Error(`the case's time order has no chunk ${i}: rebuild it (re-open the case)`);
      return int32(ids);
    });
  }

  positionOf(lineId: number): number | null {
    if (!Number.isInteger(lineId) || lineId < 1 || lineId > this.stats.maxLineId) return null;
    const c = Math.floor((lineId - 1) / CHUNK);
    const arr = this.reverse.get(c, (i) => {
      const r = this.selPos.get(i) as { positions: Buffer } | undefined;
      return r ? int32(r.positions) : new Int32Array(0);
    });
    const p = arr[(lineId - 1) % CHUNK];
    return p === undefined || p < 0 ? null : p;
  }

  lowerBound(ts: number): number {
    // The last chunk whose first key is < ts holds the answer (or the one after it does).
    let lo = 0;
    let hi = this.firstKeys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.firstKeys[mid]! < ts) lo = mid + 1;
      else hi = mid;
    }
    const c = Math.max(0, lo - 1);
    if (c >= this.firstKeys.length) return this.total;
    const { keys } = this.chunk(c);
    let a = 0;
    let b = keys.length;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (keys[mid]! < ts) a = mid + 1;
      else b = mid;
    }
    return Math.min(this.total, c * CHUNK + a);
  }
}

/**
 * Ingest order (line ids ascending), used while a case is being indexed and has no stored
 * time order yet. Keys are the lines' own times (not sorted), so lowerBound is a scan.
 */
export class IngestOrder implements Order {
  readonly total: number;
  readonly timeOrdered = false;
  readonly names = null;
  private readonly sel;
  private readonly chunks = new Lru<OrderChunk>(16);

  private readonly heads: LineHeads | null;

  constructor(private readonly db: Db) {
    this.total = lastLineId(db);
    const heads = LineHeads.of(db);
    this.heads = heads.packed ? heads : null;
    this.sel = db
      .prepare('SELECT line_id, ts, level FROM lines WHERE line_id >= ? AND line_id < ? ORDER BY line_id')
      .raw(true);
  }

  /** [line id, ts, level] of lines [from, to). */
  private rows(from: number, to: number): [number, number | null, number | null][] {
    if (!this.heads) return this.sel.all(from, to) as [number, number | null, number | null][];
    const out: [number, number | null, number | null][] = [];
    this.heads.forEach(from, to - 1, (h, i) => {
      const ts = h.ts[i]!;
      const level = h.level[i]!;
      out.push([h.first + i, Number.isNaN(ts) ? null : ts, level === NONE ? null : level]);
    });
    return out;
  }

  /** In ingest order, position p holds line id p + 1: no row is read. */
  chunkIds(c: number): Int32Array {
    return consecutiveIds(c * CHUNK + 1, Math.max(0, Math.min(CHUNK, this.total - c * CHUNK)));
  }

  chunk(c: number): OrderChunk {
    return this.chunks.get(c, (i) => {
      const first = i * CHUNK + 1;
      const len = Math.max(0, Math.min(CHUNK, this.total - i * CHUNK));
      const ids = new Int32Array(len);
      const keys = new Float64Array(len);
      const flags = new Uint8Array(len);
      for (let j = 0; j < len; j++) {
        ids[j] = first + j;
        flags[j] = LEVEL_NONE | UNTIMED;
        keys[j] = NaN;
      }
      for (const [id, ts, level] of this.rows(first, first + len)) {
        const j = id - first;
        keys[j] = ts ?? NaN;
        flags[j] = (level ?? LEVEL_NONE) | (ts === null ? UNTIMED : 0);
      }
      return { ids, keys, flags, names: new Uint16Array(len * 2) };
    });
  }

  positionOf(lineId: number): number | null {
    return Number.isInteger(lineId) && lineId >= 1 && lineId <= this.total ? lineId - 1 : null;
  }

  lowerBound(ts: number): number {
    if (this.heads) {
      let found = this.total;
      for (let c = 0; c * CHUNK < this.total && found === this.total; c++)
        for (const [id, t] of this.rows(c * CHUNK + 1, Math.min(this.total, (c + 1) * CHUNK) + 1))
          if (t !== null && t >= ts) {
            found = id - 1;
            break;
          }
      return found;
    }
    const r = this.db.prepare('SELECT min(line_id) AS id FROM lines WHERE ts >= ?').get(ts) as {
      id: number | null;
    };
    return r.id === null ? this.total : r.id - 1;
  }
}

/** A view: positions 0 … total-1, each a line of the case. */
export interface View {
  readonly total: number;
  /** Ids, keys and flags of positions [start, start+count). */
  slice(start: number, count: number): OrderChunk;
  /** The ids of slice(start, count) alone (a search's scan reads nothing else of the order). */
  ids(start: number, count: number): Int32Array;
  positionOf(lineId: number): number | null;
  /** First position whose line's time (sort key) is ≥ ts; total when none. */
  locateTime(ts: number): number;
}

/**
 * Walks positions [start, end) of the merged order chunk by chunk: `get(c)` reads chunk c once
 * (`length`: its entries; the last chunk may be short), then `copy(chunk, from, to, at)` for its
 * entries [from, to), which go to offset `at` of the result. Returns how many positions were walked.
 */
function forChunkSpans<T>(
  start: number,
  end: number,
  get: (c: number) => T,
  length: (chunk: T) => number,
  copy: (chunk: T, from: number, to: number, at: number) => void,
): number {
  let o = 0;
  for (let p = start; p < end;) {
    const c = Math.floor(p / CHUNK);
    const chunk = get(c);
    const from = p - c * CHUNK;
    const to = Math.min(length(chunk), from + (end - p));
    if (to <= from) break;
    copy(chunk, from, to, o);
    o += to - from;
    p += to - from;
  }
  return o;
}

/** Line ids first, first + 1, … (len of them): the ingest order, one source in file order. */
function consecutiveIds(first: number, len: number): Int32Array {
  const ids = new Int32Array(len);
  for (let j = 0; j < len; j++) ids[j] = first + j;
  return ids;
}

/** Positions of the merged order gathered into one slice (spanning chunks). */
export function orderSlice(order: Order, start: number, count: number): OrderChunk {
  const end = Math.min(order.total, start + Math.max(0, count));
  const len = Math.max(0, end - start);
  const ids = new Int32Array(len);
  const keys = new Float64Array(len);
  const flags = new Uint8Array(len);
  const names = new Uint16Array(len * 2);
  const o = forChunkSpans(
    start,
    end,
    (c) => order.chunk(c),
    (ch) => ch.ids.length,
    (ch, from, to, at) => {
      ids.set(ch.ids.subarray(from, to), at);
      keys.set(ch.keys.subarray(from, to), at);
      flags.set(ch.flags.subarray(from, to), at);
      names.set(ch.names.subarray(2 * from, 2 * to), 2 * at);
    },
  );
  return {
    ids: ids.subarray(0, o),
    keys: keys.subarray(0, o),
    flags: flags.subarray(0, o),
    names: names.subarray(0, 2 * o),
  };
}

export class MergedView implements View {
  constructor(readonly order: Order) {}
  get total(): number {
    return this.order.total;
  }
  slice(start: number, count: number): OrderChunk {
    return orderSlice(this.order, start, count);
  }
  ids(start: number, count: number): Int32Array {
    const order = this.order;
    const end = Math.min(order.total, start + Math.max(0, count));
    const out = new Int32Array(Math.max(0, end - start));
    const o = forChunkSpans(
      start,
      end,
      (c) => order.chunkIds(c),
      (chunk) => chunk.length,
      (chunk, from, to, at) => out.set(chunk.subarray(from, to), at),
    );
    return out.subarray(0, o);
  }
  positionOf(lineId: number): number | null {
    return this.order.positionOf(lineId);
  }
  locateTime(ts: number): number {
    return this.order.lowerBound(ts);
  }
}

/** One source in file order: its line-id range; keys and flags looked up through the order. */
export class SourceView implements View {
  constructor(
    private readonly order: Order,
    readonly firstLineId: number,
    readonly total: number,
  ) {}

  slice(start: number, count: number): OrderChunk {
    const s = Math.max(0, Math.min(start, this.total));
    const len = Math.max(0, Math.min(count, this.total - s));
    const out = emptySlice(len);
    const at = new ChunkCursor(this.order);
    for (let j = 0; j < len; j++) {
      const id = this.firstLineId + s + j;
      out.ids[j] = id;
      const p = this.order.positionOf(id);
      if (p === null) {
        out.keys[j] = NaN;
        out.flags[j] = LEVEL_NONE | UNTIMED;
        continue;
      }
      at.copy(p, out, j);
    }
    return out;
  }

  ids(start: number, count: number): Int32Array {
    const s = Math.max(0, Math.min(start, this.total));
    return consecutiveIds(this.firstLineId + s, Math.max(0, Math.min(count, this.total - s)));
  }

  positionOf(lineId: number): number | null {
    const p = lineId - this.firstLineId;
    return Number.isInteger(p) && p >= 0 && p < this.total ? p : null;
  }

  /** The source's line that comes first in the time order at or after ts. */
  locateTime(ts: number): number {
    const last = this.firstLineId + this.total;
    for (let p = this.order.lowerBound(ts); p < this.order.total;) {
      const c = Math.floor(p / CHUNK);
      const ch = this.order.chunk(c);
      for (let j = p - c * CHUNK; j < ch.ids.length; j++) {
        const id = ch.ids[j]!;
        if (id >= this.firstLineId && id < last) return id - this.firstLineId;
      }
      p = (c + 1) * CHUNK;
    }
    return this.total;
  }
}

/** A filtered view: the merged positions of the lines that pass, ascending. */
export class FilteredView implements View {
  constructor(
    private readonly order: Order,
    readonly positions: Int32Array,
  ) {}

  get total(): number {
    return this.positions.length;
  }

  slice(start: number, count: number): OrderChunk {
    const s = Math.max(0, Math.min(start, this.total));
    const len = Math.max(0, Math.min(count, this.total - s));
    const out = emptySlice(len);
    const at = new ChunkCursor(this.order);
    for (let j = 0; j < len; j++) {
      const p = this.positions[s + j]!;
      out.ids[j] = at.copy(p, out, j);
    }
    return out;
  }

  ids(start: number, count: number): Int32Array {
    const s = Math.max(0, Math.min(start, this.total));
    const len = Math.max(0, Math.min(count, this.total - s));
    const out = new Int32Array(len);
    let c = -1;
    let ids: Int32Array | null = null;
    for (let j = 0; j < len; j++) {
      const p = this.positions[s + j]!;
      const pc = Math.floor(p / CHUNK);
      if (pc !== c || !ids) {
        c = pc;
        ids = this.order.chunkIds(pc);
      }
      out[j] = ids[p - pc * CHUNK]!;
    }
    return out;
  }

  positionOf(lineId: number): number | null {
    const p = this.order.positionOf(lineId);
    if (p === null) return null;
    const i = lowerBoundInt(this.positions, p);
    return this.positions[i] === p ? i : null;
  }

  locateTime(ts: number): number {
    return lowerBoundInt(this.positions, this.order.lowerBound(ts));
  }
}

function emptySlice(len: number): OrderChunk {
  return {
    ids: new Int32Array(len),
    keys: new Float64Array(len),
    flags: new Uint8Array(len),
    names: new Uint16Array(len * 2),
  };
}

/** Reads positions mostly in ascending order, keeping the current chunk at hand. */
class ChunkCursor {
  private c = -1;
  private ch: OrderChunk | null = null;
  constructor(private readonly order: Order) {}
  /** Copies position p's entry into out[j]; returns its line id. */
  copy(p: number, out: OrderChunk, j: number): number {
    const c = Math.floor(p / CHUNK);
    if (c !== this.c || !this.ch) {
      this.c = c;
      this.ch = this.order.chunk(c);
    }
    const i = p - c * CHUNK;
    const ch = this.ch;
    out.ids[j] = ch.ids[i]!;
    out.keys[j] = ch.keys[i]!;
    out.flags[j] = ch.flags[i]!;
    out.names[2 * j] = ch.names[2 * i]!;
    out.names[2 * j + 1] = ch.names[2 * i + 1]!;
    return ch.ids[i]!;
  }
}

export function lowerBoundInt(a: Int32Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
