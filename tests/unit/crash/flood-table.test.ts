/**
 * The flood detector keeps first sightings in a hash table of numbers, not as lines, and
 * forgets them (and retires runs) in sweeps every 20,000 lines. A message's first line must
 * still be found after the table has grown, been swept and rebuilt, and a sighting that went
 * quiet for more than a run's gap must be forgotten.
 */
import { describe, expect, it } from 'vitest';
import { detectIncidents } from '../../../src/main/engine/analysis/crashes';
import type { Incident } from '../../../src/shared/model/incident';
import type { RecordLine } from '../../../src/shared/model/log';

const T0 = Date.UTC(2022, 5, 6, 21, 0, 0);

function stamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `Jun  ${d.getUTCDate()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/** Lines of var/log/syslog: [ms, host, program[pid], message]. */
function syslog(entries: [number, string, string, string][]): RecordLine[] {
  return entries.map(([ms, host, prog, msg], i) => ({
    lineId: 1000 + i,
    sourceId: 3,
    sourcePath: 'var/log/syslog',
    lineNo: i + 1,
    ts: ms,
    tsQuality: 'year-inferred',
    text: `${stamp(ms)} ${host} ${prog}: ${msg}`,
  }));
}

/** sshd chatter, each line unique (port numbers), one every 50 ms from `from`. */
function chatter(from: number, n: number, seed: number): [number, string, string, string][] {
  return Array.from({ length: n }, (_, i): [number, string, string, string] => [
    from + i * 50,
    'video-stream',
    `sshd[${20000 + ((seed + i) % 9000)}]`,
    `Accepted publickey for deploy from 203.0.113.${(seed + i) % 250} port ${30000 + seed + i} ssh2`,
  ]);
}

function floods(incidents: Incident[]): Incident[] {
  return incidents.filter((i) => i.kind === 'flood');
}

const WARN = '[write_iter] inode ifops has restore';

describe('flood detector over a table that grows and is swept', () => {
  it('finds a message’s first line 30,000 lines (and a sweep) after it was seen once', () => {
    const entries = [
      ...chatter(T0, 10, 0),
      [T0 + 600, 'video-stream', 'kernel', WARN] as [number, string, string, string],
      ...chatter(T0 + 700, 30_000, 10),
      // 25 minutes later: the same warning every second, 30 times (over 1/min from the first).
      ...Array.from({ length: 30 }, (_, k): [number, string, string, string] => [
        T0 + 1_501_000 + k * 1000,
        'video-stream',
        'kernel',
        WARN,
      ]),
      ...chatter(T0 + 1_600_000, 25_000, 40_000),
    ];
    const lines = syslog(entries);
    const found = floods(detectIncidents(lines));
    expect(found).toHaveLength(1);
    const f = found[0]!;
    expect(f.count).toBe(31);
    // The first sighting, line 11, is the flood's first line (not the second sighting, line 30,012).
    expect(f.line).toMatchObject({ lineNo: 11, lineId: 1010, sourcePath: 'var/log/syslog', sourceId: 3 });
    expect(f.firstTs).toBe(T0 + 600);
    expect(f.lastTs).toBe(T0 + 1_530_000);
  });

  it('forgets a sighting that went quiet for more than an hour', () => {
    const entries = [
      [T0, 'video-stream', 'kernel', WARN] as [number, string, string, string],
      ...chatter(T0 + 100, 21_000, 0), // a sweep while it is still recent
      ...chatter(T0 + 3_700_000, 21_000, 30_000), // and one after the hour
      ...[0, 1, 2, 3, 4].map((k): [number, string, string, string] => [
        T0 + 5_000_000 + k * 10_000,
        'video-stream',
        'kernel',
        WARN,
      ]),
    ];
    const found = floods(detectIncidents(syslog(entries)));
    expect(found).toHaveLength(1);
    expect(found[0]!.count).toBe(5);
    expect(found[0]!.line.lineNo).toBe(42_002);
    expect(found[0]!.firstTs).toBe(T0 + 5_000_000);
  });

  it('counts “last message repeated” on a message seen once, from its first line', () => {
    const entries: [number, string, string, string][] = [
      ...chatter(T0, 2000, 0),
      [T0 + 100_000, 'db-primary', 'kernel', WARN],
      [T0 + 100_500, 'video-stream', 'kernel', WARN], // another host: not the same run
      [T0 + 110_000, 'db-primary', 'kernel', 'last message repeated 7 times'],
      ...chatter(T0 + 120_000, 2000, 5000),
    ];
    const found = floods(detectIncidents(syslog(entries)));
    expect(found).toHaveLength(1);
    const f = found[0]!;
    expect(f.count).toBe(8);
    expect(f.line.lineNo).toBe(2001);
    expect(f.details.type === 'flood' && f.details.host).toBe('db-primary');
    expect(f.details.type === 'flood' && f.details.repeatedReported).toBe(7);
  });
});
