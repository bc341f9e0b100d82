import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SEED_FILE, corpusAvailable, readCorpus, seedAvailable } from '../../helpers/corpus';
import { parseLastText, weekdayYears, type LastEntry } from '../../../src/main/engine/formats/last-text';
import { utc } from './lines';

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString().replace('.000Z', 'Z');
}

function brief(e: LastEntry): string {
  return `${e.kind} ${iso(e.login)} ${e.endKind}${e.end !== null ? ` ${iso(e.end)}` : ''}`;
}

describe('weekday pins the year', () => {
  it('lists the years in which a date falls on a weekday', () => {
    // Wed Jun 8: 2011, 2016, 2022 (and not 2021, a Tuesday)
    expect(weekdayYears(3, 5, 8, 2010, 2023)).toEqual([2011, 2016, 2022]);
    // Feb 29 exists only in leap years: Thu Feb 29 -> 2024, not 2018 (no Feb 29)
    expect(weekdayYears(4, 1, 29, 2015, 2030)).toEqual([2024]);
  });
});

describe.skipIf(!corpusAvailable)('last text from the corpus (hotsos sosreports)', () => {
  it('openstack `last`: sessions and two boots, years from the wtmp-begins footer', () => {
    const p = parseLastText(readCorpus('c-wtmp', 'hotsos_openstack__last').toString('utf8'));
    expect(p.unparsed).toEqual([]);
    expect(p.footers.map((f) => iso(f.ts))).toEqual(['2022-02-04T09:34:03Z']);
    const boots = p.entries.filter((e) => e.kind === 'reboot');
    expect(boots.map(brief)).toEqual([
      'reboot 2022-02-09T22:38:00Z still-running',
      'reboot 2022-02-04T09:34:00Z time 2022-02-04T11:33:00Z',
    ]);
    expect(boots[1]?.durationS).toBe(1 * 3600 + 59 * 60);
    expect(boots[0]?.host).toBe('5.4.0-97-generic');
    expect(boots[0]?.tsQuality).toBe('year-inferred');
    expect(boots[0]?.yearFrom).toMatch(/Wed Feb 9 falls in 2022.*wtmp begins Fri Feb {2}4 09:34:03 2022/);
    const sessions = p.entries.filter((e) => e.kind === 'session');
    expect(sessions).toHaveLength(12);
    expect(sessions[0]?.endKind).toBe('still-logged-in');
    expect(brief(sessions[2] as LastEntry)).toBe('session 2022-02-10T13:47:00Z time 2022-02-10T13:51:00Z');
  });

  it.each(['kubernetes', 'openstack', 'vault'])('%s `last reboot` and `last -x shutdown`', (host) => {
    const reboot = parseLastText(readCorpus('c-wtmp', `hotsos_${host}__last_reboot`).toString('utf8'));
    const shutdown = parseLastText(readCorpus('c-wtmp', `hotsos_${host}__last_shutdown`).toString('utf8'));
    expect(reboot.entries.length).toBeGreaterThan(0);
    expect(
      reboot.entries.every(
        (e) => e.kind === 'reboot' && e.login !== null && new Date(e.login).getUTCFullYear() === 2022,
      ),
    ).toBe(true);
    expect(reboot.entries[0]?.endKind).toBe('still-running');
    expect(shutdown.entries).toEqual([]);
    expect(shutdown.footers).toHaveLength(1);
  });

  it('vault: the older boot ended 10:58 the same day', () => {
    const p = parseLastText(readCorpus('c-wtmp', 'hotsos_vault__last_reboot').toString('utf8'));
    expect(p.entries.map(brief)).toEqual([
      'reboot 2022-02-09T22:33:00Z still-running',
      'reboot 2022-02-04T09:41:00Z time 2022-02-04T10:58:00Z',
    ]);
  });

  it('util-linux expected outputs: short, -x, -F, iso, and the odd durations', () => {
    const text = readCorpus('c-wtmp', 'util-linux__last-nodns').toString('utf8');
    const section = (name: string): string => text.split(`~~~ ${name} ~~~\n`)[1]?.split('~~~')[0] ?? '';
    const full = parseLastText(section('full times shortopt'));
    const isoP = parseLastText(section('iso-8601 time'));
    const short = parseLastText(section('include system'));
    expect(full.entries[0]?.durationS).toBe(24855 * 86400 + 3 * 3600 + 14 * 60);
    expect(iso(full.entries[0]?.end ?? null)).toBe('2038-01-19T03:14:07Z');
    expect(full.entries[0]?.truncated).toBe(true);
    expect(full.entries[1]?.endKind).toBe('gone-no-logout');
    expect(full.entries.find((e) => e.user === 'nonvalid')?.endKind).toBe('down');
    expect(isoP.entries.map((e) => [e.login, e.end])).toEqual(full.entries.map((e) => [e.login, e.end]));
    expect(isoP.entries[0]?.tsQuality).toBe('exact');
    expect(isoP.footers[0]?.ts).toBe(utc('2013-08-28T03:00:00'));
    expect(short.entries.filter((e) => e.kind !== 'session').map(brief)).toEqual([
      'reboot 2013-08-28T18:00:00Z still-running',
      'shutdown 2013-08-28T17:00:00Z time 2013-08-28T18:00:00Z',
      'reboot 2013-08-28T16:00:00Z time 2013-08-28T17:00:00Z',
      'shutdown 2013-08-28T15:00:00Z time 2013-08-28T16:00:00Z',
    ]);
  });
});

describe.skipIf(!seedAvailable)('the seed: `last | grep reboot`, five boots all "still running"', () => {
  const seed = seedAvailable ? readFileSync(SEED_FILE, 'utf8').split('\n') : [];
  const lines = seed
    .map((text, i) => ({ lineNo: i + 1, text }))
    .filter((l) => l.text.startsWith('reboot   system boot'));
  // the seed's containerd lines carry the year: time="2022-06-06T21:33:17.535433701+08:00"
  const containerd = seed.findIndex((l) => l.includes('time="2022-06-06T21:33:17'));
  const anchor = { ts: utc('2022-06-06T21:33:17'), what: `containerd line ${containerd + 1} (2022-06-06)` };

  it('finds the five lines at 181-185', () => {
    expect(lines.map((l) => l.lineNo)).toEqual([181, 182, 183, 184, 185]);
    expect(containerd + 1).toBe(126);
  });

  it('infers the years from the weekdays, the newest in 2022', () => {
    const p = parseLastText(lines, { anchor });
    expect(p.entries.map((e) => iso(e.login))).toEqual([
      '2022-06-08T10:10:00Z',
      '2022-04-06T20:21:00Z',
      '2022-03-29T17:46:00Z',
      '2021-10-26T20:44:00Z',
      '2020-10-26T19:38:00Z',
    ]);
    expect(
      p.entries.every(
        (e) => e.kind === 'reboot' && e.endKind === 'still-running' && e.host === '4.4.0-150-generi',
      ),
    ).toBe(true);
    expect(p.entries[0]?.yearFrom).toMatch(/falls in 2022.*containerd line 126/);
    // Tue Oct 26 is 2021 and Mon Oct 26 is 2020: a weekday wrong by one would pick another year
    expect(p.entries[4]?.yearCandidates).toContain(2020);
    expect(p.entries[4]?.yearCandidates).not.toContain(2021);
  });

  it('without an anchor leaves the year unknown and says so', () => {
    const p = parseLastText(lines);
    expect(p.entries.every((e) => e.login === null)).toBe(true);
    expect(p.entries[0]?.yearCandidates).toContain(2022);
    expect(p.notes[0]).toMatch(/no year and no anchor/);
  });
});
