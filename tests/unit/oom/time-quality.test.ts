/** OomReport.tsQuality: the quality of the line the report's time came from (issue 4, session 2). */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SEED_FILE } from '../../helpers/corpus';
import { analyzeOom, lines } from './fixture';

const seedAvailable = existsSync(SEED_FILE);

describe.skipIf(!seedAvailable)('time quality of the seed report', () => {
  const text = seedAvailable ? readFileSync(SEED_FILE, 'utf8').split('\n').slice(22, 133).join('\n') : '';

  it('year-inferred when the ingest inferred the year of the trigger line', () => {
    // the ingest gives `Jun  6 21:33:14` (no year) 2022 from an anchor: year-inferred, in +08:00
    const timed = lines(text, 'seed/syslog').map((l) => {
      const m = /^(?:Jun|un) +6 (\d\d):(\d\d):(\d\d) /.exec(l.text);
      return m
        ? {
            ...l,
            ts: Date.UTC(2022, 5, 6, Number(m[1]) - 8, Number(m[2]), Number(m[3])),
            tsQuality: 'year-inferred' as const,
          }
        : l;
    });
    const r = analyzeOom(timed)[0]!;
    expect(r.ts).toBe(Date.UTC(2022, 5, 6, 13, 33, 13));
    expect(r.tsQuality).toBe('year-inferred');
  });

  it('none when no line of the report has a time', () => {
    const r = analyzeOom(lines(text, 'seed/syslog'))[0]!;
    expect(r.ts).toBeNull();
    expect(r.tsQuality).toBe('none');
  });
});
