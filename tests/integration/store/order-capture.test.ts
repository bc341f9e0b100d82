/**
 * The merged order built from what the ingest captured (order_capture, schema v6) must be the
 * order the whole-case sort gives, on real files: every corpus syslog, dmesg, wtmp and journal
 * file in one case (sources out of time order, sources without any time, untimed heads),
 * ingested in small batches so provisional times are rewritten (and their capture patched).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestInputs } from '../../../src/main/engine/ingest/ingest';
import {
  buildMergedOrder,
  buildMergedOrderWholeCase,
  CHUNK,
  type OrderStats,
} from '../../../src/main/engine/query/order';
import { inferLevel } from '../../../src/main/engine/query/severity';
import { CaseStore } from '../../../src/main/engine/store/case-store';
import type { Db } from '../../../src/main/engine/store/database';
import { f64, u16 } from '../../../src/main/engine/store/order-capture';
import { corpusAvailable, corpusPath, corpusSkipReason } from '../../helpers/corpus';
import { tmpDir } from '../../helpers/tmp';
import { createCaseWithStore } from '../../helpers/text-store';

interface Snapshot {
  rows: string[];
  minutes: string[];
  hours: string[];
  stats: Pick<OrderStats, 'lines' | 'firstTs' | 'lastTs' | 'silences' | 'facets' | 'runs' | 'usualGapMs'>;
}

/** The stored order with host/program ids resolved to names (ids differ between builds). */
function snapshot(db: Db, stats: OrderStats): Snapshot {
  const rows: string[] = [];
  const chunks = db.prepare('SELECT ids, keys, flags, names FROM merged_order ORDER BY chunk').all() as {
    ids: Buffer;
    keys: Buffer;
    flags: Buffer;
    names: Buffer;
  }[];
  const name = (list: string[] | undefined, id: number): string => (id === 0 ? '' : (list?.[id - 1] ?? '?'));
  for (const c of chunks) {
    const ids = new Int32Array(new Uint8Array(c.ids).buffer);
    const keys = f64(c.keys);
    const names = u16(c.names);
    expect(ids.length).toBeLessThanOrEqual(CHUNK);
    for (let j = 0; j < ids.length; j++)
      rows.push(
        `${ids[j]} ${keys[j]} ${c.flags[j]} ${name(stats.names?.hosts, names[2 * j]!)} ${name(stats.names?.programs, names[2 * j + 1]!)}`,
      );
  }
  const positions = db.prepare('SELECT positions FROM merged_position ORDER BY chunk').all() as {
    positions: Buffer;
  }[];
  // The reverse table points back at each line's position.
  const order = rows.map((r) => Number(r.split(' ')[0]));
  const positionOf = new Map<number, number>();
  for (const [c, p] of positions.entries()) {
    const pos = new Int32Array(new Uint8Array(p.positions).buffer);
    expect(pos.length).toBe(CHUNK);
    for (let j = 0; j < pos.length; j++)
      if (pos[j]! >= 0) {
        expect(order[pos[j]!]).toBe(c * CHUNK + j + 1);
        positionOf.set(c * CHUNK + j + 1, pos[j]!);
      }
  }
  // … and every line of the order has its position, in a chunk for every CHUNK line ids.
  expect(order.filter((id, i) => positionOf.get(id) !== i)).toEqual([]);
  expect(positions.length).toBe(Math.ceil(Math.max(0, ...order) / CHUNK));
  const minutes = (
    db.prepare('SELECT minute, level, n FROM minute_counts ORDER BY 1, 2').raw(true).all() as unknown[][]
  ).map((r) => r.join(' '));
  const hours = (
    db.prepare('SELECT hour, level, n FROM hour_counts ORDER BY 1, 2').raw(true).all() as unknown[][]
  ).map((r) => r.join(' '));
  const { lines, firstTs, lastTs, silences, facets, runs, usualGapMs } = stats;
  return { rows, minutes, hours, stats: { lines, firstTs, lastTs, silences, facets, runs, usualGapMs } };
}

for (const textStore of ['packed', 'blocks'] as const)
  describe.skipIf(!corpusAvailable)(`merged order from the ingest capture (${textStore})`, () => {
    if (!corpusAvailable) console.warn(`[skip] ${corpusSkipReason}`);
    const dir = tmpDir('pm-capture-');
    const file = path.join(dir, 'c.pmcase');
    const inputs = ['a-syslog', 'b-dmesg', 'c-wtmp', 'd-journal'].map((f) => corpusPath(f));

    it('captures every line of every source while inserting, rewritten times included', async () => {
      createCaseWithStore(file, textStore);
      const store = CaseStore.open(file, { create: false });
      // Batches of 7 rows: sources whose year or zone is learned late get their times rewritten.
      const outcome = await ingestInputs(store, inputs, { batchLines: 7 });
      expect(outcome.lines).toBeGreaterThan(10_000);
      const db = store.db;
      const sources = db
        .prepare('SELECT source_id, first_line_id, line_count FROM sources WHERE line_count > 0')
        .all() as { source_id: number; first_line_id: number; line_count: number }[];
      expect(sources.length).toBeGreaterThan(20);
      const pieces = db
        .prepare('SELECT first_line_id, source_id, n, keys, flags FROM order_capture ORDER BY 1')
        .all() as {
        first_line_id: number;
        source_id: number;
        n: number;
        keys: Buffer;
        flags: Buffer;
      }[];
      const lineRows = db
        .prepare('SELECT line_id, source_id, ts, level FROM line_rows(0, 9007199254740991) ORDER BY line_id')
        .raw(true)
        .all() as [number, number, number | null, number | null][];
      const byId = new Map(lineRows.map((r) => [r[0], r]));
      let covered = 0;
      for (const p of pieces) {
        const keys = f64(p.keys);
        for (let j = 0; j < p.n; j++) {
          const r = byId.get(p.first_line_id + j)!;
          expect(r[1]).toBe(p.source_id);
          if (r[2] === null) expect(Number.isNaN(keys[j]!)).toBe(true);
          else expect(keys[j]).toBe(r[2]);
          expect(p.flags[j]! & 15).toBe(r[3] ?? 8);
          expect((p.flags[j]! & 16) !== 0).toBe(r[2] === null);
          covered++;
        }
      }
      expect(covered).toBe(lineRows.length);
      // The rewrite path really ran: some source's times moved after their batch was written.
      const rewritten = db
        .prepare("SELECT count(*) AS n FROM sources WHERE time_anchor LIKE '%inferred%'")
        .get() as {
        n: number;
      };
      expect(rewritten.n).toBeGreaterThan(0);
      store.close();
    });

    it('builds the same order as the whole-case sort, streamed or with sources read from lines', () => {
      const store = CaseStore.open(file, { create: false });
      const db = store.db;
      const streamed = buildMergedOrder(db, inferLevel);
      const a = snapshot(db, streamed);
      // Not a vacuous case: several sources go back in time, some have no time at all.
      const rowsInOrder = db
        .prepare('SELECT source_id, ts FROM line_rows(0, 9007199254740991)')
        .raw(true)
        .all() as [number, number | null][];
      const backwards = new Set<number>();
      for (let k = 1; k < rowsInOrder.length; k++) {
        const [sa, ta] = rowsInOrder[k - 1]!;
        const [sb, tb] = rowsInOrder[k]!;
        if (sa === sb && ta !== null && tb !== null && tb < ta) backwards.add(sa);
      }
      const unsorted = { n: backwards.size };
      expect(unsorted.n).toBeGreaterThan(1);
      const untimed = db
        .prepare(
          'SELECT count(*) AS n FROM sources s WHERE line_count > 0 AND NOT EXISTS (SELECT 1 FROM line_rows(s.first_line_id, s.first_line_id + s.line_count) l WHERE l.ts IS NOT NULL)',
        )
        .get() as { n: number };
      expect(untimed.n).toBeGreaterThan(0);

      const whole = buildMergedOrderWholeCase(db, inferLevel);
      expect(snapshot(db, whole)).toEqual(a);

      // Half the sources lose their capture (a zone change, a case made before v6): read from lines.
      db.prepare('DELETE FROM order_capture WHERE source_id % 2 = 0').run();
      const mixed = buildMergedOrder(db, inferLevel);
      expect(snapshot(db, mixed)).toEqual(a);
      expect(a.rows).toHaveLength(streamed.lines);
      // Reading them from lines captured them again: the next build streams every source.
      const recaptured = db
        .prepare(
          `SELECT count(*) AS n FROM sources s WHERE line_count > 0 AND line_count =
           (SELECT coalesce(sum(n), 0) FROM order_capture c WHERE c.source_id = s.source_id)`,
        )
        .get() as { n: number };
      const withLines = db.prepare('SELECT count(*) AS n FROM sources WHERE line_count > 0').get() as {
        n: number;
      };
      expect(recaptured.n).toBe(withLines.n);
      expect(snapshot(db, buildMergedOrder(db, inferLevel))).toEqual(a);

      // Packed headers have no row to lose: a source's lines are gap-free by construction.
      if (textStore === 'packed') {
        store.close();
        return;
      }
      // Every capture gone and a row missing from the middle of the biggest source: that source
      // cannot be streamed from a capture (it has a gap) and is read from lines into memory; the
      // others are captured as they are read and streamed or sorted from it. Same order as the
      // whole-case sort of the rows that are left.
      db.prepare('DELETE FROM order_capture').run();
      const big = db
        .prepare('SELECT first_line_id AS f, line_count AS n FROM sources ORDER BY line_count DESC LIMIT 1')
        .get() as { f: number; n: number };
      db.prepare('DELETE FROM lines WHERE line_id = ?').run(big.f + Math.floor(big.n / 2));
      const gap = snapshot(db, buildMergedOrder(db, inferLevel));
      expect(gap).toEqual(snapshot(db, buildMergedOrderWholeCase(db, inferLevel)));
      expect(gap.rows).toHaveLength(a.rows.length - 1);
      store.close();
    });
  });
