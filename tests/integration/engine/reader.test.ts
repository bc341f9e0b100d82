/**
 * The viewer's reader worker (engine/client.ts): the viewer's reads are answered by a second
 * worker with its own connection to the case, with the same answers as the main engine; a bad
 * request is still an error; a case whose time order is not built yet goes to the main engine
 * (which builds it), and the reader follows an order rebuilt behind its back.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { EngineClient } from '../../../src/main/engine/client';
import { Engine } from '../../../src/main/engine/engine';
import { dropMergedOrder } from '../../../src/main/engine/query/order';
import type { LineView } from '../../../src/shared/model/case';
import { EMPTY_FILTER, type LineFilter } from '../../../src/shared/model/view';
import { SAMPLE, SAMPLE_TREE, tmpDir } from '../../helpers/tmp';

const syslog = readFileSync(path.join(SAMPLE_TREE, 'var/log/syslog'), 'utf8').split('\n');

const BY_LEVEL: LineFilter = { ...EMPTY_FILTER, severities: ['warning', 'err'] };
const VIEWS: LineView[] = [
  { kind: 'merged' },
  { kind: 'source', sourceId: 1 },
  {
    kind: 'filtered',
    filter: { ...EMPTY_FILTER, include: [{ pattern: 'write_iter', mode: 'text', caseSensitive: false }] },
  },
  { kind: 'filtered', filter: BY_LEVEL },
];

/** Every viewer read of the case, in one list: from the worker client or from an in-process engine. */
async function readAll(
  call: <
    M extends 'getLines' | 'locateLine' | 'locateLines' | 'locateTime' | 'seekLine' | 'histogram' | 'facets',
  >(
    m: M,
    a: Parameters<Engine[M]>[0],
  ) => Promise<unknown>,
  caseId: string,
): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const view of VIEWS) {
    const page = (await call('getLines', { caseId, view, start: 0, count: 500 })) as {
      lines: { lineId: number; ts: number | null }[];
    };
    out.push(page);
    const mid = page.lines[Math.floor(page.lines.length / 2)];
    // The page's lines, a line beyond the case and (in the filtered views) lines they drop.
    const ids = [...page.lines.map((l) => l.lineId).reverse(), 1, 2, 3, 99_999_999];
    const many = (await call('locateLines', { caseId, view, lineIds: ids })) as {
      positions: (number | null)[];
    };
    // The page starts at position 0: its lines, reversed, sit at n-1 … 0.
    const n = page.lines.length;
    expect(many.positions.slice(0, n)).toEqual(page.lines.map((_, i) => n - 1 - i));
    expect(many.positions.at(-1)).toBeNull();
    out.push(many);
    if (mid) {
      out.push(await call('locateLine', { caseId, view, lineId: mid.lineId }));
      if (mid.ts !== null) out.push(await call('locateTime', { caseId, view, ts: mid.ts }));
    }
    out.push(
      await call('seekLine', { caseId, view, from: 0, direction: 'next', severities: ['err', 'crit'] }),
    );
  }
  out.push(await call('histogram', { caseId, filter: null, from: null, to: null, buckets: 50 }));
  out.push(await call('histogram', { caseId, filter: BY_LEVEL, from: null, to: null, buckets: 50 }));
  out.push(await call('facets', { caseId }));
  return out;
}

describe('the viewer reader worker', () => {
  const dir = tmpDir('pm-reader-');
  const client = new EngineClient();
  afterAll(() => client.close());

  it('answers the viewer reads as the main engine does', async () => {
    const file = path.join(dir, 'a.pmcase');
    const { caseId } = await client.call('openCase', { file, create: true });
    await client.call('ingest', { caseId, jobId: 'j', inputs: [SAMPLE] });
    expect(await client.readerReady(caseId)).toBe(true);

    const before = { ...client.viewerReads };
    const viaReader = await readAll((m, a) => client.call(m, a as never), caseId);
    const reads = viaReader.length;
    expect(client.viewerReads).toEqual({ reader: before.reader + reads, main: before.main });

    const oracle = new Engine();
    oracle.openCase({ file, create: false });
    try {
      const direct = await readAll(
        (m, a) => Promise.resolve((oracle[m] as (x: unknown) => unknown).call(oracle, a)),
        caseId,
      );
      expect(viaReader).toEqual(direct);
      // The sample's write_iter flood is in the filtered page (not an empty comparison).
      const flood = viaReader.find((r) => (r as { view?: LineView }).view?.kind === 'filtered') as {
        total: number;
        lines: { text: string }[];
      };
      expect(flood.total).toBe(syslog.filter((l) => /write_iter/i.test(l)).length);
      expect(flood.total).toBeGreaterThan(0);
      expect(flood.lines.every((l) => l.text.includes('write_iter'))).toBe(true);
    } finally {
      oracle.closeAll();
    }

    // A bad pattern is the caller's error, from the reader, not a reason to ask the main engine.
    const bad: LineView = {
      kind: 'filtered',
      filter: { ...EMPTY_FILTER, include: [{ pattern: '(unclosed', mode: 'regex', caseSensitive: false }] },
    };
    const mainBefore = client.viewerReads.main;
    await expect(client.call('getLines', { caseId, view: bad, start: 0, count: 5 })).rejects.toThrow(
      /\(unclosed/,
    );
    expect(client.viewerReads.main).toBe(mainBefore);
  });

  it('follows an order rebuilt by the main engine', async () => {
    const file = path.join(dir, 'a.pmcase');
    const { caseId } = await client.call('openCase', { file, create: false });
    const first = await client.call('getLines', { caseId, view: { kind: 'merged' }, start: 0, count: 2000 });
    const stats = await client.call('buildOrder', { caseId });
    const again = await client.call('getLines', { caseId, view: { kind: 'merged' }, start: 0, count: 2000 });
    expect(stats.lines).toBe(first.total);
    expect(again).toEqual(first);
  });

  it('sends a case whose time order is not built to the main engine, which builds it', async () => {
    const file = path.join(dir, 'b.pmcase');
    const e = new Engine();
    const { caseId } = e.openCase({ file, create: true });
    await e.ingest({ caseId, jobId: 'j', inputs: [SAMPLE] });
    const expected = await e.getLines({ caseId, view: { kind: 'merged' }, start: 0, count: 50 });
    e.closeAll();
    // As a case written before the stored order existed: lines, no order.
    const db = new Database(file);
    dropMergedOrder(db);
    db.close();

    const c = new EngineClient();
    try {
      await c.call('openCase', { file, create: false });
      expect(await c.readerReady(caseId)).toBe(true);
      const page = await c.call('getLines', { caseId, view: { kind: 'merged' }, start: 0, count: 50 });
      expect(c.viewerReads).toEqual({ reader: 0, main: 1 });
      expect(page).toEqual(expected);
      const next = await c.call('getLines', { caseId, view: { kind: 'merged' }, start: 0, count: 50 });
      expect(c.viewerReads).toEqual({ reader: 1, main: 1 });
      expect(next).toEqual(expected);
    } finally {
      await c.close();
    }
  });
});
