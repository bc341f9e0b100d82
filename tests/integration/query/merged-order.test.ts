/**
 * The merged view in time order, on real files: a CentOS messages file split into two sources
 * (odd and even lines, a copy cut in the test), a macOS syslog cut so it starts mid-record
 * (leading continuation lines without a time), and sos's lsmod output (no times at all).
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../src/main/engine/engine';
import { setCaseZone } from '../../../src/main/engine/ingest/rezone';
import { CaseStore } from '../../../src/main/engine/store/case-store';
import type { ViewLine } from '../../../src/shared/model/case';
import { corpusAvailable, corpusPath, corpusSkipReason } from '../../helpers/corpus';
import { allLines } from '../../helpers/engine-lines';
import { tmpDir } from '../../helpers/tmp';
import { ingestInto } from '../../helpers/text-store';

/** Pages of 50: the merged view's reads cross many chunk boundaries. */
const allMerged = (e: Engine, caseId: string): Promise<ViewLine[]> =>
  allLines(e, caseId, { kind: 'merged' }, 50);

describe.skipIf(!corpusAvailable)('merged view in time order', () => {
  if (!corpusAvailable) console.warn(`[skip] ${corpusSkipReason}`);
  const dir = tmpDir('pm-query-');
  const input = path.join(dir, 'in');
  const file = path.join(dir, 'm.pmcase');
  // The inputs are cut from the corpus once the suite runs (not when it is collected, so a
  // checkout without ../shared skips it instead of failing on a missing file).
  let messages: string[] = [];
  beforeAll(() => {
    mkdirSync(input);
    messages = readFileSync(corpusPath('a-syslog/lnav__logfile_partitions.0'), 'utf8')
      .split('\n')
      .filter((l) => l !== '');
    writeFileSync(path.join(input, 'a-odd.log'), messages.filter((_, i) => i % 2 === 0).join('\n') + '\n');
    writeFileSync(path.join(input, 'b-even.log'), messages.filter((_, i) => i % 2 === 1).join('\n') + '\n');
    const mac = readFileSync(corpusPath('a-syslog/lnav__logfile_syslog.3'), 'utf8').split('\n');
    // Cut after the first record's header: the copy starts with its two continuation lines.
    const firstCont = mac.findIndex((l) => l.startsWith('\t'));
    writeFileSync(path.join(input, 'c-mac.log'), mac.slice(firstCont).join('\n'));
    copyFileSync(
      corpusPath('f-sos/hotsos_openstack_sosreport/sos_commands/kernel/lsmod'),
      path.join(input, 'd-lsmod'),
    );
  });

  it('interleaves two sources by time, stable on equal times, every line once', async () => {
    const e = new Engine();
    const { caseId } = e.openCase({ file, create: true });
    await e.ingest({ caseId, jobId: 'j1', inputs: [input] });
    const lines = await allMerged(e, caseId);
    const summary = e.summary({ caseId });
    expect(lines).toHaveLength(summary.lineCount);
    expect(new Set(lines.map((l) => l.lineId)).size).toBe(summary.lineCount);
    const bySource = new Map(summary.sources.map((s) => [s.path, s.sourceId]));
    const a = bySource.get('a-odd.log')!;
    const b = bySource.get('b-even.log')!;
    // The two halves of the messages file come back in the file's own order.
    const ab = lines.filter((l) => l.sourceId === a || l.sourceId === b).map((l) => l.text);
    const expected = messages
      .map((text, i) => ({ text, i, ts: lines.find((l) => l.text === text)!.ts! }))
      // equal times: source a (ingested first, lower ids) before b, each in file order
      .sort((x, y) => x.ts - y.ts || (x.i % 2) - (y.i % 2) || x.i - y.i)
      .map((x) => x.text);
    expect(ab).toEqual(expected);
    // Times never go backwards along the view (lines with their own time).
    const timed = lines.filter((l) => l.ts !== null).map((l) => l.ts!);
    expect(timed).toEqual([...timed].sort((x, y) => x - y));
    // Ties are broken by line id.
    for (let i = 1; i < lines.length; i++) {
      const p = lines[i - 1]!;
      const q = lines[i]!;
      if (p.ts !== null && p.ts === q.ts) expect(q.lineId).toBeGreaterThan(p.lineId);
    }
    e.closeAll();
  });

  it('keeps lines without a time with their source: leading ones before its first timed line, an untimed source after the line ingested before it', async () => {
    const e = new Engine();
    const { caseId } = e.openCase({ file, create: false });
    const lines = await allMerged(e, caseId);
    const summary = e.summary({ caseId });
    const src = (p: string): number => summary.sources.find((s) => s.path === p)!.sourceId;
    const mac = lines.filter((l) => l.sourceId === src('c-mac.log'));
    const untimedHead = mac.filter((l) => l.ts === null);
    expect(untimedHead.length).toBeGreaterThan(0);
    // The macOS source's untimed head sits right before its first timed line.
    const firstTimed = mac.find((l) => l.ts !== null)!;
    const pos = (id: number): number => lines.findIndex((l) => l.lineId === id);
    const head = untimedHead.map((l) => pos(l.lineId));
    expect(head).toEqual(head.map((_, i) => pos(firstTimed.lineId) - head.length + i));
    // lsmod output has no times: it stays, in file order, right after the line ingested before it.
    const note = summary.sources.find((s) => s.path === 'd-lsmod')!;
    expect(lines.filter((l) => l.sourceId === note.sourceId).every((l) => l.ts === null)).toBe(true);
    const notePos = pos(note.firstLineId!);
    expect(lines[notePos - 1]!.lineId).toBe(note.firstLineId! - 1);
    for (let i = 0; i < note.lineCount; i++) expect(lines[notePos + i]!.lineId).toBe(note.firstLineId! + i);
    e.closeAll();
  });

  it('locates lines and times in the merged view, and keeps the order when the case is reopened', async () => {
    const e = new Engine();
    const { caseId } = e.openCase({ file, create: false });
    const stats = e.orderStats({ caseId })!;
    expect(stats.lines).toBe(e.summary({ caseId }).lineCount);
    const buildId = stats.buildId;
    const lines = await allMerged(e, caseId);
    for (const [i, l] of lines.entries())
      expect((await e.locateLine({ caseId, view: { kind: 'merged' }, lineId: l.lineId })).position).toBe(i);
    expect((await e.locateLine({ caseId, view: { kind: 'merged' }, lineId: 999_999 })).position).toBeNull();
    // locateTime: the first line at or after the time; the last line when none is after.
    const target = lines.find((l) => l.text.includes('DHCPOFFER'))!;
    const at = await e.locateTime({ caseId, view: { kind: 'merged' }, ts: target.ts! });
    expect(lines[at.position!]!.ts).toBe(target.ts);
    expect(lines[at.position! - 1]!.ts ?? -Infinity).toBeLessThan(target.ts!);
    const after = await e.locateTime({ caseId, view: { kind: 'merged' }, ts: target.ts! + 1 });
    expect(lines[after.position!]!.ts!).toBeGreaterThan(target.ts!);
    const end = await e.locateTime({ caseId, view: { kind: 'merged' }, ts: Date.UTC(2100, 0, 1) });
    expect(end).toEqual({ position: lines.length - 1, lineId: lines.at(-1)!.lineId });
    e.closeAll();
    // Reopened: the stored order is used as it is (same build), nothing rebuilt.
    const again = new Engine();
    const r = again.openCase({ file, create: false });
    expect(again.orderStats({ caseId: r.caseId })!.buildId).toBe(buildId);
    expect((await allMerged(again, r.caseId)).map((l) => l.lineId)).toEqual(lines.map((l) => l.lineId));
    again.closeAll();
  });

  it('marks silences (gaps much longer than usual) with the lines either side as evidence', async () => {
    const e = new Engine();
    const { caseId } = e.openCase({ file, create: false });
    const lines = await allMerged(e, caseId);
    const h = await e.histogram({ caseId, filter: null, from: null, to: null, buckets: 100 });
    const stats = e.orderStats({ caseId })!;
    expect(h.silences.length).toBeGreaterThan(0);
    for (const s of h.silences) {
      expect(s.to - s.from).toBeGreaterThanOrEqual(stats.silenceThresholdMs);
      const before = lines.find((l) => l.lineId === s.evidenceBefore)!;
      const after = lines.find((l) => l.lineId === s.evidenceAfter)!;
      expect([before.ts, after.ts]).toEqual([s.from, s.to]);
      // Nothing with a time lies inside the gap.
      expect(lines.some((l) => l.ts !== null && l.ts > s.from && l.ts < s.to)).toBe(false);
    }
    // Every bucket count adds up to the lines with a time.
    const sum = h.buckets.reduce((n, b) => n + b.counts.reduce((a, c) => a + c, 0), 0);
    expect(sum).toBe(lines.filter((l) => l.ts !== null).length);
    // Zoomed in: minute, hour and sub-minute widths over a range that starts and ends
    // mid-minute (stored counts inside, the ends scanned) give the same totals.
    const dhcp = lines.filter((l) => l.text.includes('DHCPACK')).map((l) => l.ts!);
    const from = dhcp[0]! + 17_000;
    const to = dhcp.at(-1)! - 23_000;
    const inRange = lines.filter((l) => l.ts !== null && l.ts >= from && l.ts <= to).length;
    expect(inRange).toBeGreaterThan(10);
    for (const buckets of [3000, 300, 30, 4]) {
      const z = await e.histogram({ caseId, filter: null, from, to, buckets });
      expect(z.total, `${buckets} buckets of ${z.bucketMs} ms`).toBe(inRange);
      expect(z.buckets.reduce((n, b) => n + b.counts.reduce((a, c) => a + c, 0), 0)).toBe(inRange);
    }
    e.closeAll();
  });

  it('re-sorts after a zone change: the new order is picked up by an open engine', async () => {
    const e = new Engine();
    const { caseId } = e.openCase({ file, create: false });
    const before = e.orderStats({ caseId })!.buildId;
    const store = CaseStore.open(file, { create: false });
    const r = setCaseZone(store, '+08:00');
    store.close();
    expect(r.lines).toBeGreaterThan(0);
    const lines = await allMerged(e, caseId);
    expect(e.orderStats({ caseId })!.buildId).not.toBe(before);
    const timed = lines.filter((l) => l.ts !== null).map((l) => l.ts!);
    expect(timed).toEqual([...timed].sort((x, y) => x - y));
    const h = await e.histogram({ caseId, filter: null, from: null, to: null, buckets: 50 });
    expect(h.total).toBe(timed.length);
    expect(h.from).toBe(timed[0]);
    e.closeAll();
  });

  it('builds the order when an older case (schema v3, no order, no levels) is opened', async () => {
    // An older case has a row per line: made here with rows (texts in blocks), as v8 made them.
    const file = path.join(dir, 'v3.pmcase');
    const e = new Engine();
    const caseId = await ingestInto(e, file, [input], 'blocks');
    const before = (await allMerged(e, caseId)).map((l) => l.lineId);
    e.closeAll();
    // Make it look like a v3 case: no order tables' content, no levels, no meta.
    const s = CaseStore.open(file, { create: false });
    s.db.exec(
      "DELETE FROM merged_order; DELETE FROM merged_position; DELETE FROM minute_counts; UPDATE lines SET level = NULL; DELETE FROM meta WHERE key IN ('merged_order', 'merged_order_id'); DELETE FROM meta_large WHERE key IN ('merged_order', 'merged_order_keys'); INSERT INTO meta (key, value) VALUES ('levels_pending', '1')",
    );
    s.close();
    const again = new Engine();
    const r = again.openCase({ file, create: false });
    expect((await allMerged(again, r.caseId)).map((l) => l.lineId)).toEqual(before);
    const stats = again.orderStats({ caseId: r.caseId })!;
    expect(stats.levelsBackfilled).toBeGreaterThan(0);
    again.closeAll();
  });
});
