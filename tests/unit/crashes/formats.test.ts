import { describe, expect, it } from 'vitest';
import { detectIncidents } from '../../../src/main/engine/analysis/crashes/index';
import { parseApportCrash } from '../../../src/main/engine/formats/apport';
import { parseCrashSession } from '../../../src/main/engine/formats/crash-session';
import { parseGdbBacktrace } from '../../../src/main/engine/formats/gdb-bt';
import { decodeCoreName, parseKdumpDirName } from '../../../src/main/engine/formats/kdump-dir';
import { linesFromText } from '../../../src/shared/model/log';
import { corpusAvailable, readCorpus } from '../../helpers/corpus';
import { corpusLines } from './corpus-helpers';

describe.skipIf(!corpusAvailable)('crash artefact formats on real files', () => {
  it('apport .crash: key fields, continuation lines, CoreDump measured not decoded', () => {
    const r = parseApportCrash(
      readCorpus('e-crash', 'apport__jammy_usr_bin_sleep.1000.crash').toString('utf8').split('\n'),
    );
    expect(r.problemType).toBe('Crash');
    expect(r.date).toBe('Tue Jun 11 14:39:28 2024');
    expect(r.executablePath).toBe('/usr/bin/sleep');
    expect(r.signal).toBe(11);
    expect(r.procCmdline).toBe('sleep 86400');
    expect(r.uname).toBe('Linux 6.5.0-35-generic x86_64');
    expect(r.package).toBe('coreutils 8.32-4.1ubuntu1');
    expect(r.fields.Dependencies?.value.split('\n')).toHaveLength(11);
    expect(r.base64.map((b) => b.key)).toEqual(['CoreDump']);
    expect(r.base64[0]!.lineNo).toBe(137);
    expect(r.base64[0]!.lines).toBe(3);
  });

  it('crash(8) session (hotkdump): sys, bt, log, kmem -i', () => {
    const s = parseCrashSession(readCorpus('e-crash', 'hotkdump__example-run').toString('utf8'));
    expect(s.sys.RELEASE).toBe('5.15.0-67-generic');
    expect(s.sys.NODENAME).toBe('kdump-focal');
    expect(s.sys.CPUS).toBe('1');
    expect(s.sys['LOAD AVERAGE']).toBe('0.00, 0.05, 0.08');
    expect(s.panic).toBe('Kernel panic - not syncing: sysrq triggered crash');
    expect(s.partialDump).toBe(true);
    expect(s.bt[0]).toMatchObject({ pid: 1025, cpu: 0, command: 'bash' });
    expect(s.bt[0]!.frames.slice(0, 4).map((f) => f.fn)).toEqual([
      'machine_kexec',
      '__crash_kexec',
      'panic',
      'sysrq_handle_crash',
    ]);
    expect(s.kmem['TOTAL MEM']).toMatchObject({ pages: 402278, total: '1.5 GB' });
    expect(s.kmem['TOTAL SWAP']?.pages).toBe(0);
    const panics = detectIncidents(linesFromText(s.log.join('\n'), 'crash log')).filter(
      (i) => i.kind === 'panic',
    );
    expect(panics[0]?.details.type === 'kernel' && panics[0].details.panicReason).toBe(
      'sysrq triggered crash',
    );
  });

  it('gdb backtraces: signal, core command, threads and frames', () => {
    const g = parseGdbBacktrace(readCorpus('e-crash', 'satyr__gdb_rhbz-1119072').toString('utf8'));
    expect(g.coreGeneratedBy).toBe('caja');
    expect(g.signal).toBe('SIGTRAP');
    expect(g.threads[0]!.frames[0]).toMatchObject({
      index: 0,
      fn: '.raise',
      library: '/usr/lib64/libpthread.so.0',
    });
    const q = parseGdbBacktrace(readCorpus('e-crash', 'satyr__gdb_quality_89').toString('utf8'));
    expect(q.signal).toBe('11');
    expect(q.threads.find((t) => t.thread === 1)?.frames[0]).toMatchObject({
      fn: 'raise',
      file: '../nptl/sysdeps/unix/sysv/linux/pt-raise.c',
      line: 42,
    });
  });

  it('hotsos segfault scenario: error bits, offset and the addr2line to run', () => {
    const s = detectIncidents(
      corpusLines('b-dmesg', 'hotsos__scenario_lxd_bugs_lp1807628_segfault.yaml'),
    ).find((i) => i.kind === 'segfault')!;
    if (s.details.type !== 'segfault') throw new Error('segfault details');
    expect(s.details.comm).toBe('lxcfs');
    expect(s.details.error?.meaning).toEqual(['page not present', 'read', 'user-mode']);
    expect(s.details.object).toBe('liblxcfs.so');
    expect(s.details.offset).toBe('0x84ea');
    expect(s.details.addr2line).toBe('addr2line -f -C -e liblxcfs.so 0x84ea');
  });

  it('kernel report details: taint letters, RIP, modules, arch', () => {
    const inc = detectIncidents(corpusLines('b-dmesg', 'npd__problem_null_pointer')).find(
      (i) => i.kind === 'oops',
    )!;
    if (inc.details.type !== 'kernel') throw new Error('kernel details');
    expect(inc.details.faultAddress).toBe('0000000000000078');
    expect(inc.details.ip).toContain('pick_next_task_fair');
    expect(inc.details.arch).toBe('x86-64');
    expect(inc.details.oopsCode).toBe('0000');
    const arm = detectIncidents(corpusLines('b-dmesg', 'satyr__koops_arm-oops-2'))[0]!;
    expect(arm.details.type === 'kernel' && arm.details.arch).toBe('arm');
    const s390 = detectIncidents(corpusLines('b-dmesg', 'abrt__oops10_s390x.test'))[0]!;
    expect(s390.details.type === 'kernel' && s390.details.arch).toBe('s390x');
    const ppc = detectIncidents(corpusLines('b-dmesg', 'satyr__koops_rhbz-1040900-ppc64'))[0]!;
    expect(ppc.details.type === 'kernel' && ppc.details.arch).toBe('ppc64');
    const oops10 = detectIncidents(corpusLines('b-dmesg', 'abrt__10_oopses.test'));
    expect(oops10[0]!.count).toBe(6);
  });
});

describe('artefact names', () => {
  it('kdump directory names (RHEL and Ubuntu)', () => {
    expect(parseKdumpDirName('127.0.0.1-2024-03-05-10:22:31')).toEqual({
      flavour: 'rhel',
      host: '127.0.0.1',
      localTime: '2024-03-05 10:22:31',
    });
    expect(parseKdumpDirName('202303240831')).toEqual({ flavour: 'ubuntu', localTime: '2023-03-24 08:31' });
    expect(parseKdumpDirName('linux-image-5.15.0-67-generic-202303240831.crash')).toBeNull();
  });
  it("core names against the seed's core_pattern", () => {
    expect(
      decodeCoreName('core-stream_convert-30002-1654522394', '/var/corefile/core-%e-%p-%t', false),
    ).toEqual({ exe: 'stream_convert', pid: 30002, epochSecs: 1654522394 });
    expect(decodeCoreName('core.8482', 'core', true)).toEqual({ pid: 8482 });
    expect(decodeCoreName('core', '|/usr/share/apport/apport %p %s %c', false)).toBeNull();
  });
});
