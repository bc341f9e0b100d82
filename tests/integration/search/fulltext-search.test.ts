/**
 * Phase 2 and search through it: after an ingest the full-text index is complete, and every
 * search answered through it gives the same hits, positions and counts as reading every line of
 * the view with the matcher (merged view, one source, a filtered view). Queries with partial
 * words at either end, punctuation, case, Chinese text and regexes; random substrings of real
 * lines (the sample and corpus a, b, d). An interrupted build leaves search on the scan, and
 * opening the case again finishes it.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../src/main/engine/engine';
import { compileMatch } from '../../../src/main/engine/query/match';
import {
  buildFulltext,
  fulltextGroup,
  fulltextStatus,
  FULLTEXT_NEXT,
} from '../../../src/main/engine/search/fulltext';
import { CaseStore } from '../../../src/main/engine/store/case-store';
import type { LineView, SearchProgress, ViewLine } from '../../../src/shared/model/case';
import { EMPTY_FILTER } from '../../../src/shared/model/view';
import { allLines } from '../../helpers/engine-lines';
import { corpusAvailable, corpusPath, corpusSkipReason } from '../../helpers/corpus';
import { SAMPLE, SAMPLE_TREE, tmpDir } from '../../helpers/tmp';

interface Outcome {
  total: number;
  hits: { lineId: number; position: number }[];
  via: string;
}

function searcher(): { engine: Engine; run: (caseId: string, view: LineView, q: Query) => Promise<Outcome> } {
  const batches = new Map<string, (SearchProgress & { via?: string })[]>();
  const waiters = new Map<string, () => void>();
  const engine = new Engine((event, payload) => {
    if (event !== 'searchProgress') return;
    const p = payload as SearchProgress & { via?: string };
    batches.get(p.searchId)?.push(p);
    if (p.done) waiters.get(p.searchId)?.();
  });
  let n = 0;
  const run = async (caseId: string, view: LineView, q: Query): Promise<Outcome> => {
    const searchId = `s${n++}`;
    batches.set(searchId, []);
    const done = new Promise<void>((resolve) => waiters.set(searchId, resolve));
    engine.startSearch({ caseId, view, searchId, limit: 100_000, ...q });
    await done;
    const got = batches.get(searchId)!;
    const last = got[got.length - 1]!;
    if (last.error) throw new Error(last.error);
    return {
      total: last.total,
      hits: got.flatMap((b) => b.hits.map((h) => ({ lineId: h.lineId, position: h.position }))),
      via: last.via ?? '?',
    };
  };
  return { engine, run };
}

interface Query {
  query: string;
  mode: 'text' | 'regex';
  caseSensitive: boolean;
}

/** What reading every line of the view with the matcher finds. */
function expected(lines: ViewLine[], q: Query): Outcome {
  const m = compileMatch({ pattern: q.query, mode: q.mode, caseSensitive: q.caseSensitive });
  const hits = lines.flatMap((l, position) => (m(l.text) ? [{ lineId: l.lineId, position }] : []));
  return { total: hits.length, hits, via: 'oracle' };
}

const text = (query: string, caseSensitive = false): Query => ({ query, mode: 'text', caseSensitive });
const regex = (query: string, caseSensitive = false): Query => ({ query, mode: 'regex', caseSensitive });

/** Queries the index narrows (their words are proven whole or prefixes) and ones it cannot. */
const INDEXED: Query[] = [
  text('oom-killer'),
  text('Out of memory: Kill'),
  text('Out of memory: Kill', true),
  text('OUT OF MEMORY: KILL', true),
  text('ill process 3'),
  text('stream_convert'),
  text('(stream_convert)'),
  text('Accepted publickey for'),
  text('systemd[1]: Start'),
  text('.service'),
  regex('Killed process \\d+ \\(stream_convert\\)'),
  regex('inode ifops has restore$'),
  regex('kill(ed)? process \\d+'),
  // The write_iter flood: in the sample its lines sit together, in a few of the index's groups.
  text('[write_iter] inode ifops has restore'),
  text('write_iter] inode ifo'),
];
const SCANNED: Query[] = [
  text('oom'),
  text('内存'),
  text('12'),
  text('0x24280ca'),
  // A word in most of the sample's lines: reading them by id is slower than the scan.
  text(' kernel: '),
  regex('(oom|kill)er'),
  regex('^[A-Z][a-z]{2} '),
];

describe('search through the full-text index: the sample case', () => {
  const dir = tmpDir('pm-fts-');
  const { engine: e, run } = searcher();
  let caseId = '';
  let merged: ViewLine[] = [];
  beforeAll(async () => {
    caseId = e.openCase({ file: path.join(dir, 's.pmcase'), create: true }).caseId;
    const out = await e.ingest({ caseId, jobId: 'j', inputs: [SAMPLE] });
    expect(out.fulltextMs).not.toBeNull();
    merged = await allLines(e, caseId, { kind: 'merged' });
  });
  afterAll(() => e.closeAll());

  it('builds the index in phase 2, over every line', () => {
    const s = e.fulltextStatus({ caseId });
    expect(s.complete).toBe(true);
    expect(s.indexedLines).toBe(merged.length);
    expect(s.totalLines).toBe(merged.length);
  });

  it('answers through the index with the scan’s hits, positions and counts (merged view)', async () => {
    let found = 0;
    const viaIndex: string[] = [];
    for (const q of INDEXED) {
      const got = await run(caseId, { kind: 'merged' }, q);
      if (got.via === 'index') viaIndex.push(q.query);
      const want = expected(merged, q);
      expect(got.total, q.query).toBe(want.total);
      expect(got.hits, q.query).toEqual(want.hits);
      found += want.total;
    }
    expect(found).toBeGreaterThan(10); // the queries do hit the sample
    // Rare words go through the index (a word in over 1/32 of the lines is left to the scan).
    expect(viaIndex).toEqual(expect.arrayContaining(['oom-killer', 'Out of memory: Kill', 'ill process 3']));
    expect(viaIndex.length).toBeGreaterThanOrEqual(8);
    for (const q of SCANNED) {
      const got = await run(caseId, { kind: 'merged' }, q);
      expect(got.via, q.query).toBe('scan');
      expect(got.total, q.query).toBe(expected(merged, q).total);
      expect(got.hits, q.query).toEqual(expected(merged, q).hits);
    }
  });

  it('keeps one source’s order and a filtered view’s order', async () => {
    const sources = e.summary({ caseId }).sources.filter((s) => s.lineCount > 0);
    const biggest = sources.sort((a, b) => b.lineCount - a.lineCount)[0]!;
    const views: LineView[] = [
      { kind: 'source', sourceId: biggest.sourceId },
      { kind: 'filtered', filter: { ...EMPTY_FILTER, programs: ['kernel'] } },
    ];
    for (const view of views) {
      const lines = await allLines(e, caseId, view);
      expect(lines.length).toBeGreaterThan(0);
      for (const q of [...INDEXED, ...SCANNED]) {
        const got = await run(caseId, view, q);
        const want = expected(lines, q);
        expect(got.total, `${view.kind} ${q.query}`).toBe(want.total);
        expect(got.hits, `${view.kind} ${q.query}`).toEqual(want.hits);
      }
    }
  });

  it('an interrupted build: search scans with the same answers; opening again finishes it', async () => {
    const file = path.join(dir, 'cut.pmcase');
    e.closeCase({ caseId });
    copyFileSync(path.join(dir, 's.pmcase'), file);
    // Undo the copy's index to one committed batch, as a kill after the first batch leaves it.
    const store = CaseStore.open(file, { create: false });
    store.db.prepare("INSERT INTO line_fts(line_fts) VALUES ('delete-all')").run();
    store.setMeta(FULLTEXT_NEXT, '1');
    expect(await buildFulltext(store.db, { maxBatches: 1, firstBatch: 100 })).toBe(false);
    const partial = fulltextStatus(store.db);
    expect(partial.complete).toBe(false);
    expect(partial.indexedLines).toBeGreaterThan(0);
    expect(partial.indexedLines).toBeLessThan(partial.totalLines);
    store.close();

    const { engine: e2, run: run2 } = searcher();
    try {
      const id = e2.openCase({ file, create: false }).caseId;
      const q = text('Out of memory: Kill');
      const during = await run2(id, { kind: 'merged' }, q);
      const want = expected(merged, q);
      // Opening resumed the build in the background: until it ends, searches scan.
      if (!e2.fulltextStatus({ caseId: id }).complete) expect(during.via).toBe('scan');
      expect(during.hits).toEqual(want.hits);
      for (let i = 0; i < 200 && !e2.fulltextStatus({ caseId: id }).complete; i++)
        await new Promise((r) => setTimeout(r, 20));
      expect(e2.fulltextStatus({ caseId: id }).complete).toBe(true);
      const after = await run2(id, { kind: 'merged' }, q);
      expect(after.via).toBe('index');
      expect(after.hits).toEqual(want.hits);
    } finally {
      e2.closeAll();
    }
  });
});

describe.skipIf(!corpusAvailable)('search through the full-text index: corpus a, b, d', () => {
  if (!corpusAvailable) console.warn(`[skip] ${corpusSkipReason}`);
  const dir = tmpDir('pm-fts-corpus-');
  const { engine: e, run } = searcher();
  let caseId = '';
  let merged: ViewLine[] = [];
  beforeAll(async () => {
    caseId = e.openCase({ file: path.join(dir, 'c.pmcase'), create: true }).caseId;
    await e.ingest({
      caseId,
      jobId: 'j',
      inputs: [corpusPath('a-syslog'), corpusPath('b-dmesg'), corpusPath('d-journal')],
    });
    merged = await allLines(e, caseId, { kind: 'merged' });
  }, 120_000);
  afterAll(() => e.closeAll());

  it('random substrings of real lines: the index path finds what the scan finds', async () => {
    expect(e.fulltextStatus({ caseId }).complete).toBe(true);
    // Deterministic choice of lines and cuts (partial words at either end, punctuation, case).
    let s = 12345;
    const rnd = (n: number): number => {
      s = (s * 1103515245 + 12345) & 0x7fffffff;
      return s % n;
    };
    let viaIndex = 0;
    for (let i = 0; i < 150; i++) {
      const line = merged[rnd(merged.length)]!.text;
      if (line.length < 6) continue;
      const a = rnd(line.length - 4);
      const b = Math.min(line.length, a + 4 + rnd(30));
      let query = line.slice(a, b);
      if (i % 3 === 0) query = query.toUpperCase();
      const q = text(query, i % 5 === 0);
      const got = await run(caseId, { kind: 'merged' }, q);
      const want = expected(merged, q);
      expect(got.total, JSON.stringify(query)).toBe(want.total);
      expect(got.hits, JSON.stringify(query)).toEqual(want.hits);
      if (got.via === 'index') viaIndex++;
    }
    expect(viaIndex).toBeGreaterThan(50);
  });
});

describe('search through the full-text index: an input added to an indexed case', () => {
  const dir = tmpDir('pm-fts-more-');
  const { engine: e, run } = searcher();
  afterAll(() => e.closeAll());

  it('indexes the case’s last group again whole (it held fewer lines than a group) and answers as the scan', async () => {
    const caseId = e.openCase({ file: path.join(dir, 'm.pmcase'), create: true }).caseId;
    await e.ingest({ caseId, jobId: 'j1', inputs: [SAMPLE] });
    const first = e.fulltextStatus({ caseId });
    expect(first.complete).toBe(true);
    const store = CaseStore.open(path.join(dir, 'm.pmcase'), { create: false });
    const group = fulltextGroup(store.db);
    store.close();
    // The first ingest ended inside a group, so the second resumes inside it.
    expect(group).toBeGreaterThan(1);
    expect(first.totalLines % group).not.toBe(0);
    // A second log: the seed's lines with a counter (a different file, not a duplicate).
    const seed = readFileSync(path.join(SAMPLE_TREE, 'var/log/syslog'), 'utf8').split('\n').slice(0, -1);
    const more = path.join(dir, 'more.log');
    writeFileSync(more, seed.map((l, i) => `${l} #${i}`).join('\n') + '\n');
    await e.ingest({ caseId, jobId: 'j2', inputs: [more] });
    const second = e.fulltextStatus({ caseId });
    expect(second.complete).toBe(true);
    expect(second.totalLines).toBe(first.totalLines + seed.length);
    const merged = await allLines(e, caseId, { kind: 'merged' });
    // Words of the lines around the old end of the index (the regrouped lines) and of the new ones.
    const byId = new Map(merged.map((l) => [l.lineId, l.text]));
    const around = [first.totalLines - 2, first.totalLines, first.totalLines + 1, first.totalLines + 3];
    let viaIndex = 0;
    for (const id of around) {
      // Words with their neighbours (not letters), so the planner can use them whole.
      const words = (byId.get(id) ?? '').match(/[^A-Za-z][A-Za-z]{5,}[^A-Za-z]/g) ?? [];
      for (const w of words) {
        const q = text(w);
        const got = await run(caseId, { kind: 'merged' }, q);
        const want = expected(merged, q);
        expect(got.total, w).toBe(want.total);
        expect(got.hits, w).toEqual(want.hits);
        // A word in at most two lines is in at most two groups: the index answers it.
        if (want.total <= 2) {
          expect(got.via, w).toBe('index');
          viaIndex++;
        }
      }
    }
    expect(viaIndex).toBeGreaterThan(0);
    e.closeCase({ caseId });
    // The index holds what a build from scratch holds: each word in as many rows (the old
    // partial row was deleted, not left beside the whole one).
    const vocab = (db: CaseStore['db']): unknown[] => {
      db.exec("CREATE VIRTUAL TABLE IF NOT EXISTS temp.v USING fts5vocab(main, 'line_fts', 'row')");
      return db.prepare('SELECT term, doc FROM temp.v ORDER BY term').raw(true).all();
    };
    const s = CaseStore.open(path.join(dir, 'm.pmcase'), { create: false });
    try {
      const grown = vocab(s.db);
      s.db.prepare("INSERT INTO line_fts(line_fts) VALUES ('delete-all')").run();
      s.setMeta(FULLTEXT_NEXT, '1');
      expect(await buildFulltext(s.db)).toBe(true);
      expect(grown).toEqual(vocab(s.db));
    } finally {
      s.close();
    }
  });
});
