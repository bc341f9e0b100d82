/**
 * Issue 5, session 2: binary wtmp/utmp/btmp rows as the ingest stores them are fed back to the
 * boot fusion; BootJson carries line ids and kernelTruncated; sosreport `uptime` anchors the
 * running boot.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeCase } from '../../../src/main/engine/analysis/run';
import { buildBootHistory, toBootJson } from '../../../src/main/engine/analysis/reboots';
import {
  parseUtmp,
  parseUtmpRowText,
  utmpLines,
  type UtmpParse,
} from '../../../src/main/engine/formats/wtmp';
import { parseDateOutput, parseUptime } from '../../../src/main/engine/formats/uptime';
import type { RecordLine } from '../../../src/shared/model/log';
import { corpusAvailable, corpusPath, readCorpus } from '../../helpers/corpus';
import { memCase } from './mem-case';

function ok(p: UtmpParse): Extract<UtmpParse, { ok: true }> {
  if (!p.ok) throw new Error(p.reason);
  return p;
}

/** The rows the ingest writes for a binary login-record file (binary-records.ts: utmpLines, exact ts). */
function rows(file: string): Omit<RecordLine, 'sourceId' | 'sourcePath' | 'lineNo' | 'lineId'>[] {
  const p = ok(parseUtmp(new Uint8Array(readCorpus('c-wtmp', file))));
  const byIndex = new Map(p.records.map((r) => [r.index, r]));
  return utmpLines(p).map((text, i) => {
    const r = byIndex.get(i);
    return { text, ts: r ? r.ts : null, tsQuality: r ? ('exact' as const) : ('none' as const) };
  });
}

const T = (s: string): number => Date.parse(s);

describe.skipIf(!corpusAvailable)('wtmp rows back into records', () => {
  it.each([
    'plaso__utmp',
    'plaso__wtmp.1',
    'util-linux__wtmp-a.LE',
    'util-linux__wtmp-ipv6.BE',
    'plaso__utmp_s390',
  ])('%s: every viewer row reads back to the record it was written from', (file) => {
    const p = ok(parseUtmp(new Uint8Array(readCorpus('c-wtmp', file))));
    const texts = utmpLines(p);
    for (const r of p.records) {
      const back = parseUtmpRowText(texts[r.index]!, r.index);
      expect(back).not.toBeNull();
      // the row text does not carry offset, exit and session; trailing blanks of ut_id are cut (as utmpdump does)
      const { offset: _o, exit: _e, session: _s, ...want } = r;
      const { offset: _o2, exit: _e2, session: _s2, ...got } = back!;
      expect(got).toEqual({ ...want, id: want.id.trimEnd() });
    }
  });

  it('CORRUPT and PARTIAL rows are not records', () => {
    expect(parseUtmpRowText('CORRUPT record #3 at byte 1152: bad type 77', 3)).toBeNull();
    expect(parseUtmpRowText('PARTIAL record: 12 trailing bytes (a record is 384)', 4)).toBeNull();
  });
});

describe.skipIf(!corpusAvailable)('analyzeCase feeds indexed wtmp rows to the boot fusion', () => {
  it('gives the same boots as the records themselves, with line ids of the rows', () => {
    const input = memCase([{ path: 'var/log/wtmp', kind: 'wtmp', lines: rows('util-linux__wtmp-a.LE') }]);
    const { analysis } = analyzeCase(input);
    const p = ok(parseUtmp(new Uint8Array(readCorpus('c-wtmp', 'util-linux__wtmp-a.LE'))));
    const direct = buildBootHistory({
      wtmp: [{ sourceId: 1, sourcePath: 'var/log/wtmp', records: p.records }],
    });
    expect(analysis.boots.map((b) => [b.start, b.endKind, b.end])).toEqual(
      direct.boots.map(toBootJson).map((b) => [b.start, b.endKind, b.end]),
    );
    // last -x -F: reboot 16:00 – 17:00 ended by the 17:00 shutdown record; 18:00 still running
    expect(analysis.boots.map((b) => [b.start, b.endKind])).toEqual([
      ['2013-08-28T16:00:00.000Z', 'clean'],
      ['2013-08-28T18:00:00.000Z', 'running'],
    ]);
    const lines = input.byPath.get('var/log/wtmp')!;
    for (const b of analysis.boots)
      for (const e of b.evidence) {
        expect(e.lineId).toBeGreaterThan(0);
        expect(lines[e.line - 1]!.lineId).toBe(e.lineId);
      }
    const boot16 = analysis.boots[0]!;
    const row = lines[boot16.evidence.find((e) => e.what === 'wtmp boot record')!.line - 1]!;
    expect(row.text).toMatch(/^BOOT_TIME\s+\[2\].*\[reboot\s*\]/);
  });

  it('flags a boot the logs show but wtmp does not, and a wtmp boot the covering logs do not show', () => {
    // real lines (CRON from a-syslog; the 5.4.0-97 banner from the hotsos sosreport) re-dated into wtmp-a's day
    const cron = 'ubuntu2015 CRON[3]: (root) CMD (touch /tmp/afile.txt)';
    const banner =
      'compute4 kernel: [    0.000000] Linux version 5.4.0-97-generic (buildd@lcy02-amd64-032) (gcc version 9.3.0 (Ubuntu 9.3.0-17ubuntu1~20.04)) #110-Ubuntu SMP Thu Jan 13 18:22:13 UTC 2022 (Ubuntu 5.4.0-97.110-generic 5.4.162)';
    const log: { text: string; ts: number; tsQuality: 'year-inferred' }[] = [];
    for (let m = 13 * 60; m <= 17 * 60 + 30; m += 10) {
      const hh = String(Math.floor(m / 60)).padStart(2, '0');
      const mm = String(m % 60).padStart(2, '0');
      log.push({
        text: `Aug 28 ${hh}:${mm}:00 ${cron}`,
        ts: T(`2013-08-28T${hh}:${mm}:00Z`),
        tsQuality: 'year-inferred',
      });
      if (m === 13 * 60 + 30)
        log.push({
          text: `Aug 28 13:30:05 ${banner}`,
          ts: T('2013-08-28T13:30:05Z'),
          tsQuality: 'year-inferred',
        });
    }
    const input = memCase([
      { path: 'var/log/wtmp', kind: 'wtmp', lines: rows('util-linux__wtmp-a.LE') },
      { path: 'var/log/syslog', kind: 'syslog', lines: log },
    ]);
    const { analysis } = analyzeCase(input);
    const at = (iso: string) => analysis.boots.find((b) => b.start === iso);
    expect(at('2013-08-28T13:30:05.000Z')?.flags.map((f) => f.kind)).toContain('not-in-wtmp');
    expect(at('2013-08-28T13:30:05.000Z')?.kernel).toBe('5.4.0-97-generic');
    expect(at('2013-08-28T16:00:00.000Z')?.flags.map((f) => f.kind)).toContain('not-in-logs');
    // Each coverage flag names the source that covers the time and lacks the boot (the panel says it in zh-CN too).
    expect(at('2013-08-28T13:30:05.000Z')?.flags.find((f) => f.kind === 'not-in-wtmp')?.source).toBe(
      'var/log/wtmp',
    );
    expect(at('2013-08-28T16:00:00.000Z')?.flags.find((f) => f.kind === 'not-in-logs')?.source).toBe(
      'var/log/syslog',
    );
    // the logs end at 17:30: the 18:00 boot is not covered, so not flagged
    expect(at('2013-08-28T18:00:00.000Z')?.flags.map((f) => f.kind)).not.toContain('not-in-logs');
  });

  it('btmp rows are signs of life, never boots', () => {
    const input = memCase([{ path: 'var/log/btmp', kind: 'btmp', lines: rows('util-linux__wtmp-a.LE') }]);
    expect(analyzeCase(input).analysis.boots).toHaveLength(0);
  });

  it('BootJson keeps kernelTruncated and the last sign of life’s line id', () => {
    const sample = [
      'reboot   system boot  4.15.0-142-gener Wed Jun  8 10:10   still running',
      'reboot   system boot  4.15.0-142-gener Wed Apr  6 17:45   still running',
    ];
    const input = memCase([
      { path: 'sos_commands/login/last', kind: 'last', lines: sample, mtimeMs: T('2022-06-08T10:30:00Z') },
    ]);
    const { analysis } = analyzeCase(input);
    expect(analysis.boots).toHaveLength(2);
    for (const b of analysis.boots) {
      expect(b.kernel).toBe('4.15.0-142-gener');
      expect(b.kernelTruncated).toBe(true);
    }
    const lsol = analysis.boots[0]!.lastSignOfLife;
    expect(lsol?.lineId).toBe(input.byPath.get('sos_commands/login/last')![lsol!.line - 1]!.lineId);
  });
});

describe('sosreport uptime and date', () => {
  it('reads every uptime form', () => {
    const up = (s: string) => parseUptime([s]);
    expect(up(' 16:19:19 up 17:41,  2 users,  load average: 3.58, 3.27, 2.58')).toMatchObject({
      upSeconds: 17 * 3600 + 41 * 60,
      clock: '16:19:19',
      users: 2,
      load: [3.58, 3.27, 2.58],
      precision: 'minute',
    });
    expect(up(' 10:30:01 up 20 min,  1 user,  load average: 0.00, 0.01, 0.05')?.upSeconds).toBe(1200);
    expect(up(' 10:30:01 up 3 days,  4:05,  1 user,  load average: 0.00, 0.01, 0.05')?.upSeconds).toBe(
      3 * 86400 + 4 * 3600 + 5 * 60,
    );
    expect(up(' 10:30:01 up 1 day, 20 min,  0 users,  load average: 0.00, 0.01, 0.05')?.upSeconds).toBe(
      86400 + 1200,
    );
    expect(up(' 10:30:01 up 12 sec,  0 users,  load average: 0.00, 0.01, 0.05')).toMatchObject({
      upSeconds: 12,
      precision: 'second',
    });
    expect(up('up 2 weeks, 3 days, 2 hours, 5 minutes')).toMatchObject({
      upSeconds: 17 * 86400 + 2 * 3600 + 300,
      form: 'uptime-pretty',
      clock: null,
    });
    expect(up('350735.47 234388.90')).toMatchObject({ upSeconds: 350735.47, form: 'proc-uptime' });
    expect(up('load average: 1 2 3')).toBeNull();
  });

  it('reads date output only with a zone it can place', () => {
    expect(parseDateOutput(['Thu Feb 10 16:19:17 UTC 2022'])?.ts).toBe(T('2022-02-10T16:19:17Z'));
    expect(parseDateOutput(['Wed Jun  8 10:30:01 +0800 2022'])?.ts).toBe(T('2022-06-08T02:30:01Z'));
    // zh_CN locale: CST is China Standard Time there
    expect(parseDateOutput(['2022年 06月 08日 星期三 10:30:01 CST'])?.ts).toBe(T('2022-06-08T02:30:01Z'));
    // C locale CST is ambiguous (US Central or China): not guessed
    expect(parseDateOutput(['Wed Jun  8 10:30:01 CST 2022'])).toBeNull();
    expect(parseDateOutput(['           Universal time: Thu 2022-02-10 16:19:48 UTC'])?.ts).toBe(
      T('2022-02-10T16:19:48Z'),
    );
  });
});

describe.skipIf(!corpusAvailable)('hotsos sosreport: uptime anchors the running boot', () => {
  const sos = (...p: string[]) =>
    readFileSync(corpusPath('f-sos', 'hotsos_openstack_sosreport', ...p), 'utf8')
      .split('\n')
      .filter((l) => l !== '');

  it('uptime + date alone give the running boot at 2022-02-09 22:38:19 UTC', () => {
    const input = memCase([
      {
        path: 'sos_commands/host/uptime',
        lines: sos('sos_commands', 'host', 'uptime'),
        mtimeMs: T('2022-02-10T16:20:00Z'),
      },
      { path: 'sos_commands/date/date', lines: sos('sos_commands', 'date', 'date') },
    ]);
    const { analysis } = analyzeCase(input);
    expect(analysis.boots).toHaveLength(1);
    const b = analysis.boots[0]!;
    // 16:19:19 (the clock uptime printed, UTC from date) − 17:41
    expect(b.start).toBe('2022-02-09T22:38:19.000Z');
    expect(b.startConfidence).toBe('medium');
    expect(b.startFrom).toMatch(/uptime/);
    expect(b.endKind).toBe('running');
    // running until the collection time the date output gives
    expect(b.uptimeS).toBe(17 * 3600 + 40 * 60 + 58);
    expect(b.evidence[0]).toMatchObject({ source: 'sos_commands/host/uptime', line: 1, lineId: 1 });
  });

  it('joins the `last reboot` line of the same boot (still running) rather than adding one', () => {
    const input = memCase([
      {
        path: 'sos_commands/login/last_reboot',
        kind: 'last',
        lines: sos('sos_commands', 'login', 'last_reboot'),
        mtimeMs: T('2022-02-10T16:19:20Z'),
      },
      {
        path: 'sos_commands/host/uptime',
        lines: sos('sos_commands', 'host', 'uptime'),
        mtimeMs: T('2022-02-10T16:19:20Z'),
      },
      { path: 'sos_commands/date/date', lines: sos('sos_commands', 'date', 'date') },
    ]);
    const { analysis } = analyzeCase(input);
    expect(analysis.boots.map((b) => b.start)).toEqual([
      '2022-02-04T09:34:00.000Z',
      '2022-02-09T22:38:00.000Z',
    ]);
    const running = analysis.boots[1]!;
    expect(running.endKind).toBe('running');
    expect(running.evidence.map((e) => e.source)).toEqual(
      expect.arrayContaining(['sos_commands/login/last_reboot', 'sos_commands/host/uptime']),
    );
  });
});
