/**
 * A streaming bzip2 decoder (the format as documented by Joe Tsai's "bzip2 format
 * specification" and the bzip2 manual: blocks of Huffman-coded MTF/RLE2 symbols over a
 * Burrows–Wheeler transform, then RLE1). Written here because the JavaScript package in the
 * tree decodes about 1 MB/s (bench:archives), too slow for a tar.bz2 sosreport.
 *
 * Input is buffered until a whole block is present (a block is at most ~900 kB compressed);
 * each block and each stream is CRC-checked. Concatenated streams (pbzip2) are read in turn.
 */
import { Transform, type TransformCallback } from 'node:stream';

class NeedMore extends Error {}
const NEED_MORE = new NeedMore('need more input');

class BitReader {
  pos = 0; // bit position
  constructor(
    readonly buf: Buffer,
    readonly final: boolean,
  ) {}
  bit(): number {
    const byte = this.pos >>> 3;
    if (byte >= this.buf.length) {
      if (this.final) throw new Error('unexpected end of bzip2 data');
      throw NEED_MORE;
    }
    const b = (this.buf[byte]! >>> (7 - (this.pos & 7))) & 1;
    this.pos++;
    return b;
  }
  /** Fast path for up to 24 bits. */
  take(n: number): number {
    const end = this.pos + n;
    if ((end + 7) >>> 3 > this.buf.length) {
      if (this.final) throw new Error('unexpected end of bzip2 data');
      throw NEED_MORE;
    }
    let v = 0;
    let p = this.pos;
    while (p < end) {
      const byte = this.buf[p >>> 3]!;
      const off = p & 7;
      const avail = 8 - off;
      const want = Math.min(avail, end - p);
      v = (v << want) | ((byte >>> (avail - want)) & ((1 << want) - 1));
      p += want;
    }
    this.pos = end;
    return v >>> 0;
  }
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    t[i] = c >>> 0;
  }
  return t;
})();

const MAX_GROUPS = 6;
const MAX_ALPHA = 258;
const MAX_CODE_LEN = 20;
const G_SIZE = 50;

interface Huff {
  limit: Int32Array;
  base: Int32Array;
  perm: Int32Array;
  minLen: number;
}

function buildHuff(lengths: Uint8Array, alphaSize: number): Huff {
  let minLen = 32;
  let maxLen = 0;
  for (let i = 0; i < alphaSize; i++) {
    minLen = Math.min(minLen, lengths[i]!);
    maxLen = Math.max(maxLen, lengths[i]!);
  }
  const perm = new Int32Array(MAX_ALPHA);
  let pp = 0;
  for (let len = minLen; len <= maxLen; len++)
    for (let s = 0; s < alphaSize; s++) if (lengths[s] === len) perm[pp++] = s;
  const count = new Int32Array(MAX_CODE_LEN + 2);
  for (let s = 0; s < alphaSize; s++) count[lengths[s]!]!++;
  const limit = new Int32Array(MAX_CODE_LEN + 2).fill(-1);
  const base = new Int32Array(MAX_CODE_LEN + 2);
  // Canonical codes: code = (prev code + count) << 1 per length.
  let code = 0;
  let idx = 0;
  for (let len = minLen; len <= maxLen; len++) {
    base[len] = idx - code; // perm index = code + base[len]
    code += count[len]!;
    idx += count[len]!;
    limit[len] = code - 1;
    code <<= 1;
  }
  return { limit, base, perm, minLen };
}

export class Bzip2Decoder {
  private input: Buffer = Buffer.alloc(0);
  private state: 'header' | 'block' | 'done' = 'header';
  private level = 0;
  private streamCrc = 0;
  private tt: Uint32Array | null = null;
  private bitOffset = 0;
  constructor(private readonly out: (chunk: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.input = this.input.length === 0 ? chunk : Buffer.concat([this.input, chunk]);
    this.run(false);
  }

  end(): void {
    this.run(true);
    if (this.state !== 'done' && this.state !== 'header')
      throw new Error('bzip2 stream ended before its end-of-stream marker');
    if (this.state === 'header' && this.input.length > 0)
      throw new Error('trailing data after the bzip2 stream');
  }

  private run(final: boolean): void {
    for (;;) {
      if (this.input.length === 0) return;
      // Decode a block only once it is surely all here (at most ~1 % over the block size
      // compressed), so a block is not decoded again for every small chunk that arrives.
      if (!final && this.state === 'block' && this.input.length < this.level * 101_000 + 4096) return;
      const r = new BitReader(this.input, final);
      r.pos = this.bitOffset;
      try {
        if (this.state === 'header' || this.state === 'done') {
          if (this.input.length < 4 && !final) return;
          if (r.take(24) !== 0x425a68) throw new Error('not a bzip2 stream (no "BZh" magic)');
          const lvl = r.take(8) - 0x30;
          if (lvl < 1 || lvl > 9) throw new Error(`bad bzip2 block size level ${lvl}`);
          this.level = lvl;
          this.streamCrc = 0;
          this.state = 'block';
          this.consume(r.pos);
          continue;
        }
        const hi = r.take(24);
        const lo = r.take(24);
        if (hi === 0x177245 && lo === 0x385090) {
          const crc = r.take(32);
          if (crc !== this.streamCrc >>> 0)
            throw new Error(
              `bzip2 stream CRC mismatch (stored ${crc.toString(16)}, computed ${(this.streamCrc >>> 0).toString(16)})`,
            );
          // Streams are byte-aligned: skip the padding bits.
          this.state = 'done';
          this.consume((r.pos + 7) & ~7);
          continue;
        }
        if (hi !== 0x314159 || lo !== 0x265359) throw new Error('bad bzip2 block magic');
        const blockCrc = this.block(r);
        this.streamCrc = (((this.streamCrc << 1) | (this.streamCrc >>> 31)) ^ blockCrc) >>> 0;
        this.consume(r.pos);
      } catch (err) {
        if (err instanceof NeedMore) return;
        throw err;
      }
    }
  }

  /** Drops the consumed bytes; a block may end mid-byte, so the bit offset into the next byte is kept. */
  private consume(bitPos: number): void {
    this.input = this.input.subarray(bitPos >>> 3);
    this.bitOffset = bitPos & 7;
  }

  private block(r: BitReader): number {
    const storedCrc = r.take(32);
    if (r.bit()) throw new Error('randomised bzip2 blocks (bzip2 0.9.0) are not supported');
    const origPtr = r.take(24);
    // Symbol map.
    const used = r.take(16);
    const seqToUnseq = new Uint8Array(256);
    let nInUse = 0;
    for (let i = 0; i < 16; i++)
      if (used & (0x8000 >>> i)) {
        const bits = r.take(16);
        for (let j = 0; j < 16; j++) if (bits & (0x8000 >>> j)) seqToUnseq[nInUse++] = i * 16 + j;
      }
    if (nInUse === 0) throw new Error('bzip2 block uses no symbols');
    const alphaSize = nInUse + 2;
    const nGroups = r.take(3);
    if (nGroups < 2 || nGroups > MAX_GROUPS) throw new Error(`bad bzip2 group count ${nGroups}`);
    const nSelectors = r.take(15);
    if (nSelectors < 1) throw new Error('bzip2 block without selectors');
    const mtfGroups = [0, 1, 2, 3, 4, 5].slice(0, nGroups);
    const selectors = new Uint8Array(nSelectors);
    for (let i = 0; i < nSelectors; i++) {
      let j = 0;
      while (r.bit()) {
        j++;
        if (j >= nGroups) throw new Error('bad bzip2 selector');
      }
      const v = mtfGroups[j]!;
      for (let k = j; k > 0; k--) mtfGroups[k] = mtfGroups[k - 1]!;
      mtfGroups[0] = v;
      selectors[i] = v;
    }
    const tables: Huff[] = [];
    for (let g = 0; g < nGroups; g++) {
      const lengths = new Uint8Array(alphaSize);
      let len = r.take(5);
      for (let s = 0; s < alphaSize; s++) {
        for (;;) {
          if (len < 1 || len > MAX_CODE_LEN) throw new Error('bad bzip2 code length');
          if (!r.bit()) break;
          len += r.bit() ? -1 : 1;
        }
        lengths[s] = len;
      }
      tables.push(buildHuff(lengths, alphaSize));
    }
    // Symbols → MTF/RLE2 → byte counts and the BWT vector. The hot loop keeps its own bit
    // buffer (up to 32 bits in a number) instead of calling the reader per bit.
    const maxBlock = this.level * 100_000;
    if (!this.tt || this.tt.length < maxBlock) this.tt = new Uint32Array(maxBlock);
    const tt = this.tt;
    const unzftab = new Int32Array(256);
    const mtf = new Uint8Array(256);
    for (let i = 0; i < 256; i++) mtf[i] = i;
    const eob = nInUse + 1;
    const buf = r.buf;
    const bufLen = buf.length;
    let bytePos = r.pos >>> 3;
    let bitCnt = 0;
    let bitBuf = 0;
    if (r.pos & 7) {
      bitCnt = 8 - (r.pos & 7);
      bitBuf = buf[bytePos++]! & ((1 << bitCnt) - 1);
    }
    let padded = 0; // zero bytes added past the end of a final input
    let nblock = 0;
    let groupPos = 0;
    let groupNo = -1;
    let limit = tables[0]!.limit;
    let base = tables[0]!.base;
    let perm = tables[0]!.perm;
    let minLen = tables[0]!.minLen;
    let runLen = 0;
    let runWeight = 1;
    for (;;) {
      if (groupPos === 0) {
        groupNo++;
        if (groupNo >= nSelectors) throw new Error('bzip2 selectors exhausted');
        groupPos = G_SIZE;
        const t = tables[selectors[groupNo]!]!;
        limit = t.limit;
        base = t.base;
        perm = t.perm;
        minLen = t.minLen;
      }
      groupPos--;
      while (bitCnt < MAX_CODE_LEN) {
        let byte = 0;
        if (bytePos < bufLen) byte = buf[bytePos++]!;
        else if (r.final) {
          padded++;
          if (padded > 4) throw new Error('unexpected end of bzip2 data');
        } else throw NEED_MORE;
        bitBuf = ((bitBuf << 8) | byte) & 0x0fffffff;
        bitCnt += 8;
      }
      const peek = (bitBuf >>> (bitCnt - MAX_CODE_LEN)) & 0xfffff;
      let len = minLen;
      let code = peek >>> (MAX_CODE_LEN - len);
      while (code > limit[len]!) {
        len++;
        if (len > MAX_CODE_LEN) throw new Error('bad bzip2 Huffman code');
        code = peek >>> (MAX_CODE_LEN - len);
      }
      bitCnt -= len;
      const sym = perm[code + base[len]!]!;
      if (sym <= 1) {
        // RUNA / RUNB: bijective base-2 run length of the front symbol.
        runLen += (sym + 1) * runWeight;
        runWeight <<= 1;
        if (runLen > maxBlock) throw new Error('bzip2 run exceeds the block size');
        continue;
      }
      if (runLen > 0) {
        const b = seqToUnseq[mtf[0]!]!;
        if (nblock + runLen > maxBlock) throw new Error('bzip2 block overflow');
        unzftab[b]! += runLen;
        tt.fill(b, nblock, nblock + runLen);
        nblock += runLen;
        runLen = 0;
        runWeight = 1;
      }
      if (sym === eob) break;
      // MTF: symbol n moves entry n-1 to the front.
      let idx = sym - 1;
      const v = mtf[idx]!;
      for (; idx > 0; idx--) mtf[idx] = mtf[idx - 1]!;
      mtf[0] = v;
      const b = seqToUnseq[v]!;
      if (nblock >= maxBlock) throw new Error('bzip2 block overflow');
      unzftab[b]!++;
      tt[nblock++] = b;
    }
    if (bytePos * 8 - bitCnt > bufLen * 8) throw new Error('unexpected end of bzip2 data');
    r.pos = bytePos * 8 - bitCnt - padded * 8;
    if (origPtr >= nblock) throw new Error('bad bzip2 origin pointer');
    // Inverse BWT: tt[cftab[byte]++] |= i << 8.
    const cftab = new Int32Array(257);
    for (let i = 0; i < 256; i++) cftab[i + 1] = cftab[i]! + unzftab[i]!;
    for (let i = 0; i < nblock; i++) {
      const b = tt[i]! & 0xff;
      tt[cftab[b]!++]! |= i << 8;
    }
    // Walk the vector, undoing RLE1 (4 equal bytes then a count byte), computing the CRC.
    const OUT = 1 << 20;
    let out = Buffer.allocUnsafe(OUT);
    let o = 0;
    let crc = 0xffffffff;
    let pos = tt[origPtr]! >>> 8;
    let last = -1;
    let run = 0;
    for (let i = 0; i < nblock; i++) {
      const e = tt[pos]!;
      const byte = e & 0xff;
      pos = e >>> 8;
      if (o > OUT - 256) {
        this.out(out.subarray(0, o));
        out = Buffer.allocUnsafe(OUT);
        o = 0;
      }
      if (run === 4) {
        for (let k = 0; k < byte; k++) {
          out[o++] = last;
          crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ last) & 0xff]!) >>> 0;
        }
        run = 0;
        last = -1;
        continue;
      }
      if (byte === last) run++;
      else {
        last = byte;
        run = 1;
      }
      out[o++] = byte;
      crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ byte) & 0xff]!) >>> 0;
    }
    if (o > 0) this.out(out.subarray(0, o));
    crc = (crc ^ 0xffffffff) >>> 0;
    if (crc !== storedCrc)
      throw new Error(
        `bzip2 block CRC mismatch (stored ${storedCrc.toString(16)}, computed ${crc.toString(16)})`,
      );
    return crc;
  }
}

/** A Transform decoding bzip2. */
export function bzip2Stream(member: string): Transform {
  const t = new Transform({
    highWaterMark: 1 << 20,
    transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
      try {
        decoder.push(chunk);
        cb();
      } catch (err) {
        cb(new Error(`bzip2 stream damaged in ${member}: ${(err as Error).message}`));
      }
    },
    flush(cb: TransformCallback) {
      try {
        decoder.end();
        cb();
      } catch (err) {
        cb(new Error(`bzip2 stream damaged in ${member}: ${(err as Error).message}`));
      }
    },
  });
  const decoder = new Bzip2Decoder((c) => t.push(c));
  return t;
}
