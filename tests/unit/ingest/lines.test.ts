import { describe, expect, it } from 'vitest';
import {
  LineSplitter,
  splitAll,
  Term,
  TERM_LEN,
  type SplitItem,
} from '../../../src/main/engine/ingest/lines';
import { corpusAvailable, readCorpus } from '../../helpers/corpus';
import { mulberry32, randomBytes, randomChunks } from './prng';

const text = (items: SplitItem[]): Array<string | number> =>
  items.map((i) => (i.kind === 'line' ? i.bytes.toString('latin1') : -i.bytes));

/** Concatenating every item's bytes (line + terminator, NUL run) must give the input back. */
function rebuild(input: Buffer, items: SplitItem[]): Buffer {
  const parts: Buffer[] = [];
  let expect = 0;
  for (const it of items) {
    if (it.offset !== expect) throw new Error(`gap at ${expect}: item at ${it.offset}`);
    if (it.kind === 'line') {
      const len = it.bytes.length + TERM_LEN[it.term]!;
      if (!input.subarray(it.offset, it.offset + it.bytes.length).equals(it.bytes))
        throw new Error(`bytes differ at ${it.offset}`);
      parts.push(input.subarray(it.offset, it.offset + len));
      expect += len;
    } else {
      parts.push(Buffer.alloc(it.bytes));
      expect += it.bytes;
    }
  }
  return Buffer.concat(parts);
}

describe('LineSplitter', () => {
  it('splits LF, CRLF, CR and mixed endings and keeps a last line without newline', () => {
    const items = splitAll([Buffer.from('a\nb\r\nc\rd\n\ne')]);
    expect(text(items)).toEqual(['a', 'b', 'c', 'd', '', 'e']);
    expect(items.map((i) => (i.kind === 'line' ? i.term : -1))).toEqual([
      Term.LF,
      Term.CRLF,
      Term.CR,
      Term.LF,
      Term.LF,
      Term.None,
    ]);
    expect(items.map((i) => i.offset)).toEqual([0, 2, 5, 7, 9, 10]);
  });

  it('joins a CRLF split across chunks and a line split across many chunks', () => {
    const items = splitAll([
      Buffer.from('Jun  6 21:33:13 video'),
      Buffer.from('-stream kernel: x\r'),
      Buffer.from('\nnext'),
    ]);
    expect(text(items)).toEqual(['Jun  6 21:33:13 video-stream kernel: x', 'next']);
    expect(items[0]!.kind === 'line' && items[0]!.term).toBe(Term.CRLF);
  });

  it('turns NUL padding after an unclean shutdown into one marker with its size', () => {
    const before = 'Jun  6 21:33:51 video-stream kernel: WARNING: [write_iter] inode ifops has restore.\n';
    const after = 'Jun  8 10:10:01 video-stream kernel: Linux version 4.4.0-150-generic\n';
    const input = Buffer.concat([Buffer.from(before), Buffer.alloc(4096), Buffer.from(after)]);
    const items = splitAll(randomChunks(mulberry32(7), input));
    expect(text(items)).toEqual([before.trimEnd(), -4096, after.trimEnd()]);
    expect(rebuild(input, items).equals(input)).toBe(true);
  });

  it('ends a line at a NUL run in its middle (padding written over a half line)', () => {
    const items = splitAll([Buffer.from('Jun  6 21:33:5\0\0\0Jun  8 10:10:01 host kernel: x')]);
    expect(text(items)).toEqual(['Jun  6 21:33:5', -3, 'Jun  8 10:10:01 host kernel: x']);
    expect(items[0]!.kind === 'line' && items[0]!.term).toBe(Term.Nul);
  });

  it('cuts a line longer than the limit into pieces marked Split', () => {
    const long = 'x'.repeat(25);
    const items = splitAll([Buffer.from(long.slice(0, 7)), Buffer.from(long.slice(7) + '\nend')], {
      maxLineBytes: 10,
    });
    expect(text(items)).toEqual(['xxxxxxxxxx', 'xxxxxxxxxx', 'xxxxx', 'end']);
    expect(items.map((i) => (i.kind === 'line' ? i.term : -1))).toEqual([
      Term.Split,
      Term.Split,
      Term.LF,
      Term.None,
    ]);
  });

  it('reports how many bytes it consumed', () => {
    const seen: number[] = [];
    const sp = new LineSplitter({ line: (_b, s, e) => seen.push(e - s), nulRun: () => undefined });
    sp.push(Buffer.from('abc\r'));
    expect(sp.consumed).toBe(4);
    sp.push(Buffer.from('\nde'));
    sp.end();
    expect(seen).toEqual([3, 2]);
    expect(sp.consumed).toBe(7);
  });

  it('property: any bytes in any chunking → no throw, offsets tile the input, same items as one chunk', () => {
    const rnd = mulberry32(0x5eed);
    for (let c = 0; c < 3000; c++) {
      const input = randomBytes(rnd, 200);
      const max = 1 + Math.floor(rnd() * 40);
      const whole = splitAll([input], { maxLineBytes: max });
      const chunked = splitAll(randomChunks(rnd, input), { maxLineBytes: max });
      expect(rebuild(input, chunked).equals(input)).toBe(true);
      expect(chunked.length).toBe(whole.length);
      for (let i = 0; i < whole.length; i++) {
        const a = whole[i]!;
        const b = chunked[i]!;
        expect(b.offset).toBe(a.offset);
        expect(b.kind).toBe(a.kind);
        if (a.kind === 'line' && b.kind === 'line') {
          expect(b.term).toBe(a.term);
          expect(b.bytes.length).toBeLessThanOrEqual(max);
        }
      }
    }
  });
});

describe('LineSplitter over a reused chunk buffer', () => {
  it('property: a chunk overwritten once push returns (the parse worker pools its buffers) changes nothing', () => {
    const rnd = mulberry32(0xc0de);
    for (let c = 0; c < 2000; c++) {
      const input = randomBytes(rnd, 300);
      const max = 1 + Math.floor(rnd() * 60);
      const whole = splitAll([input], { maxLineBytes: max });
      const got: SplitItem[] = [];
      const sp = new LineSplitter(
        {
          line: (buf, start, end, offset, term) =>
            got.push({ kind: 'line', offset, bytes: Buffer.from(buf.subarray(start, end)), term }),
          nulRun: (offset, bytes) => got.push({ kind: 'nul-run', offset, bytes }),
        },
        { maxLineBytes: max },
      );
      // One buffer for every chunk, scribbled over after each push.
      const pool = Buffer.alloc(64);
      for (const chunk of randomChunks(rnd, input)) {
        for (let at = 0; at < chunk.length; at += pool.length) {
          const part = chunk.subarray(at, at + pool.length);
          part.copy(pool);
          sp.push(pool.subarray(0, part.length));
          pool.fill(0x5a);
        }
      }
      sp.end();
      expect(text(got)).toEqual(text(whole));
      expect(got.map((i) => i.offset)).toEqual(whole.map((i) => i.offset));
    }
  });
});

describe.skipIf(!corpusAvailable)('LineSplitter on the corpus', () => {
  it('splits the NUL-separated kmsg dump into records with 1-byte NUL markers between them', () => {
    const buf = readCorpus('b-dmesg', 'util-linux__dmesg_kmsg-input');
    const items = splitAll([buf]);
    const lines = items.filter((i) => i.kind === 'line');
    const nuls = items.filter((i) => i.kind === 'nul-run');
    expect(nuls.length).toBeGreaterThan(40);
    expect(nuls.every((n) => n.kind === 'nul-run' && n.bytes === 1)).toBe(true);
    // Every separator is followed by the next record's prio,seq,usec,flags header.
    items.forEach((it, i) => {
      const next = items[i + 1];
      if (it.kind === 'nul-run')
        expect(next?.kind === 'line' && next.bytes.toString()).toMatch(/^\d+,\d+,\d+,[^;]*;/);
    });
    expect(lines[0]!.kind === 'line' && lines[0]!.bytes.toString()).toMatch(
      /^0,0,0,-;Linux version 6\.6\.4-arch1-1/,
    );
    expect(rebuild(buf, items).equals(buf)).toBe(true);
  });

  it('keeps the last line of a file that has no final newline', () => {
    const buf = readCorpus('a-syslog', 'plaso__syslog_osx');
    const items = splitAll([buf]);
    const last = items[items.length - 1]!;
    expect(last.kind === 'line' && last.term).toBe(Term.None);
    expect(last.kind === 'line' && last.bytes.toString()).toContain('launchd Allow TCP LISTEN');
  });
});
