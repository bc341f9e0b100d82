import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { bzip2Stream } from '../../../src/main/engine/ingest/bzip2';
import { corpusAvailable, readCorpus } from '../../helpers/corpus';
import { SAMPLE_TREE } from '../../helpers/tmp';
import { mulberry32 } from './prng';

const HAVE_BZIP2 = !spawnSync('bzip2', ['--help'], { stdio: 'ignore' }).error;
if (!HAVE_BZIP2) console.warn('[skip] the bzip2 tool is not installed: bzip2 round-trip tests are skipped');

function bzip2(data: Buffer, level = 9): Buffer {
  return spawnSync('bzip2', [`-${level}`, '-c'], { input: data, maxBuffer: 1 << 28 }).stdout;
}

/** Decodes in chunks of `chunk` bytes (small chunks exercise the block buffering). */
async function decode(data: Buffer, chunk = 1 << 16): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += chunk) parts.push(data.subarray(i, i + chunk));
  const out: Buffer[] = [];
  for await (const c of Readable.from(parts).pipe(bzip2Stream('test.bz2'))) out.push(c as Buffer);
  return Buffer.concat(out);
}

describe.skipIf(!corpusAvailable)('bzip2 decoder on the corpus copy', () => {
  it('decodes a-syslog/plaso__syslog.bz2 to the same bytes as the .gz copy', async () => {
    const { gunzipSync } = await import('node:zlib');
    const expected = gunzipSync(readCorpus('a-syslog', 'plaso__syslog.gz'));
    expect((await decode(readCorpus('a-syslog', 'plaso__syslog.bz2'), 7)).equals(expected)).toBe(true);
  });
});

describe.skipIf(!HAVE_BZIP2)('bzip2 decoder against the bzip2 tool', () => {
  const seed = readFileSync(path.join(SAMPLE_TREE, 'var/log/syslog'));
  it.each([
    ['the seed syslog', () => seed, 9],
    [
      'many blocks at level 1 (100 kB blocks)',
      () => Buffer.concat(Array.from({ length: 40 }, () => seed)),
      1,
    ],
    [
      'long runs (RLE1 and RUNA/RUNB)',
      () => Buffer.concat([Buffer.alloc(300_000, 0x61), seed, Buffer.alloc(70_000, 0)]),
      9,
    ],
    [
      'bytes of every value',
      () => Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919 + (i >> 5)) & 0xff)),
      9,
    ],
  ] as const)('%s', async (_name, make, level) => {
    const data = make();
    expect((await decode(bzip2(data, level))).equals(data)).toBe(true);
  });

  it('reads concatenated streams (pbzip2, cat a.bz2 b.bz2)', async () => {
    const both = Buffer.concat([bzip2(seed), bzip2(Buffer.from('second stream\n'))]);
    expect((await decode(both, 1000)).toString()).toBe(seed.toString() + 'second stream\n');
  });

  it('names a truncated or corrupt stream', async () => {
    const full = bzip2(Buffer.concat(Array.from({ length: 10 }, () => seed)));
    await expect(decode(full.subarray(0, full.length - 20))).rejects.toThrow(
      /bzip2 stream damaged in test\.bz2: (unexpected end|bzip2 stream ended)/,
    );
    const flipped = Buffer.from(full);
    flipped[200] = flipped[200]! ^ 0x10;
    await expect(decode(flipped)).rejects.toThrow(/bzip2 stream damaged in test\.bz2: /);
  });
});

describe.skipIf(!HAVE_BZIP2)('bzip2 decoder on damaged input (property)', () => {
  it('any corruption of a real stream ends in a named error or the right bytes, never a hang or a crash', async () => {
    const seed = readFileSync(path.join(SAMPLE_TREE, 'var/log/syslog'));
    const good = bzip2(seed);
    const rnd = mulberry32(20220606);
    for (let i = 0; i < 150; i++) {
      const bad = Buffer.from(good);
      const flips = 1 + Math.floor(rnd() * 4);
      for (let f = 0; f < flips; f++) bad[4 + Math.floor(rnd() * (bad.length - 4))] = Math.floor(rnd() * 256);
      const cut = rnd() < 0.3 ? bad.subarray(0, Math.floor(rnd() * bad.length)) : bad;
      try {
        const out = await decode(cut, 1 + Math.floor(rnd() * 5000));
        // a flip the CRCs cannot see does not exist: success means the bytes are right
        expect(out.equals(seed)).toBe(true);
      } catch (err) {
        expect((err as Error).message).toMatch(/^bzip2 stream damaged in test\.bz2: /);
      }
    }
  });
});
