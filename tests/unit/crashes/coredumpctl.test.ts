/**
 * Issue 6: `coredumpctl list` and `coredumpctl info` as systemd prints them (fixtures written in
 * the shape of systemd's coredumpctl.c print_list/print_info and real reports; see
 * tests/fixtures/crash/PROVENANCE.md), parsed field by field and turned into `crashes[]`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeCase } from '../../../src/main/engine/analysis/run';
import { parseCoredumpInfo, parseCoredumpList } from '../../../src/main/engine/formats/coredumpctl';
import { memCase } from '../reboots/mem-case';

const FIX = path.resolve(__dirname, '../../fixtures/crash');
const LIST = readFileSync(path.join(FIX, 'coredumpctl_list_--no-pager'), 'utf8');
const INFO = readFileSync(path.join(FIX, 'coredumpctl_info_--no-pager'), 'utf8');
const lines = (s: string): string[] => s.replace(/\n$/, '').split('\n');

describe('coredumpctl list', () => {
  it('reads every row with PID, UID, GID, signal, core state, executable and size', () => {
    const rows = parseCoredumpList(LIST);
    expect(
      rows.map((r) => [r.time, r.pid, r.uid, r.gid, r.signal, r.corefile, r.exe, r.size ?? null]),
    ).toEqual([
      ['Tue 2024-06-11 14:39:28 CEST', 2847, 0, 0, 'SIGSEGV', 'present', '/usr/sbin/nginx', '1.2M'],
      ['Tue 2024-06-11 15:02:07 CEST', 31544, 1000, 1000, 'SIGABRT', 'missing', '/usr/bin/python3.10', null],
      [
        'Wed 2024-06-12 09:17:53 CEST',
        4102,
        998,
        998,
        'SIGSEGV',
        'none',
        '/opt/stream/bin/stream_convert',
        null,
      ],
      [
        'Wed 2024-06-12 09:20:11 CEST',
        4390,
        998,
        998,
        'SIGBUS',
        'truncated',
        '/opt/stream/bin/stream_convert',
        '2.0G',
      ],
    ]);
    // Line numbers count the header (line 1).
    expect(rows.map((r) => r.lineNo)).toEqual([2, 3, 4, 5]);
  });
});

describe('coredumpctl info', () => {
  const recs = parseCoredumpInfo(INFO);

  it('splits the records at their PID lines', () => {
    expect(recs.map((r) => [r.pid, r.comm, r.lineNo])).toEqual([
      [2847, 'nginx', 1],
      [31544, 'python3', 46],
      [4102, 'stream_convert', 75],
    ]);
  });

  it('reads PID, UID, GID, Signal, Timestamp, Command Line, Executable, Unit and Storage', () => {
    const [nginx, py, sc] = recs;
    expect(nginx).toMatchObject({
      uid: 0,
      gid: 0,
      signal: 11,
      signalName: 'SEGV',
      timestamp: 'Tue 2024-06-11 14:39:27 CEST (2 days ago)',
      commandLine: 'nginx: worker process',
      executable: '/usr/sbin/nginx',
      unit: 'nginx.service',
      hostname: 'web-07',
      bootId: 'a84bba07931db925306a0799dc6ebd71',
      storageState: 'present',
      sizeOnDisk: '1.2M',
    });
    expect(nginx!.storage).toBe(
      '/var/lib/systemd/coredump/core.nginx.0.a84bba07931db925306a0799dc6ebd71.2847.1718109567000000.zst (present)',
    );
    expect(py).toMatchObject({
      uid: 1000,
      gid: 1000,
      signal: 6,
      signalName: 'ABRT',
      commandLine: '/usr/bin/python3 /opt/ingest/worker.py --queue uploads',
      executable: '/usr/bin/python3.10',
      unit: 'ingest-worker.service',
      storageState: 'missing',
    });
    expect(py!.sizeOnDisk).toBeUndefined();
    expect(sc).toMatchObject({
      uid: 998,
      signal: 11,
      unit: 'stream-convert@cam04.service',
      storage: 'none',
      storageState: 'none',
    });
    expect(sc!.fields['Slice']).toBe('system-stream\\x2dconvert.slice');
  });

  it('reads the stack trace of each thread, with the object and offset of every frame', () => {
    const [nginx, py, sc] = recs;
    expect(nginx!.threads.map((t) => [t.thread, t.frames.length])).toEqual([
      [2847, 11],
      [2851, 5],
    ]);
    expect(nginx!.threads[0]!.frames[0]).toEqual({
      address: '000055d1c4a8e9f2',
      fn: 'ngx_http_upstream_process_header',
      object: 'nginx',
      offset: '0x8e9f2',
    });
    expect(nginx!.threads[0]!.frames[10]).toMatchObject({ fn: '_start', offset: '0x2cb55' });
    expect(nginx!.threads[1]!.frames.map((f) => f.fn)).toEqual([
      'epoll_wait',
      'ngx_epoll_process_events',
      'ngx_thread_pool_cycle',
      'start_thread',
      '__clone3',
    ]);
    expect(py!.threads).toHaveLength(1);
    expect(py!.threads[0]!.frames.slice(0, 3).map((f) => `${f.fn}@${f.object}`)).toEqual([
      '__pthread_kill_implementation@libc.so.6',
      '__GI_raise@libc.so.6',
      '__GI_abort@libc.so.6',
    ]);
    // A frame without symbols keeps its object and offset for addr2line.
    expect(sc!.threads[0]!.frames[2]).toEqual({
      address: '000055b0c1e2a4f1',
      fn: 'n/a',
      object: '/opt/stream/bin/stream_convert',
      offset: '0x2a4f1',
    });
  });

  it('keeps the message text (modules, architecture) without taking its lines for fields', () => {
    const [nginx] = recs;
    expect(nginx!.message).toMatch(/^Process 2847 \(nginx\) of user 0 dumped core\./);
    expect(nginx!.message).toContain('Found module libc.so.6 with build-id: ');
    expect(nginx!.message).toMatch(/ELF object binary architecture: AMD x86-64$/);
    expect(Object.keys(nginx!.fields)).not.toContain('ELF object binary architecture');
  });
});

describe('coredumpctl output in a sosreport, as crashes[]', () => {
  it('lists each core with its signal, state, time and evidence line', () => {
    const { analysis } = analyzeCase(
      memCase([
        { path: 'sos_commands/systemd/coredumpctl_list_--no-pager', lines: lines(LIST) },
        { path: 'sos_commands/systemd/coredumpctl_info_--no-pager', lines: lines(INFO) },
      ]),
    );
    const fromList = analysis.crashes.filter((c) => c.path.endsWith('coredumpctl_list_--no-pager'));
    const fromInfo = analysis.crashes.filter((c) => c.path.endsWith('coredumpctl_info_--no-pager'));
    expect(fromList.map((c) => [c.pid, c.signal?.name, c.completeness])).toEqual([
      [2847, 'SIGSEGV', 'present'],
      [31544, 'SIGABRT', 'missing'],
      [4102, 'SIGSEGV', 'unknown'],
      [4390, 'SIGBUS', 'truncated'],
    ]);
    // CEST is UTC+2.
    expect(fromList[0]!.ts).toBe(Date.parse('2024-06-11T12:39:28Z'));
    expect(fromList[2]!.missing?.[0]).toMatchObject({ code: 'coredumpctl-storage', param: 'none' });
    expect(fromList[1]!.evidence[0]).toMatchObject({ lineNo: 3 });
    expect(fromInfo.map((c) => [c.pid, c.executable, c.signal?.name, c.completeness])).toEqual([
      [2847, '/usr/sbin/nginx', 'SIGSEGV', 'present'],
      [31544, '/usr/bin/python3.10', 'SIGABRT', 'missing'],
      [4102, '/opt/stream/bin/stream_convert', 'SIGSEGV', 'unknown'],
    ]);
    expect(fromInfo[0]!.frames?.slice(0, 2)).toEqual([
      'ngx_http_upstream_process_header',
      'ngx_http_upstream_handler',
    ]);
    expect(fromInfo[0]!.ts).toBe(Date.parse('2024-06-11T12:39:27Z'));
    expect(fromInfo[2]!.missing?.[0]?.text).toBe("Storage: none — the core is not on the customer's disk.");
    expect(fromInfo[1]!.evidence[0]).toMatchObject({ lineNo: 46 });
  });
});
