import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDmesg } from '../../../src/main/engine/formats/dmesg';
import { parseJournalMarker } from '../../../src/main/engine/formats/journal-text';
import {
  createJournalExportReader,
  parseJournalExportBytes,
} from '../../../src/main/engine/formats/journal-export';
import { parseKmsg } from '../../../src/main/engine/formats/kmsg';
import { sniff } from '../../../src/main/engine/formats/registry';
import { parseRfc3164, parseSyslog, splitForwardRecords } from '../../../src/main/engine/formats/syslog';
import { corpusAvailable, corpusPath, readCorpus } from '../../helpers/corpus';
import { runTextLayer } from './pipeline';

// Expected kinds, checked by reading each file (see corpus MANIFEST notes).
const EXPECTED: Array<[string, string]> = [
  ['a-syslog/abrt__xorg_journal_crash1.test', 'syslog'],
  ['a-syslog/lnav__logfile_dst.0', 'syslog'],
  ['a-syslog/lnav__logfile_syslog.1', 'syslog'],
  ['a-syslog/lnav__logfile_syslog_fr.0', 'syslog'],
  ['a-syslog/lnav__logfile_with_zones.0', 'syslog-rfc5424'],
  ['a-syslog/plaso__selinux_audit.log', 'plain'],
  ['a-syslog/plaso__syslog', 'syslog'],
  ['a-syslog/plaso__syslog_chromeos', 'syslog-rfc3339'],
  ['a-syslog/plaso__syslog_rsyslog', 'syslog-rfc3339'],
  ['a-syslog/plaso__syslog_rsyslog_ForwardFormat', 'syslog-forward'],
  ['a-syslog/plaso__syslog_rsyslog_SysklogdFileFormat', 'syslog'],
  ['a-syslog/plaso__syslog_rsyslog_SyslogProtocol23Format', 'syslog-rfc5424'],
  ['a-syslog/plaso__syslog_rsyslog_TraditionalForwardFormat', 'syslog-forward'],
  ['a-syslog/plaso__syslog_rsyslog_traditional', 'syslog'],
  ['b-dmesg/abrt__mce2.test', 'dmesg'],
  ['b-dmesg/npd__problem_docker_hung', 'plain'],
  ['b-dmesg/satyr__koops_rhbz-865695-2', 'dmesg'],
  ['b-dmesg/syzkaller__report_1000.txt', 'dmesg'],
  ['b-dmesg/syzkaller__report_350.txt', 'dmesg'],
  ['b-dmesg/syzkaller__report_385.txt', 'dmesg'],
  ['b-dmesg/util-linux__dmesg_cid-input', 'dmesg-raw'],
  ['b-dmesg/util-linux__dmesg_cid-kmsg-input', 'kmsg'],
  ['b-dmesg/util-linux__dmesg_expected_decode', 'dmesg-decode'],
  ['b-dmesg/util-linux__dmesg_expected_timestamp-format-delta-ctime', 'dmesg-ctime'],
  ['b-dmesg/util-linux__dmesg_expected_timestamp-format-multiple', 'dmesg'],
  ['b-dmesg/util-linux__dmesg_input', 'dmesg-raw'],
  ['b-dmesg/util-linux__dmesg_kmsg-input', 'kmsg'],
  ['b-dmesg/util-linux__dmesg_newlines', 'dmesg-raw'],
  ['c-wtmp/hotsos_openstack__last', 'last'],
  ['c-wtmp/hotsos_openstack__lastlog', 'plain'],
  ['c-wtmp/util-linux__utmp_txt-a', 'utmpdump'],
  ['d-journal/beats__corner-cases.json', 'journal-json-pretty'],
  ['d-journal/hotsos__journalctl_unit_cloud-init', 'journal-short'],
  ['d-journal/hotsos__journalctl_unit_jujud', 'journal-short'],
  ['d-journal/hotsos__var_log_dmesg_short-monotonic', 'journal-short-monotonic'],
  ['d-journal/lnav__logfile_journald.json', 'journal-json'],
  ['f-sos/hotsos_openstack_sosreport/sos_commands/date/date', 'plain'],
  ['f-sos/hotsos_openstack_sosreport/sos_commands/kernel/dmesg', 'dmesg'],
  [
    'f-sos/hotsos_openstack_sosreport/sos_commands/logs/journalctl_--no-pager_--catalog_--boot_-1',
    'journal-short',
  ],
  ['f-sos/hotsos_openstack_sosreport/var/log/auth.log', 'syslog'],
  ['f-sos/hotsos_openstack_sosreport/var/log/dmesg', 'journal-short-monotonic'],
  ['f-sos/hotsos_openstack_sosreport/var/log/kern.log', 'syslog'],
  ['f-sos/hotsos_openstack_sosreport/var/log/syslog', 'syslog'],
];

function walk(d: string): string[] {
  return readdirSync(d).flatMap((f) => {
    const p = path.join(d, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

describe.skipIf(!corpusAvailable)('text layer over the corpus', () => {
  it.each(EXPECTED)('%s is recognised as %s', (rel, kind) => {
    const out = runTextLayer(readCorpus(rel), rel);
    expect(out.kind, out.sniff?.reason).toBe(kind);
  });

  it('runs every file of a-syslog, b-dmesg, c-wtmp, d-journal, f-sos without an exception', () => {
    let text = 0;
    let binary = 0;
    for (const dir of ['a-syslog', 'b-dmesg', 'c-wtmp', 'd-journal', 'f-sos']) {
      for (const f of walk(corpusPath(dir))) {
        if (f.endsWith('MANIFEST.tsv')) continue;
        const out = runTextLayer(readCorpus(path.relative(corpusPath(), f)), f);
        if (out.encoding.encoding === null) {
          binary++;
          expect(out.encoding.binary?.reason.length).toBeGreaterThan(5);
          continue;
        }
        text++;
        expect(out.kind).toBeDefined();
        const covered = out.records.length;
        expect(covered > 0 || out.lines.every((l) => l === '')).toBe(true);
      }
    }
    expect(text).toBeGreaterThan(150);
    expect(binary).toBeGreaterThan(15);
  });

  it('parses the byte-array MESSAGE of the json-pretty journal', () => {
    const out = runTextLayer(readCorpus('d-journal', 'beats__corner-cases.json'), 'corner-cases.json');
    const msgs = out.records
      .map((r) => r.parsed?.message)
      .filter((m): m is string => m !== undefined && m !== '');
    expect(
      msgs.some((m) =>
        m.startsWith('Unable to parse indicator of AT+BIA command: AT+BIA=1,1,0,0,0\rAT+BCS=2'),
      ),
    ).toBe(true);
    const core = out.records.find((r) =>
      r.parsed?.message.startsWith('Process 3717 (kdeconnectd) of user 1000 dumped core.'),
    );
    expect(core?.parsed?.ts?.epochMs).toBe(1719834246841.951);
    expect(core?.parsed?.severity).toBe(2);
  });

  it('reads kmsg records: priority, facility, usec as boot seconds, caller id, \\x escapes', () => {
    const out = runTextLayer(readCorpus('b-dmesg', 'util-linux__dmesg_cid-kmsg-input'), 'cid-kmsg-input');
    expect(out.nulRuns).toBeGreaterThan(40);
    const first = out.records[0]!.parsed!;
    expect(first).toMatchObject({ severity: 0, facility: 0, callerId: 'T1', ts: { bootSecs: 0 } });
    const cmd = out.records.find((r) => r.parsed?.message.startsWith('Command line:'))!.parsed!;
    expect(cmd.message).toContain('initrd=\\ucode.img');
  });

  it('reads caller ids in syzkaller console logs', () => {
    const out = runTextLayer(readCorpus('b-dmesg', 'syzkaller__report_350.txt'), 'report_350.txt');
    const hit = out.records.find((r) => r.parsed?.message.startsWith('watchdog: BUG: soft lockup'))!.parsed!;
    expect(hit).toMatchObject({ callerId: 'C2', ts: { bootSecs: 1098.601132 } });
  });

  it('splits forward-format records that follow each other without a newline', () => {
    const out = runTextLayer(readCorpus('a-syslog', 'plaso__syslog_rsyslog_ForwardFormat'), 'ForwardFormat');
    const msgs = out.records.map((r) => r.parsed?.message);
    // `log_tag` has no colon, so rsyslog's line has no tag: the word stays in the message.
    expect(msgs.slice(0, 4)).toEqual([
      'log_tag this is debug',
      'log_tag this is info',
      'with another line',
      'log_tag !@#$%^&*()-_=+[]{}\\|;:\'",./<>?',
    ]);
    expect(out.records[2]!.parsed!.continuation).toBe(true);
    expect(out.records[0]!.parsed).toMatchObject({
      severity: 7,
      facility: 1,
      host: 'hostname',
      ts: { year: 2021, month: 3, zoneOffsetMin: 0 },
    });
  });

  it('reads RFC5424 fields and the zoned file with Z and +03:00', () => {
    const p = runTextLayer(readCorpus('a-syslog', 'plaso__syslog_rsyslog_SyslogProtocol23Format'), 'p23');
    expect(p.records[0]!.parsed).toMatchObject({
      host: 'hostname',
      program: 'log_tag',
      message: 'this is debug',
      severity: 7,
    });
    expect(p.records[5]!.parsed).toMatchObject({ program: 'systemd', pid: 1 });
    const z = runTextLayer(readCorpus('a-syslog', 'lnav__logfile_with_zones.0'), 'zones');
    expect(z.records.map((r) => r.parsed?.ts?.zoneOffsetMin)).toEqual([0, 180, 0]);
    expect(z.records[1]!.parsed).toMatchObject({ program: 'CRON', pid: 20856 });
  });

  it('reads journal markers, the Logs-begin year and zone, and catalog text as continuation', () => {
    const out = runTextLayer(
      readCorpus(
        'f-sos',
        'hotsos_openstack_sosreport/sos_commands/logs/journalctl_--no-pager_--catalog_--boot_-1',
      ),
      'journalctl_--no-pager_--catalog_--boot_-1',
    );
    const begin = out.records[0]!.parsed!;
    expect(begin).toMatchObject({
      marker: 'logs-begin',
      ts: { year: 2022, month: 2, day: 4, weekday: 5, zoneOffsetMin: 0 },
      endTs: { day: 10 },
    });
    const subject = out.records.find(
      (r) => r.parsed?.message === '-- Subject: The journal has been started',
    )!.parsed!;
    expect(subject.continuation).toBe(true);
    expect(parseJournalMarker('-- Reboot --')?.marker).toBe('reboot');
    expect(parseJournalMarker('-- Boot 0b1e4a4a9e2f4d0c8d6f0f3e1d2c3b4a --')).toMatchObject({
      marker: 'boot',
      bootId: '0b1e4a4a9e2f4d0c8d6f0f3e1d2c3b4a',
    });
  });

  it('handles a file that starts mid-record (cut copy of a kern.log and of a json-pretty journal)', () => {
    const kern = readCorpus('f-sos', 'hotsos_openstack_sosreport/var/log/kern.log');
    const cut = kern.subarray(kern.indexOf(0x0a, 1000) - 37);
    const out = runTextLayer(cut, 'kern.log');
    expect(out.kind).toBe('syslog');
    expect(out.records[0]!.parsed?.continuation).toBe(true);
    expect(out.records[1]!.parsed?.program).toBe('kernel');
    const pretty = readCorpus('d-journal', 'beats__corner-cases.json');
    const half = pretty.subarray(pretty.indexOf('"_GID"'));
    const p = runTextLayer(half, 'cut.json');
    expect(p.kind).toBe('journal-json-pretty');
    expect(p.records.some((r) => r.parsed?.message.startsWith('Unable to parse indicator'))).toBe(true);
  });

  it('reads the French month and the RFC3164 variants of plaso', () => {
    const fr = runTextLayer(readCorpus('a-syslog', 'lnav__logfile_syslog_fr.0'), 'fr');
    expect(fr.records[0]!.parsed).toMatchObject({
      ts: { month: 8, day: 19 },
      host: 'nlaptop',
      program: 'symphorien',
      pid: 4961,
      message: 'test',
    });
    const pl = runTextLayer(readCorpus('a-syslog', 'plaso__syslog'), 'syslog');
    const leap = pl.records.find((r) => r.parsed?.message.includes('testing leap year'))!.parsed!;
    expect(leap).toMatchObject({ ts: { month: 2, day: 29 } });
    expect(leap.host).toBeUndefined();
    const tab = pl.records.find((r) => r.parsed?.message === '\tmany syslog parsers.')!;
    expect(tab.parsed?.continuation).toBe(true);
    const frac = pl.records.find((r) => r.parsed?.pid === 19)!.parsed!;
    expect(frac.ts?.frac).toBeCloseTo(0.123);
    expect(pl.records.find((r) => r.parsed?.program === '/sbin/anacron')).toBeDefined();
  });

  it('reads dmesg -r priorities, -x decode, -T stamps and multi-line records', () => {
    expect(parseDmesg('<4>[   64.000000] example[4]')).toMatchObject({
      severity: 4,
      facility: 0,
      ts: { bootSecs: 64 },
    });
    expect(parseDmesg('<4>[    0.000000] [    T4] example[4]')).toMatchObject({ callerId: 'T4' });
    const nl = runTextLayer(readCorpus('b-dmesg', 'util-linux__dmesg_newlines'), 'newlines');
    expect(nl.records.map((r) => r.parsed?.continuation ?? false)).toEqual([false, true, false, true, true]);
    expect(nl.records[0]!.parsed).toMatchObject({ severity: 2, facility: 1 });
    const dec = runTextLayer(readCorpus('b-dmesg', 'util-linux__dmesg_expected_decode'), 'decode');
    expect(dec.records[3]!.parsed).toMatchObject({ severity: 3, facility: 0, ts: { bootSecs: 27 } });
    const multi = runTextLayer(
      readCorpus('b-dmesg', 'util-linux__dmesg_expected_timestamp-format-delta-ctime'),
      'x',
    );
    expect(multi.records[0]!.parsed?.ts).toMatchObject({ month: 2, day: 13, h: 23, m: 31 });
  });
});

describe('header parsers on real lines edited in the test', () => {
  it('repairs the seed month that lost its first letter', () => {
    const p = parseRfc3164(
      'un  6 21:33:14 video-stream kernel: [ 1867]     0  1867    58693       43      17       3        0             0 lxcfs',
    )!;
    expect(p).toMatchObject({
      ts: { month: 6, day: 6, h: 21, m: 33, s: 14 },
      host: 'video-stream',
      program: 'kernel',
    });
    expect(p.repair).toBe('month "un" repaired to "jun"');
    const amb = parseRfc3164('n  6 21:33:14 video-stream kernel: x')!;
    expect(amb.damaged).toMatch(/several month names/);
    expect(
      parseRfc3164('MMM 22 07:54:32 myhostname.myhost.com anacron[29782]: Normal exit (1 job run)'),
    ).toBeNull();
  });

  it('reads <PRI>, ChromeOS severity words and kernel [ secs] inside syslog', () => {
    expect(parseSyslog('<14>Mar  6 04:07:23 hostname log_tag this is info')).toMatchObject({
      severity: 6,
      facility: 1,
      host: 'hostname',
      message: 'log_tag this is info',
    });
    expect(
      parseSyslog(
        '2016-10-25T12:37:24.987995-07:00 WARNING kernel: [  316.561088] init: debugd main process (10086) killed by TERM signal',
      ),
    ).toMatchObject({
      severity: 4,
      program: 'kernel',
      ts: { zoneOffsetMin: -420, bootSecs: 316.561088 },
    });
    expect(
      parseSyslog(
        'Mar 11 19:26:45 osx-machine sockerfilterfw[1985] <Info>: launchd Allow TCP LISTEN (in:0 out:2)',
      ),
    ).toMatchObject({
      program: 'sockerfilterfw',
      pid: 1985,
      message: 'launchd Allow TCP LISTEN (in:0 out:2)',
    });
    expect(
      splitForwardRecords(
        '<15>Mar  6 04:07:23 hostname log_tag this is debug<14>Mar  6 04:07:23 hostname log_tag this is info',
      ).map((r) => r.start),
    ).toEqual([0, 50]);
  });

  it('reads kmsg dictionary lines as continuations', () => {
    expect(parseKmsg(' SUBSYSTEM=pci')).toEqual({ message: 'SUBSYSTEM=pci', continuation: true });
    expect(parseKmsg('6,339,5140900,-;NET: Registered protocol family 10')).toMatchObject({
      severity: 6,
      ts: { bootSecs: 5.1409 },
    });
  });

  it('reads the journal export format, text and bytes', () => {
    // journalctl -o export of the seed's OOM line (fields as systemd 245 writes them), one binary field.
    const entry = [
      '__CURSOR=s=739ad463348b4ceca5a9e69c95a3c93f;i=4ece7;b=6c7c6013a8d4448b89fb9e20d71545bb;m=4bdb9e44b;t=5e0c3d1f6a8c1;x=1a9d69ded58d9e39',
      '__REALTIME_TIMESTAMP=1654522393000000',
      '__MONOTONIC_TIMESTAMP=20324246603',
      '_BOOT_ID=6c7c6013a8d4448b89fb9e20d71545bb',
      '_TRANSPORT=kernel',
      'PRIORITY=4',
      'SYSLOG_FACILITY=0',
      'SYSLOG_IDENTIFIER=kernel',
      'MESSAGE=stream_convert invoked oom-killer: gfp_mask=0x24280ca, order=0, oom_score_adj=0',
      '_HOSTNAME=video-stream',
    ];
    const bin = Buffer.from('line one\nline two');
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(bin.length));
    const buf = Buffer.concat([
      Buffer.from(entry.join('\n') + '\nCOREDUMP_PROC_STATUS\n'),
      len,
      bin,
      Buffer.from('\n\n' + entry.join('\n') + '\n\n'),
    ]);
    const parsed = parseJournalExportBytes(buf);
    expect(parsed).toHaveLength(2);
    expect((parsed[0]!.fields.COREDUMP_PROC_STATUS as Buffer).toString()).toBe('line one\nline two');
    const reader = createJournalExportReader();
    const outs = buf
      .toString('latin1')
      .split('\n')
      .map((l) => reader.push(l))
      .filter((r) => r !== undefined);
    expect(outs[0]!.parsed).toMatchObject({
      host: 'video-stream',
      program: 'kernel',
      severity: 4,
      ts: { epochMs: 1654522393000, bootSecs: 20324.246603 },
      bootId: '6c7c6013a8d4448b89fb9e20d71545bb',
    });
    // 10 fields + the binary field's name + its value (2 lines: it holds a newline) + the blank line
    expect(outs[0]!.lineCount).toBe(14);
    expect(sniff(buf.toString('latin1').split('\n'), 'export').format).toBe('journal-export');
  });
});
