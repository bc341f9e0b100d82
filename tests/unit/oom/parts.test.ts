/** Parts of a report that only some kernels print, in copies of real reports edited as those kernels print them. */
import { describe, expect, it } from 'vitest';
import { analyzeOomCase, fixture, lines, one, textLines } from './fixture';
import { oomCaseFindings } from '../../../src/main/engine/analysis/oom';

/** Inserts `extra` before the first line starting with `before`. */
function insertBefore(text: string, before: string, extra: string[]): string {
  const ls = textLines(text);
  const i = ls.findIndex((l) => l.startsWith(before));
  return [...ls.slice(0, i), ...extra, ...ls.slice(i)].join('\n');
}

describe('optional parts', () => {
  it('reads `Unreclaimable slab info` (4.15+) and skips `Memory allocations` (6.10+) rows', () => {
    const text = insertBefore(fixture('18'), 'Tasks state', [
      'Unreclaimable slab info:',
      'Name                      Used          Total',
      'kmalloc-4096          1234567KB    1300000KB',
      'task_struct             12345KB      13000KB',
      'Memory allocations:',
      '     1.50 GiB   393216 mm/memory.c:1004 func:folio_prealloc',
      '      512 MiB   131072 mm/slub.c:2059 func:alloc_slab_page',
    ]);
    const r = one(text);
    expect(r.memInfo.unreclaimableSlab).toEqual([
      { name: 'kmalloc-4096', usedKb: 1234567, totalKb: 1300000 },
      { name: 'task_struct', usedKb: 12345, totalKb: 13000 },
    ]);
    expect(r.damage).toEqual([]);
    expect(r.tasks).toHaveLength(112);
  });

  it('reads a cpuset-constrained OOM and takes totalpages from the allowed nodes', () => {
    const r = one(fixture('18').replace('constraint=CONSTRAINT_NONE', 'constraint=CONSTRAINT_CPUSET'));
    expect(r.kind).toBe('cpuset');
    expect(r.score.totalPagesFrom).toContain('present pages of the allowed nodes');
    expect(r.score.totalPages).toBe(
      Math.floor(15984 / 4) + Math.floor(3348656 / 4) + Math.floor(13096960 / 4) + Math.floor(25165820 / 4),
    );
  });

  it('reads the sharing-memory kills and the 2.6.32 `vsz` kill line', () => {
    const text = [
      fixture('03').replace(
        'Killed process 13550, UID 500, (java) total-vm:12466024kB',
        'Killed process 13550 (java) vsz:12466024kB',
      ),
      'Feb  9 11:55:27 qa01 kernel: Kill process 13549 (rotatelogs) sharing same memory',
    ].join('\n');
    const r = one(text);
    expect(r.victim).toMatchObject({ pid: 13550, totalVmKb: 12466024, anonRssKb: 7625016 });
    expect(r.victim?.form).toContain('vsz');
    expect(r.sharingKilled.map((s) => s.pid)).toEqual([13549]);
  });

  it('links kubelet noticing the OOM by the victim it names', () => {
    const text = [
      fixture('06').trimEnd(),
      'Jun 20 12:47:09 gce-vm kubelet[1234]: I0620 12:47:09.123456    1234 event.go:307] System OOM encountered, victim process: badsysprogram, pid: 1532',
    ].join('\n');
    const a = analyzeOomCase(lines(text));
    expect(a.cross.aftermath.map((x) => [x.kind, x.link])).toEqual([
      ['kubelet-oom', 'process 1532 (badsysprogram) named'],
    ]);
  });

  it('turns a case into stored findings, one per kill plus the cross-report ones', () => {
    const a = analyzeOomCase(lines(fixture('13')));
    const f = oomCaseFindings(a);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({
      kind: 'oom',
      title: 'OOM killer killed cache-main (pid 3117813)',
      severity: 'error',
    });
    expect(f[0]!.summary).toContain('No swap configured');
    expect(f[0]!.evidence[0]?.lineNo).toBe(96);
  });

  it('reads the trigger line in its historical forms', () => {
    const forms: [string, Record<string, unknown>][] = [
      [
        'badsysprogram invoked oom-killer: gfp_mask=0x280da, order=0, oomkilladj=0',
        { oomAdj: 0, oomScoreAdj: null, gfpPrinted: null },
      ],
      [
        'badsysprogram invoked oom-killer: gfp_mask=0x280da, order=0, oom_adj=0, oom_score_adj=0',
        { oomAdj: 0, oomScoreAdj: 0 },
      ],
      [
        'badsysprogram invoked oom-killer: gfp_mask=0x280da(GFP_HIGHUSER_MOVABLE|__GFP_ZERO), nodemask=0-1,  order=2, oom_score_adj=-500',
        { nodemask: '0-1', order: 2, oomScoreAdj: -500, gfpPrinted: 'GFP_HIGHUSER_MOVABLE|__GFP_ZERO' },
      ],
    ];
    for (const [line, want] of forms) {
      const r = one(
        fixture('06').replace(
          'badsysprogram invoked oom-killer: gfp_mask=0x280da, order=0, oom_score_adj=0',
          line,
        ),
      );
      expect(r.trigger).toMatchObject({ comm: 'badsysprogram', gfpMask: '0x280da', ...want });
    }
  });

  it('reads the 6.11+ dump_stack line with UID', () => {
    const r = one(
      fixture('18').replace('CPU: 3 PID: 473206 Comm: doxygen', 'CPU: 3 UID: 504 PID: 473206 Comm: doxygen'),
    );
    expect(r.kernel).toBe('6.1.1-arch1-1');
    expect(r.trigger?.pid).toBe(473206);
  });

  it('tells fragmentation from exhaustion for an order > 0 allocation', () => {
    const r = one(
      fixture('13').replace(
        'gfp_mask=0x6200ca(GFP_HIGHUSER_MOVABLE), order=0',
        'gfp_mask=0x6200ca(GFP_HIGHUSER_MOVABLE), order=9',
      ),
    );
    const f = r.findings.find((x) => x.code === 'fragmentation')!;
    expect(f.text).toContain(
      'Node 0 Normal had 37372kB free (above its watermark) but no free block larger than order 8',
    );
    expect(f.text).toContain('order-9 allocation (2048kB contiguous)');
    expect(one(fixture('13')).findings.some((x) => x.code === 'fragmentation')).toBe(false);
  });
});
