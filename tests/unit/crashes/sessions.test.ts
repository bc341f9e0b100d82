/** crash(8) sessions and gdb backtraces left in the archive become `crashes[]` entries (real corpus files, at paths of the engineer's choosing). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeCase } from '../../../src/main/engine/analysis/run';
import { SEED_FILE, corpusAvailable, corpusPath, seedAvailable } from '../../helpers/corpus';
import { memCase } from '../reboots/mem-case';

const text = (...p: string[]): string[] => {
  const lines = readFileSync(corpusPath(...p), 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
};

describe.skipIf(!corpusAvailable)('crash sessions and gdb backtraces as artefacts', () => {
  it('a hotkdump run: the panic, the panicking task, crash time from sys DATE (IST is ambiguous)', () => {
    const p = 'home/support/hotkdump.out';
    const input = memCase([{ path: p, kind: 'plain', lines: text('e-crash', 'hotkdump__example-run') }]);
    const { analysis } = analyzeCase(input);
    const a = analysis.crashes.find((c) => c.kind === 'crash-session');
    expect(a).toBeDefined();
    expect(a).toMatchObject({
      path: p,
      panicReason: 'sysrq triggered crash',
      executable: 'bash',
      pid: 1025,
      localTime: '2023-03-24 14:01:27',
      fields: expect.objectContaining({
        RELEASE: '5.15.0-67-generic',
        NODENAME: 'kdump-focal',
        UPTIME: '00:06:49',
      }),
    });
    expect(a!.frames?.slice(0, 4)).toEqual(['machine_kexec', '__crash_kexec', 'panic', 'sysrq_handle_crash']);
    // IST is not in the table of zone abbreviations (India, Israel and Ireland share it): said so.
    expect(a!.tsNote).toMatch(/zone IST unknown, read as UTC/);
    expect(a!.ts).toBe(Date.UTC(2023, 2, 24, 14, 1, 27));
    // Evidence: the PANIC line of `sys` and the `bt` header, as lines of the file.
    const lines = input.byPath.get(p)!;
    const byWhat = new Map(a!.evidence.map((e) => [e.what, e]));
    expect(lines[byWhat.get('crash sys PANIC')!.lineNo - 1]!.text).toMatch(
      /^\s+PANIC: "Kernel panic - not syncing: sysrq/,
    );
    expect(lines[byWhat.get('crash bt of bash [1025]')!.lineNo - 1]!.text).toMatch(/^PID: 1025 /);
    // The kernel log crash printed holds the panic: the session explains that incident.
    const panic = analysis.incidents.find((i) => i.kind === 'panic' && i.line.sourcePath === p);
    expect(panic).toBeDefined();
    expect(a!.explains?.some((e) => e.line.lineId === panic!.line.lineId)).toBe(true);
  });

  it('the zone learned from the logs is used when crash printed none it knows', () => {
    const lines = text('e-crash', 'hotkdump__example-run');
    const input = memCase([{ path: 'crash.txt', lines }]);
    input.sources[0]!.zone = { zone: 330, source: 'test', assumed: false };
    const a = analyzeCase(input).analysis.crashes.find((c) => c.kind === 'crash-session')!;
    expect(a.ts).toBe(Date.UTC(2023, 2, 24, 14, 1, 27) - 330 * 60_000);
    expect(a.tsNote).toMatch(/ambiguous: read in the zone learned from the logs/);
  });

  it('gdb backtraces: the signal, the program and the crashing thread', () => {
    const { analysis } = analyzeCase(
      memCase([
        { path: 'root/caja-bt.txt', lines: text('e-crash', 'satyr__gdb_rhbz-1119072') },
        { path: 'root/quality.txt', lines: text('e-crash', 'satyr__gdb_quality_89') },
        { path: 'root/no-header.txt', lines: text('e-crash', 'satyr__gdb_no-thread-header') },
      ]),
    );
    const gdb = analysis.crashes.filter((c) => c.kind === 'gdb-backtrace');
    expect(gdb.map((g) => g.path).sort()).toEqual([
      'root/caja-bt.txt',
      'root/no-header.txt',
      'root/quality.txt',
    ]);
    const caja = gdb.find((g) => g.path === 'root/caja-bt.txt')!;
    expect(caja).toMatchObject({ executable: 'caja', ts: null });
    expect(caja.signal?.name).toBe('SIGTRAP');
    expect(caja.frames?.[0]).toBe('.raise');
    expect(caja.evidence.map((e) => e.what)).toEqual(
      expect.arrayContaining(['core command', 'signal', 'frame #0 of the crashing thread']),
    );
    const q = gdb.find((g) => g.path === 'root/quality.txt')!;
    expect(q.signal?.name).toBe('SIGSEGV');
    expect(q.frames?.[0]).toBe('raise');
  });

  it.skipIf(!seedAvailable)('ordinary logs and the seed are not sessions', () => {
    const seed = readFileSync(SEED_FILE, 'utf8').split('\n');
    const { analysis } = analyzeCase(
      memCase([
        { path: 'var/log/syslog', kind: 'syslog', lines: seed.slice(22, 133) },
        { path: 'notes.txt', lines: seed },
        { path: 'var/log/kern.log', lines: text('b-dmesg', 'abrt__kernel_panic_oom.test') },
      ]),
    );
    expect(analysis.crashes.filter((c) => c.kind === 'crash-session' || c.kind === 'gdb-backtrace')).toEqual(
      [],
    );
  });
});
