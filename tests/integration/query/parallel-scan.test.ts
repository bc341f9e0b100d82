/**
 * A search that reads every line, shared with the scan worker (query/scan-worker.ts): on a
 * case made of two generated syslogs (the bench generator: realistic programs, kernel lines,
 * OOM reports, floods), the threshold and the chunk size lowered through the environment so
 * the split happens on ~110K lines. Parallel and single-thread scans give the same hits,
 * positions and totals, and both agree with a plain JavaScript test of every line of the
 * view, in the merged, a single-source and a filtered view, on a blocks case and a rows case;
 * the limit holds; a cancel stops the worker; a worker that dies or cannot start leaves a
 * correct result.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSyslog } from '../../../scripts/bench/gen-syslog';
import { Engine } from '../../../src/main/engine/engine';
import { configureScanWorker, scanWorkerStats } from '../../../src/main/engine/query/scan-worker';
import type { LineView, SearchHit, SearchProgress } from '../../../src/shared/model/case';
import { EMPTY_FILTER, type LineFilter } from '../../../src/shared/model/view';
import { allLines } from '../../helpers/engine-lines';
import { REPO, tmpDir } from '../../helpers/tmp';
import { createCaseWithStore, type TextStore } from '../../helpers/text-store';

const BOOT = path.join(REPO, 'src/main/engine/query/scan-boot.cjs');
const ENV = [
  'POSTMORTEM_SCAN_WORKER',
  'POSTMORTEM_SCAN_WORKER_MIN',
  'POSTMORTEM_SCAN_CHUNK',
  'POSTMORTEM_SCAN_RESERVE',
  'POSTMORTEM_SCAN_WORKER_AFTER_MS',
] as const;
const saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));

interface Streamed {
  hits: SearchHit[];
  total: number;
  batches: SearchProgress[];
}

function harness(): {
  e: Engine;
  listeners: Map<string, (b: SearchProgress) => void>;
  stream: (
    caseId: string,
    view: LineView,
    q: { query: string; mode: 'text' | 'regex'; caseSensitive?: boolean; limit: number },
    cancelAtSecond?: boolean,
  ) => Promise<Streamed>;
} {
  const waiters = new Map<string, (b: SearchProgress) => void>();
  // fulltext: false: every query scans (a frequent word would otherwise go through the index).
  const e = new Engine(
    (event, payload) => {
      if (event === 'searchProgress')
        waiters.get((payload as SearchProgress).searchId)?.(payload as SearchProgress);
    },
    { fulltext: false },
  );
  let n = 0;
  const stream = (
    caseId: string,
    view: LineView,
    q: { query: string; mode: 'text' | 'regex'; caseSensitive?: boolean; limit: number },
    cancelAtSecond = false,
  ): Promise<Streamed> =>
    new Promise((resolve, reject) => {
      const searchId = `s${n++}`;
      const batches: SearchProgress[] = [];
      waiters.set(searchId, (b) => {
        batches.push(b);
        // The second batch: the first comes from the view's first step, before the worker starts.
        if (cancelAtSecond && batches.length === 2) e.cancelSearch({ searchId });
        if (!b.done) return;
        waiters.delete(searchId);
        if (b.error) reject(new Error(b.error));
        else resolve({ hits: batches.flatMap((x) => x.hits), total: b.total, batches });
      });
      e.startSearch({ caseId, view, searchId, caseSensitive: false, ...q });
    });
  return { e, stream, listeners: waiters };
}

/** Batches in view order, progress never going back, the last one done with every line scanned. */
function checkBatches(r: Streamed): void {
  let pos = -1;
  let scanned = 0;
  for (const b of r.batches) {
    for (const h of b.hits) {
      expect(h.position).toBeGreaterThan(pos);
      pos = h.position;
    }
    expect(b.scannedLines).toBeGreaterThanOrEqual(scanned);
    scanned = b.scannedLines;
  }
  const last = r.batches[r.batches.length - 1]!;
  expect(last.done).toBe(true);
  expect(last.cancelled).toBe(false);
  expect(last.scannedLines).toBe(last.totalLines);
}

function setEnv(values: Partial<Record<(typeof ENV)[number], string>>): void {
  for (const k of ENV) delete process.env[k];
  Object.assign(process.env, values);
}

const PARALLEL = {
  POSTMORTEM_SCAN_WORKER_MIN: '1',
  POSTMORTEM_SCAN_CHUNK: '4096',
  POSTMORTEM_SCAN_WORKER_AFTER_MS: '0',
};

const QUERIES: { query: string; mode: 'text' | 'regex'; caseSensitive?: boolean }[] = [
  // No literal every match must contain: every line is tested.
  { query: 'segfault|Out of memory', mode: 'regex' },
  { query: '\\d+\\.\\d+\\.\\d+\\.\\d+', mode: 'regex' },
  // Most lines.
  { query: '\\d', mode: 'regex' },
  // None.
  { query: 'zq\\d{9}x', mode: 'regex' },
  // A literal (the block scan's byte search), case-sensitive and not.
  { query: 'kernel', mode: 'text' },
  { query: 'CRON', mode: 'text', caseSensitive: true },
];

function caseSuite(store: TextStore): void {
  describe(`parallel scan on a ${store} case`, () => {
    const dir = tmpDir(`pm-pscan-${store}-`);
    const { e, stream, listeners } = harness();
    let caseId = '';
    let sourceId = 0;
    const views: [string, LineView][] = [];
    beforeAll(async () => {
      const input = path.join(dir, 'in');
      for (const [host, seed] of [
        ['web-1', 7],
        ['db-1', 11],
      ] as const) {
        mkdirSync(path.join(input, host), { recursive: true });
        await generateSyslog(path.join(input, host, 'syslog'), {
          targetBytes: 6 * 2 ** 20,
          seed,
          start: Date.UTC(2022, 5, 6, 0, 0, 0),
        });
      }
      const file = path.join(dir, 'c.pmcase');
      createCaseWithStore(file, store);
      caseId = e.openCase({ file, create: false }).caseId;
      await e.ingest({ caseId, jobId: 'j', inputs: [input] });
      const info = e.summary({ caseId });
      sourceId = info.sources[1]!.sourceId;
      views.push(
        ['merged', { kind: 'merged' }],
        ['one source', { kind: 'source', sourceId }],
        ['filtered', { kind: 'filtered', filter: { ...EMPTY_FILTER, programs: ['kernel', 'sshd', 'CRON'] } }],
      );
    }, 120_000);
    afterAll(() => {
      e.closeAll();
      setEnv(saved as Record<string, string>);
      configureScanWorker(null);
    });

    it('finds the same hits, positions and totals as one thread and as a plain test of every line', async () => {
      configureScanWorker(BOOT);
      for (const [name, view] of views) {
        const lines = await allLines(e, caseId, view);
        expect(lines.length, name).toBeGreaterThan(40_000);
        for (const q of QUERIES) {
          const re =
            q.mode === 'regex'
              ? new RegExp(q.query, q.caseSensitive ? '' : 'i')
              : new RegExp(q.query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), q.caseSensitive ? '' : 'i');
          const expected = lines.flatMap((l, position) => (re.test(l.text) ? [position] : []));
          const label = `${name} ${q.query}`;
          for (const limit of [5, 1_000_000]) {
            setEnv({ POSTMORTEM_SCAN_WORKER: '0' });
            const one = await stream(caseId, view, { ...q, limit });
            setEnv(PARALLEL);
            const runs = scanWorkerStats.runs;
            const chunks = scanWorkerStats.chunks;
            const par = await stream(caseId, view, { ...q, limit });
            expect(scanWorkerStats.runs, label).toBe(runs + 1);
            // The worker scanned part of the view (at least its reserved last chunk).
            expect(scanWorkerStats.chunks, label).toBeGreaterThan(chunks);
            checkBatches(one);
            checkBatches(par);
            expect(par.total, label).toBe(expected.length);
            expect(one.total, label).toBe(expected.length);
            expect(par.hits.length, label).toBe(Math.min(limit, expected.length));
            expect(
              par.hits.map((h) => h.position),
              label,
            ).toEqual(expected.slice(0, limit));
            expect(par.hits, label).toEqual(one.hits);
            for (const h of par.hits.slice(0, 50)) {
              const l = lines[h.position]!;
              expect([h.lineId, h.sourceId, h.lineNo, h.text]).toEqual([
                l.lineId,
                l.sourceId,
                l.lineNo,
                l.text,
              ]);
            }
          }
        }
        // The one-shot search goes the same way.
        setEnv(PARALLEL);
        const r = await e.search({
          caseId,
          view,
          query: '\\d+\\.\\d+\\.\\d+\\.\\d+',
          mode: 'regex',
          caseSensitive: false,
          limit: 3,
        });
        expect(r.total).toBe(lines.filter((l) => /\d+\.\d+\.\d+\.\d+/.test(l.text)).length);
        expect(r.truncated).toBe(r.total > 3);
      }
    }, 300_000);

    it('materialises a filtered view with the worker as one thread does, and as a plain test of every line', async () => {
      const merged = await allLines(e, caseId, { kind: 'merged' });
      // A second engine on the same case: its filtered views are its own (the first caches them).
      const alone = new Engine(() => undefined, { fulltext: false });
      const aloneId = alone.openCase({ file: path.join(dir, 'c.pmcase'), create: false }).caseId;
      try {
        for (const [f, keep] of [
          [
            {
              include: [{ pattern: '\\d+\\.\\d+\\.\\d+\\.\\d+', mode: 'regex', caseSensitive: false }],
            },
            (t: string) => /\d+\.\d+\.\d+\.\d+/i.test(t),
          ],
          [
            {
              include: [{ pattern: 'session', mode: 'text', caseSensitive: false }],
              exclude: [{ pattern: 'closed', mode: 'text', caseSensitive: false }],
            },
            (t: string) => /session/i.test(t) && !/closed/i.test(t),
          ],
          [
            { include: [{ pattern: 'zq\\d{9}x', mode: 'regex', caseSensitive: false }] },
            (t: string) => /zq\d{9}x/i.test(t),
          ],
        ] as [Partial<LineFilter>, (t: string) => boolean][]) {
          const view: LineView = { kind: 'filtered', filter: { ...EMPTY_FILTER, ...f } };
          const label = JSON.stringify(f);
          configureScanWorker(BOOT);
          setEnv({ ...PARALLEL, POSTMORTEM_SCAN_RESERVE: '3' });
          const runs = scanWorkerStats.runs;
          const chunks = scanWorkerStats.chunks;
          const par = await allLines(e, caseId, view);
          expect(scanWorkerStats.runs, label).toBe(runs + 1);
          expect(scanWorkerStats.chunks - chunks, label).toBeGreaterThanOrEqual(3);
          setEnv({ POSTMORTEM_SCAN_WORKER: '0' });
          const one = await allLines(alone, aloneId, view);
          expect(
            par.map((l) => l.lineId),
            label,
          ).toEqual(one.map((l) => l.lineId));
          expect(
            par.map((l) => l.lineId),
            label,
          ).toEqual(merged.filter((l) => keep(l.text)).map((l) => l.lineId));
        }
      } finally {
        alone.closeAll();
      }
    }, 120_000);

    it('splits the work: with half the chunks reserved to it, the worker delivers many of them', async () => {
      configureScanWorker(BOOT);
      setEnv({ ...PARALLEL, POSTMORTEM_SCAN_RESERVE: '1000' });
      const chunks = scanWorkerStats.chunks;
      const par = await stream(
        caseId,
        { kind: 'merged' },
        { query: 'segfault|Out of memory', mode: 'regex', limit: 100 },
      );
      setEnv({ POSTMORTEM_SCAN_WORKER: '0' });
      const one = await stream(
        caseId,
        { kind: 'merged' },
        { query: 'segfault|Out of memory', mode: 'regex', limit: 100 },
      );
      const total = par.batches[0]!.totalLines;
      expect(scanWorkerStats.chunks - chunks).toBeGreaterThanOrEqual(Math.floor(Math.ceil(total / 4096) / 2));
      expect(par.hits).toEqual(one.hits);
      expect(par.total).toBe(one.total);
    }, 60_000);

    it('starts the worker only once this thread has hits or has scanned alone for its time', async () => {
      configureScanWorker(BOOT);
      // A minute alone: a query with no hit at all is scanned by this thread only.
      setEnv({ ...PARALLEL, POSTMORTEM_SCAN_WORKER_AFTER_MS: '60000' });
      let runs = scanWorkerStats.runs;
      const none = await stream(
        caseId,
        { kind: 'merged' },
        { query: 'zq\\d{9}x', mode: 'regex', limit: 100 },
      );
      expect(none.total).toBe(0);
      expect(scanWorkerStats.runs).toBe(runs);
      // Hits in the first lines: the worker starts right after them and scans the rest.
      runs = scanWorkerStats.runs;
      const early = await stream(caseId, { kind: 'merged' }, { query: '\\d+', mode: 'regex', limit: 5 });
      expect(early.total).toBeGreaterThan(5);
      expect(scanWorkerStats.runs).toBe(runs + 1);
    }, 60_000);

    it('stops the worker on cancel, and the last batch says cancelled', async () => {
      configureScanWorker(BOOT);
      setEnv({ ...PARALLEL, POSTMORTEM_SCAN_RESERVE: '1000' });
      const exited: Promise<number>[] = [];
      scanWorkerStats.started = (w: Worker) => exited.push(new Promise((resolve) => w.once('exit', resolve)));
      try {
        // Cancelled at its second batch (~150 ms after the first, from the front).
        const r = await stream(
          caseId,
          { kind: 'merged' },
          { query: 'kernel', mode: 'text', limit: 10 },
          true,
        );
        const last = r.batches[r.batches.length - 1]!;
        expect(last.done).toBe(true);
        expect(last.cancelled).toBe(true);
        expect(last.scannedLines).toBeLessThan(last.totalLines);
        expect(exited.length).toBe(1);
        await exited[0]; // terminated, not left running
      } finally {
        scanWorkerStats.started = null;
      }
    }, 60_000);

    it('terminates the worker when the case is closed mid-scan', async () => {
      configureScanWorker(BOOT);
      setEnv({ ...PARALLEL, POSTMORTEM_SCAN_RESERVE: '1000' });
      const exited: Promise<number>[] = [];
      scanWorkerStats.started = (w: Worker) => exited.push(new Promise((resolve) => w.once('exit', resolve)));
      const file = path.join(dir, 'c.pmcase');
      try {
        const last = await new Promise<SearchProgress>((resolve) => {
          const batches: SearchProgress[] = [];
          // The harness's listener is keyed by search id: this search gets its own.
          const searchId = 'closing';
          const seen = (b: SearchProgress): void => {
            batches.push(b);
            if (batches.length === 2) e.closeCase({ caseId });
            if (b.done) resolve(b);
          };
          listeners.set(searchId, seen);
          e.startSearch({
            caseId,
            view: { kind: 'merged' },
            searchId,
            query: 'kernel',
            mode: 'text',
            caseSensitive: false,
            limit: 10,
          });
        });
        // Ended as cancelled (closed while waiting for the worker) or with the closed connection's error.
        expect(last.cancelled || last.error !== null).toBe(true);
        expect(exited.length).toBe(1);
        await exited[0];
      } finally {
        scanWorkerStats.started = null;
        caseId = e.openCase({ file, create: false }).caseId;
      }
    }, 60_000);

    it('falls back to this thread when the worker dies mid-scan or cannot start', async () => {
      setEnv({ POSTMORTEM_SCAN_WORKER: '0' });
      const q = { query: '\\d+\\.\\d+\\.\\d+\\.\\d+', mode: 'regex' as const, limit: 200 };
      const one = await stream(caseId, { kind: 'merged' }, q);
      const warn = console.warn;
      const warned: string[] = [];
      console.warn = (...a: unknown[]) => void warned.push(a.join(' '));
      try {
        // Killed after its first delivered chunk, with many more reserved to it.
        configureScanWorker(BOOT);
        setEnv({ ...PARALLEL, POSTMORTEM_SCAN_RESERVE: '1000' });
        scanWorkerStats.started = (w: Worker) => w.once('message', () => void w.terminate());
        let fallbacks = scanWorkerStats.fallbacks;
        const killed = await stream(caseId, { kind: 'merged' }, q);
        expect(scanWorkerStats.fallbacks).toBe(fallbacks + 1);
        checkBatches(killed);
        expect(killed.hits).toEqual(one.hits);
        expect(killed.total).toBe(one.total);
        scanWorkerStats.started = null;
        // A worker file that does not exist.
        configureScanWorker(path.join(REPO, 'no-such-scan-boot.cjs'));
        fallbacks = scanWorkerStats.fallbacks;
        const missing = await stream(caseId, { kind: 'merged' }, q);
        expect(scanWorkerStats.fallbacks).toBe(fallbacks + 1);
        checkBatches(missing);
        expect(missing.hits).toEqual(one.hits);
        expect(missing.total).toBe(one.total);
        expect(warned.some((w) => w.includes('scan worker failed'))).toBe(true);
      } finally {
        console.warn = warn;
        scanWorkerStats.started = null;
        configureScanWorker(null);
      }
    }, 60_000);
  });
}

caseSuite('packed');
caseSuite('blocks');
caseSuite('rows');
