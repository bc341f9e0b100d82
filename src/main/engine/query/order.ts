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
import type { Db } from '../store/database';

export const CHUNK = 4096;
/** flags byte: level 0-7, or LEVEL_NONE; + UNTIMED when the line has no time of its own. */
export const LEVEL_NONE = 8;
export const UNTIMED = 16;
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

/** A typed array's bytes as stored (little-endian on every platform Postmortem runs on). */
function le<T extends Int32Array | Float64Array | Uint8Array | Uint16Array>(a: T): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/**
 * Builds and stores the time order of every line of the case. Synchronous, one pass over the
 * lines table (line_id, source_id, ts, level, host, program), then a natural merge sort over
 * runs of ascending keys (a log file is mostly ascending already: O(n log runs)).
 */
export function buildMergedOrder(db: Db, levelOf: (message: string) => number | null): OrderStats {
  const started = performance.now();
  const count = db.prepare('SELECT count(*) AS n, max(line_id) AS m FROM lines').get() as {
    n: number;
    m: number | null;
  };
  const n = count.n;
  const maxLineId = count.m ?? 0;
  ensureOrderTables(db);

  // Cases made before schema v4 have no level: fill it in once (printed severity or words).
  let levelsBackfilled = 0;
  const pending = db.prepare("SELECT 1 FROM meta WHERE key = 'levels_pending'").get();
  if (pending) {
    db.function('pm_level', { deterministic: true }, (sev: unknown, text: unknown) =>
      sev !== null && sev !== undefined ? Number(sev) : levelOf(String(text)),
    );
    levelsBackfilled = db
      .prepare(
        'UPDATE lines SET level = pm_level(severity, text) WHERE level IS NULL AND pm_level(severity, text) IS NOT NULL',
      )
      .run().changes;
    db.prepare("DELETE FROM meta WHERE key = 'levels_pending'").run();
  }

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
      'SELECT line_id, source_id, ts, level, host, program FROM lines WHERE line_id >= ? AND line_id < ?',
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
    db.prepare(
      "INSERT INTO meta_large (key, value) VALUES ('merged_order', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    ).run(JSON.stringify(stats));
    db.prepare(
      "INSERT INTO meta (key, value) VALUES ('merged_order_id', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    ).run(stats.buildId);
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
  const m = db.prepare('SELECT max(line_id) AS m FROM lines').get() as { m: number | null };
  return sourceLineSum(db) === stats.sourceLines && (m.m ?? 0) === stats.maxLineId;
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
