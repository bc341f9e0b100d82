/** Issue 6, session 2: crash artefacts as `crashes[]`, from real files of the corpus placed at the paths the machine writes them. */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeCase } from '../../../src/main/engine/analysis/run';
import { SEED_FILE, corpusAvailable, corpusPath, seedAvailable } from '../../helpers/corpus';
import { memCase, type MemSource } from '../reboots/mem-case';

const text = (...p: string[]): string[] => {
  const lines = readFileSync(corpusPath(...p), 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
};
const T = (s: string): number => Date.parse(s);
const PANIC_DMESG = ['b-dmesg', 'abrt__kernel_panic_oom.test'] as const;
const RHEL_DIR = 'var/crash/127.0.0.1-2022-06-08-10:05:12';

describe.skipIf(!corpusAvailable)('kdump dump directories', () => {
  it('vmcore-dmesg.txt without a vmcore: the panic, and the vmcore said missing', () => {
    const { analysis } = analyzeCase(
      memCase([{ path: `${RHEL_DIR}/vmcore-dmesg.txt`, lines: text(...PANIC_DMESG) }]),
    );
    expect(analysis.crashes).toHaveLength(1);
    const a = analysis.crashes[0]!;
    expect(a).toMatchObject({
      kind: 'kdump-dir',
      path: RHEL_DIR,
      localTime: '2022-06-08 10:05:12',
      completeness: 'missing',
      panicReason: 'Out of memory: system-wide panic_on_oom is enabled',
      files: ['vmcore-dmesg.txt'],
    });
    expect(a.ts).toBe(T('2022-06-08T10:05:12Z'));
    expect(a.tsNote).toMatch(/zone unknown/);
    expect(a.missing?.[0]).toMatchObject({ code: 'no-vmcore', param: 'vmcore-dmesg.txt' });
    expect(a.missing?.[0]?.text).toMatch(
      /vmcore-dmesg\.txt present but no vmcore: kdump ran out of space or was interrupted/,
    );
    // the panic incident the detector found in that file is the one the directory explains
    expect(a.explains?.map((e) => e.kind)).toContain('panic');
    const panicEv = a.evidence.find((e) => e.what === 'panic in the dump directory’s dmesg');
    expect(panicEv).toMatchObject({ lineNo: 6 });
    expect(panicEv!.lineId).toBeGreaterThan(0);
  });

  it('a skipped vmcore is listed with its size, never read; vmcore-incomplete is incomplete', () => {
    const vmcore: MemSource = {
      path: `${RHEL_DIR}/vmcore`,
      kind: 'binary',
      status: 'skipped',
      sizeBytes: 2_147_483_648,
    };
    const full = analyzeCase(
      memCase([vmcore, { path: `${RHEL_DIR}/vmcore-dmesg.txt`, lines: text(...PANIC_DMESG) }]),
    );
    expect(full.analysis.crashes[0]).toMatchObject({ completeness: 'complete', sizeBytes: 2_147_483_648 });
    expect(full.analysis.crashes[0]!.summary).toMatch(/vmcore 2\.0 GiB.*panic: Out of memory/);
    expect(full.analysis.crashes[0]!.evidence).toContainEqual(
      expect.objectContaining({
        sourcePath: `${RHEL_DIR}/vmcore`,
        lineNo: 0,
        lineId: 0,
        what: 'vmcore (2.0 GiB)',
      }),
    );
    const part = analyzeCase(
      memCase([
        { ...vmcore, path: `${RHEL_DIR}/vmcore-incomplete`, sizeBytes: 1_048_576 },
        { path: `${RHEL_DIR}/vmcore-dmesg.txt`, lines: text(...PANIC_DMESG) },
      ]),
    );
    expect(part.analysis.crashes[0]).toMatchObject({ completeness: 'incomplete', sizeBytes: 1_048_576 });
    expect(part.analysis.crashes[0]!.missing?.[0]?.text).toMatch(/makedumpfile did not finish/);
  });

  it('an Ubuntu kdump-tools directory (dmesg.<stamp>, dump.<stamp>)', () => {
    const dir = 'var/crash/202206081005';
    const { analysis } = analyzeCase(
      memCase([
        { path: `${dir}/dmesg.202206081005`, lines: text(...PANIC_DMESG) },
        { path: `${dir}/dump.202206081005`, kind: 'binary', status: 'skipped', sizeBytes: 5000 },
      ]),
    );
    expect(analysis.crashes[0]).toMatchObject({
      kind: 'kdump-dir',
      localTime: '2022-06-08 10:05',
      completeness: 'complete',
    });
    expect(analysis.crashes[0]!.summary).toMatch(/^kdump Ubuntu dump directory/);
  });

  it('matches the dump to the boot it ended', () => {
    const banner = (ts: string, stamp: string) => ({
      text: `${stamp} compute4 kernel: [    0.000000] Linux version 5.4.0-97-generic (buildd@lcy02-amd64-032) (gcc version 9.3.0 (Ubuntu 9.3.0-17ubuntu1~20.04)) #110-Ubuntu SMP Thu Jan 13 18:22:13 UTC 2022 (Ubuntu 5.4.0-97.110-generic 5.4.162)`,
      ts: T(ts),
      tsQuality: 'year-inferred' as const,
    });
    const { analysis } = analyzeCase(
      memCase([
        {
          path: 'var/log/kern.log',
          lines: [
            banner('2022-06-01T08:00:00Z', 'Jun  1 08:00:00'),
            banner('2022-06-08T10:07:00Z', 'Jun  8 10:07:00'),
          ],
        },
        { path: `${RHEL_DIR}/vmcore-dmesg.txt`, lines: text(...PANIC_DMESG) },
      ]),
    );
    expect(analysis.boots.map((b) => b.start)).toEqual([
      '2022-06-01T08:00:00.000Z',
      '2022-06-08T10:07:00.000Z',
    ]);
    expect(analysis.crashes[0]!.boot).toEqual({ index: 0, start: '2022-06-01T08:00:00.000Z' });
  });
});

describe.skipIf(!corpusAvailable)('ABRT, apport, core_pattern cores, systemd-coredump', () => {
  it('the satyr ABRT problem directory: sleep killed by SIGSEGV, no coredump kept', () => {
    const src = corpusPath('e-crash', 'satyr__problem_dir');
    const dir = 'var/spool/abrt/ccpp-2016-05-11-14:43:31-19861';
    const sources: MemSource[] = readdirSync(src)
      .filter((f) => statSync(path.join(src, f)).isFile())
      .map((f) => ({ path: `${dir}/${f}`, lines: text('e-crash', 'satyr__problem_dir', f) }));
    const { analysis } = analyzeCase(memCase(sources));
    const a = analysis.crashes.find((c) => c.kind === 'abrt')!;
    expect(a).toMatchObject({
      path: dir,
      executable: '/usr/bin/sleep',
      pid: 19861,
      uid: 0,
      ts: 1462970611000,
      completeness: 'missing',
      fields: expect.objectContaining({
        reason: 'sleep killed by SIGSEGV',
        count: '55',
        kernel: '4.5.3-300.fc24.x86_64',
      }),
    });
    expect(a.signal?.name).toBe('SIGSEGV');
    expect(a.frames?.[0]).toBe('__nanosleep');
    expect(a.summary).toBe('ABRT CCpp: sleep killed by SIGSEGV (55 times)');
    expect(a.missing?.[0]?.text).toMatch(/no coredump file/);
    expect(a.evidence.map((e) => e.what)).toEqual(
      expect.arrayContaining(['ABRT reason', 'ABRT executable', 'ABRT time']),
    );
    // the audit ANOM_ABEND line in the directory's var_log_messages is the death it explains
    const abend = analysis.incidents.find(
      (i) => i.kind === 'core-dumped' && i.details.type === 'death' && i.details.pid === 19861,
    );
    expect(abend).toBeDefined();
    expect(a.explains?.some((e) => e.line.lineId === abend!.line.lineId)).toBe(true);
    expect(abend!.details.type === 'death' && abend!.details.coreArtefact).toBe(dir);
  });

  it('the apport .crash: /usr/bin/sleep, SIGSEGV, its CoreDump measured, not decoded', () => {
    const p = 'var/crash/_usr_bin_sleep.1000.crash';
    const { analysis } = analyzeCase(
      memCase([{ path: p, lines: text('e-crash', 'apport__jammy_usr_bin_sleep.1000.crash') }]),
    );
    const a = analysis.crashes.find((c) => c.kind === 'apport')!;
    expect(a).toMatchObject({
      path: p,
      executable: '/usr/bin/sleep',
      completeness: 'present',
      localTime: 'Tue Jun 11 14:39:28 2024',
    });
    expect(a.signal?.name).toBe('SIGSEGV');
    expect(a.ts).toBe(T('2024-06-11T14:39:28Z'));
    expect(a.sizeBytes).toBeGreaterThan(1000);
    expect(a.evidence.map((e) => e.lineNo)).toEqual([4, 133, 137]);
  });

  it('a core file named by kernel.core_pattern gives executable, pid, signal and time', () => {
    const { analysis } = analyzeCase(
      memCase([
        { path: 'proc/sys/kernel/core_pattern', lines: ['/var/crash/core-%e-%p-%s-%t'] },
        {
          path: 'var/crash/core-stream_convert-30002-6-1654522431',
          kind: 'binary',
          status: 'skipped',
          sizeBytes: 40960,
        },
        { path: 'var/crash/core.conf', lines: ['not a core'] },
      ]),
    );
    expect(analysis.crashes).toHaveLength(1);
    expect(analysis.crashes[0]).toMatchObject({
      kind: 'core-file',
      executable: 'stream_convert',
      pid: 30002,
      ts: 1654522431000,
      completeness: 'present',
      sizeBytes: 40960,
    });
    expect(analysis.crashes[0]!.signal?.name).toBe('SIGABRT');
  });

  it('a systemd-coredump journal entry (beats corner-cases): the core is on the machine, not in the archive', () => {
    const { analysis } = analyzeCase(
      memCase([
        {
          path: 'var/log/syslog',
          lines: [
            {
              text: 'Jan 10 10:00:00 host systemd-coredump[3735]: Process 3717 (kdeconnectd) of user 1000 dumped core.',
              ts: T('2024-01-10T10:00:00Z'),
              tsQuality: 'year-inferred',
            },
          ],
        },
      ]),
    );
    const a = analysis.crashes.find((c) => c.kind === 'coredump')!;
    expect(a).toMatchObject({
      pid: 3717,
      executable: 'kdeconnectd',
      completeness: 'unknown',
      ts: T('2024-01-10T10:00:00Z'),
    });
    expect(a.missing?.[0]?.text).toMatch(/coredumpctl info/);
  });

  it.skipIf(!seedAvailable)('the seed sample has no crash artefact (the hang left none)', () => {
    const seed = readFileSync(SEED_FILE, 'utf8').split('\n').slice(22, 133);
    expect(analyzeCase(memCase([{ path: 'var/log/syslog', lines: seed }])).analysis.crashes).toEqual([]);
  });
});
