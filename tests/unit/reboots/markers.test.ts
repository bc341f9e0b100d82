import { describe, expect, it } from 'vitest';
import { corpusAvailable, readCorpus } from '../../helpers/corpus';
import { linesFromText, type RecordLine } from '../../../src/shared/model/log';
import { detectBootMarker, listBootsMarker } from '../../../src/main/engine/analysis/reboots/markers';
import { scanBootLines } from '../../../src/main/engine/analysis/reboots/scanner';
import { crashDirTime } from '../../../src/main/engine/analysis/reboots/crash-dirs';
import { syslogLines } from './lines';

function corpusLines(rel: string): string[] {
  const [folder, ...rest] = rel.split('/');
  return readCorpus(folder ?? '', ...rest)
    .toString('utf8')
    .split('\n');
}

function lineWith(rel: string, needle: string): RecordLine {
  const text = corpusLines(rel).find((l) => l.includes(needle));
  if (text === undefined) throw new Error(`no line with ${needle} in ${rel}`);
  const [line] = syslogLines([text], { year: 2022, sourcePath: rel, sourceId: 1 });
  return line as RecordLine;
}

const JOURNAL =
  'f-sos/hotsos_openstack_sosreport/sos_commands/logs/journalctl_--no-pager_--catalog_--boot_-1';
const KERN = 'f-sos/hotsos_openstack_sosreport/var/log/kern.log';

describe.skipIf(!corpusAvailable)('boot, shutdown and crash markers in real lines', () => {
  it('kernel banner and command line, in syslog and journal form', () => {
    const banner = detectBootMarker(lineWith(KERN, 'Linux version'));
    expect(banner?.kind).toBe('kernel-banner');
    expect(banner?.kernel).toBe('5.4.0-97-generic');
    expect(banner?.role).toBe('boot');
    const cmd = detectBootMarker(lineWith(JOURNAL, 'kernel: Command line:'));
    expect(cmd?.kind).toBe('kernel-cmdline');
    expect(cmd?.commandLine).toMatch(/^BOOT_IMAGE=\/boot\/vmlinuz-5.4.0-97-generic root=UUID=/);
    expect(detectBootMarker(lineWith(KERN, '[    0.000000] KERNEL supported cpus'))?.kind).toBe(
      'kernel-time-zero',
    );
  });

  it('the shutdown sequence of a real power-off (journal of the previous boot)', () => {
    const kinds = [
      'Power key pressed',
      'exiting on signal 15',
      'Reached target Shutdown',
      'Reached target Power-Off',
      'systemd-shutdown[1]: Syncing',
      'Journal stopped',
      'systemd[1]: Shutting down.',
    ].map((n) => {
      const m = detectBootMarker(lineWith(JOURNAL, n));
      return `${m?.kind}/${m?.role}`;
    });
    expect(kinds).toEqual([
      'power-button/hint',
      'shutdown/end-clean',
      'shutdown/end-clean',
      'shutdown/end-clean',
      'shutdown/end-clean',
      'shutdown/end-clean',
      'shutdown/end-clean',
    ]);
  });

  it('user managers are not the machine: systemd[1074549] shutdown.target and Startup finished', () => {
    const userShutdown = corpusLines(JOURNAL).find((l) =>
      /systemd\[\d{3,}\]: Reached target Shutdown/.test(l),
    );
    const syslog = 'f-sos/hotsos_openstack_sosreport/var/log/syslog';
    if (userShutdown)
      expect(
        detectBootMarker(
          syslogLines([userShutdown], { year: 2022, sourcePath: JOURNAL, sourceId: 1 })[0] as RecordLine,
        ),
      ).toBeNull();
    expect(detectBootMarker(lineWith(syslog, 'systemd[1074549]: Startup finished'))).toBeNull();
    expect(detectBootMarker(lineWith(syslog, 'systemd[1074549]: Reached target Shutdown'))).toBeNull();
    expect(detectBootMarker(lineWith(JOURNAL, 'systemd[1]: Startup finished'))?.kind).toBe('systemd-startup');
  });

  it('syslog daemons starting: rsyslogd start, syslogd 1.4.1 restart', () => {
    expect(detectBootMarker(lineWith(JOURNAL, '"] start'))?.kind).toBe('syslog-start');
    expect(
      detectBootMarker(lineWith('a-syslog/lnav__logfile_partitions.0', 'syslogd 1.4.1: restart'))?.kind,
    ).toBe('syslog-start');
  });

  it('dmesg boot lines, panics and hang signatures', () => {
    const cgroup = linesFromText(corpusLines('b-dmesg/abrt__mce2.test').slice(0, 1).join('\n'));
    expect(detectBootMarker(cgroup[0] as RecordLine)?.kind).toBe('kernel-boot-msg');
    const panic = corpusLines('e-crash/hotkdump__example-run').find(
      (l) => l.startsWith('[') && l.includes('Kernel panic - not syncing'),
    );
    const m = detectBootMarker(linesFromText(panic ?? '')[0] as RecordLine);
    expect(m?.kind).toBe('panic');
    expect(m?.role).toBe('end-crash');
    const hung = corpusLines('b-dmesg/syzkaller__report_385.txt').find((l) =>
      l.includes('blocked for more than'),
    );
    expect(detectBootMarker(linesFromText(hung ?? '')[0] as RecordLine)?.kind).toBe('hang');
    const soft = corpusLines('b-dmesg/satyr__koops_rhbz-1235021_softlockup')[0] ?? '';
    expect(detectBootMarker(linesFromText(soft)[0] as RecordLine)?.kind).toBe('hang');
  });

  it('journal boundaries take the time of the next line and close the previous boot', () => {
    const text = corpusLines('d-journal/hotsos__journalctl_unit_cloud-init');
    const at = text.findIndex((l) => l === '-- Reboot --');
    expect(at).toBeGreaterThan(0);
    const lines = syslogLines(text.slice(at - 2, at + 3), {
      year: 2022,
      sourcePath: 'cloud-init',
      sourceId: 3,
      firstLineNo: at - 1,
    });
    const scan = scanBootLines(lines);
    const boundary = scan.markers.find((m) => m.kind === 'journal-boundary');
    expect(boundary?.ts).toBe(lines[3]?.ts);
    expect(boundary?.afterTs).toBe(lines[1]?.ts);
    expect(scan.tails[0]?.line).toBe(at);
  });

  it('a _BOOT_ID change in journal JSON is a boot boundary (second entry an edited copy)', () => {
    const first = corpusLines('d-journal/lnav__logfile_journald.json')[0] ?? '';
    const second = first.replace(/0dc874d3fbd44bdbb6fbcfaa27481492/g, '8d0d0cdc1c4f4f0d9e34c0d9e5a5e2c6');
    const usec = Number(/"__REALTIME_TIMESTAMP" : "(\d+)"/.exec(first)?.[1]);
    const lines = linesFromText([first, second].join('\n'), 'journald.json', 4).map((l, i) => ({
      ...l,
      ts: Math.floor(usec / 1000) + i * 3_600_000,
    }));
    const scan = scanBootLines(lines);
    expect(scan.markers.map((m) => [m.kind, m.bootId, m.evidence.lineNo])).toEqual([
      ['journal-boot-id', '8d0d0cdc1c4f4f0d9e34c0d9e5a5e2c6', 2],
    ]);
    expect(scan.tails[0]?.line).toBe(1);
  });

  it('quiet lines give no marker', () => {
    for (const l of syslogLines(corpusLines(KERN).slice(1070, 1076), {
      year: 2022,
      sourcePath: KERN,
      sourceId: 1,
    }))
      expect(detectBootMarker(l)).toBeNull();
  });
});

describe('kdump traces and journal boot lists', () => {
  it('crash directories name the crash time (RHEL and Ubuntu layouts)', () => {
    expect(crashDirTime('/var/crash/127.0.0.1-2022-06-08-10:05:12/vmcore-dmesg.txt')).toEqual({
      dir: '/var/crash/127.0.0.1-2022-06-08-10:05:12',
      ts: Date.UTC(2022, 5, 8, 10, 5, 12),
      layout: 'rhel',
    });
    // hotkdump's example dump is dump.202303240831 under kdump-tools' stamp directory
    expect(crashDirTime('var/crash/202303240831/dump.202303240831')?.ts).toBe(Date.UTC(2023, 2, 24, 8, 31));
    expect(crashDirTime('var/crash/_usr_bin_python3.0.crash')).toBeNull();
    expect(crashDirTime('/var/crash/202313401231/')).toBeNull();
  });

  it('a kdump line naming its dump directory is crash evidence, not a sign of life', () => {
    const [line] = linesFromText('kdump-tools[812]:  * kdump-tools: saved vmcore in /var/crash/202206081005');
    const m = detectBootMarker(line as RecordLine);
    expect(m?.kind).toBe('kdump');
    expect(m?.life).toBe(false);
  });

  it('journalctl --list-boots rows', () => {
    const [row] = linesFromText(
      ' -1 0dc874d3fbd44bdbb6fbcfaa27481492 Fri 2022-02-04 09:34:04 UTC—Fri 2022-02-04 11:33:06 UTC',
    );
    const m = listBootsMarker(row as RecordLine);
    expect(m?.bootId).toBe('0dc874d3fbd44bdbb6fbcfaa27481492');
    expect(m?.ts).toBe(Date.UTC(2022, 1, 4, 9, 34, 4));
    expect(m?.lastEntryTs).toBe(Date.UTC(2022, 1, 4, 11, 33, 6));
  });
});
