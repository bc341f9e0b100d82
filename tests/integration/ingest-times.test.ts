/**
 * The streaming clock of the ingest (provisional times per batch, compact PendingTimes, stale
 * batches rewritten at the end) must give exactly what the clock gives over the whole file at
 * once (`calibrate`), on real files: a Dec→Jan rollover, Feb 29, journal short and
 * short-monotonic, and the seed.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { calibrate } from '../../src/main/engine/ingest/clock';
import { ingestInputs } from '../../src/main/engine/ingest/ingest';
import { PendingTimes } from '../../src/main/engine/ingest/pending-times';
import { entryAnchors } from '../../src/main/engine/ingest/source-ingest';
import { CaseStore } from '../../src/main/engine/store/case-store';
import { TIME_QUALITY_CODES } from '../../src/main/engine/store/schema';
import { corpusAvailable, corpusPath } from '../helpers/corpus';
import { SAMPLE_TREE, tmpDir } from '../helpers/tmp';
import { runTextLayer } from '../unit/ingest/pipeline';

async function compare(
  dir: string,
  file: string,
  batchLines: number,
): Promise<{ rows: number; rewritten: boolean }> {
  const name = path.basename(file);
  const bytes = readFileSync(file);
  const layer = runTextLayer(bytes, name);
  expect(layer.nulRuns).toBe(0);
  // One parse per physical line (line formats): the pipeline's records are the rows.
  expect(layer.records.length).toBe(layer.lines.length);
  const mtimeMs = statSync(file).mtimeMs;
  const expected = calibrate(
    layer.records.map((r) => r.parsed),
    { anchors: entryAnchors({ path: name, mtimeMs }) },
  ).times;
  const store = CaseStore.open(path.join(dir, `${name}-${batchLines}.pmcase`), { create: true });
  await ingestInputs(store, [file], { batchLines });
  const rows = store.db
    .prepare('SELECT ts, ts_quality FROM line_rows(0, 9007199254740991) ORDER BY line_id')
    .all() as {
    ts: number | null;
    ts_quality: number;
  }[];
  store.close();
  expect(rows.map((r) => r.ts)).toEqual(expected.map((t) => (t.utcMs === null ? null : Math.floor(t.utcMs))));
  expect(rows.map((r) => TIME_QUALITY_CODES[r.ts_quality])).toEqual(expected.map((t) => t.quality));
  return { rows: rows.length, rewritten: batchLines < rows.length };
}

describe('ingest times equal the whole-file clock', () => {
  const dir = tmpDir();

  it('on the seed syslog, in batches of 1, 7 and 10 000 rows', async () => {
    for (const n of [1, 7, 10_000]) await compare(dir, path.join(SAMPLE_TREE, 'var/log/syslog'), n);
  });

  it.skipIf(!corpusAvailable)(
    'on real files with a rollover, Feb 29, journal short and short-monotonic',
    async () => {
      for (const f of [
        'a-syslog/lnav__logfile_syslog.1',
        'a-syslog/plaso__syslog',
        'd-journal/hotsos__journalctl_unit_cloud-init',
        'd-journal/hotsos__var_log_dmesg_short-monotonic',
      ]) {
        for (const n of [3, 10_000]) await compare(dir, corpusPath(f), n);
      }
    },
  );
});

describe('compact PendingTimes', () => {
  it('give back every kind of PendingTime exactly', () => {
    const all = [
      { k: 'none' as const },
      { k: 'wall' as const, wall: Date.UTC(2000, 5, 6, 21, 33, 13, 250), epoch: 0 },
      { k: 'wall' as const, wall: Date.UTC(2022, 5, 6, 21, 33, 13), epoch: 3, year: 2022, offsetMin: -570 },
      {
        k: 'wall' as const,
        wall: Date.UTC(2000, 1, 29, 1, 2, 3),
        epoch: 1,
        offsetMin: 840,
        bootSecs: 12.345678,
        note: 'header damaged (x): time of the previous line',
      },
      { k: 'epoch' as const, utc: 1534860261221.373 },
      { k: 'boot' as const, boot: 2, secs: 1867.123456 },
    ];
    const pt = new PendingTimes();
    // Cross a chunk boundary (65 536 entries) so both chunks are read back.
    for (let i = 0; i < 70_000; i++) pt.push(all[i % all.length]!);
    expect(pt.length).toBe(70_000);
    for (const i of [0, 1, 2, 3, 4, 5, 65_535, 65_536, 65_537, 69_999])
      expect(pt.get(i)).toEqual(all[i % all.length]);
  });

  it('store runs of real-looking times exactly: ms walls, µs boot seconds, journal µs epochs, jumps', () => {
    const ps = [];
    let wall = Date.UTC(2000, 11, 31, 23, 59, 58);
    for (let i = 0; i < 2000; i++)
      ps.push({ k: 'wall' as const, wall: (wall += (i * 7919) % 3001), epoch: 0 });
    ps.push({ k: 'wall' as const, wall: Date.UTC(2000, 0, 1), epoch: 1 });
    ps.push({ k: 'wall' as const, wall: Date.UTC(2000, 6, 1), epoch: 1 });
    for (let i = 0; i < 500; i++)
      ps.push({ k: 'boot' as const, boot: 0, secs: Number((i * 0.123457 + 0.000001).toFixed(6)) });
    ps.push({ k: 'boot' as const, boot: 1, secs: 0 });
    for (let i = 0; i < 500; i++)
      ps.push({ k: 'epoch' as const, utc: (1534860261221373 + i * 1_234_567) / 1000 });
    const pt = new PendingTimes();
    for (const p of ps) pt.push(p);
    expect(ps.map((_, i) => pt.get(i))).toEqual(ps);
    // and backwards (random access), not only in order
    for (let i = ps.length - 1; i >= 0; i -= 97) expect(pt.get(i)).toEqual(ps[i]);
  });

  it('repeat the previous entry when the clock hands back the same object, across a chunk boundary', () => {
    const noted = {
      k: 'wall' as const,
      wall: Date.UTC(2000, 0, 3),
      epoch: 2,
      bootSecs: 5.5,
      note: 'time of the previous line',
    };
    const pt = new PendingTimes();
    for (let i = 0; i < 65_534; i++) pt.push({ k: 'none' });
    for (let i = 0; i < 5; i++) pt.push(noted);
    pt.push({ k: 'boot', boot: 0, secs: 1 });
    for (const i of [65_534, 65_535, 65_536, 65_538]) expect(pt.get(i)).toEqual(noted);
    expect(pt.get(65_539)).toEqual({ k: 'boot', boot: 0, secs: 1 });
  });
});
