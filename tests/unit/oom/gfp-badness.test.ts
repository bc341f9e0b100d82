/** GFP decoding per kernel generation and oom_badness per generation, on values from real reports. */
import { describe, expect, it } from 'vitest';
import { decodeGfp, gfpZones } from '../../../src/main/engine/analysis/oom/gfp';
import { badness, ruleFor } from '../../../src/main/engine/analysis/oom/badness';
import { parseKernelVersion } from '../../../src/main/engine/analysis/oom/kernel-version';

const v = (s: string) => parseKernelVersion(s);

describe('decodeGfp', () => {
  it('decodes pre-4.4 masks (RHEL 6/7, Ubuntu 3.13) with the old bit table', () => {
    expect(decodeGfp('0x201da', v('3.10.0-514.6.1.el7.x86_64'), null)).toMatchObject({
      flags: ['GFP_HIGHUSER_MOVABLE', '__GFP_COLD'],
      table: '2.6.x–4.3',
      unknownBits: 0,
    });
    expect(decodeGfp('0x280da', v('2.6.32-642.11.1.el6.x86_64'), null).flags).toEqual([
      'GFP_HIGHUSER_MOVABLE',
      '__GFP_ZERO',
    ]);
    expect(decodeGfp('0x200d2', v('2.6.32-431.11.2.el6.x86_64'), null).flags).toEqual(['GFP_HIGHUSER']);
    expect(decodeGfp('0xd0', v('3.13.0-43-generic'), null).flags).toEqual(['GFP_KERNEL']);
  });

  it('decodes 4.4 and 4.10 masks, whose reclaim bits moved', () => {
    expect(decodeGfp('0x24280ca', v('4.4.0-150-generic'), null).flags).toEqual([
      'GFP_HIGHUSER_MOVABLE',
      '__GFP_ZERO',
    ]);
    expect(decodeGfp('0x14200ca', v('4.13.0-1-generic'), null)).toMatchObject({
      flags: ['GFP_HIGHUSER_MOVABLE'],
      table: '4.10–4.14',
    });
    // the same value means something else on another generation
    expect(decodeGfp('0x14200ca', v('4.4.0-150-generic'), null).flags).not.toEqual(['GFP_HIGHUSER_MOVABLE']);
  });

  it('prefers the table that reproduces the names the kernel printed', () => {
    expect(decodeGfp('0x24000c0', v('4.8.0-gentoo'), 'GFP_KERNEL')).toMatchObject({
      flags: ['GFP_KERNEL'],
      table: '4.4–4.9',
      agreesWithPrinted: true,
    });
    expect(decodeGfp('0x6200ca', v('4.18.0-553.8.1.el8_10.x86_64'), 'GFP_HIGHUSER_MOVABLE')).toMatchObject({
      table: '4.15–5.0',
      agreesWithPrinted: true,
    });
    expect(decodeGfp('0xcc0', v('5.13.0-19-generic'), 'GFP_KERNEL')).toMatchObject({
      table: '5.1+',
      agreesWithPrinted: true,
    });
    expect(
      decodeGfp('0x140dca', v('6.1.1-arch1-1'), 'GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO'),
    ).toMatchObject({
      flags: ['GFP_HIGHUSER_MOVABLE', '__GFP_COMP', '__GFP_ZERO'],
      agreesWithPrinted: true,
    });
  });

  it('tolerates build-dependent bits (5.15 __GFP_SKIP_KASAN_POISON) and keeps the printed names', () => {
    expect(decodeGfp('0x1100cca', v('5.15.158-2-pve'), 'GFP_HIGHUSER_MOVABLE')).toMatchObject({
      flags: ['GFP_HIGHUSER_MOVABLE'],
      unknownBits: 0x1000000,
      agreesWithPrinted: false,
    });
    expect(decodeGfp('0x80000d0', v('3.10.0-514.6.1.el7.x86_64'), null)).toMatchObject({
      flags: ['GFP_KERNEL'],
      unknownBits: 0x8000000,
    });
  });

  it('says which zones an allocation may use', () => {
    expect(gfpZones(0xd0)).toEqual(['Normal', 'DMA32', 'DMA']);
    expect(gfpZones(0x14)).toEqual(['DMA32', 'DMA']);
    expect(gfpZones(0x11)).toEqual(['DMA']);
    expect(gfpZones(0x200d2)).toEqual(['HighMem', 'Normal', 'DMA32', 'DMA']);
  });
});

describe('oom_badness by generation', () => {
  it('picks the rule from the release, RHEL backports included', () => {
    expect(ruleFor(v('2.6.32-5-amd64'))).toBe('legacy');
    expect(ruleFor(v('2.6.32-642.11.1.el6.x86_64'))).toBe('normalized');
    expect(ruleFor(v('3.13.0-27-generic'))).toBe('pages-adj30');
    expect(ruleFor(v('3.10.0-514.6.1.el7.x86_64'))).toBe('pages-3pct');
    expect(ruleFor(v('4.4.0-150-generic'))).toBe('pages-3pct');
    expect(ruleFor(v('4.18.0-553.8.1.el8_10.x86_64'))).toBe('pages');
    expect(ruleFor(v('5.13.0-19-generic'))).toBe('pages-noscore');
  });

  it('applies the root discount the way each generation did', () => {
    // the seed: 731 without, 709 with the 3 % of points taken by 3.14–4.16
    expect(badness('pages-3pct', 6023358, 0, 8236692, false).score).toBe(731);
    expect(badness('pages-3pct', 6023358, 0, 8236692, true).score).toBe(709);
    // 3.8–3.13 takes 30 × totalpages/1000 pages instead
    expect(badness('pages-adj30', 399598, 0, 434726, false).score).toBe(919);
    expect(badness('pages-adj30', 399598, 0, 434726, true).points).toBe(399598 - 30 * 434);
    // 2.6.36–3.7 subtracts 30 from the normalised score and clamps to 1…1000
    expect(badness('normalized', 1906906, 0, 4607356, true).score).toBe(413 - 30);
    expect(badness('normalized', 10, 0, 4607356, true).score).toBe(1);
    expect(badness('normalized', 10, 2000, 4607356, false).score).toBe(1000);
  });

  it('adds oom_score_adj × totalpages/1000 and never kills oom_score_adj -1000', () => {
    expect(badness('pages', 5000, -900, 506349, false).points).toBe(1);
    expect(badness('pages-noscore', 8302, -900, 506349, false).points).toBe(8302 - 900 * 506);
    expect(badness('pages', 5000, -1000, 506349, false).eligible).toBe(false);
    // memcg scores above 1000 are legal on 3.8–5.0 (sample 10)
    expect(badness('pages-3pct', 10718, 0, 10240, false).score).toBe(1046);
  });
});
