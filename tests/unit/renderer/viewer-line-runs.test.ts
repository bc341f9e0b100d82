import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ViewLine } from '../../../src/shared/model/case';
import type { TimeQuality } from '../../../src/shared/model/log';
import { levelOf } from '../../../src/main/engine/query/severity';
import {
  runsOf,
  severityClass,
  timeMarkClass,
  type LineRun,
} from '../../../src/renderer/src/viewer/line-runs';
import { SEED_FILE } from '../../helpers/corpus';

function line(i: number, text: string, level: number | null, tsQuality: TimeQuality = 'exact'): ViewLine {
  return {
    lineId: i + 1,
    sourceId: 1,
    lineNo: i + 1,
    byteOffset: 0,
    ts: null,
    tsQuality,
    text,
    level,
    levelInferred: level !== null,
  };
}

/** The class each line gets from the runs (null where no run covers it). */
function expand(runs: LineRun[], n: number): Array<string | null> {
  const out = new Array<string | null>(n).fill(null);
  for (const r of runs) for (let i = r.first; i <= r.last; i++) out[i] = r.className;
  return out;
}

describe('line runs (one decoration per run of equal colours)', () => {
  const seedPresent = existsSync(SEED_FILE);
  if (!seedPresent)
    console.warn(`[skip] seed not found at ${SEED_FILE}: the seed's severity runs are not checked`);
  it.skipIf(!seedPresent)('paints every seed line as its own level would, in maximal runs', () => {
    const texts = readFileSync(SEED_FILE, 'utf8').split('\n');
    const lines = texts.map((t, i) => line(i, t, levelOf(null, t)));
    const runs = runsOf(lines, severityClass);
    // Each line gets exactly the class its own level gives it.
    expect(expand(runs, lines.length)).toEqual(lines.map(severityClass));
    // Runs are in order, do not overlap, and two touching runs differ (else they would be one).
    for (let k = 1; k < runs.length; k++) {
      const a = runs[k - 1]!;
      const b = runs[k]!;
      expect(b.first).toBeGreaterThan(a.last);
      if (b.first === a.last + 1) expect(b.className).not.toBe(a.className);
    }
    // Fewer decorations than coloured lines: the OOM kill's two error lines (124, 125) are one run.
    expect(runs.length).toBeLessThan(lines.filter((l) => severityClass(l) !== null).length);
    expect(runs).toContainEqual({ first: 123, last: 124, className: 'sev-line sev-err' });
  });

  it('marks inferred and converted times, not exact ones, in runs of the same mark', () => {
    const qualities: TimeQuality[] = [
      'year-inferred',
      'year-inferred',
      'exact',
      'boot-relative-converted',
      'boot-relative-converted',
      'zone-assumed',
      'boot-relative',
    ];
    const lines = qualities.map((q, i) => line(i, `line ${i}`, null, q));
    expect(runsOf(lines, timeMarkClass)).toEqual([
      { first: 0, last: 1, className: 'ts-mark ts-year-inferred' },
      { first: 3, last: 4, className: 'ts-mark ts-boot-relative-converted' },
      { first: 5, last: 5, className: 'ts-mark ts-zone-assumed' },
      { first: 6, last: 6, className: 'ts-mark ts-boot-relative' },
    ]);
    expect(runsOf([], timeMarkClass)).toEqual([]);
  });
});
