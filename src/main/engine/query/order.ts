/**
 * The merged view in UTC time order, built once after ingest (and after a zone change) and
 * kept in the case (tables merged_order / merged_position / minute_counts, schema v4).
 *
 * Order: every line gets a sort key; lines are sorted by (key, line id), a stable sort on
 * ingest order. A line with its own time sorts by it. A line without one (continuations,
 * banners, a `-- Reboot --` marker) takes the key of the line before it in its source, so it
 * stays right after that line (line ids are contiguous per source, so no other source's line
 * can fall between them); untimed lines at the head of a source take the key of the source's
 * first timed line and stay right before it. A source with no times at all (sysctl -a,
 * meminfo, a plain text file) keeps its place in ingest order: its lines take the key of the
 * line ingested just before its first line, so the whole source sits right after that line
 * (at the very start when it was ingested first).
 *
 * Times that go backwards inside a source (jitter, a clock step) are sorted like the rest:
 * the view is ordered by time, and each line keeps its global id and source line number.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from '../store/database';
import { f64, LEVEL_NONE, le, NameIds, u16, UNTIMED } from '../store/order-capture';
import { lastLineId, LineHeads, NONE } from '../store/line-heads';

export const CHUNK = 4096;
/** flags byte: level 0-7, or LEVEL_NONE; + UNTIMED when the line has no time of its own. */
export { LEVEL_NONE, UNTIMED };
/** Bumped when the order's rules change: stored orders of another version are rebuilt. */
export const ORDER_VERSION = 4;
const READ_CHUNK = 8192;

export interface OrderStats {
  version: number;
  /** Identifies this build: a reader holding another id reloads the order. */
  buildId: string;
  lines: number;
  /** sum(sources.line_count) when built: compared on open (cheaper than counting rows). */
  sourceLines: number;
  maxLineId: number;
  buildMs: number;
  /** Where the build time went (ms): reading the lines, sorting, counting, writing. */
  phaseMs: { read: number; sort: number; count: number; write: number };
  /** Bytes of the stored order (ids, keys, flags, reverse positions, minute counts). */
  bytes: number;
  runs: number;
  silences: Silence[];
  /** The usual gap between consecutive timed lines the silences are measured against (ms). */
  usualGapMs: number;
  silenceThresholdMs: number;
  facets: {
    hosts: { value: string; count: number }[];
    programs: { value: string; count: number }[];
    severities: number[];
  };
  firstTs: number | null;
  lastTs: number | null;
  /**
   * Host and program names by id (id = index + 1; 0 = none): each position of the order
   * carries the two ids, so host and program filters never read the lines table. Null when
   * a case has more distinct names than ids (then those filters ask SQLite).
   */
  names: { hosts: string[]; programs: string[] } | null;
  /** Lines whose level was filled in from their words while building (cases made before v4). */
  levelsBackfilled: number;
}

export interface Silence {
  from: number;
  to: number;
  evidenceBefore: number;
  evidenceAfter: number;
}

const FACET_LIMIT = 500;
/** Distinct hosts (and programs) that get an id in the order; more and filters use SQL. */
const MAX_NAMES = 65_535;
const SILENCE_LIMIT = 200;
const MIN_SILENCE_MS = 5 * 60_000;
const SILENCE_FACTOR = 50;

/**
 * Builds and stores the time order of every line of the case. Synchronous. Each source is
 * read from what the ingest captured (order_capture: 13 bytes a line, not the lines table);
 * a source in time order (most logs) is streamed, any other is sorted alone in memory, and
 * the sources are merged k-way by (key, line id) — the same order as one stable sort of all
 * lines. Memory: 4 bytes a line for the reverse table, plus the largest unsorted source.
 * A case with more host or program names than ids is built by the whole-case sort instead.
 */
export function buildMergedOrder(db: Db, levelOf: (message: string) => number | null): OrderStats {
  const started = performance.now();
  ensureOrderTables(db);
  const levelsBackfilled = backfillLevels(db, levelOf);
  const names = new NameIds(db);
  // Names of sources read from the lines table get ids too (inserted here, kept in the case).
  const stats = db.transaction(() => (names.overflow ? null : buildStreaming(db, names, started)))();
  if (stats === null) return buildInMemory(db, levelOf, started, levelsBackfilled);
  stats.levelsBackfilled = levelsBackfilled;
  stats.buildMs = Math.round(performance.now() - started);
  writeStats(db, stats);
  return stats;
}

/** Cases made before schema v4 have no level: fill it in once (printed severity or words). */
function backfillLevels(db: Db, levelOf: (message: string) => number | null): number {
  const pending = db.prepare("SELECT 1 FROM meta WHERE key = 'levels_pending'").get();
  if (!pending) return 0;
  db.function('pm_level', { deterministic: true }, (sev: unknown, text: unknown) =>
    sev !== null && sev !== undefined ? Number(sev) : levelOf(String(text)),
  );
  const n = db
    .prepare(
      'UPDATE lines SET level = pm_level(severity, line_text(block, line_id, text)) WHERE level IS NULL AND pm_level(severity, line_text(block, line_id, text)) IS NOT NULL',
    )
    .run().changes;
  db.prepare("DELETE FROM meta WHERE key = 'levels_pending'").run();
  return n;
}

function writeStats(db: Db, stats: OrderStats): void {
  db.prepare(
    "INSERT INTO meta_large (key, value) VALUES ('merged_order', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
  ).run(JSON.stringify(stats));
  db.prepare(
    "INSERT INTO meta (key, value) VALUES ('merged_order_id', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
  ).run(stats.buildId);
}

/** One piece of a source's lines: ids first … first + n - 1 unless `ids` is given. */
interface Piece {
  first: number;
  n: number;
  keys: Float64Array;
  flags: Uint8Array;
  names: Uint16Array;
  ids?: Int32Array;
}

interface SourceSpan {
  sourceId: number;
  first: number;
  count: number;
  captured: boolean;
}

/** An empty piece of n lines from line id `at`, with room for their ids (read from rows). */
function newPiece(at: number, n: number): Piece {
  return {
    first: at,
    n,
    keys: new Float64Array(n),
    flags: new Uint8Array(n),
    names: new Uint16Array(2 * n),
    ids: new Int32Array(n),
  };
}

/** Reads a source's pieces in line-id order, from order_capture or from the lines table. */
class PieceReader {
  private readonly byFirst;
  private readonly fromLines;
  private readonly capture;
  /** Set when the case packs its line headers: a piece not captured is read from them. */
  private readonly heads: LineHeads | null;

  constructor(
    db: Db,
    private readonly names: NameIds,
  ) {
    const heads = LineHeads.of(db);
    this.heads = heads.packed ? heads : null;
    this.byFirst = db.prepare('SELECT n, keys, flags, names FROM order_capture WHERE first_line_id = ?');
    this.fromLines = db
      .prepare('SELECT line_id, ts, level, host, program FROM lines WHERE line_id >= ? AND line_id < ?')
      .raw(true);
    this.capture = db.prepare(
      'INSERT OR REPLACE INTO order_capture (first_line_id, source_id, n, keys, flags, names) VALUES (?, ?, ?, ?, ?, ?)',
    );
  }

  /** A piece of lines [at, to) from packed headers (their name ids are the order's own). */
  private fromHeads(s: SourceSpan, at: number, to: number): Piece | null {
    const heads = this.heads!.covering(at, to - 1);
    let n = 0;
    for (const h of heads) n += Math.min(to, h.first + h.n) - Math.max(at, h.first);
    if (n <= 0) return null;
    const p = newPiece(at, n);
    let j = 0;
    for (const h of heads)
      for (
        let i = Math.max(at, h.first) - h.first, end = Math.min(to, h.first + h.n) - h.first;
        i < end;
        i++, j++
      ) {
        const ts = h.ts[i]!;
        const level = h.level[i] === NONE ? LEVEL_NONE : h.level[i]!;
        const host = h.host[i]!;
        const program = h.program[i]!;
        p.ids![j] = h.first + i;
        p.keys[j] = ts;
        p.flags[j] = Number.isNaN(ts) ? level | UNTIMED : level;
        p.names[2 * j] = host > MAX_NAMES ? 0 : host;
        p.names[2 * j + 1] = program > MAX_NAMES ? 0 : program;
      }
    if (p.ids![n - 1] === at + n - 1)
      this.capture.run(at, s.sourceId, n, le(p.keys), le(p.flags), le(p.names));
    return p;
  }

  /** The piece starting at line id `at` of the source (null past its end). */
  piece(s: SourceSpan, at: number): Piece | null {
    const end = s.first + s.count;
    if (at >= end) return null;
    if (s.captured) {
      const r = this.byFirst.get(at) as { n: number; keys: Buffer; flags: Buffer; names: Buffer } | undefined;
      if (!r) throw new Error(`order capture of source ${s.sourceId} has no piece at line ${at}`);
      return { first: at, n: r.n, keys: f64(r.keys), flags: new Uint8Array(r.flags), names: u16(r.names) };
    }
    const to = Math.min(end, at + READ_CHUNK);
    if (this.heads) return this.fromHeads(s, at, to);
    const rows = this.fromLines.all(at, to) as [
      number,
      number | null,
      number | null,
      string | null,
      string | null,
    ][];
    const n = rows.length;
    const p = newPiece(at, n);
    for (let j = 0; j < n; j++) {
      const r = rows[j]!;
      p.ids![j] = r[0];
      const level = r[2] ?? LEVEL_NONE;
      if (r[1] === null) {
        p.keys[j] = NaN;
        p.flags[j] = level | UNTIMED;
      } else {
        p.keys[j] = r[1];
        p.flags[j] = level;
      }
      p.names[2 * j] = this.names.id(0, r[3]);
      p.names[2 * j + 1] = this.names.id(1, r[4]);
    }
    // An empty range (rows missing) ends the source rather than looping on it.
    if (n === 0) return null;
    // Read from lines once: captured now, so the next build streams this source (a case made
    // before v6 is read from its lines only the first time). Only a gap-free piece is kept.
    if (p.ids![n - 1] === at + n - 1)
      this.capture.run(at, s.sourceId, n, le(p.keys), le(p.flags), le(p.names));
    return p;
  }

  /** The line id after a piece. */
  static next(p: Piece, s: SourceSpan): number {
    return s.captured ? p.first + p.n : Math.min(s.first + s.count, p.first + READ_CHUNK);
  }
}

/** A source's lines in time order, one at a time: streamed from its pieces, or sorted in memory. */
interface Cursor {
  key: number;
  id: number;
  flags: number;
  host: number;
  program: number;
  /** Moves to the next line; false at the end. */
  advance(): boolean;
}

/** A source whose keys (untimed lines filled in) never go down: its pieces in order. */
class StreamCursor implements Cursor {
  key = 0;
  id = 0;
  flags = 0;
  host = 0;
  program = 0;
  private piece: Piece | null = null;
  private j = 0;
  private last: number;

  constructor(
    private readonly reader: PieceReader,
    private readonly span: SourceSpan,
    /** The key of untimed lines before the first timed one. */
    head: number,
  ) {
    this.last = head;
    this.piece = reader.piece(span, span.first);
  }

  advance(): boolean {
    let p = this.piece;
    while (p !== null && this.j >= p.n) {
      p = this.piece = this.reader.piece(this.span, PieceReader.next(p, this.span));
      this.j = 0;
    }
    if (p === null) return false;
    const j = this.j++;
    const k = p.keys[j]!;
    if (!Number.isNaN(k)) this.last = k;
    this.key = this.last;
    this.id = p.ids ? p.ids[j]! : p.first + j;
    this.flags = p.flags[j]!;
    this.host = p.names[2 * j]!;
    this.program = p.names[2 * j + 1]!;
    return true;
  }
}

/** A source out of time order: all its lines in memory, sorted stably by key. */
class SortedCursor implements Cursor {
  key = 0;
  id = 0;
  flags = 0;
  host = 0;
  program = 0;
  private p = 0;

  constructor(
    private readonly ids: Int32Array,
    private readonly keys: Float64Array,
    private readonly flagsOf: Uint8Array,
    private readonly names: Uint16Array,
    private readonly perm: Int32Array,
  ) {}

  advance(): boolean {
    if (this.p >= this.perm.length) return false;
    const i = this.perm[this.p++]!;
    this.key = this.keys[i]!;
    this.id = this.ids[i]!;
    this.flags = this.flagsOf[i]!;
    this.host = this.names[2 * i]!;
    this.program = this.names[2 * i + 1]!;
    return true;
  }
}

function before(a: Cursor, b: Cursor): boolean {
  return a.key < b.key || (a.key === b.key && a.id < b.id);
}

function siftDown(heap: Cursor[], i: number): void {
  const n = heap.length;
  const c = heap[i]!;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= n) break;
    const r = l + 1;
    const m = r < n && before(heap[r]!, heap[l]!) ? r : l;
    if (!before(heap[m]!, c)) break;
    heap[i] = heap[m]!;
    i = m;
  }
  heap[i] = c;
}

interface SourceArrays {
  ids: Int32Array;
  keys: Float64Array;
  flags: Uint8Array;
  names: Uint16Array;
}

function sourceArrays(n: number): SourceArrays {
  return {
    ids: new Int32Array(n),
    keys: new Float64Array(n),
    flags: new Uint8Array(n),
    names: new Uint16Array(2 * n),
  };
}

/** Copies a piece into a source's arrays at index `o` (keys as stored: NaN = untimed). */
function copyPiece(m: SourceArrays, o: number, p: Piece): void {
  const n = Math.min(p.n, m.ids.length - o);
  for (let j = 0; j < n; j++) m.ids[o + j] = p.ids ? p.ids[j]! : p.first + j;
  m.keys.set(p.keys.subarray(0, n), o);
  m.flags.set(p.flags.subarray(0, n), o);
  m.names.set(p.names.subarray(0, 2 * n), 2 * o);
}

function tiles(
  c: { n: number; from: number; to: number } | undefined,
  first: number,
  count: number,
): boolean {
  return c !== undefined && c.n === count && c.from === first && c.to === first + count;
}

/**
 * merged_position (each line id's position in the order, CHUNK ids a row) written as the
 * merge goes: a chunk of ids is written once every line it holds has its position, so only the
 * chunks still being filled are in memory (one or two per source being merged, all of an
 * out-of-order source's) instead of 4 bytes for every line of the case (134 MB at 33M lines).
 */
class PositionWriter {
  private readonly expected: Int32Array;
  private readonly filled: Int32Array;
  private readonly open = new Map<number, Int32Array>();
  private readonly ins: Statement;
  private lastChunk = -1;
  private last: Int32Array | null = null;
  private bytes = 0;

  constructor(db: Db, maxLineId: number, spans: readonly SourceSpan[]) {
    const chunks = Math.ceil(maxLineId / CHUNK);
    this.expected = new Int32Array(chunks);
    this.filled = new Int32Array(chunks);
    for (const s of spans)
      for (let id = s.first; id < s.first + s.count;) {
        const c = Math.floor((id - 1) / CHUNK);
        const end = Math.min(s.first + s.count, (c + 1) * CHUNK + 1);
        this.expected[c]! += end - id;
        id = end;
      }
    this.ins = db.prepare('INSERT INTO merged_position (chunk, positions) VALUES (?, ?)');
  }

  set(id: number, pos: number): void {
    const c = Math.floor((id - 1) / CHUNK);
    let a = c === this.lastChunk ? this.last! : this.open.get(c);
    if (!a) {
      a = new Int32Array(CHUNK).fill(-1);
      this.open.set(c, a);
    }
    this.lastChunk = c;
    this.last = a;
    a[(id - 1) % CHUNK] = pos;
    if (++this.filled[c]! === this.expected[c]!) this.write(c, a);
  }

  private write(c: number, a: Int32Array): void {
    this.ins.run(c, le(a));
    this.bytes += CHUNK * 4;
    this.open.delete(c);
    if (this.lastChunk === c) {
      this.lastChunk = -1;
      this.last = null;
    }
  }

  /** Writes the chunks not written yet (ids of no source: -1) and returns the bytes written. */
  finish(): number {
    for (let c = 0; c < this.expected.length; c++)
      if (this.filled[c]! < this.expected[c]! || this.expected[c] === 0)
        this.write(c, this.open.get(c) ?? new Int32Array(CHUNK).fill(-1));
    return this.bytes;
  }
}

function buildStreaming(db: Db, names: NameIds, started: number): OrderStats {
  const maxLineId = lastLineId(db);
  // A source's pieces are disjoint (line ids are unique), so starting at its first line, ending
  // at its last and adding up to its line count means they tile it with no gap.
  const captured = new Map<number, { n: number; from: number; to: number }>();
  for (const r of db
    .prepare(
      'SELECT source_id, sum(n) AS n, min(first_line_id) AS a, max(first_line_id + n) AS b FROM order_capture GROUP BY source_id',
    )
    .all() as { source_id: number; n: number; a: number; b: number }[])
    captured.set(r.source_id, { n: r.n, from: r.a, to: r.b });
  const spans: SourceSpan[] = (
    db
      .prepare(
        'SELECT source_id, first_line_id, line_count FROM sources WHERE first_line_id IS NOT NULL AND line_count > 0 ORDER BY first_line_id',
      )
      .all() as { source_id: number; first_line_id: number; line_count: number }[]
  ).map((r) => ({
    sourceId: r.source_id,
    first: r.first_line_id,
    count: r.line_count,
    captured: tiles(captured.get(r.source_id), r.first_line_id, r.line_count),
  }));
  const reader = new PieceReader(db, names);
  // Sources read from lines lose whatever partial capture they had; reading captures them anew.
  const dropPartial = db.prepare('DELETE FROM order_capture WHERE source_id = ?');
  for (const s of spans) if (!s.captured) dropPartial.run(s.sourceId);

  // Pass 1, per source in ingest order: the key of its untimed head, whether it is in order,
  // the ascending runs (a figure kept in the stats). Untimed lines take the key of the line
  // before them in their source; a source with no time at all takes the key of the last line
  // ingested before it. Sources read from lines, or out of order, are sorted in memory.
  const cursors: Cursor[] = [];
  let prevKey = -Infinity;
  let runs = 0;
  let prevFilled = NaN;
  let k = 0;
  for (const s of spans) {
    let head = NaN;
    let last = NaN;
    let sorted = true;
    let n = 0;
    // A source read from lines is captured as it is read (PieceReader.piece); when every piece
    // was (no row missing), it is then streamed or sorted from the capture like a source just
    // ingested, instead of being held in memory whole: a zone change on a 1 GiB case otherwise
    // held 25 bytes a line (+210 MiB), and 4× that at 4 GiB.
    let gapFree = !s.captured;
    for (let p = reader.piece(s, s.first); p !== null; p = reader.piece(s, PieceReader.next(p, s))) {
      if (p.ids && p.ids[p.n - 1] !== p.first + p.n - 1) gapFree = false;
      for (let j = 0; j < p.n; j++) {
        const key = p.keys[j]!;
        if (Number.isNaN(key)) continue;
        if (Number.isNaN(head)) head = key;
        else if (key < last) sorted = false;
        last = key;
      }
      n += p.n;
    }
    k += n;
    if (gapFree && n === s.count) s.captured = true;
    if (Number.isNaN(head)) head = prevKey;
    // Runs in id order over the filled keys, as the whole-case sort counted them.
    const countRuns = (keys: ArrayLike<number>, len: number, fill: { last: number }): void => {
      for (let j = 0; j < len; j++) {
        const key = Number.isNaN(keys[j]!) ? fill.last : keys[j]!;
        fill.last = key;
        if (Number.isNaN(prevFilled) || key < prevFilled) runs++;
        prevFilled = key;
      }
    };
    if (sorted && s.captured) {
      // Only the source boundary can start a run in a sorted source.
      if (n > 0) {
        if (Number.isNaN(prevFilled) || head < prevFilled) runs++;
        prevFilled = Number.isNaN(last) ? head : last;
      }
      const c = new StreamCursor(reader, s, head);
      if (c.advance()) cursors.push(c);
    } else {
      // Out of order (or read from lines with rows missing): its pieces again, into memory.
      const mem = sourceArrays(n);
      let o = 0;
      for (let p = reader.piece(s, s.first); p !== null; p = reader.piece(s, PieceReader.next(p, s))) {
        copyPiece(mem, o, p);
        o += p.n;
      }
      const ids = mem.ids.subarray(0, n);
      const keys = mem.keys.subarray(0, n);
      const flags = mem.flags.subarray(0, n);
      const nm = mem.names.subarray(0, 2 * n);
      let fill = head;
      for (let i = 0; i < n; i++) {
        const key = keys[i]!;
        if (Number.isNaN(key)) keys[i] = fill;
        else fill = key;
      }
      countRuns(keys, n, { last: head });
      const starts: number[] = [];
      for (let i = 0; i < n; i++) if (i === 0 || keys[i]! < keys[i - 1]!) starts.push(i);
      let perm: Int32Array = new Int32Array(n);
      for (let i = 0; i < n; i++) perm[i] = i;
      if (starts.length > 1) perm = mergeRuns(perm, keys, starts, n);
      const c = new SortedCursor(ids, keys, flags, nm, perm);
      if (c.advance()) cursors.push(c);
    }
    prevKey = prevFilled;
  }
  const tRead = performance.now();

  db.exec(
    'DELETE FROM merged_order; DELETE FROM merged_position; DELETE FROM minute_counts; DELETE FROM hour_counts;',
  );
  const insOrder = db.prepare(
    'INSERT INTO merged_order (chunk, ids, keys, flags, names) VALUES (?, ?, ?, ?, ?)',
  );
  const cIds = new Int32Array(CHUNK);
  const cKeys = new Float64Array(CHUNK);
  const cFlags = new Uint8Array(CHUNK);
  const cNames = new Uint16Array(2 * CHUNK);
  const firstKeys = new Float64Array(Math.ceil(k / CHUNK));
  const positions = new PositionWriter(db, maxLineId, spans);
  const hostCounts = new Float64Array(names.lists[0].length + 1);
  const programCounts = new Float64Array(names.lists[1].length + 1);
  const severities = new Array<number>(9).fill(0);
  const minutes = new Map<number, number[]>();
  const gaps: { gap: number; from: number; to: number; before: number; after: number }[] = [];
  const gapValues: number[] = [];
  const stride = Math.max(1, Math.floor(k / 200_000));
  let gapIndex = 0;
  let prevTs = NaN;
  let prevId = 0;
  let firstTs: number | null = null;
  let lastTs: number | null = null;
  let bytes = 0;
  let pos = 0;
  let j = 0;
  let chunk = 0;
  const heap = cursors;
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) siftDown(heap, i);
  while (heap.length > 0) {
    const c = heap[0]!;
    const id = c.id;
    const key = c.key;
    const fl = c.flags;
    if (j === 0) firstKeys[chunk] = key;
    cIds[j] = id;
    cKeys[j] = key;
    cFlags[j] = fl;
    cNames[2 * j] = c.host;
    cNames[2 * j + 1] = c.program;
    positions.set(id, pos);
    hostCounts[c.host]!++;
    programCounts[c.program]!++;
    severities[fl & 15]!++;
    if ((fl & UNTIMED) === 0) {
      firstTs ??= key;
      lastTs = key;
      const minute = Math.floor(key / 60_000);
      let m = minutes.get(minute);
      if (!m) minutes.set(minute, (m = new Array<number>(9).fill(0)));
      m[fl & 15]!++;
      if (!Number.isNaN(prevTs)) {
        const gap = key - prevTs;
        if (gap > 0) {
          if (gapIndex++ % stride === 0) gapValues.push(gap);
          if (gap >= MIN_SILENCE_MS) gaps.push({ gap, from: prevTs, to: key, before: prevId, after: id });
        }
      }
      prevTs = key;
      prevId = id;
    }
    pos++;
    if (++j === CHUNK) {
      insOrder.run(chunk++, le(cIds), le(cKeys), le(cFlags), le(cNames));
      bytes += CHUNK * 17;
      j = 0;
    }
    if (c.advance()) siftDown(heap, 0);
    else {
      const lastCursor = heap.pop()!;
      if (heap.length > 0) {
        heap[0] = lastCursor;
        siftDown(heap, 0);
      }
    }
  }
  if (j > 0) {
    insOrder.run(
      chunk,
      le(cIds.subarray(0, j)),
      le(cKeys.subarray(0, j)),
      le(cFlags.subarray(0, j)),
      le(cNames.subarray(0, 2 * j)),
    );
    bytes += j * 17;
  }
  const tSort = performance.now();
  db.prepare(
    "INSERT INTO meta_large (key, value) VALUES ('merged_order_keys', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
  ).run(le(firstKeys).toString('base64'));
  bytes += positions.finish();
  bytes += writeCounts(db, minutes);
  const usualGapMs = percentile(gapValues, 0.5);
  const silenceThresholdMs = Math.max(MIN_SILENCE_MS, usualGapMs * SILENCE_FACTOR);
  const silences: Silence[] = gaps
    .filter((g) => g.gap >= silenceThresholdMs)
    .sort((a, b) => b.gap - a.gap)
    .slice(0, SILENCE_LIMIT)
    .map((g) => ({ from: g.from, to: g.to, evidenceBefore: g.before, evidenceAfter: g.after }))
    .sort((a, b) => a.from - b.from);
  const facet = (list: string[], counts: Float64Array): { value: string; count: number }[] =>
    top(new Map(list.map((v, i) => [v, counts[i + 1] ?? 0] as const).filter(([, c]) => c > 0)));
  return {
    version: ORDER_VERSION,
    buildId: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`,
    lines: pos,
    sourceLines: sourceLineSum(db),
    maxLineId,
    buildMs: 0,
    phaseMs: {
      read: Math.round(tRead - started),
      sort: Math.round(tSort - tRead),
      count: 0,
      write: Math.round(performance.now() - tSort),
    },
    bytes,
    runs,
    silences,
    usualGapMs,
    silenceThresholdMs,
    facets: {
      hosts: facet(names.lists[0], hostCounts),
      programs: facet(names.lists[1], programCounts),
      severities,
    },
    firstTs,
    lastTs,
    names: { hosts: [...names.lists[0]], programs: [...names.lists[1]] },
    levelsBackfilled: 0,
  };
}

/** Minute and hour counts of the timeline; returns the bytes written. */
function writeCounts(db: Db, minutes: Map<number, number[]>): number {
  let bytes = 0;
  const insMin = db.prepare('INSERT INTO minute_counts (minute, level, n) VALUES (?, ?, ?)');
  const hours = new Map<number, number[]>();
  for (const [minute, c] of minutes) {
    const hour = Math.floor(minute / 60);
    let h = hours.get(hour);
    if (!h) hours.set(hour, (h = new Array<number>(9).fill(0)));
    c.forEach((v, level) => {
      if (v > 0) {
        insMin.run(minute, level, v);
        h[level] = (h[level] ?? 0) + v;
        bytes += 12;
      }
    });
  }
  // Hours too: a month-long case's timeline sums 720 rows, not 43 200.
  const insHour = db.prepare('INSERT INTO hour_counts (hour, level, n) VALUES (?, ?, ?)');
  for (const [hour, h] of hours)
    h.forEach((v, level) => {
      if (v > 0) {
        insHour.run(hour, level, v);
        bytes += 12;
      }
    });
  return bytes;
}

/** The whole-case sort, whatever the capture holds (tests compare it with the streaming build). */
export function buildMergedOrderWholeCase(db: Db, levelOf: (message: string) => number | null): OrderStats {
  const started = performance.now();
  ensureOrderTables(db);
  return buildInMemory(db, levelOf, started, backfillLevels(db, levelOf));
}

/**
 * The whole-case sort (every line's key, flags and names in memory, ~30 bytes a line): used
 * when the case has more host or program names than ids, where names are per build.
 */
function buildInMemory(
  db: Db,
  levelOf: (message: string) => number | null,
  started: number,
  levelsBackfilled: number,
): OrderStats {
  void levelOf;
  const packed = LineHeads.of(db).packed;
  const count = db
    .prepare(packed ? 'SELECT coalesce(sum(n), 0) AS n FROM line_heads' : 'SELECT count(*) AS n FROM lines')
    .get() as { n: number };
  const n = count.n;
  const maxLineId = lastLineId(db);

  const ids = new Int32Array(n);
  const keys = new Float64Array(n);
  const flags = new Uint8Array(n);
  // Sources are contiguous in line ids: where each one starts (index into the arrays).
  const sourceStarts: number[] = [];
  let lastSource = -1;
  const hosts = new Map<string, number>();
  const programs = new Map<string, number>();
  // Name ids per line: host and program interleaved (0 = none).
  const nameIds = new Uint16Array(n * 2);
  const hostId = new Map<string, number>();
  const programId = new Map<string, number>();
  let namesOverflow = false;
  const idOf = (m: Map<string, number>, v: string): number => {
    let id = m.get(v);
    if (id === undefined) {
      if (m.size >= MAX_NAMES) {
        namesOverflow = true;
        return 0;
      }
      id = m.size + 1;
      m.set(v, id);
    }
    return id;
  };
  const severities = new Array<number>(9).fill(0);
  const stmt = db
    .prepare(
      `SELECT line_id, source_id, ts, level, host, program FROM ${packed ? 'line_rows(?, ?)' : 'lines WHERE line_id >= ? AND line_id < ?'}`,
    )
    .raw(true);
  let k = 0;
  // Range scans on the primary key (rowid order); far cheaper than ORDER BY … LIMIT pages.
  for (let from = 1; from <= maxLineId; from += READ_CHUNK) {
    const rows = stmt.all(from, from + READ_CHUNK) as [
      number,
      number,
      number | null,
      number | null,
      string | null,
      string | null,
    ][];
    for (const r of rows) {
      if (k >= n) break;
      ids[k] = r[0];
      if (r[1] !== lastSource) {
        sourceStarts.push(k);
        lastSource = r[1];
      }
      const level = r[3] ?? LEVEL_NONE;
      if (r[2] === null) {
        keys[k] = NaN;
        flags[k] = level | UNTIMED;
      } else {
        keys[k] = r[2];
        flags[k] = level;
      }
      severities[level] = (severities[level] ?? 0) + 1;
      if (r[4] !== null) {
        hosts.set(r[4], (hosts.get(r[4]) ?? 0) + 1);
        nameIds[2 * k] = idOf(hostId, r[4]);
      }
      if (r[5] !== null) {
        programs.set(r[5], (programs.get(r[5]) ?? 0) + 1);
        nameIds[2 * k + 1] = idOf(programId, r[5]);
      }
      k++;
    }
  }
  const tRead = performance.now();
  fillUntimed(keys, sourceStarts, k);

  // Runs of ascending keys in id order, merged pairwise (stable: the left run wins ties).
  const runStarts: number[] = [];
  for (let i = 0; i < k; i++) if (i === 0 || keys[i]! < keys[i - 1]!) runStarts.push(i);
  const runs = runStarts.length;
  let perm: Int32Array = new Int32Array(k);
  for (let i = 0; i < k; i++) perm[i] = i;
  if (runs > 1) perm = mergeRuns(perm, keys, runStarts, k);

  const tSort = performance.now();
  // Minute counts and silences from the sorted keys (lines with their own time only).
  const minutes = new Map<number, number[]>();
  const gaps: { gap: number; at: number; before: number }[] = [];
  // The usual gap is measured on a sample (every stride-th gap): 10M gaps need not be sorted.
  const gapValues: number[] = [];
  const stride = Math.max(1, Math.floor(k / 200_000));
  let gapIndex = 0;
  let prevTimed = -1;
  let firstTs: number | null = null;
  let lastTs: number | null = null;
  for (let p = 0; p < k; p++) {
    const i = perm[p]!;
    if ((flags[i]! & UNTIMED) !== 0) continue;
    const ts = keys[i]!;
    firstTs ??= ts;
    lastTs = ts;
    const minute = Math.floor(ts / 60_000);
    let c = minutes.get(minute);
    if (!c) minutes.set(minute, (c = new Array<number>(9).fill(0)));
    c[flags[i]! & 15]!++;
    if (prevTimed >= 0) {
      const gap = ts - keys[perm[prevTimed]!]!;
      if (gap > 0) {
        if (gapIndex++ % stride === 0) gapValues.push(gap);
        if (gap >= MIN_SILENCE_MS) gaps.push({ gap, at: p, before: prevTimed });
      }
    }
    prevTimed = p;
  }
  // The usual gap is the median of the positive gaps between consecutive timed lines; a
  // silence is 50 times that, and never under 5 minutes (a busy log's median is a second).
  const usualGapMs = percentile(gapValues, 0.5);
  const silenceThresholdMs = Math.max(MIN_SILENCE_MS, usualGapMs * SILENCE_FACTOR);
  const silences: Silence[] = gaps
    .filter((g) => g.gap >= silenceThresholdMs)
    .sort((a, b) => b.gap - a.gap)
    .slice(0, SILENCE_LIMIT)
    .map((g) => ({
      from: keys[perm[g.before]!]!,
      to: keys[perm[g.at]!]!,
      evidenceBefore: ids[perm[g.before]!]!,
      evidenceAfter: ids[perm[g.at]!]!,
    }))
    .sort((a, b) => a.from - b.from);

  const tCount = performance.now();
  let bytes = 0;
  db.transaction(() => {
    db.exec(
      'DELETE FROM merged_order; DELETE FROM merged_position; DELETE FROM minute_counts; DELETE FROM hour_counts;',
    );
    // Each chunk's first key, kept apart so opening the case reads 8 bytes per chunk, not the
    // chunks themselves (locateTime's binary search starts from these).
    const firstKeys = new Float64Array(Math.ceil(k / CHUNK));
    for (let c = 0; c < firstKeys.length; c++) firstKeys[c] = keys[perm[c * CHUNK]!]!;
    db.prepare(
      "INSERT INTO meta_large (key, value) VALUES ('merged_order_keys', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    ).run(le(firstKeys).toString('base64'));
    const insOrder = db.prepare(
      'INSERT INTO merged_order (chunk, ids, keys, flags, names) VALUES (?, ?, ?, ?, ?)',
    );
    for (let c = 0; c * CHUNK < k; c++) {
      const len = Math.min(CHUNK, k - c * CHUNK);
      const cIds = new Int32Array(len);
      const cKeys = new Float64Array(len);
      const cFlags = new Uint8Array(len);
      const cNames = new Uint16Array(len * 2);
      for (let j = 0; j < len; j++) {
        const i = perm[c * CHUNK + j]!;
        cIds[j] = ids[i]!;
        cKeys[j] = keys[i]!;
        cFlags[j] = flags[i]!;
        cNames[2 * j] = nameIds[2 * i]!;
        cNames[2 * j + 1] = nameIds[2 * i + 1]!;
      }
      insOrder.run(c, le(cIds), le(cKeys), le(cFlags), le(cNames));
      bytes += len * 17;
    }
    const insPos = db.prepare('INSERT INTO merged_position (chunk, positions) VALUES (?, ?)');
    const chunks = Math.ceil(maxLineId / CHUNK);
    const reverse = new Int32Array(chunks * CHUNK).fill(-1);
    for (let p = 0; p < k; p++) reverse[ids[perm[p]!]! - 1] = p;
    for (let c = 0; c < chunks; c++) {
      insPos.run(c, le(reverse.subarray(c * CHUNK, (c + 1) * CHUNK)));
      bytes += CHUNK * 4;
    }
    bytes += writeCounts(db, minutes);
    const stats: OrderStats = {
      version: ORDER_VERSION,
      buildId: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`,
      lines: k,
      sourceLines: sourceLineSum(db),
      maxLineId,
      buildMs: Math.round(performance.now() - started),
      phaseMs: {
        read: Math.round(tRead - started),
        sort: Math.round(tSort - tRead),
        count: Math.round(tCount - tSort),
        write: Math.round(performance.now() - tCount),
      },
      bytes,
      runs,
      silences,
      usualGapMs,
      silenceThresholdMs,
      facets: {
        hosts: top(hosts),
        programs: top(programs),
        severities,
      },
      firstTs,
      lastTs,
      names: namesOverflow ? null : { hosts: [...hostId.keys()], programs: [...programId.keys()] },
      levelsBackfilled,
    };
    writeStats(db, stats);
  })();
  const stats = readOrderStats(db)!;
  stats.buildMs = Math.round(performance.now() - started);
  db.prepare("UPDATE meta_large SET value = ? WHERE key = 'merged_order'").run(JSON.stringify(stats));
  return stats;
}

/**
 * Cases opened by a development build of schema v4 have merged_order without its names
 * column: the order is derived data, so the table is simply made again.
 */
function ensureOrderTables(db: Db): void {
  db.exec('CREATE TABLE IF NOT EXISTS meta_large (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  db.exec(
    'CREATE TABLE IF NOT EXISTS hour_counts (hour INTEGER NOT NULL, level INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (hour, level)) WITHOUT ROWID',
  );
  const cols = db.prepare('PRAGMA table_info(merged_order)').all() as { name: string }[];
  if (cols.some((c) => c.name === 'names')) return;
  db.exec(`DROP TABLE IF EXISTS merged_order;
    CREATE TABLE merged_order (chunk INTEGER PRIMARY KEY, ids BLOB NOT NULL, keys BLOB NOT NULL, flags BLOB NOT NULL, names BLOB NOT NULL);`);
}

/** The stored order's figures, or null when there is none (or it is stale). */
export function readOrderStats(db: Db): OrderStats | null {
  const row = db.prepare("SELECT value FROM meta_large WHERE key = 'merged_order'").get() as
    { value: string } | undefined;
  if (!row) return null;
  const stats = JSON.parse(row.value) as OrderStats;
  return stats.version === ORDER_VERSION ? stats : null;
}

/** Forgets the stored order (ingest started, zone changed): the merged view is ingest order until rebuilt. */
export function dropMergedOrder(db: Db): void {
  db.prepare("DELETE FROM meta WHERE key = 'merged_order_id'").run();
  db.prepare("DELETE FROM meta_large WHERE key IN ('merged_order', 'merged_order_keys')").run();
}

/** The id of the stored order's build (changes with every build), or null. */
export function storedOrderId(db: Db): string | null {
  const row = db.prepare("SELECT value FROM meta WHERE key = 'merged_order_id'").get() as
    { value: string } | undefined;
  return row?.value ?? null;
}

function sourceLineSum(db: Db): number {
  return (db.prepare('SELECT coalesce(sum(line_count), 0) AS n FROM sources').get() as { n: number }).n;
}

/** Whether the stored order still describes the lines table (same line count and last id). */
export function orderIsCurrent(db: Db, stats: OrderStats | null): stats is OrderStats {
  if (!stats) return false;
  return sourceLineSum(db) === stats.sourceLines && lastLineId(db) === stats.maxLineId;
}

/** Keys for lines without a time, per the rules in the header comment. */
function fillUntimed(keys: Float64Array, sourceStarts: readonly number[], k: number): void {
  let prevKey = -Infinity; // the key of the line ingested just before (any source)
  for (let s = 0; s < sourceStarts.length; s++) {
    const i = sourceStarts[s]!;
    const end = sourceStarts[s + 1] ?? k;
    let firstTimed = -1;
    for (let j = i; j < end; j++)
      if (!Number.isNaN(keys[j]!)) {
        firstTimed = j;
        break;
      }
    if (firstTimed < 0) {
      for (let j = i; j < end; j++) keys[j] = prevKey;
    } else {
      const head = keys[firstTimed]!;
      for (let j = i; j < firstTimed; j++) keys[j] = head;
      let last = head;
      for (let j = firstTimed; j < end; j++) {
        if (Number.isNaN(keys[j]!)) keys[j] = last;
        else last = keys[j]!;
      }
    }
    prevKey = keys[end - 1]!;
  }
}

/** Bottom-up merge of ascending runs; ties keep the lower index first (stable). */
function mergeRuns(perm: Int32Array, keys: Float64Array, runStarts: number[], k: number): Int32Array {
  let src: Int32Array = perm;
  let dst: Int32Array = new Int32Array(k);
  let starts = runStarts;
  while (starts.length > 1) {
    const next: number[] = [];
    for (let r = 0; r < starts.length; r += 2) {
      const a0 = starts[r]!;
      const a1 = starts[r + 1] ?? k;
      const b1 = starts[r + 2] ?? k;
      next.push(a0);
      let a = a0;
      let b = a1;
      let o = a0;
      while (a < a1 && b < b1) {
        const ka = keys[src[a]!]!;
        const kb = keys[src[b]!]!;
        if (kb < ka) dst[o++] = src[b++]!;
        else dst[o++] = src[a++]!;
      }
      while (a < a1) dst[o++] = src[a++]!;
      while (b < b1) dst[o++] = src[b++]!;
    }
    starts = next;
    const t = src;
    src = dst;
    dst = t;
  }
  return src;
}

function percentile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function top(m: Map<string, number>): { value: string; count: number }[] {
  return [...m]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, FACET_LIMIT)
    .map(([value, count]) => ({ value, count }));
}
