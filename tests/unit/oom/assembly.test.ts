/**
 * Finding and assembling reports whatever the log writer put around them: dmesg stamps,
 * dmesg -T, printk caller ids, `<N>`, mail quoting, rsyslog `#012`, interleaved programs and
 * hosts, several reports in one file, lines cut in two.
 */
import { describe, expect, it } from 'vitest';
import { analyzeOom, analyzeOomCase, fixture, lines, one, textLines } from './fixture';
import { assembleReports } from '../../../src/main/engine/analysis/oom/assemble';
import { parseReport } from '../../../src/main/engine/analysis/oom/parse';
import { buildReport } from '../../../src/main/engine/analysis/oom/report';
import type { OomReport } from '../../../src/shared/model/oom';

/** Prefixes every line of a bare report (06 is printed without any prefix) with `f(i)`. */
function prefixed(text: string, f: (i: number) => string): string {
  return textLines(text)
    .map((l, i) => f(i) + l)
    .join('\n');
}

const secs = (i: number): string => `[${(1234.5 + i * 0.000123).toFixed(6).padStart(12)}]`;

function expect06(text: string): void {
  const r = one(text);
  expect(r.victim).toMatchObject({ pid: 1532, comm: 'badsysprogram' });
  expect(r.score.computed).toBe(919);
  expect(r.tasks).toHaveLength(28);
  expect(r.zones.map((z) => z.zone)).toEqual(['DMA', 'DMA32']);
  expect(r.memInfo.counters.active_anon).toBe(405991);
  expect(r.callTrace).toContain('dump_stack+0x45/0x56');
  expect(r.kernel).toBe('3.13.0-27-generic');
}

describe('report assembly', () => {
  it('reads a report without any prefix (as cAdvisor stores it)', () => {
    expect06(fixture('06'));
  });

  it('reads dmesg `[ secs]`', () => {
    expect06(prefixed(fixture('06'), (i) => `${secs(i)} `));
  });

  it('reads `<N>` priorities with dmesg stamps (dmesg -r)', () => {
    expect06(prefixed(fixture('06'), (i) => `<4>${secs(i)} `));
  });

  it('reads printk caller ids', () => {
    expect06(prefixed(fixture('06'), (i) => `${secs(i)}[ T1532] `));
  });

  it('reads dmesg -T in English and in another locale', () => {
    expect06(prefixed(fixture('06'), () => '[Tue Aug 12 03:54:03 2025] '));
    expect06(prefixed(fixture('06'), () => '[mar. août 12 03:54:03 2025] '));
    expect(one(fixture('17')).victim?.pid).toBe(3902942);
  });

  it('reads journalctl -o short-iso', () => {
    expect06(prefixed(fixture('06'), () => '2014-06-20T12:47:02+0000 gce-vm kernel: '));
  });

  it('reads a report quoted in a mail (`> `)', () => {
    const r = one(prefixed(fixture('13'), () => '> '));
    expect(r.victim?.pid).toBe(3117813);
    expect(r.tasks).toHaveLength(35);
    expect(r.host).toBe('hnsin-varnish');
  });

  it('splits rsyslog `#012`-folded Mem-Info lines', () => {
    const r = one(fixture('04'));
    expect(r.memInfo.counters).toMatchObject({
      active_anon: 7355653,
      active_file: 1263,
      slab_unreclaimable: 13708,
      free: 39513,
      free_cma: 0,
    });
    expect(r.zones).toHaveLength(4);
    expect(r.zones.map((z) => `${z.node} ${z.zone}`)).toEqual(['0 DMA', '0 DMA32', '0 Normal', '1 Normal']);
    expect(r.zones[3]?.buddy?.totalKb).toBe(50836);
  });

  it('finds every report in a file, not just the first', () => {
    const first = prefixed(fixture('06'), (i) => `${secs(i)} `);
    const second = prefixed(fixture('06').replaceAll('1532', '1600'), (i) => `${secs(i + 5000)} `);
    const noise =
      '[ 1300.000000] EXT4-fs (sda1): re-mounted. Opts: (null)\n[ 1301.000000] e1000: eth0 NIC Link is Up 1000 Mbps Full Duplex';
    const a = analyzeOomCase(lines([first, noise, second].join('\n')));
    expect(a.reports.map((r) => r.victim?.pid)).toEqual([1532, 1600]);
    expect(a.reports.every((r) => r.tasks.length === 28)).toBe(true);
    expect(a.cross.repeatVictims).toEqual([
      { comm: 'badsysprogram', count: 2, reportIds: a.reports.map((r) => r.id) },
    ]);
  });

  it('keeps reports of two hosts apart when their lines interleave in one file', () => {
    const a = textLines(fixture('13'));
    const b = textLines(
      fixture('13').replaceAll('hnsin-varnish', 'hnsin-varnish2').replaceAll('3117813', '3117999'),
    );
    const mixed: string[] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (a[i] !== undefined) mixed.push(a[i]!);
      if (b[i] !== undefined) mixed.push(b[i]!);
    }
    const reports = analyzeOom(lines(mixed.join('\n')));
    expect(reports.map((r) => [r.host, r.victim?.pid, r.tasks.length])).toEqual([
      ['hnsin-varnish', 3117813, 35],
      ['hnsin-varnish2', 3117999, 35],
    ]);
    expect(reports.every((r) => r.damage.length === 0)).toBe(true);
  });

  it('joins zone and buddy lines a log writer cut in two, and flags the repair', () => {
    const text = textLines(fixture('13'))
      .flatMap((l) => {
        const head = 'Sep 29 08:12:34 hnsin-varnish kernel: ';
        if (l.includes('Node 0 Normal free:')) {
          const cut = l.indexOf('present:3145') + 'present:3145'.length;
          return [l.slice(0, cut), head + l.slice(cut)];
        }
        if (l.includes('Node 0 Normal: 635*4kB')) {
          const a = l.indexOf(' 98*64kB');
          const b = l.indexOf('*512kB') - 1;
          return [l.slice(0, a), head + l.slice(a + 1, b), head + l.slice(b)];
        }
        return [l];
      })
      .join('\n');
    const r = one(text);
    const normal = r.zones.find((z) => z.zone === 'Normal')!;
    expect(normal.presentKb).toBe(3145728);
    expect(normal.managedKb).toBe(3042240);
    expect(normal.fields.free_cma).toBe(0);
    expect(normal.lowmemReserve).toEqual([0, 0, 0, 0, 0]);
    expect(normal.buddy?.computedTotalKb).toBe(37900);
    expect(normal.buddy?.orders.map((o) => o.count)).toEqual([635, 480, 310, 286, 98, 29, 13, 6, 1, 0, 0]);
    expect(r.damage.filter((d) => d.kind === 'repaired').map((d) => d.evidence.length)).toEqual([2, 3]);
  });

  it('ignores other programs interleaved in the report and keeps the kernel stream', () => {
    const text = textLines(fixture('13'))
      .flatMap((l, i) =>
        i === 40 ? [l, 'Sep 29 08:12:34 hnsin-varnish systemd[1]: Started Session 42 of user root.'] : [l],
      )
      .join('\n');
    const r = one(text);
    expect(r.tasks).toHaveLength(35);
    expect(r.damage).toEqual([]);
  });

  it('skips a million lines without an OOM report quickly', () => {
    const sample = [
      'Jun  6 21:33:21 video-stream kernel: WARNING: [write_iter] inode ifops has restore.',
      'Jun  6 21:33:17 video-stream dockerd: time="2022-06-06T21:33:17.620768383+08:00" level=info msg="ignoring event" module=libcontainerd namespace=moby topic=/tasks/delete type="*events.TaskDelete"',
      'Feb 10 09:11:04 compute4 systemd[1]: ceph-osd@0.service: Scheduled restart job, restart counter is at 1.',
      'Jun  6 21:33:14 video-stream systemd: Stopped Getty on tty1.',
    ];
    const big = Array.from({ length: 1_000_000 }, (_, i) => ({
      lineId: i + 1,
      sourceId: 1,
      sourcePath: 'big',
      lineNo: i + 1,
      ts: null,
      tsQuality: 'none' as const,
      text: sample[i % sample.length]!,
    }));
    const t0 = performance.now();
    const a = analyzeOomCase(big);
    const ms = performance.now() - t0;
    console.log(`[perf] analyzeOomCase over 1,000,000 non-OOM lines: ${ms.toFixed(0)} ms`);
    expect(a.reports).toEqual([]);
    expect(ms).toBeLessThan(5000);
  });
});

describe('oom_reaper lines', () => {
  it('attaches a late oom_reaper line to the report of the pid it names, even inside the next report', () => {
    const ls = textLines(fixture('10'));
    const reaper = ls.pop()!;
    const second = textLines(fixture('10').replaceAll('1381', '1400'));
    second.pop();
    const text = [...ls, ...second.slice(0, 5), reaper, ...second.slice(5)].join('\n');
    const reports = analyzeOom(lines(text));
    expect(reports.map((r) => [r.victim?.pid, r.reaped?.pid ?? null, r.tasks.length])).toEqual([
      [1381, 1381, 1],
      [1400, null, 1],
    ]);
  });

  it('builds each report once it is final: the same reports, in source and line order, as building them all at the end', () => {
    // 24 reports from each of two hosts, interleaved in one file (two streams), each killing the
    // same pid (a repeat victim: each build depends on the victims before it in its stream),
    // and an oom_reaper line that arrives after the next report of its host has begun.
    const body = textLines(fixture('06'));
    const out: string[] = [];
    for (let k = 0; k < 24; k++) {
      const at = (i: number): string =>
        `2014-06-20T${String(10 + Math.floor(k / 4)).padStart(2, '0')}:${String((k % 4) * 15).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}+0000`;
      for (const host of ['gce-a', 'gce-b']) {
        body.forEach((l, i) => {
          out.push(`${at(i)} ${host} kernel: ${l}`);
          if (k > 0 && i === 0 && host === 'gce-a')
            out.push(
              `${at(i)} gce-a kernel: oom_reaper: reaped process 1532 (badsysprogram), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB`,
            );
        });
        out.push(`${at(body.length)} ${host} systemd[1]: Started Session ${k} of user root.`);
      }
    }
    const input = lines(out.join('\n'));
    const atEnd = (): OomReport[] => {
      const raws = assembleReports(input).sort(
        (a, b) =>
          a.lines[0]!.line.sourceId - b.lines[0]!.line.sourceId ||
          a.lines[0]!.line.lineNo - b.lines[0]!.line.lineNo,
      );
      const killed = new Map<string, Set<number>>();
      return raws.map((raw) => {
        const earlier = killed.get(raw.stream) ?? new Set<number>();
        const r = buildReport(parseReport(raw), earlier);
        if (r.victim) earlier.add(r.victim.pid);
        killed.set(raw.stream, earlier);
        return r;
      });
    };
    const reports = analyzeOom(input);
    expect(reports).toHaveLength(48);
    expect(reports.map((r) => r.host)).toEqual(
      Array.from({ length: 48 }, (_, i) => (i % 2 === 0 ? 'gce-a' : 'gce-b')),
    );
    expect(reports).toEqual(atEnd());
    expect(analyzeOomCase(input).reports).toEqual(reports);
  });
});
