import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SEED_FILE } from '../../helpers/corpus';
import { analyzeOomCase, lines } from './fixture';

const seedAvailable = existsSync(SEED_FILE);
if (!seedAvailable) console.warn(`[skip] seed incident not found at ${SEED_FILE}`);

/** Lines 23–133 of the seed: the syslog excerpt around the OOM kill. */
function excerpt(): string {
  return readFileSync(SEED_FILE, 'utf8').split('\n').slice(22, 133).join('\n');
}

/** 1-based number of the first excerpt line containing `needle`. */
function lineOf(needle: string, atStart = false): number {
  return (
    excerpt()
      .split('\n')
      .findIndex((l) => (atStart ? l.startsWith(needle) : l.includes(needle))) + 1
  );
}

describe.skipIf(!seedAvailable)('the seed incident (stream_convert, 4.4.0-150)', () => {
  const analysis = seedAvailable ? analyzeOomCase(lines(excerpt(), 'seed/syslog')) : null;
  const r = analysis?.reports[0];

  it('finds one report despite the interleaved systemd-journald line', () => {
    expect(analysis?.reports).toHaveLength(1);
    expect(r?.line).toBe(1);
    expect(r?.host).toBe('video-stream');
    expect(r?.victim?.pid).toBe(30002);
    expect(r?.victim?.comm).toBe('stream_convert');
    expect(r?.kind).toBe('global');
    expect(r?.kernel).toBe('4.4.0-150-generic');
    expect(r?.trigger?.pid).toBe(11545);
    expect(r?.trigger?.cpuset).toBe('4ebca70fe5bffef91f0e4d355ecceca3b977acdf70f519a9a7ffbc02f38c0613');
    expect(r?.callTrace[0]).toBe('dump_stack+0x63/0x82');
    expect(r?.hardware).toContain('OpenStack Nova');
  });

  it('recomputes 731 without the root discount (709 with it)', () => {
    const s = r!.score;
    expect(s.printed).toBe(731);
    expect(s.computed).toBe(731);
    expect(s.points).toBe(6006959 + 16123 + 276 + 0);
    expect(s.totalPages).toBe(8388477 - 151785);
    expect(s.rootDiscount).toBe(false);
    expect(s.result).toBe('match-without-discount');
    expect(s.verdict).toContain('with it: 709');
    expect(s.verdict).toContain('without CAP_SYS_ADMIN');
    expect(s.verdict).toContain('container');
    expect(s.variants.find((v) => v.label.includes('root discount'))?.score).toBe(709);
  });

  it('decodes gfp_mask 0x24280ca on 4.4 as GFP_HIGHUSER_MOVABLE | __GFP_ZERO', () => {
    expect(r?.trigger?.gfpMask).toBe('0x24280ca');
    expect(r?.trigger?.gfpFlags).toEqual(['GFP_HIGHUSER_MOVABLE', '__GFP_ZERO']);
    expect(r?.trigger?.gfpTable).toBe('4.4–4.9');
    expect(r?.trigger?.gfpUnknownBits).toBeNull();
    expect(r?.trigger?.gfpZones).toEqual(['Normal', 'DMA32', 'DMA']);
    expect(r?.trigger?.order).toBe(0);
  });

  it('finds the Normal zone below min: free 61228kB, min 61376kB', () => {
    const normal = r!.zones.find((z) => z.zone === 'Normal')!;
    expect(normal.freeKb).toBe(61228);
    expect(normal.minKb).toBe(61376);
    expect(normal.belowMin).toBe(true);
    expect(normal.lowmemReserve).toEqual([0, 0, 0, 0, 0]);
    expect(normal.buddy?.totalKb).toBe(61052);
    expect(normal.buddy?.orders[0]).toEqual({
      order: 0,
      sizeKb: 4,
      count: 9485,
      migrateTypes: ['U', 'M', 'E', 'H'],
    });
    const f = r!.findings.find((x) => x.code === 'zone-below-min')!;
    expect(f.text).toContain('Normal zone: free 61228kB is below its min watermark 61376kB');
    expect(f.evidence[0]?.lineNo).toBe(lineOf('Node 0 Normal free:61228kB'));
    expect(r!.zones.find((z) => z.zone === 'DMA32')?.belowMin).toBe(false);
  });

  it('says plainly that no swap was configured', () => {
    const f = r!.findings.find((x) => x.code === 'no-swap')!;
    expect(f.text).toContain('No swap configured (Total swap = 0kB)');
    expect(f.evidence.map((e) => e.lineNo)).toContain(lineOf('Total swap = 0kB'));
    expect(r!.ledger.swap.configured).toBe(false);
    expect(r!.memInfo.totalSwapKb).toBe(0);
  });

  it('recovers the damaged `un  6` task row (pid 1867, lxcfs) and flags it', () => {
    const row = r!.tasks.find((t) => t.pid === 1867)!;
    expect(row.name).toBe('lxcfs');
    expect(row.rss).toBe(43);
    expect(row.repaired).toContain('"un" repaired to "Jun"');
    expect(row.evidence.lineNo).toBe(lineOf('un  6 21:33:14', true));
    expect(
      r!.damage.some(
        (d) => d.kind === 'repaired' && d.evidence[0]?.lineNo === lineOf('un  6 21:33:14', true),
      ),
    ).toBe(true);
  });

  it('reads the #012-folded Mem-Info line and the interleaved lost-messages notice', () => {
    expect(r!.memInfo.counters.active_anon).toBe(7909729);
    expect(r!.memInfo.counters.free).toBe(52373);
    expect(r!.memInfo.counters.pagetables).toBe(23340);
    const lost = r!.damage.find((d) => d.text.includes('missed 6 messages'));
    expect(lost?.evidence[0]?.lineNo).toBe(lineOf('missed 6 messages'));
    expect(lineOf('missed 6 messages')).toBe(2);
  });

  it('ranks the victim first and splits RAM into a ledger', () => {
    expect(r!.audit.victimRank).toBe(1);
    expect(r!.tasks).toHaveLength(53);
    expect(r!.ledger.totalRamKb).toBe(8388477 * 4);
    expect(r!.ledger.items.find((i) => i.key === 'anon')?.kb).toBe((7909729 + 28750 - 85614) * 4);
  });

  it('links the container restart that followed (containerd shim reaped, then a new shim)', () => {
    const after = analysis!.cross.aftermath;
    expect(after.map((a) => a.kind)).toEqual([
      'containerd-shim-reaped',
      'docker-task-delete',
      'containerd-shim-started',
    ]);
    expect(after[0]?.evidence.lineNo).toBe(lineOf('shim reaped'));
    expect(after[0]?.link).toBe('container 4ebca70fe5bf');
    expect(analysis!.cross.findings.find((f) => f.code === 'victim-restarted')?.text).toContain(
      'it was restarted',
    );
  });
});
