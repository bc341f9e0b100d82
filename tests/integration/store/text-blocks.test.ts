/**
 * Line texts in deflated blocks (schema v8, store/text-blocks.ts) against texts in rows (the
 * store of cases made before v8, kept for them): the same input ingested both ways reads back
 * the same lines, and searches and filters over blocks (query/block-scan.ts: literals looked
 * for in each block's bytes) find the same lines as over rows (SQLite's instr and LIKE), on
 * the sample archive and on corpus files, including literals that would only match across two
 * lines' bytes.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../src/main/engine/engine';
import { CaseStore } from '../../../src/main/engine/store/case-store';
import {
  DecodedBlock,
  encodeBlock,
  TextBlocks,
  type TextCodec,
  wellFormed,
} from '../../../src/main/engine/store/text-blocks';
import {
  readRecordLines,
  readSourceLines,
  sourceRefs,
  type SourceRef,
} from '../../../src/main/engine/store/line-reader';
import { caseAnalysisInput } from '../../../src/main/engine/analysis/case-input';
import { analyzeCase } from '../../../src/main/engine/analysis/run';
import type { RecordLine } from '../../../src/shared/model/log';
import type { LineView, SearchProgress, ViewLine } from '../../../src/shared/model/case';
import { EMPTY_FILTER, type LineFilter } from '../../../src/shared/model/view';
import { allLines } from '../../helpers/engine-lines';
import { corpusAvailable, corpusPath, corpusSkipReason } from '../../helpers/corpus';
import { SAMPLE, tmpDir } from '../../helpers/tmp';
import { ingestInto } from '../../helpers/text-store';

const CODECS: TextCodec[] = ['lz4', 'deflate'];

describe('a text block', () => {
  it.each(CODECS)(
    'gives back every text: empty, Chinese, long, and texts that are not well-formed UTF-16 (%s)',
    (codec) => {
      const texts = [
        '',
        'Jun  6 21:33:13 video-stream kernel: oom-kill',
        '内存不足：杀死进程 30002',
        'x'.repeat(70_000),
        'lone \ud800 surrogate',
        '',
      ];
      const odd = new Map<number, string>();
      const parts: Buffer[] = [];
      const ends: number[] = [];
      let at = 0;
      texts.forEach((t, i) => {
        if (wellFormed(t)) parts.push(Buffer.from(t));
        else odd.set(i, t);
        at += wellFormed(t) ? Buffer.byteLength(t) : 0;
        ends.push(at);
      });
      const bytes = Buffer.concat(parts);
      const whole = new DecodedBlock(100, encodeBlock(bytes, ends, 0, texts.length, 0, odd, codec), codec);
      expect(Array.from({ length: whole.n }, (_, i) => whole.text(i))).toEqual(texts);
      // A block cut from the middle of a batch (the parse worker's blocks).
      const mid = new DecodedBlock(101, encodeBlock(bytes, ends, 2, 5, ends[1]!, odd, codec), codec);
      expect([mid.text(0), mid.text(1), mid.text(2)]).toEqual(texts.slice(2, 5));
      expect(mid.isOdd(2)).toBe(true);
    },
  );

  it('reads back a block of long odd texts, which its byte limit does not count (24 MB of layout)', () => {
    // Lone surrogates (a journal JSON MESSAGE may carry them) are kept as JSON, 6 bytes each.
    const texts = Array.from({ length: 20 }, (_, i) => `${i} ${'\ud800'.repeat(200_000)}`);
    const odd = new Map(texts.map((t, i) => [i, t]));
    const data = encodeBlock(Buffer.alloc(0), new Array(20).fill(0), 0, 20, 0, odd, 'lz4');
    const b = new DecodedBlock(1, data, 'lz4');
    expect(b.text(19)).toBe(texts[19]);
    expect(b.scanText(7)).toBe(texts[7]);
  });

  it('gives a scan the same texts, over runs of ASCII and non-ASCII texts, in any order', () => {
    // ~200 KiB of texts: several 32 KiB runs, one text longer than a run, runs with Chinese
    // (read text by text) and an odd text in the middle of an ASCII run.
    const texts: string[] = [];
    for (let i = 0; i < 2500; i++) {
      if (i === 700) texts.push('y'.repeat(40_000));
      else if (i % 900 === 450) texts.push(`Jun  6 21:33:${i % 60} host 内存不足：杀死进程 ${i}`);
      else if (i === 1200) texts.push('lone \udc00 surrogate');
      else
        texts.push(
          `Jun  6 21:33:${String(i % 60).padStart(2, '0')} video-stream sshd[${i}]: Accepted publickey for u${i}`,
        );
    }
    const odd = new Map<number, string>();
    const parts: Buffer[] = [];
    const ends: number[] = [];
    let at = 0;
    texts.forEach((t, i) => {
      if (wellFormed(t)) {
        parts.push(Buffer.from(t));
        at += Buffer.byteLength(t);
      } else odd.set(i, t);
      ends.push(at);
    });
    const b = new DecodedBlock(
      1,
      encodeBlock(Buffer.concat(parts), ends, 0, texts.length, 0, odd, 'lz4'),
      'lz4',
    );
    expect(Array.from({ length: b.n }, (_, i) => b.scanText(i))).toEqual(texts);
    // Backwards and jumping between runs: each text is still its own.
    for (let i = b.n - 1; i >= 0; i -= 7) expect(b.scanText(i)).toBe(texts[i]);
    for (const i of [2499, 0, 700, 450, 1200, 1350, 1]) expect(b.scanText(i)).toBe(texts[i]);
  });
});

describe('block ids', () => {
  it('are never reused: appends after reopening, and after a source is dropped, take new ids', () => {
    const file = path.join(tmpDir('pm-block-ids-'), 'b.pmcase');
    const append = (s: CaseStore, text: string): number => {
      const input = s.addInput('x', '/x', 1, 0);
      const src = s.beginSource(input, `${text}.log`, 10, null, 'text');
      s.appendLines(s.nextLineId(), [
        { sourceId: src, lineNo: 1, byteOffset: 0, ts: null, tsQuality: 'none', text },
        { sourceId: src, lineNo: 2, byteOffset: 4, ts: null, tsQuality: 'none', text: `${text}2` },
      ]);
      return src;
    };
    const texts = (s: CaseStore): string[] =>
      s.db
        .prepare(
          'SELECT line_text(block, line_id, text) FROM line_rows(0, 9007199254740991) ORDER BY line_id',
        )
        .pluck()
        .all() as string[];
    let s = CaseStore.open(file, { create: true });
    append(s, 'one');
    const dropped = append(s, 'two');
    s.close();
    s = CaseStore.open(file, { create: false });
    s.dropSource(dropped);
    append(s, 'three');
    expect(texts(s)).toEqual(['one', 'one2', 'three', 'three2']);
    expect(s.db.prepare('SELECT block_id FROM line_blocks ORDER BY block_id').pluck().all()).toEqual([1, 3]);
    s.close();
  });
});

describe('reading blocks once through', () => {
  it('keeps only the last block (not cached), and gives the same texts as the cached read', () => {
    const file = path.join(tmpDir('pm-block-pass-'), 'p.pmcase');
    const s = CaseStore.open(file, { create: true });
    const input = s.addInput('x', '/x', 1, 0);
    for (const name of ['a', 'b']) {
      const src = s.beginSource(input, `${name}.log`, 10, null, 'text');
      s.appendLines(s.nextLineId(), [
        { sourceId: src, lineNo: 1, byteOffset: 0, ts: null, tsQuality: 'none', text: `${name} one` },
        { sourceId: src, lineNo: 2, byteOffset: 8, ts: null, tsQuality: 'none', text: `${name} 二` },
      ]);
    }
    const ids = s.db.prepare('SELECT block_id FROM line_blocks ORDER BY block_id').pluck().all() as number[];
    expect(ids).toHaveLength(2);
    const [a, b] = ids as [number, number];
    const t = TextBlocks.of(s.db);
    const passA = t.passing(a);
    expect(t.passing(a)).toBe(passA); // the last block is kept
    expect([passA.text(0), passA.text(1)]).toEqual(['a one', 'a 二']);
    t.passing(b);
    // A passing read caches nothing: block a is inflated again, then cached by block().
    const cachedA = t.block(a);
    expect(cachedA).not.toBe(passA);
    expect([cachedA.text(0), cachedA.text(1)]).toEqual(['a one', 'a 二']);
    t.passing(b);
    expect(t.block(a)).toBe(cachedA);
    // A passing read of a cached block uses the cached one.
    expect(t.passing(a)).toBe(cachedA);
    s.close();
  });
});

type Search = (
  caseId: string,
  view: LineView,
  query: string,
  mode: 'text' | 'regex',
  caseSensitive: boolean,
) => Promise<number[]>;

function searcher(): { e: Engine; search: Search } {
  const batches = new Map<string, SearchProgress[]>();
  const waiters = new Map<string, () => void>();
  const e = new Engine((event, payload) => {
    if (event !== 'searchProgress') return;
    const p = payload as SearchProgress;
    batches.get(p.searchId)?.push(p);
    if (p.done) waiters.get(p.searchId)?.();
  });
  let n = 0;
  const search: Search = async (caseId, view, query, mode, caseSensitive) => {
    const searchId = `s${n++}`;
    batches.set(searchId, []);
    const done = new Promise<void>((resolve) => waiters.set(searchId, resolve));
    e.startSearch({ caseId, view, searchId, limit: 100_000, query, mode, caseSensitive });
    await done;
    const got = batches.get(searchId)!;
    const last = got[got.length - 1]!;
    if (last.error) throw new Error(last.error);
    expect(got.reduce((k, b) => k + b.hits.length, 0)).toBe(last.total);
    return got.flatMap((b) => b.hits.map((h) => h.lineId));
  };
  return { e, search };
}

function compare(name: string, inputs: () => string[]): void {
  const dir = tmpDir('pm-blocks-');
  const { e, search } = searcher();
  let blocks = '';
  let rows = '';
  let packed = '';
  let lines: ViewLine[] = [];
  beforeAll(async () => {
    blocks = await ingestInto(e, path.join(dir, 'blocks.pmcase'), inputs(), 'blocks');
    rows = await ingestInto(e, path.join(dir, 'rows.pmcase'), inputs(), 'rows');
    packed = await ingestInto(e, path.join(dir, 'packed.pmcase'), inputs(), 'packed');
    lines = await allLines(e, blocks, { kind: 'merged' });
  }, 120_000);
  afterAll(() => e.closeAll());

  it(`${name}: reads back the same lines, and the texts are in blocks`, async () => {
    expect(lines.length).toBeGreaterThan(100);
    expect(await allLines(e, rows, { kind: 'merged' })).toEqual(lines);
    expect(await allLines(e, packed, { kind: 'merged' })).toEqual(lines);
    const count = (file: string, sql: string): number | string => {
      const s = CaseStore.open(file, { create: false });
      try {
        return s.db.prepare(sql).pluck().get() as number;
      } finally {
        s.close();
      }
    };
    expect(
      count(path.join(dir, 'blocks.pmcase'), "SELECT count(*) FROM lines WHERE block IS NULL OR text <> ''"),
    ).toBe(0);
    expect(count(path.join(dir, 'rows.pmcase'), 'SELECT count(*) FROM line_blocks')).toBe(0);
    // The two codecs compared: v8's rows with deflated blocks, v10's packed heads with LZ4 blocks.
    const codec = "SELECT value FROM meta WHERE key = 'text_codec'";
    expect(count(path.join(dir, 'blocks.pmcase'), codec)).toBe('deflate');
    expect(count(path.join(dir, 'packed.pmcase'), codec)).toBe('lz4');
    // Packed: no row per line; one heads row per text block, covering every line.
    expect(count(path.join(dir, 'packed.pmcase'), 'SELECT count(*) FROM lines')).toBe(0);
    expect(count(path.join(dir, 'packed.pmcase'), 'SELECT sum(n) FROM line_heads')).toBe(lines.length);
    expect(
      count(
        path.join(dir, 'packed.pmcase'),
        'SELECT count(*) FROM line_heads h JOIN line_blocks b ON b.block_id = h.block_id WHERE b.first_line_id <> h.first_line_id OR b.n <> h.n',
      ),
    ).toBe(0);
  });

  it(`${name}: the analysers read the same lines from blocks as from rows, whole or by line range`, () => {
    const read = (file: string, fn: (db: CaseStore['db'], refs: SourceRef[]) => unknown): unknown => {
      const s = CaseStore.open(file, { create: false });
      try {
        return fn(s.db, sourceRefs(s.db));
      } finally {
        s.close();
      }
    };
    const whole = (db: CaseStore['db'], refs: SourceRef[]): RecordLine[] => [...readRecordLines(db, refs)];
    const fromBlocks = read(path.join(dir, 'blocks.pmcase'), whole) as RecordLine[];
    expect(fromBlocks.length).toBe(lines.length);
    expect(read(path.join(dir, 'rows.pmcase'), whole)).toEqual(fromBlocks);
    expect(read(path.join(dir, 'packed.pmcase'), whole)).toEqual(fromBlocks);
    // Ranges of each source (across chunk and block edges, past its end) equal that slice of it.
    for (const store of ['packed', 'blocks', 'rows']) {
      read(path.join(dir, `${store}.pmcase`), (db, refs) => {
        for (const ref of refs.filter((r) => r.lineCount > 0)) {
          const all = fromBlocks.filter((l) => l.sourceId === ref.sourceId);
          for (const [from, to] of [
            [1, ref.lineCount],
            [2, 3],
            [Math.max(1, ref.lineCount - 8200), ref.lineCount + 5],
            [Math.ceil(ref.lineCount / 2), Math.ceil(ref.lineCount / 2) + 9000],
          ] as const)
            expect([...readSourceLines(db, ref, from, to)], `${store} ${ref.path} ${from}..${to}`).toEqual(
              all.slice(from - 1, to),
            );
        }
        // The OOM aftermath read through line ranges finds what a second full pass finds.
        const ranged = analyzeCase(caseAnalysisInput(db, refs));
        const full = analyzeCase(caseAnalysisInput(db, refs, { ranges: false }));
        const { timingsMs: _a, ...a } = ranged.analysis;
        const { timingsMs: _b, ...b } = full.analysis;
        expect(JSON.stringify(a)).toBe(JSON.stringify(b));
      });
    }
  });

  it(`${name}: searches find the same lines in blocks as in rows`, async () => {
    // Real substrings, substrings that only exist across two lines' bytes, case variants.
    const queries: Array<[string, 'text' | 'regex', boolean]> = [
      ['oom-killer', 'text', false],
      ['KERNEL', 'text', false],
      // No ASCII letter: looked for in the bytes as they are, even when case does not matter.
      ['30002', 'text', false],
      [':33:1', 'text', false],
      ['] [', 'text', false],
      ['kernel', 'text', true],
      ['内存', 'text', false],
      ['(oom|kill)er', 'regex', false],
      ['Kill(ed)? process \\d+', 'regex', true],
    ];
    let seed = 7;
    const rnd = (k: number): number => (seed = (seed * 1103515245 + 12345) % 2147483648) % k;
    for (let k = 0; k < 40; k++) {
      const i = rnd(lines.length - 1);
      const a = lines[i]!.text;
      const b = lines[i + 1]!.text;
      const across = a.slice(-4) + b.slice(0, 4);
      if (across.length >= 3) queries.push([across, 'text', k % 2 === 0]);
      const start = rnd(Math.max(1, a.length - 8));
      const piece = a.slice(start, start + 3 + rnd(12));
      if (piece.trim().length >= 2)
        queries.push([k % 3 === 0 ? piece.toUpperCase() : piece, 'text', k % 4 === 0]);
    }
    for (const [q, mode, cs] of queries) {
      const got = await search(blocks, { kind: 'merged' }, q, mode, cs);
      expect(got, JSON.stringify([q, mode, cs])).toEqual(await search(rows, { kind: 'merged' }, q, mode, cs));
    }
  });

  it(`${name}: filters (include, exclude, host, program) keep the same lines in blocks as in rows`, async () => {
    const filters: LineFilter[] = [
      { ...EMPTY_FILTER, include: [{ pattern: 'kernel', mode: 'text', caseSensitive: false }] },
      {
        ...EMPTY_FILTER,
        include: [
          { pattern: 'error', mode: 'text', caseSensitive: false },
          { pattern: 'fail', mode: 'text', caseSensitive: false },
        ],
        exclude: [{ pattern: 'systemd', mode: 'text', caseSensitive: true }],
      },
      {
        ...EMPTY_FILTER,
        programs: ['kernel'],
        exclude: [{ pattern: 'audit', mode: 'text', caseSensitive: false }],
      },
      { ...EMPTY_FILTER, include: [{ pattern: 'o+m', mode: 'regex', caseSensitive: false }] },
    ];
    for (const filter of filters) {
      const view: LineView = { kind: 'filtered', filter };
      const a = (await allLines(e, blocks, view)).map((l) => l.lineId);
      const b = (await allLines(e, rows, view)).map((l) => l.lineId);
      expect(a, JSON.stringify(filter)).toEqual(b);
    }
  });
}

describe('texts in blocks and in rows: the sample archive', () => {
  compare('sample', () => [SAMPLE]);
});

describe.skipIf(!corpusAvailable)(
  `texts in blocks and in rows: corpus a, b, d${corpusAvailable ? '' : ` (skipped: ${corpusSkipReason})`}`,
  () => {
    if (!corpusAvailable)
      console.warn(`[skip] texts in blocks and in rows, corpus a, b, d: ${corpusSkipReason}`);
    compare('corpus', () => [corpusPath('a-syslog'), corpusPath('b-dmesg'), corpusPath('d-journal')]);
  },
);
