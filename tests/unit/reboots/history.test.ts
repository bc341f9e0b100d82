import { endReasonZh, reasonText } from '../../../src/renderer/src/panels/reboots/reason';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SEED_FILE, corpusAvailable, readCorpus, seedAvailable } from '../../helpers/corpus';
import type { RecordLine } from '../../../src/shared/model/log';
import type { Boot, BootJson, EndWhy } from '../../../src/shared/model/boot';
import { parseLastText } from '../../../src/main/engine/formats/last-text';
import { parseUtmp } from '../../../src/main/engine/formats/wtmp';
import {
  buildBootHistory,
  scanBootLines,
  toBootJson,
  lastSystemEntries,
} from '../../../src/main/engine/analysis/reboots';
import { syslogLines, utc } from './lines';

const iso = (ms: number | null): string | null =>
  ms === null ? null : new Date(ms).toISOString().replace('.000Z', 'Z');

describe.skipIf(!seedAvailable)('the seed: OOM kill, write_iter flood, forced reboot two days later', () => {
  const seed = seedAvailable ? readFileSync(SEED_FILE, 'utf8').split('\n') : [];
  // lines 23-133: the OOM report and the warnings after it; the containerd lines give the year
  const syslog = syslogLines(seed.slice(22, 133), {
    year: 2022,
    sourcePath: 'seed/syslog',
    sourceId: 1,
    firstLineNo: 23,
  });
  const lastLines = seed
    .map((text, i) => ({ lineNo: i + 1, text }))
    .filter((l) => l.text.startsWith('reboot   system boot'));
  const anchor = { ts: utc('2022-06-06T21:33:17'), what: 'containerd line 126 (2022-06-06)' };
  const history = buildBootHistory({
    scan: scanBootLines(syslog),
    last: [{ sourceId: 2, sourcePath: 'seed/last', parse: parseLastText(lastLines, { anchor }) }],
  });
  const byStart = (s: string): Boot | undefined => history.boots.find((b) => iso(b.start) === s);

  it('lists the five boots of `last | grep reboot`, oldest first', () => {
    expect(history.boots.map((b) => `${iso(b.start)} ${b.endKind}`)).toEqual([
      '2020-10-26T19:38:00Z hard',
      '2021-10-26T20:44:00Z hard',
      '2022-03-29T17:46:00Z hard',
      '2022-04-06T20:21:00Z hard',
      '2022-06-08T10:10:00Z running',
    ]);
  });

  it('the boot before Jun 8 10:10 ended hard; its last sign of life is the last write_iter warning', () => {
    const b = byStart('2022-04-06T20:21:00Z');
    expect(b?.endKind).toBe('hard');
    expect(b?.lastSignOfLife?.line).toBe(133);
    expect(b?.lastSignOfLife?.text).toBe(
      'Jun  6 21:33:51 video-stream kernel: WARNING: [write_iter] inode ifops has restore.',
    );
    expect(iso(b?.end ?? null)).toBe('2022-06-06T21:33:51Z');
    // from 21:33:51 on Jun 6 to 10:10 on Jun 8
    expect(b?.downtimeS).toBe(86_400 + 12 * 3600 + 36 * 60 + 9);
    expect(b?.endReason).toMatch(
      /no shutdown trace and no crash evidence: seed\/last has no shutdown record/,
    );
    // The same reason as data, and the panel's zh-CN sentence built from it.
    expect(b?.endWhy).toEqual({
      rule: 'hard',
      wtmpSource: 'seed/last',
      logSource: null,
      lsol: { cite: 'seed/syslog:133', ts: '2022-06-06T21:33:51Z' },
      hints: null,
    });
    expect(reasonText(endReasonZh(toBootJson(b!))!)).toBe(
      '没有关机痕迹，也没有崩溃证据：seed/last 在这次启动与下一次启动之间没有关机记录。最后活动迹象是 seed/syslog:133（2022-06-06 21:33:51 UTC）。',
    );
  });

  it('explains "still running" on the four older boots as ended without a shutdown record', () => {
    const old = history.boots.slice(0, 4);
    for (const b of old) {
      expect(b.explanation).toMatch(/"still running".*no shutdown record after it.*is not running/);
      expect(b.flags.map((f) => f.kind)).toContain('still-running-old');
    }
    expect(history.boots[4]?.explanation).toBeNull();
    // boots known only from their reboot line: ended, but when is not known
    expect(history.boots[0]?.end).toBeNull();
    expect(history.boots[0]?.uptimeS).toBeNull();
  });

  it('cites its evidence and says the years were inferred', () => {
    const json = toBootJson(byStart('2022-04-06T20:21:00Z') as Boot);
    expect(json.evidence).toContainEqual({
      source: 'seed/last',
      line: 182,
      lineId: 0,
      what: expect.stringMatching(/inferred: Wed Apr 6 falls in 2022/),
    });
    expect(json.evidence.some((e) => e.source === 'seed/syslog' && e.line === 133)).toBe(true);
    expect(json.lastSignOfLife).toMatchObject({
      ts: '2022-06-06T21:33:51.000Z',
      source: 'seed/syslog',
      line: 133,
    });
    expect(json.flags.map((f) => f.kind)).toContain('time-inferred');
    expect(json.startConfidence).toBe('medium');
  });
});

const SOS = 'f-sos/hotsos_openstack_sosreport';
const JOURNAL = `${SOS}/sos_commands/logs/journalctl_--no-pager_--catalog_--boot_-1`;
const KERN = `${SOS}/var/log/kern.log`;

/** A corpus file's lines; none without the corpus (the suites that read it are skipped then). */
function text(rel: string): string[] {
  if (!corpusAvailable) return [];
  const [folder, ...rest] = rel.split('/');
  const lines = readCorpus(folder ?? '', ...rest)
    .toString('utf8')
    .split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

describe.skipIf(!corpusAvailable)('clean reboot, kdump crash, hard reset: built from real lines', () => {
  const journal = text(JOURNAL);
  const kern = text(KERN);
  const powerKey = journal.findIndex((l) => l.includes('Power key pressed'));
  const boot2 = kern.findIndex((l, i) => i > 0 && l.includes('Linux version'));
  // the previous boot as the journal shows it, up to (not including) the power key press
  const beforePowerKey = syslogLines(journal.slice(0, powerKey), {
    year: 2022,
    sourcePath: JOURNAL,
    sourceId: 1,
  });
  const nextBoot = syslogLines(kern.slice(boot2, boot2 + 40), {
    year: 2022,
    sourcePath: KERN,
    sourceId: 2,
    firstLineNo: boot2 + 1,
  });
  const lastBefore = [...beforePowerKey].reverse().find((l) => l.ts !== null) as RecordLine;

  it('the inputs are what the cases need', () => {
    expect(powerKey).toBeGreaterThan(1000);
    expect(nextBoot[0]?.text).toMatch(
      /^Feb {2}9 22:38:17 compute4 kernel: \[ {4}0\.000000\] Linux version 5\.4\.0-97-generic/,
    );
    expect(iso(lastBefore.ts)).toBe('2022-02-04T11:32:31Z');
  });

  it('clean: the journal shows the power-off sequence', () => {
    const all = syslogLines(journal, { year: 2022, sourcePath: JOURNAL, sourceId: 1 });
    const h = buildBootHistory({ scan: scanBootLines([...all, ...nextBoot]) });
    expect(h.boots).toHaveLength(2);
    const b = h.boots[0] as Boot;
    expect(b.endKind).toBe('clean');
    expect(iso(b.end)).toBe('2022-02-04T11:33:06Z');
    expect(b.lastSignOfLife?.text).toBe('Feb 04 11:33:06 compute4 systemd-journald[394]: Journal stopped');
    expect(b.endReason).toMatch(/systemd reached a shutdown target/);
    expect(b.endWhy?.rule).toBe('shutdown');
    expect(b.endWhy?.shutdown?.whats).toContain('systemd reached a shutdown target');
    expect(reasonText(endReasonZh(toBootJson(b))!)).toMatch(
      /^关机流程：.*systemd 进入关机 target.*（最后一行 /,
    );
    expect(b.downtimeS).toBe((utc('2022-02-09T22:38:17') - utc('2022-02-04T11:33:06')) / 1000);
    expect(b.uptimeS).toBe((utc('2022-02-04T11:33:06') - utc('2022-02-04T09:34:04')) / 1000);
    expect(h.boots[1]?.endKind).toBe('running');
  });

  it('crash: a panic (hotkdump line, re-dated) and a kdump dump directory', () => {
    const panicText =
      text('e-crash/hotkdump__example-run').find(
        (l) => l.startsWith('[') && l.includes('Kernel panic - not syncing'),
      ) ?? '';
    const panic = syslogLines(
      [`Feb 04 11:32:35 compute4 kernel: ${panicText.replace(/^\[\s*[\d.]+\]/, '[ 7079.505715]')}`],
      {
        year: 2022,
        sourcePath: JOURNAL,
        sourceId: 1,
        firstLineNo: powerKey + 1,
      },
    );
    const h = buildBootHistory({
      scan: scanBootLines([...beforePowerKey, ...panic, ...nextBoot]),
      crashDirs: [{ path: 'var/crash/202202041133/dump.202202041133', sourceId: 9 }],
    });
    const b = h.boots[0] as Boot;
    expect(b.endKind).toBe('crash');
    expect(iso(b.end)).toBe('2022-02-04T11:32:35Z');
    expect(b.endReason).toMatch(/kernel panic .*; kdump crash directory \/var\/crash\/202202041133/);
    expect(b.endWhy?.crash?.map((c) => c.what)).toEqual([
      'kernel panic',
      'kdump crash directory /var/crash/202202041133',
    ]);
    expect(reasonText(endReasonZh(toBootJson(b))!)).toMatch(
      /^崩溃证据：内核 panic（.+）；kdump 转储目录 \/var\/crash\/202202041133（.+）。$/,
    );
    expect(b.lastSignOfLife?.text).toMatch(/Kernel panic - not syncing: sysrq triggered crash$/);
    expect(b.evidence.some((e) => e.sourcePath === 'var/crash/202202041133/dump.202202041133')).toBe(true);
  });

  it('hard: the log runs on into the next boot with no shutdown and no crash', () => {
    const syslog = [
      ...beforePowerKey,
      ...nextBoot.map((l, i) => ({ ...l, sourceId: 1, sourcePath: JOURNAL, lineNo: powerKey + 1 + i })),
    ];
    const h = buildBootHistory({ scan: scanBootLines(syslog) });
    const b = h.boots[0] as Boot;
    expect(b.endKind).toBe('hard');
    expect(b.lastSignOfLife?.line).toBe(lastBefore.lineNo);
    expect(iso(b.end)).toBe('2022-02-04T11:32:31Z');
    expect(b.endReason).toMatch(/spans the reboot and shows no shutdown sequence/);
    expect(b.endWhy).toMatchObject({ rule: 'hard', wtmpSource: null, logSource: JOURNAL });
    expect(reasonText(endReasonZh(toBootJson(b))!)).toContain(`${JOURNAL} 跨越了这次重启，却没有关机流程`);
    expect(b.downtimeS).toBe((utc('2022-02-09T22:38:17') - utc('2022-02-04T11:32:31')) / 1000);
  });

  it('unknown: a kernel-only log cannot show a userspace shutdown', () => {
    const kernOnly = syslogLines(kern.slice(0, boot2 + 40), { year: 2022, sourcePath: KERN, sourceId: 2 });
    const h = buildBootHistory({ scan: scanBootLines(kernOnly) });
    expect(h.boots.map((b) => b.endKind)).toEqual(['unknown', 'running']);
  });
});

describe.skipIf(!corpusAvailable)('a whole real sosreport (hotsos openstack compute node)', () => {
  const files = [
    'var/log/kern.log',
    'var/log/syslog',
    'var/log/auth.log',
    'sos_commands/logs/journalctl_--no-pager_--catalog_--boot_-1',
    'sos_commands/cloud_init/journalctl_--no-pager_--unit_cloud-init',
    'sos_commands/juju/journalctl_--no-pager_--unit_jujud-machine-1',
  ];
  const lines = files.flatMap((f, i) =>
    syslogLines(text(`${SOS}/${f}`), { year: 2022, sourcePath: f, sourceId: i + 1 }),
  );
  // sos_commands/systemd/timedatectl: "Universal time: Thu 2022-02-10 16:19:48 UTC"
  const timedatectl =
    text(`${SOS}/sos_commands/systemd/timedatectl`).find((l) => l.includes('Universal time')) ?? '';
  const collected = utc(timedatectl.replace(/.*: \w{3} (\S+) (\S+) UTC.*/, '$1T$2'));
  const h = buildBootHistory({
    scan: scanBootLines(lines),
    last: [
      {
        sourceId: 10,
        sourcePath: 'sos_commands/login/last',
        parse: parseLastText(text(`${SOS}/sos_commands/login/last`).join('\n')),
      },
    ],
    collectedAt: { ts: collected, what: 'timedatectl Universal time' },
  });

  it('two boots: a clean power-off on Feb 4, the running boot from Feb 9', () => {
    expect(h.boots.map((b) => `${iso(b.start)} ${b.endKind} ${iso(b.end)}`)).toEqual([
      '2022-02-04T09:34:04Z clean 2022-02-04T11:33:06Z',
      '2022-02-09T22:38:17Z running null',
    ]);
    const [first, second] = h.boots as [Boot, Boot];
    expect(first.kernel).toBe('5.4.0-97-generic');
    expect(first.kernelTruncated).toBe(false);
    expect(first.commandLine).toMatch(/root=UUID=51babbe8/);
    expect(first.endReason).toMatch(/shutdown record \(end of a last reboot line\)/);
    expect(second.uptimeS).toBe((collected - utc('2022-02-09T22:38:17')) / 1000);
    expect(second.lastSignOfLife?.source).toBe('var/log/syslog');
    expect(second.flags.map((f) => f.kind)).not.toContain('kernel-changed');
    expect(first.flags.map((f) => f.kind)).not.toContain('wtmp-logs-disagree');
  });

  it('the rsyslogd restart at 09:38 is not a boot', () => {
    expect(h.notes.some((n) => /rsyslogd start at 2022-02-04T09:38:48Z .* daemon restart/.test(n))).toBe(
      true,
    );
  });
});

describe.skipIf(!corpusAvailable)('history from binary wtmp lists the boots last lists', () => {
  it.each(['plaso__utmp', 'util-linux__wtmp-a.LE', 'util-linux__wtmp-a.BE', 'plaso__utmp_x86_64'])(
    '%s',
    (file) => {
      const p = parseUtmp(new Uint8Array(readCorpus('c-wtmp', file)));
      if (!p.ok) throw new Error(p.reason);
      const h = buildBootHistory({ wtmp: [{ sourceId: 1, sourcePath: file, records: p.records }] });
      const lastBoots = lastSystemEntries(p.records)
        .filter((e) => e.kind === 'reboot')
        .map((e) => e.ts)
        .reverse();
      expect(h.boots.map((b) => Math.floor(b.start / 1000) * 1000)).toEqual(lastBoots);
    },
  );

  it('wtmp-a: shutdown records end the older boot cleanly at 17:00', () => {
    const p = parseUtmp(new Uint8Array(readCorpus('c-wtmp', 'util-linux__wtmp-a.LE')));
    if (!p.ok) throw new Error(p.reason);
    const h = buildBootHistory({ wtmp: [{ sourceId: 1, sourcePath: 'wtmp-a', records: p.records }] });
    expect(h.boots.map((b) => `${iso(b.start)} ${b.endKind} ${iso(b.end)} ${b.startConfidence}`)).toEqual([
      '2013-08-28T16:00:00Z clean 2013-08-28T17:00:00Z high',
      '2013-08-28T18:00:00Z running null high',
    ]);
    expect(h.boots[0]?.downtimeS).toBe(3600);
  });
});

describe('the end reason in zh-CN (panels/reboots/reason.ts) keeps paths and cites as data', () => {
  const boot = (endWhy: EndWhy): BootJson =>
    ({ endWhy, endKind: endWhy.rule === 'shutdown' ? 'clean' : endWhy.rule }) as unknown as BootJson;

  it('running: the collection time and how it was found (the sample case’s sos mtime)', () => {
    const parts = endReasonZh(
      boot({
        rule: 'running',
        collected: {
          what: 'archive mtime of sos_commands/login/last (sos command outputs are written at collection time)',
          ts: '2022-06-08T02:30:00Z',
        },
        hints: null,
      }),
    )!;
    expect(reasonText(parts)).toBe(
      '最新的一次启动，之后没有关机或崩溃证据；归档是在它运行期间收集的（收集时间 2022-06-08 02:30:00 UTC，依据：sos_commands/login/last 在归档中的修改时间（sos 命令的输出在收集时写入））。',
    );
    expect(parts.filter((p) => typeof p !== 'string')).toEqual([
      { data: '2022-06-08 02:30:00 UTC' },
      { data: 'sos_commands/login/last' },
    ]);
  });

  it('unknown markers stay in the analyser’s English, as data; hints and the unknown end are said', () => {
    const parts = endReasonZh(
      boot({
        rule: 'unknown',
        hints: { whats: ['hung task', 'something new'], lastCite: 'var/log/messages:12' },
        noLifeAfterStart: true,
      }),
    )!;
    expect(reasonText(parts)).toBe(
      '没有数据源覆盖这次启动的结束（下一次启动前后都没有 wtmp 或日志行）。结束前出现：任务挂起（hung task）、something new（var/log/messages:12）。除了它自己的启动行之外没有已知的后续行，因此结束时间未知。',
    );
    expect(parts).toContainEqual({ data: 'something new' });
  });
});
