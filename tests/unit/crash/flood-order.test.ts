/**
 * Floods are summed per template as their bursts retire, and bursts retire out of order (a
 * burst that goes quiet first is retired first). The listing must still be in line order, as
 * when every burst was kept to the end and sorted.
 */
import { describe, expect, it } from 'vitest';
import { detectIncidents } from '../../../src/main/engine/analysis/crashes';
import { HeadTail } from '../../../src/main/engine/analysis/crashes/group';
import { SortedEnds } from '../../../src/main/engine/analysis/crashes/floods';
import type { RecordLine } from '../../../src/shared/model/log';

const T0 = Date.UTC(2022, 5, 6, 21, 33, 14);

function stamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `Jun  ${d.getUTCDate()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

function syslog(entries: [number, string][]): RecordLine[] {
  return entries.map(([ms, msg], i) => ({
    lineId: i + 1,
    sourceId: 1,
    sourcePath: 'var/log/syslog',
    lineNo: i + 1,
    ts: ms,
    tsQuality: 'year-inferred',
    text: `${stamp(ms)} video-stream stream_convert[2214]: ${msg}`,
  }));
}

describe('flood bursts retired out of line order', () => {
  it('lists the bursts of a template by line, the first one leading, whatever order they retired in', () => {
    const s = 1000;
    const entries: [number, string][] = [
      [T0, 'segment 1 write failed'], // burst A starts first …
      ...[1, 2, 3, 4, 5].map((k): [number, string] => [T0 + k * s, 'segment 2 write failed']), // burst B
      ...[6, 7, 8, 9].map((k): [number, string] => [T0 + k * s, 'segment 1 write failed']), // … and outlives B
      // two hours later B's text comes back: B retires here, before A
      ...[0, 1, 2, 3, 4].map((k): [number, string] => [T0 + 2 * 3600_000 + k * s, 'segment 2 write failed']),
    ];
    const incidents = detectIncidents(syslog(entries));
    const floods = incidents.filter((i) => i.kind === 'flood');
    expect(floods).toHaveLength(1);
    const f = floods[0]!;
    expect(f.count).toBe(15);
    expect(f.line.lineNo).toBe(1);
    expect(f.occurrences.map((o) => o.lineNo)).toEqual([1, 2, 11]);
    expect(f.details.type).toBe('flood');
    if (f.details.type !== 'flood') return;
    expect(f.details.message).toBe('segment 1 write failed');
    expect(f.details.template).toBe('segment # write failed');
    expect(f.details.variants).toBe(2);
    expect(f.details.burstCount).toBe(3);
    expect(f.details.bursts!.map((b) => [b.first.lineNo, b.last.lineNo, b.count, b.message])).toEqual([
      [1, 10, 5, undefined],
      [2, 6, 5, 'segment 2 write failed'],
      [11, 15, 5, 'segment 2 write failed'],
    ]);
    expect(f.summary).toContain('in 3 bursts');
  });

  it('SortedEnds keeps what a HeadTail fed in sorted order keeps', () => {
    let seed = 3;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (const n of [1, 5, 39, 40, 41, 42, 97, 300]) {
      const lines = Array.from({ length: n }, (_, i): RecordLine => ({
        lineId: i + 1,
        sourceId: 1 + (i >> 5),
        sourcePath: 's',
        lineNo: (i % 32) + 1,
        ts: null,
        tsQuality: 'none',
        text: '',
      }));
      const shuffled = [...lines].sort(() => rnd() - 0.5);
      const ends = new SortedEnds<number>(20, 20);
      for (const l of shuffled) ends.add(l, l.lineId);
      const ht = new HeadTail<number>(20, 20);
      for (const l of lines) ht.push(l.lineId);
      expect(ends.values()).toEqual(ht.items());
      expect(ends.total).toBe(ht.total);
    }
  });
});
