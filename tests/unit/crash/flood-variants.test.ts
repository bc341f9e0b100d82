/**
 * The variants of a flood template ("N texts differing only in numbers") are counted by key
 * (crashes/floods.ts DistinctTexts), not by keeping every text: the count must be the same as
 * a Set of the texts would give, through the table's growth and with repeats in any order.
 */
import { describe, expect, it } from 'vitest';
import { DistinctTexts } from '../../../src/main/engine/analysis/crashes/floods';

describe('distinct texts of a flood template', () => {
  it('counts what a Set of the texts counts, through growth and repeats', () => {
    const d = new DistinctTexts();
    const set = new Set<string>();
    // sshd's refused connections: the same template with 5,000 addresses, each seen 1-3 times.
    for (let i = 0; i < 12_000; i++) {
      const n = (i * 7919) % 5000;
      const text = `Connection closed by 10.${n >> 8}.${n & 255}.${(n * 13) % 256} port ${22000 + (n % 977)} [preauth]`;
      d.add(text);
      set.add(text);
      if (i % 1000 === 999) expect(d.size).toBe(set.size);
    }
    expect(set.size).toBe(5000);
    expect(d.size).toBe(5000);
    d.add('');
    d.add('');
    expect(d.size).toBe(5001);
  });
});
