/**
 * The viewer's queries on the sample case (the seed incident): search against a plain count
 * over the same text, filtered views, seekLine, locateTime, histogram, facets, UI state, and
 * the streaming search through the real worker (events, cancellation, a bad regex).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineClient } from '../../../src/main/engine/client';
import { Engine } from '../../../src/main/engine/engine';
import type { LineView, SearchProgress, ViewLine } from '../../../src/shared/model/case';
import { EMPTY_FILTER, SEVERITY_NAMES, type LineFilter } from '../../../src/shared/model/view';
import { SAMPLE, SAMPLE_TREE, tmpDir } from '../../helpers/tmp';

const syslog = readFileSync(path.join(SAMPLE_TREE, 'var/log/syslog'), 'utf8').split('\n').slice(0, -1);

async function all(e: Engine, caseId: string, view: LineView): Promise<ViewLine[]> {
  const out: ViewLine[] = [];
  for (let start = 0; ; start += 7) {
    const p = await e.getLines({ caseId, view, start, count: 7 });
    out.push(...p.lines);
    if (start + 7 >= p.total) return out;
  }
}

const filter = (f: Partial<LineFilter>): LineView => ({
  kind: 'filtered',
  filter: { ...EMPTY_FILTER, ...f },
});

describe('viewer queries on the sample case', () => {
  const dir = tmpDir('pm-viewer-');
  const e = new Engine();
  let caseId = '';
  let merged: ViewLine[] = [];
  beforeAll(async () => {
    caseId = e.openCase({ file: path.join(dir, 's.pmcase'), create: true }).caseId;
    await e.ingest({ caseId, jobId: 'j', inputs: [SAMPLE] });
    merged = await all(e, caseId, { kind: 'merged' });
  });
  afterAll(() => e.closeAll());

  it('counts search hits as a plain count over the same text does', async () => {
    const texts = merged.map((l) => l.text);
    for (const [query, mode, caseSensitive, count] of [
      ['write_iter', 'text', false, texts.filter((t) => t.toLowerCase().includes('write_iter')).length],
      ['WARNING', 'text', true, texts.filter((t) => t.includes('WARNING')).length],
      ['warning', 'text', true, texts.filter((t) => t.includes('warning')).length],
      [
        'kill(ed)? process \\d+',
        'regex',
        false,
        texts.filter((t) => /kill(ed)? process \d+/i.test(t)).length,
      ],
      ['100%', 'text', false, 0],
    ] as const) {
      const r = await e.search({ caseId, view: { kind: 'merged' }, query, mode, caseSensitive, limit: 3 });
      expect(r.total, query).toBe(count);
      expect(r.hits.length).toBe(Math.min(3, count));
      expect(r.truncated).toBe(count > 3);
      for (const h of r.hits) expect(merged[h.position]!.lineId).toBe(h.lineId);
    }
    // The seed's flood: grep -c over the syslog agrees.
    const grep = syslog.filter((l) => l.includes('write_iter')).length;
    expect(grep).toBeGreaterThan(3);
    expect(
      (
        await e.search({
          caseId,
          view: { kind: 'merged' },
          query: 'write_iter',
          mode: 'text',
          caseSensitive: false,
          limit: 1,
        })
      ).total,
    ).toBe(grep);
  });

  it('names an invalid regular expression', async () => {
    await expect(
      e.search({
        caseId,
        view: { kind: 'merged' },
        query: 'gfp_mask=(0x',
        mode: 'regex',
        caseSensitive: false,
        limit: 1,
      }),
    ).rejects.toThrow(/invalid regular expression "gfp_mask=\(0x": .*unterminated group/i);
  });

  it('pages filtered views in time order and locates lines in them', async () => {
    const kernel = merged.filter((l) => / kernel: /.test(l.text));
    const byProgram = await all(e, caseId, filter({ programs: ['kernel'] }));
    expect(byProgram.map((l) => l.lineId)).toEqual(kernel.map((l) => l.lineId));
    const byHost = await all(e, caseId, filter({ hosts: ['video-stream'], programs: ['kernel', 'dockerd'] }));
    expect(byHost.map((l) => l.lineId)).toEqual(
      merged.filter((l) => / video-stream (kernel|dockerd): /.test(l.text)).map((l) => l.lineId),
    );
    expect(await all(e, caseId, filter({ hosts: ['no-such-host'] }))).toEqual([]);
    const flood = await all(
      e,
      caseId,
      filter({
        include: [{ pattern: 'write_iter', mode: 'text', caseSensitive: false }],
        exclude: [{ pattern: ':3[0-9]:', mode: 'regex', caseSensitive: true }],
      }),
    );
    expect(flood.map((l) => l.lineId)).toEqual(
      merged.filter((l) => l.text.includes('write_iter') && !/:3[0-9]:/.test(l.text)).map((l) => l.lineId),
    );
    // A time range drops the lines without a time (the `last` output here).
    const t0 = merged.find((l) => l.text.includes('Out of memory: Kill process'))!.ts!;
    const ranged = await all(e, caseId, filter({ from: t0, to: t0 + 10_000 }));
    expect(ranged.map((l) => l.lineId)).toEqual(
      merged.filter((l) => l.ts !== null && l.ts >= t0 && l.ts <= t0 + 10_000).map((l) => l.lineId),
    );
    const inView = ranged[1]!;
    const v = filter({ from: t0, to: t0 + 10_000 });
    expect((await e.locateLine({ caseId, view: v, lineId: inView.lineId })).position).toBe(1);
    expect((await e.locateLine({ caseId, view: v, lineId: merged[0]!.lineId })).position).toBeNull();
    const lt = await e.locateTime({ caseId, view: v, ts: t0 + 1 });
    expect(ranged[lt.position!]!.ts!).toBeGreaterThan(t0);
    const src = e.summary({ caseId }).sources.find((s) => s.path === 'sos_commands/login/last')!;
    const one = await all(e, caseId, filter({ sourceIds: [src.sourceId] }));
    expect(one.map((l) => l.lineNo)).toEqual([1, 2, 3, 4, 5]);
    // A bad pattern in a filter is named as a filter's.
    await expect(
      e.getLines({
        caseId,
        view: filter({ include: [{ pattern: '[', mode: 'regex', caseSensitive: false }] }),
        start: 0,
        count: 1,
      }),
    ).rejects.toThrow(/filter: invalid regular expression "\["/);
  });

  it('seeks the next and previous line of a severity', async () => {
    const next = await e.seekLine({
      caseId,
      view: { kind: 'merged' },
      from: -1,
      direction: 'next',
      severities: ['err'],
    });
    expect(merged[next.position!]!.text).toContain('Out of memory: Kill process');
    const again = await e.seekLine({
      caseId,
      view: { kind: 'merged' },
      from: next.position!,
      direction: 'next',
      severities: ['err'],
    });
    expect(merged[again.position!]!.text).toContain('Killed process 30002');
    const back = await e.seekLine({
      caseId,
      view: { kind: 'merged' },
      from: again.position!,
      direction: 'prev',
      severities: ['err'],
    });
    expect(back).toEqual(next);
    const warn = await e.seekLine({
      caseId,
      view: { kind: 'merged' },
      from: merged.length,
      direction: 'prev',
      severities: ['warning'],
    });
    expect(merged[warn.position!]!.text).toContain('write_iter');
    const none = await e.seekLine({
      caseId,
      view: { kind: 'merged' },
      from: -1,
      direction: 'next',
      severities: ['emerg'],
    });
    expect(none).toEqual({ position: null, lineId: null });
  });

  it('stacks the histogram by severity; its counts add up to the lines with a time', async () => {
    const timed = merged.filter((l) => l.ts !== null);
    const h = await e.histogram({ caseId, filter: null, from: null, to: null, buckets: 20 });
    expect([1000, 2000, 5000]).toContain(h.bucketMs);
    const sum = h.buckets.reduce((n, b) => n + b.counts.reduce((a, c) => a + c, 0), 0);
    expect(sum).toBe(timed.length);
    expect(h.total).toBe(timed.length);
    expect(h.buckets.every((b) => b.counts.length === SEVERITY_NAMES.length + 1)).toBe(true);
    const f = {
      ...EMPTY_FILTER,
      include: [{ pattern: 'write_iter', mode: 'text' as const, caseSensitive: false }],
    };
    const hf = await e.histogram({ caseId, filter: f, from: null, to: null, buckets: 20 });
    const warnings = hf.buckets.reduce((n, b) => n + b.counts[4]!, 0);
    expect(hf.total).toBe(syslog.filter((l) => l.includes('write_iter')).length);
    expect(warnings).toBe(hf.total);
    const facets = e.facets({ caseId });
    expect(facets.severities.reduce((a, b) => a + b, 0)).toBe(merged.length);
    expect(facets.hosts).toEqual([{ value: 'video-stream', count: syslog.length }]);
    expect(facets.programs[0]).toEqual({
      value: 'kernel',
      count: merged.filter((l) => / kernel: /.test(l.text)).length,
    });
  });

  it('remembers the UI state of the case across a reopen', async () => {
    expect(e.getUiState({ caseId })).toEqual({
      cursorLineId: null,
      viewSource: null,
      filter: EMPTY_FILTER,
      openPanel: null,
      layout: { left: 260, right: 420, bottom: 160 },
      bookmarks: [],
    });
    const state = {
      cursorLineId: merged[5]!.lineId,
      viewSource: 1,
      filter: { ...EMPTY_FILTER, severities: ['err' as const], programs: ['kernel'] },
      openPanel: 'panel-oom',
      layout: { left: 300, right: 400, bottom: 200 },
      bookmarks: [merged[9]!.lineId, merged[2]!.lineId],
    };
    expect(e.saveUiState({ caseId, state })).toEqual({ saved: true });
    const other = new Engine();
    const file = path.join(dir, 's.pmcase');
    e.closeAll();
    const r = other.openCase({ file, create: false });
    expect(other.getUiState({ caseId: r.caseId })).toEqual(state);
    other.closeAll();
    e.openCase({ file, create: false });
  });

  it('streams search batches, stops when cancelled', async () => {
    const batches: SearchProgress[] = [];
    const engine = new Engine((event, payload) => {
      if (event === 'searchProgress') batches.push(payload as SearchProgress);
    });
    const c = engine.openCase({ file: path.join(dir, 's.pmcase'), create: false }).caseId;
    const req = {
      caseId: c,
      view: { kind: 'merged' as const },
      query: 'write_iter',
      mode: 'text' as const,
      caseSensitive: false,
      limit: 5,
    };
    engine.startSearch({ ...req, searchId: 's1' });
    await new Promise<void>((resolve) => {
      const t = setInterval(
        () => batches.some((b) => b.searchId === 's1' && b.done) && (clearInterval(t), resolve()),
        5,
      );
    });
    const s1 = batches.filter((b) => b.searchId === 's1');
    expect(s1.at(-1)).toMatchObject({
      done: true,
      cancelled: false,
      error: null,
      total: syslog.filter((l) => l.includes('write_iter')).length,
    });
    expect(s1.flatMap((b) => b.hits)).toHaveLength(5);
    expect(s1.at(-1)!.scannedLines).toBe(s1.at(-1)!.totalLines);
    // Cancelled before its first slice: it says so and lists nothing.
    engine.startSearch({ ...req, searchId: 's2' });
    expect(engine.cancelSearch({ searchId: 's2' })).toEqual({ cancelled: true });
    await new Promise<void>((resolve) => {
      const t = setInterval(
        () => batches.some((b) => b.searchId === 's2' && b.done) && (clearInterval(t), resolve()),
        5,
      );
    });
    expect(batches.filter((b) => b.searchId === 's2')).toEqual([
      expect.objectContaining({ done: true, cancelled: true, hits: [], scannedLines: 0 }),
    ]);
    expect(engine.cancelSearch({ searchId: 's2' })).toEqual({ cancelled: false });
    engine.closeAll();
  });
});

describe('streaming search through the engine worker', () => {
  const dir = tmpDir('pm-worker-search-');
  const client = new EngineClient();
  afterAll(() => client.close());

  it('delivers searchProgress events and reports a bad regex as the batch error', async () => {
    const { caseId } = await client.call('openCase', { file: path.join(dir, 'w.pmcase'), create: true });
    await client.call('ingest', { caseId, jobId: 'w', inputs: [SAMPLE] });
    const got: SearchProgress[] = [];
    const off = client.onEvent((event, payload) => {
      if (event === 'searchProgress') got.push(payload);
    });
    const base = {
      caseId,
      view: { kind: 'merged' as const },
      mode: 'regex' as const,
      caseSensitive: false,
      limit: 100,
    };
    await client.call('startSearch', { ...base, query: 'oom-killer|Killed process', searchId: 'w1' });
    await client.call('startSearch', { ...base, query: '(unclosed', searchId: 'w2' });
    // Pages are answered meanwhile.
    const page = await client.call('getLines', { caseId, view: { kind: 'merged' }, start: 0, count: 5 });
    expect(page.lines).toHaveLength(5);
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (
          got.some((b) => b.searchId === 'w1' && b.done) &&
          got.some((b) => b.searchId === 'w2' && b.done)
        ) {
          clearInterval(t);
          resolve();
        }
      }, 5);
    });
    off();
    const w1 = got.filter((b) => b.searchId === 'w1');
    expect(w1.flatMap((b) => b.hits).map((h) => h.text)).toEqual(
      syslog.filter((l) => /oom-killer|Killed process/i.test(l)),
    );
    expect(got.find((b) => b.searchId === 'w2')).toMatchObject({
      done: true,
      error: expect.stringMatching(/invalid regular expression "\(unclosed"/),
    });
  });
});
