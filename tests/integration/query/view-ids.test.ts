/**
 * A search's scan reads only the ids of a view's positions (View.ids, Order.chunkIds): they are
 * the ids slice() gives, for the merged view over the stored time order and over the ingest
 * order, one source's view and a filtered view, across the order's 4,096-line chunk edges,
 * whether or not the whole chunk is already held.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../src/main/engine/engine';
import { CaseStore } from '../../../src/main/engine/store/case-store';
import { CHUNK, readOrderStats } from '../../../src/main/engine/query/order';
import {
  FilteredView,
  IngestOrder,
  MergedView,
  SourceView,
  StoredOrder,
  type View,
} from '../../../src/main/engine/query/views';
import { corpusAvailable, corpusPath, corpusSkipReason } from '../../helpers/corpus';
import { SAMPLE, tmpDir } from '../../helpers/tmp';
import { ingestInto } from '../../helpers/text-store';

const KERN_LOG = 'f-sos/hotsos_openstack_sosreport/var/log/kern.log';
const BIG_JOURNAL =
  'f-sos/hotsos_openstack_sosreport/sos_commands/logs/journalctl_--no-pager_--catalog_--boot_-1';

function expectSameIds(view: View, ranges: Array<[number, number]>): number {
  let checked = 0;
  for (const [start, count] of ranges) {
    const ids = view.ids(start, count);
    expect(Array.from(ids), `${view.constructor.name} ${start}+${count}`).toEqual(
      Array.from(view.slice(start, count).ids),
    );
    checked += ids.length;
  }
  return checked;
}

describe.skipIf(!corpusAvailable)('View.ids: the ids of slice(), read alone', () => {
  if (!corpusAvailable) console.warn(`[skip] ${corpusSkipReason}`);
  const dir = tmpDir('pm-view-ids-');
  const file = path.join(dir, 'case.pmcase');
  beforeAll(async () => {
    const e = new Engine(() => undefined);
    await ingestInto(e, file, [SAMPLE, corpusPath(BIG_JOURNAL), corpusPath(KERN_LOG)], 'packed');
    e.closeAll();
  }, 120_000);

  it('merged, source and filtered views over the stored order and the ingest order', () => {
    const s = CaseStore.open(file, { create: false });
    try {
      const stats = readOrderStats(s.db);
      expect(stats).not.toBeNull();
      const total = stats!.lines;
      expect(total).toBeGreaterThan(2 * CHUNK);
      const ranges: Array<[number, number]> = [
        [0, 10],
        [CHUNK - 5, 10],
        [CHUNK, CHUNK],
        [total - 7, 100],
        [total + 5, 10],
        [0, total],
      ];
      for (const order of [new StoredOrder(s.db, stats!), new IngestOrder(s.db)]) {
        const merged = new MergedView(order);
        expect(expectSameIds(merged, ranges)).toBeGreaterThan(total);
        // Chunks first read whole (slice) and then for ids, and the other way round: same ids.
        expect(expectSameIds(new MergedView(order), [[2 * CHUNK - 3, 6]])).toBe(6);
        const src = s.db
          .prepare('SELECT first_line_id, line_count FROM sources WHERE line_count > ? ORDER BY source_id')
          .raw(true)
          .get(CHUNK) as [number, number];
        const one = new SourceView(order, src[0], src[1]);
        expect(
          expectSameIds(one, [
            [0, 5],
            [CHUNK - 2, 4],
            [src[1] - 3, 10],
            [0, src[1]],
          ]),
        ).toBeGreaterThan(src[1]);
        // Every third position, in order (a filter's kept positions).
        const kept = Int32Array.from({ length: Math.floor(total / 3) }, (_, i) => 3 * i + 1);
        const filtered = new FilteredView(order, kept);
        expect(
          expectSameIds(filtered, [
            [0, 3],
            [Math.floor(CHUNK / 3) - 2, 5],
            [0, kept.length],
          ]),
        ).toBeGreaterThan(kept.length);
      }
    } finally {
      s.close();
    }
  });
});
