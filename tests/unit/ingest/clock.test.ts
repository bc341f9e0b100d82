import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDmesg } from '../../../src/main/engine/formats/dmesg';
import { parseSyslog } from '../../../src/main/engine/formats/syslog';
import {
  calibrate,
  estimateBootStart,
  parseZone,
  renormalise,
  SourceClock,
  createResolver,
} from '../../../src/main/engine/ingest/clock';
import { corpusAvailable, readCorpus, SEED_FILE, seedAvailable } from '../../helpers/corpus';

const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString());
const linesOf = (buf: Buffer): string[] =>
  buf
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '');

describe.skipIf(!seedAvailable)('clock on the seed syslog', () => {
  const lines = seedAvailable ? readFileSync(SEED_FILE, 'utf8').split('\n').slice(22, 133) : [];
  const parsed = lines.map((l) => parseSyslog(l));
  const { times, resolution } = calibrate(parsed);

  it('infers 2022 and the +08:00 zone from the containerd/dockerd ISO times inside messages', () => {
    expect(resolution.epochYears).toEqual([2022]);
    expect(resolution.zone).toMatchObject({ zone: 480, assumed: false });
    expect(resolution.zone.source).toMatch(/learned from 3 ISO time/);
    expect(iso(times[0]!.utcMs)).toBe('2022-06-06T13:33:13.000Z');
    expect(times[0]!.quality).toBe('year-inferred');
    expect(times[0]!.anchor).toContain('ISO time "2022-06-06T21:33:19.234553076+08:00"');
    expect(times.every((t) => t.utcMs !== null)).toBe(true);
  });

  it('keeps the damaged `un  6` line as its own record with its repaired time', () => {
    const i = lines.findIndex((l) => l.startsWith('un  6'));
    expect(i).toBeGreaterThan(0);
    expect(parsed[i]!.repair).toBe('month "un" repaired to "jun"');
    expect(parsed[i]!.continuation).toBeUndefined();
    expect(iso(times[i]!.utcMs)).toBe('2022-06-06T13:33:14.000Z');
  });

  it('takes the previous line time for a header damaged beyond repair, and says so', () => {
    const edited = [...lines];
    const i = edited.findIndex((l) => l.startsWith('un  6'));
    edited[i] = edited[i]!.replace(/^un/, 'n');
    const r = calibrate(edited.map((l) => parseSyslog(l)));
    expect(r.times[i]!.utcMs).toBe(r.times[i - 1]!.utcMs);
    expect(r.times[i]!.anchor).toMatch(/header damaged/);
  });

  it('re-normalises to another zone without re-parsing', () => {
    const { pending, resolution: res } = calibrate(parsed);
    const utc = renormalise(pending, res, parseZone('UTC', 'case setting', true));
    expect(iso(utc[0]!.utcMs)).toBe('2022-06-06T21:33:13.000Z');
    expect(utc[0]!.quality).toBe('zone-assumed');
  });
});

describe.skipIf(!corpusAvailable)('clock on the corpus', () => {
  it('puts a Dec→Jan rollover in two years, working back from the newest line (lnav syslog.1)', () => {
    const parsed = linesOf(readCorpus('a-syslog', 'lnav__logfile_syslog.1')).map((l) => parseSyslog(l));
    const mtime = Date.UTC(2007, 0, 4, 12);
    const { times, resolution } = calibrate(parsed, {
      zone: parseZone('UTC', 'test', false),
      anchors: [{ role: 'not-after', utcMs: mtime, description: 'file mtime 2007-01-04' }],
    });
    expect(resolution.epochYears).toEqual([2006, 2007]);
    expect(iso(times[0]!.utcMs)).toBe('2006-12-03T09:23:38.000Z');
    expect(iso(times[3]!.utcMs)).toBe('2007-01-03T09:47:02.000Z');
    expect(times[3]!.anchor).toMatch(/not after file mtime 2007-01-04; 1 year rollover/);
  });

  it('puts Feb 29 in a leap year when nothing else pins the year (plaso syslog)', () => {
    const parsed = linesOf(readCorpus('a-syslog', 'plaso__syslog'))
      .slice(0, 7)
      .map((l) => parseSyslog(l));
    const { times } = calibrate(parsed, { zone: parseZone('UTC', 'test', false), fallbackYear: 2014 });
    expect(iso(times[6]!.utcMs)).toBe('2012-02-29T01:15:43.000Z');
    expect(times[6]!.anchor).toMatch(/Feb 29 needs a leap year/);
  });

  it('honours Z and +03:00 in the same file as exact times (lnav with_zones)', () => {
    const parsed = linesOf(readCorpus('a-syslog', 'lnav__logfile_with_zones.0')).map((l) => parseSyslog(l));
    const { times } = calibrate(parsed);
    expect(times.map((t) => t.quality)).toEqual(['exact', 'exact', 'exact']);
    expect(times.map((t) => iso(t.utcMs))).toEqual([
      '2022-08-27T14:22:01.613Z',
      '2022-08-27T14:22:01.694Z',
      '2022-08-27T14:22:01.888Z',
    ]);
  });

  it('places the DST repeat hour after the hour it repeats (lnav dst, US zone)', () => {
    const parsed = linesOf(readCorpus('a-syslog', 'lnav__logfile_dst.0')).map((l) => parseSyslog(l));
    const zone = parseZone('America/Los_Angeles', 'etc/localtime', false);
    const { times } = calibrate(parsed, {
      zone,
      anchors: [{ role: 'not-after', utcMs: Date.UTC(2019, 10, 4), description: 'file mtime' }],
    });
    const utc = times.map((t) => t.utcMs!);
    expect(iso(utc[4]!)).toBe('2019-11-03T08:59:14.000Z'); // 01:59:14 PDT
    expect(iso(utc[5]!)).toBe('2019-11-03T09:24:56.000Z'); // 01:24:56 PST, the second 01:xx
    for (let i = 1; i < utc.length; i++) expect(utc[i]!).toBeGreaterThan(utc[i - 1]!);
  });

  it('uses the Logs-begin header as a year anchor for journal short output', () => {
    const lines = linesOf(readCorpus('d-journal', 'hotsos__journalctl_unit_cloud-init'));
    const clock = new SourceClock({ zone: parseZone('UTC', 'journal header', false) });
    const pending = lines.map((l) => {
      const p = parseSyslog(l);
      if (l.startsWith('-- Logs begin')) {
        clock.addAnchor({
          role: 'not-before',
          utcMs: Date.UTC(2022, 1, 4, 9, 34, 4),
          description: 'journal "Logs begin at Fri 2022-02-04 09:34:04 UTC"',
        });
        clock.addAnchor({
          role: 'not-after',
          utcMs: Date.UTC(2022, 1, 10, 16, 19, 13),
          description: 'journal "end at Thu 2022-02-10 16:19:13 UTC"',
        });
        return clock.push(null);
      }
      return clock.push(p?.ts, p ?? {});
    });
    const resolve = createResolver(clock.finish());
    expect(iso(resolve(pending[1]!).utcMs)).toBe('2022-02-04T09:34:07.000Z');
  });

  it('converts dmesg seconds-since-boot only with a boot anchor, per boot', () => {
    const raw = linesOf(readCorpus('f-sos', 'hotsos_openstack_sosreport/var/log/kern.log')).slice(0, 5);
    const kern = raw.map((l) => parseSyslog(l));
    expect(kern[0]!.ts?.bootSecs).toBe(0);
    const dmesg = linesOf(readCorpus('b-dmesg', 'util-linux__dmesg_input')).map((l) => parseDmesg(l));
    const bare = calibrate(dmesg);
    expect(bare.times[3]).toMatchObject({ utcMs: null, quality: 'boot-relative', bootSecs: 27 });
    const clock = new SourceClock();
    const pending = dmesg.map((p) => clock.push(p?.ts, p ?? {}));
    const start = estimateBootStart([{ bootSecs: 0, utcMs: Date.UTC(2022, 1, 4, 9, 34, 10) }])!;
    clock.addBootSample(0, start.utcMs);
    const resolve = createResolver(clock.finish());
    const t = resolve(pending[3]!);
    expect(t.quality).toBe('boot-relative-converted');
    expect(iso(t.utcMs)).toBe('2022-02-04T09:34:37.000Z');
  });

  it('lets a printed weekday pin the year', () => {
    // `last` prints `Thu Feb 10 16:13` with no year: only some years have Feb 10 on a Thursday.
    const { times } = calibrate([{ ts: { weekday: 4, month: 2, day: 10, h: 16, m: 13, s: 0 } }], {
      zone: parseZone('UTC', 'test', false),
      fallbackYear: 2025,
    });
    expect(iso(times[0]!.utcMs)).toBe('2022-02-10T16:13:00.000Z');
    expect(times[0]!.anchor).toMatch(/weekday/);
  });
});
