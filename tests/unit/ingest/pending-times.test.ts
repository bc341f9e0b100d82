/**
 * PendingTimes keeps the boot seconds that syslog's kernel lines print (`kernel: [ 12.345678]`)
 * aside, sparse: a log mixing kernel and other lines stays one run, and every line reads back
 * exactly, in order and at random. Given a spill folder, its full chunks go to a file there
 * and read back the same, and dispose deletes the file.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PendingTime } from '../../../src/main/engine/ingest/clock';
import { PendingTimes } from '../../../src/main/engine/ingest/pending-times';
import { tmpDir } from '../../helpers/tmp';
import { mulberry32 } from './prng';

/** 150 000 syslog-like lines (three 65 536-line chunks), about one in five a kernel line. */
function syslogTimes(seed: number): PendingTime[] {
  const rnd = mulberry32(seed);
  const ps: PendingTime[] = [];
  let wall = Date.UTC(2000, 5, 6, 21, 33, 13);
  let secs = 3.5;
  for (let i = 0; i < 150_000; i++) {
    wall += Math.floor(rnd() * 400);
    if (rnd() < 0.2) {
      secs = Number((secs + rnd() * 0.4).toFixed(6));
      ps.push({ k: 'wall', wall, epoch: 0, bootSecs: secs });
    } else if (i % 5000 === 1) ps.push(ps[i - 1]!);
    else ps.push({ k: 'wall', wall, epoch: 0 });
  }
  return ps;
}

describe('PendingTimes with boot seconds on some wall lines', () => {
  it('keeps one run for a syslog mixing kernel and other lines, and reads every line back', () => {
    const rnd = mulberry32(7);
    const ps = syslogTimes(7);
    const pt = new PendingTimes();
    for (const p of ps) pt.push(p);
    expect(pt.runCount).toBe(1);
    expect(ps.map((_, i) => pt.get(i))).toEqual(ps);
    // At random (the stale ranges are read in order, but any order must work).
    for (let k = 0; k < 5000; k++) {
      const i = Math.floor(rnd() * ps.length);
      expect(pt.get(i)).toEqual(ps[i]);
    }
  });

  it('spills full chunks to a file in the given folder, reads them back the same, and deletes it on dispose', () => {
    const dir = path.join(tmpDir('pm-pending-'), 'case.pmcase-tmp');
    const rnd = mulberry32(11);
    const ps = syslogTimes(11);
    const pt = new PendingTimes(dir);
    for (const p of ps) pt.push(p);
    // Two full line chunks spilled (4 bytes a line); the third stays in memory.
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(statSync(path.join(dir, files[0]!)).size).toBe(2 * 65_536 * 4);
    expect(ps.map((_, i) => pt.get(i))).toEqual(ps);
    for (let k = 0; k < 5000; k++) {
      const i = Math.floor(rnd() * ps.length);
      expect(pt.get(i)).toEqual(ps[i]);
    }
    pt.dispose();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('spills the boot seconds of a long kernel log too', () => {
    const dir = path.join(tmpDir('pm-pending-'), 'case.pmcase-tmp');
    const ps: PendingTime[] = [];
    for (let i = 0; i < 140_000; i++)
      ps.push({ k: 'wall', wall: Date.UTC(2000, 5, 6) + i * 10, epoch: 0, bootSecs: i / 100 + 0.000001 });
    const pt = new PendingTimes(dir);
    for (const p of ps) pt.push(p);
    expect(
      readdirSync(dir)
        .sort()
        .map((f) => path.extname(f)),
    ).toEqual(['.bi', '.bv', '.d']);
    expect(ps.map((_, i) => pt.get(i))).toEqual(ps);
    pt.dispose();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('repeats boot seconds for a repeated entry and finds none on the lines without them', () => {
    const kernel: PendingTime = { k: 'wall', wall: Date.UTC(2000, 0, 3), epoch: 0, bootSecs: 77.000001 };
    const pt = new PendingTimes();
    pt.push({ k: 'wall', wall: Date.UTC(2000, 0, 3), epoch: 0 });
    pt.push(kernel);
    pt.push(kernel);
    pt.push({ k: 'wall', wall: Date.UTC(2000, 0, 3, 0, 0, 1), epoch: 0 });
    pt.push({ k: 'boot', boot: 0, secs: 78 });
    expect([4, 3, 2, 1, 0].map((i) => pt.get(i))).toEqual([
      { k: 'boot', boot: 0, secs: 78 },
      { k: 'wall', wall: Date.UTC(2000, 0, 3, 0, 0, 1), epoch: 0 },
      kernel,
      kernel,
      { k: 'wall', wall: Date.UTC(2000, 0, 3), epoch: 0 },
    ]);
  });
});
