/**
 * Years chained across a rotation family. A year-less log (RFC3164 syslog, journal short,
 * `last`) takes its year from its own evidence first (a year or ISO time inside it), then from
 * bounds: its file's mtime, the gzip header. A rotated member often has neither that can be
 * trusted (mtimes lost or reset by a copy, a gzip MTIME of 0), yet its family says where it
 * ends: an older rotation ends before the next newer one begins. So, newest to oldest, each
 * year-less member whose lines end after the next newer member's first line (by more than a
 * day of jitter), or that got no year at all, is clocked again from its stored lines with that
 * first line as a `not-after` bound, the bound named in every line's anchor. A family that
 * spans New Year thus gets Dec in year N-1 and Jan in N, as lnav's and plaso's rules would
 * within one file. Years printed or found inside a member still win over the bound.
 */
import { formatOf, type FormatKind } from '../formats/registry';
import type { CaseStore } from '../store/case-store';
import { type Anchor, type ZoneSpec } from './clock';
import { caseZone, entryAnchors } from './source-ingest';
import { SourceTimes } from './source-times';

const DAY = 86_400_000;
const READ = 8192;

interface Member {
  source_id: number;
  path: string;
  family: string;
  rotation: number;
  first_line_id: number;
  line_count: number;
  format: string | null;
  zone: string | null;
  mtime_ms: number | null;
  time_anchor: string | null;
}

export interface ChainedSource {
  sourceId: number;
  path: string;
  /** The newer rotation whose first line bounded this one. */
  boundBy: string;
  anchor: string;
}

/** Re-clocks the members of this input's rotation families whose years the family contradicts. */
export function chainRotationYears(store: CaseStore, inputId: number): ChainedSource[] {
  const rows = store.db
    .prepare(
      `SELECT source_id, path, family, rotation, first_line_id, line_count, format, zone, mtime_ms, time_anchor
       FROM sources WHERE input_id = ? AND family IS NOT NULL AND rotation IS NOT NULL
         AND status = 'complete' AND line_count > 0 ORDER BY family, rotation, source_id`,
    )
    .all(inputId) as Member[];
  const families = new Map<string, Member[]>();
  for (const r of rows) {
    let list = families.get(r.family);
    if (!list) families.set(r.family, (list = []));
    list.push(r);
  }
  const out: ChainedSource[] = [];
  const firstTs = store.db.prepare(
    'SELECT ts FROM lines WHERE line_id >= ? AND line_id < ? AND ts IS NOT NULL ORDER BY line_id LIMIT 1',
  );
  const lastTs = store.db.prepare(
    'SELECT ts FROM lines WHERE line_id >= ? AND line_id < ? AND ts IS NOT NULL ORDER BY line_id DESC LIMIT 1',
  );
  const tsOf = (stmt: typeof firstTs, m: Member): number | null =>
    store.heads.packed
      ? store.heads.edgeTime(m.first_line_id, m.first_line_id + m.line_count, stmt === lastTs)
      : ((stmt.get(m.first_line_id, m.first_line_id + m.line_count) as { ts: number } | undefined)?.ts ??
        null);

  for (const members of families.values()) {
    if (members.length < 2) continue;
    let bound: { ts: number; path: string } | null = null;
    for (const m of members) {
      if (bound !== null && yearless(m) && !yearFromItself(m)) {
        const last = tsOf(lastTs, m);
        if (last === null || last > bound.ts + DAY) {
          const anchor = reclock(store, m, bound);
          if (anchor !== null) out.push({ sourceId: m.source_id, path: m.path, boundBy: bound.path, anchor });
        }
      }
      const first = tsOf(firstTs, m);
      if (first !== null) bound = { ts: first, path: m.path };
    }
  }
  return out;
}

/** The source has lines without a printed year (its time anchor says so). */
function yearless(m: Member): boolean {
  return m.time_anchor !== null && /year-less line/.test(m.time_anchor);
}

/** Its year came from inside the file (a printed year, an ISO time in a message): keep it. */
function yearFromItself(m: Member): boolean {
  return (
    m.time_anchor !== null &&
    /inferred \(year-inferred\)[^.]*: (?:ISO time|year \d+ printed)/.test(m.time_anchor)
  );
}

/** Clocks one member again from its stored lines with the family bound; returns its new anchor text. */
function reclock(store: CaseStore, m: Member, bound: { ts: number; path: string }): string | null {
  if (m.format === null) return null;
  const def = formatOf(m.format as FormatKind);
  // Multi-line records and forward formats need the reader's state: not re-read row by row.
  if (def.kind === 'plain' || def.createReader || def.splitRecords) return null;
  let zone: ZoneSpec | undefined;
  try {
    zone = m.zone ? (JSON.parse(m.zone) as ZoneSpec) : caseZone(store);
  } catch {
    zone = caseZone(store);
  }
  const anchors: Anchor[] = [
    ...entryAnchors({ path: m.path, mtimeMs: m.mtime_ms, gzip: undefined }),
    {
      role: 'not-after',
      utcMs: bound.ts,
      description: `the next newer rotation ${bound.path} begins at ${new Date(bound.ts).toISOString()}`,
    },
  ];
  const times = new SourceTimes(zone ? { zone } : {}, anchors);
  const read = store.db
    .prepare(
      store.heads.packed
        ? 'SELECT line_text(block, line_id, text) FROM line_rows(?, ?)'
        : 'SELECT line_text(block, line_id, text) FROM lines WHERE line_id >= ? AND line_id < ? ORDER BY line_id',
    )
    .pluck();
  const end = m.first_line_id + m.line_count;
  for (let from = m.first_line_id; from < end; from += READ) {
    for (const text of read.all(from, Math.min(end, from + READ)) as string[]) {
      const parsed = def.parse(text);
      if (!parsed) {
        times.push(undefined, {});
        continue;
      }
      const how: { continuation?: boolean; damaged?: string; repair?: string; message?: string } = {
        message: parsed.message,
      };
      if (parsed.continuation) how.continuation = true;
      if (parsed.damaged !== undefined) how.damaged = parsed.damaged;
      if (parsed.repair !== undefined) how.repair = parsed.repair;
      times.push(parsed.ts, how);
    }
  }
  if (times.length !== m.line_count) return null;
  const { resolution } = times.finish();
  store.rewriteTimes(m.first_line_id, times.finalTimes([{ from: 0, to: m.line_count }]));
  const anchor = times.anchorText(resolution);
  store.db.prepare('UPDATE sources SET time_anchor = ? WHERE source_id = ?').run(anchor, m.source_id);
  return anchor;
}
