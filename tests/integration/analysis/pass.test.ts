/**
 * The analysers' pass reads a case in batches (store/line-reader.ts readRecordBatches, times as
 * JSON arrays per chunk): the batches hold exactly the lines readRecordLines yields, in order,
 * on a case whose texts are in blocks and on one from before v8 (texts in rows), across chunk
 * edges (a source of 12,263 lines); a chunk holding a REAL time is read by rows, digits intact;
 * and analyzeCase gives the same analysis through batches as line by line, and split (the
 * incidents found by the detect worker on its own connection) as in one thread.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../src/main/engine/engine';
import { CaseStore } from '../../../src/main/engine/store/case-store';
import {
  readRecordBatches,
  readRecordLines,
  readSourceBatches,
  readSourceLines,
  sourceRefs,
  type SourceRef,
} from '../../../src/main/engine/store/line-reader';
import { caseAnalysisInput } from '../../../src/main/engine/analysis/case-input';
import { analyzeCase, analyzeCaseSplit, type AnalysisInput } from '../../../src/main/engine/analysis/run';
import {
  configureDetectWorker,
  detectIncidentsInWorker,
  detectWorkerStats,
} from '../../../src/main/engine/analysis/detect-worker';
import type { RecordLine } from '../../../src/shared/model/log';
import { corpusAvailable, corpusPath, corpusSkipReason } from '../../helpers/corpus';
import { SAMPLE, tmpDir } from '../../helpers/tmp';
import { createCaseWithStore, ingestInto } from '../../helpers/text-store';

const BIG_JOURNAL =
  'f-sos/hotsos_openstack_sosreport/sos_commands/logs/journalctl_--no-pager_--catalog_--boot_-1';
const KERN_LOG = 'f-sos/hotsos_openstack_sosreport/var/log/kern.log';
const DETECT_BOOT = path.resolve(__dirname, '../../../src/main/engine/analysis/detect-boot.cjs');

function withCase<T>(file: string, fn: (db: CaseStore['db'], refs: SourceRef[]) => T): T {
  const s = CaseStore.open(file, { create: false });
  try {
    return fn(s.db, sourceRefs(s.db));
  } finally {
    s.close();
  }
}

function analysisJson(input: AnalysisInput): string {
  const { analysis, findings } = analyzeCase(input);
  const { timingsMs: _t, ...rest } = analysis;
  return JSON.stringify({ analysis: rest, findings });
}

describe.skipIf(!corpusAvailable)('the analysis pass reads a case in batches', () => {
  if (!corpusAvailable) console.warn(`[skip] ${corpusSkipReason}`);
  const dir = tmpDir('pm-pass-');
  const e = new Engine(() => undefined);
  const inputs = (): string[] => [SAMPLE, corpusPath(BIG_JOURNAL), corpusPath(KERN_LOG)];
  beforeAll(async () => {
    await ingestInto(e, path.join(dir, 'blocks.pmcase'), inputs(), 'blocks');
    await ingestInto(e, path.join(dir, 'rows.pmcase'), inputs(), 'rows');
    await ingestInto(e, path.join(dir, 'packed.pmcase'), inputs(), 'packed');
    e.closeAll();
  }, 120_000);
  afterAll(() => e.closeAll());

  for (const store of ['packed', 'blocks', 'rows'] as const) {
    it(`${store}: the batches are readRecordLines' lines in order, at most 1,024 each`, () => {
      withCase(path.join(dir, `${store}.pmcase`), (db, refs) => {
        const lines = [...readRecordLines(db, refs)];
        expect(refs.some((r) => r.lineCount > 8192)).toBe(true);
        expect(lines.length).toBe(refs.reduce((n, r) => n + (r.firstLineId === null ? 0 : r.lineCount), 0));
        const batches = [...readRecordBatches(db, refs)];
        for (const b of batches) {
          expect(b.length).toBeGreaterThan(0);
          expect(b.length).toBeLessThanOrEqual(1024);
        }
        expect(batches.flat()).toEqual(lines);
        // Ranges across the 8,192-line chunk edge and past the end, batch by batch.
        const big = refs.find((r) => r.lineCount > 8192)!;
        for (const [from, to] of [
          [8000, 8500],
          [8192, 8193],
          [big.lineCount - 3, big.lineCount + 10],
        ] as const)
          expect([...readSourceBatches(db, big, from, to)].flat()).toEqual([
            ...readSourceLines(db, big, from, to),
          ]);
      });
    });

    it(`${store}: analyzeCase through batches equals the line-by-line pass`, () => {
      withCase(path.join(dir, `${store}.pmcase`), (db, refs) => {
        const input = caseAnalysisInput(db, refs);
        expect(input.batches).toBeDefined();
        const { batches: _b, ...lineByLine } = input;
        const viaBatches = analysisJson(input);
        expect(viaBatches).toBe(analysisJson(lineByLine));
        // Not an empty comparison: the sample's OOM kill and flood are there.
        expect(viaBatches).toContain('stream_convert');
        expect(viaBatches).toContain('"kind":"flood"');
      });
    });
  }

  it('packed: the split analysis (incidents from the detect worker) equals analyzeCase', async () => {
    const file = path.join(dir, 'packed.pmcase');
    const s = CaseStore.open(file, { create: false });
    try {
      const refs = sourceRefs(s.db);
      const input = caseAnalysisInput(s.db, refs);
      configureDetectWorker(DETECT_BOOT);
      const runs = detectWorkerStats.runs;
      const failures = detectWorkerStats.failures;
      const split = await analyzeCaseSplit(
        input,
        detectIncidentsInWorker(
          file,
          refs.map((r) => r.sourceId),
        ),
      );
      expect(detectWorkerStats.runs).toBe(runs + 1);
      expect(detectWorkerStats.failures).toBe(failures);
      expect(split.analysis.timingsMs.incidentsWait).toBeDefined();
      const { timingsMs: _t, ...rest } = split.analysis;
      const json = JSON.stringify({ analysis: rest, findings: split.findings });
      expect(json).toBe(analysisJson(input));
      expect(json).toContain('"kind":"flood"');
      // A source the worker cannot read is an error, not a silently smaller analysis.
      await expect(detectIncidentsInWorker(file, [...refs.map((r) => r.sourceId), 99_999])).rejects.toThrow(
        /1 of the case's sources are not readable here/,
      );
    } finally {
      configureDetectWorker(null);
      s.close();
    }
  }, 60_000);

  it('an ingest with POSTMORTEM_DETECT_WORKER=1 stores the analysis the one-thread ingest stored', async () => {
    const env = { on: process.env.POSTMORTEM_DETECT_WORKER, min: process.env.POSTMORTEM_DETECT_WORKER_MIN };
    const e2 = new Engine(() => undefined);
    try {
      process.env.POSTMORTEM_DETECT_WORKER = '1';
      process.env.POSTMORTEM_DETECT_WORKER_MIN = '0';
      configureDetectWorker(DETECT_BOOT);
      const { runs, failures } = detectWorkerStats;
      const caseId = await ingestInto(e2, path.join(dir, 'split.pmcase'), inputs(), 'packed');
      expect(detectWorkerStats.runs).toBe(runs + 1);
      expect(detectWorkerStats.failures).toBe(failures);
      const { caseId: oneId } = e2.openCase({ file: path.join(dir, 'packed.pmcase'), create: false });
      const strip = (a: ReturnType<Engine['analysis']>): string => {
        const { timingsMs: _t, ...rest } = a;
        return JSON.stringify(rest);
      };
      const split = e2.analysis({ caseId });
      expect(split.timingsMs.incidentsWait).toBeDefined();
      expect(strip(split)).toBe(strip(e2.analysis({ caseId: oneId })));
    } finally {
      configureDetectWorker(null);
      for (const [k, v] of [
        ['POSTMORTEM_DETECT_WORKER', env.on],
        ['POSTMORTEM_DETECT_WORKER_MIN', env.min],
      ] as const)
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      e2.closeAll();
    }
  }, 120_000);

  it('a search made while the ingest analyses is answered before the analysis ends, which stores the same analysis', async () => {
    const env = process.env.POSTMORTEM_ANALYSIS_SLICE_MS;
    // A pause after every batch of lines: the search gets its turn on a small case too.
    process.env.POSTMORTEM_ANALYSIS_SLICE_MS = '0';
    const order: string[] = [];
    const analysing: { bytesDone: number; bytesTotal: number; linesDone: number }[] = [];
    let searched: Promise<unknown> | null = null;
    let caseId = '';
    const e2: Engine = new Engine((event, payload) => {
      const p = (payload as { progress?: { phase?: string } }).progress;
      if (event === 'ingestProgress' && p?.phase === 'analysing')
        analysing.push(p as unknown as { bytesDone: number; bytesTotal: number; linesDone: number });
      // Phase 2 starts once the analysis is stored.
      if (event === 'ingestProgress' && p?.phase === 'fulltext' && !order.includes('analysed'))
        order.push('analysed');
      if (event === 'ingestProgress' && p?.phase === 'analysing' && !searched)
        searched = e2
          .search({
            caseId,
            view: { kind: 'merged' },
            query: 'stream_convert',
            mode: 'text',
            caseSensitive: false,
            limit: 5,
          })
          .then((r) => {
            order.push('search');
            return r;
          });
    });
    try {
      const file = path.join(dir, 'sliced.pmcase');
      createCaseWithStore(file, 'packed');
      caseId = e2.openCase({ file, create: false }).caseId;
      await e2.ingest({ caseId, jobId: 'j-sliced', inputs: inputs() });
      order.push('ingest');
      expect(searched).not.toBeNull();
      const r = (await (searched as Promise<unknown> | null)) as { total: number };
      expect(r.total).toBeGreaterThan(0);
      expect(order).toEqual(['search', 'analysed', 'ingest']);
      // Its own progress: from 0, lines and bytes growing with the slices, never past the input.
      expect(analysing.length).toBeGreaterThan(3);
      expect(analysing[0]).toMatchObject({ bytesDone: 0, linesDone: 0 });
      for (let i = 1; i < analysing.length; i++) {
        expect(analysing[i]!.linesDone).toBeGreaterThanOrEqual(analysing[i - 1]!.linesDone);
        expect(analysing[i]!.bytesDone).toBeGreaterThanOrEqual(analysing[i - 1]!.bytesDone);
        expect(analysing[i]!.bytesDone).toBeLessThanOrEqual(analysing[i]!.bytesTotal);
      }
      expect(analysing.at(-1)!.linesDone).toBeGreaterThan(10_000);
      const { caseId: oneId } = e2.openCase({ file: path.join(dir, 'packed.pmcase'), create: false });
      const strip = (a: ReturnType<Engine['analysis']>): string => {
        const { timingsMs: _t, ...rest } = a;
        return JSON.stringify(rest);
      };
      expect(strip(e2.analysis({ caseId }))).toBe(strip(e2.analysis({ caseId: oneId })));
    } finally {
      if (env === undefined) delete process.env.POSTMORTEM_ANALYSIS_SLICE_MS;
      else process.env.POSTMORTEM_ANALYSIS_SLICE_MS = env;
      e2.closeAll();
    }
  }, 120_000);

  it('a case closed while its ingest analyses ends the ingest with an error saying so; reopened, it is analysed', async () => {
    const env = process.env.POSTMORTEM_ANALYSIS_SLICE_MS;
    process.env.POSTMORTEM_ANALYSIS_SLICE_MS = '0';
    let caseId = '';
    let closed = false;
    const e2: Engine = new Engine((event, payload) => {
      const p = (payload as { progress?: { phase?: string } }).progress;
      if (event === 'ingestProgress' && p?.phase === 'analysing' && !closed) {
        closed = true;
        // After the first slice, as a window closing the case would.
        setImmediate(() => e2.closeCase({ caseId }));
      }
    });
    const file = path.join(dir, 'closed.pmcase');
    try {
      createCaseWithStore(file, 'packed');
      caseId = e2.openCase({ file, create: false }).caseId;
      await expect(e2.ingest({ caseId, jobId: 'j-closed', inputs: inputs() })).rejects.toThrow(
        /the case was closed during its analysis; opening it again redoes the analysis/,
      );
      expect(closed).toBe(true);
      const again = e2.openCase({ file, create: false }).caseId;
      expect(e2.analysis({ caseId: again }).incidents.length).toBeGreaterThan(0);
    } finally {
      if (env === undefined) delete process.env.POSTMORTEM_ANALYSIS_SLICE_MS;
      else process.env.POSTMORTEM_ANALYSIS_SLICE_MS = env;
      e2.closeAll();
    }
  }, 120_000);

  it('a chunk holding a REAL time is read by rows, its digits intact', () => {
    const file = path.join(dir, 'blocks.pmcase');
    const s = CaseStore.open(file, { create: false });
    let lineId = 0;
    let ts = 0;
    try {
      const row = s.db
        .prepare(
          'SELECT line_id, ts FROM lines WHERE ts IS NOT NULL AND line_id > 9000 ORDER BY line_id LIMIT 1',
        )
        .raw(true)
        .get() as [number, number];
      lineId = row[0];
      // A time with a fraction of a millisecond, which JSON would print with 15 digits only.
      ts = row[1] + 0.123456789;
      s.db.prepare('UPDATE lines SET ts = ? WHERE line_id = ?').run(ts, lineId);
    } finally {
      s.close();
    }
    withCase(file, (db, refs) => {
      expect(db.prepare('SELECT typeof(ts) FROM lines WHERE line_id = ?').pluck().get(lineId)).toBe('real');
      const lines: RecordLine[] = [...readRecordBatches(db, refs)].flat();
      const hit = lines.find((l) => l.lineId === lineId)!;
      expect(hit.ts).toBe(ts);
      expect(String(hit.ts)).not.toBe(String(Number(hit.ts!.toPrecision(15))));
      expect(lines).toEqual([...readRecordLines(db, refs)]);
    });
  });
});
