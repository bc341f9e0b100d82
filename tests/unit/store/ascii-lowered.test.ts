/**
 * asciiLowered (store/text-blocks.ts) lowers A-Z four bytes at a time: the same bytes as a plain
 * byte loop for any input (UTF-8 and invalid bytes untouched), at any length and offset, into a
 * fresh buffer or a scratch one.
 */
import { describe, expect, it } from 'vitest';
import { asciiLowered } from '../../../src/main/engine/store/text-blocks';

const byByte = (src: Uint8Array): Buffer => Buffer.from(src.map((c) => (c >= 65 && c <= 90 ? c + 32 : c)));

const scratch = Buffer.alloc(512);

describe('asciiLowered', () => {
  it('equals a byte-by-byte lowering on any bytes, lengths and offsets', () => {
    let seed = 99;
    const rnd = (k: number): number => (seed = (seed * 1103515245 + 12345) % 2147483648) % k;
    for (let run = 0; run < 2000; run++) {
      const bytes = Uint8Array.from({ length: rnd(300) }, () => rnd(256));
      const src = bytes.subarray(Math.min(rnd(4), bytes.length));
      expect(asciiLowered(src).equals(byByte(src)), `run ${run}`).toBe(true);
      // Into a scratch buffer (reused from run to run, larger than the input): the same bytes.
      const into = asciiLowered(src, scratch);
      expect(into.equals(byByte(src)), `run ${run} into scratch`).toBe(true);
      expect(into.buffer).toBe(scratch.buffer);
    }
  });

  it('makes a copy when the scratch buffer is too small or not word-aligned', () => {
    const src = Buffer.from('ABC DEF GHI');
    const small = Buffer.alloc(4);
    expect(asciiLowered(src, small).toString()).toBe('abc def ghi');
    expect(small.toString()).toBe('\0\0\0\0');
    const odd = Buffer.alloc(64).subarray(1);
    expect(asciiLowered(src, odd).buffer).not.toBe(odd.buffer);
  });

  it('lowers only ASCII letters in real text', () => {
    const text = 'Out of memory: Kill process 30002 (stream_convert) ÀÉ 内存不足 @[Z`{';
    expect(asciiLowered(Buffer.from(text)).toString()).toBe(
      'out of memory: kill process 30002 (stream_convert) ÀÉ 内存不足 @[z`{',
    );
  });
});
