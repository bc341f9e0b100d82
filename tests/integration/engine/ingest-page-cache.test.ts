/**
 * The page cache of the case's connection during an ingest job (engine.ts `ingest`): every
 * phase of the job (reading, order, analysis, full-text index) runs with the ingest's small
 * cache, and the viewer's cache comes back when the job ends, cancelled or not. The cache is
 * read from inside the job's progress events, which the engine emits synchronously.
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../src/main/engine/engine';
import { INGEST_CACHE_KIB } from '../../../src/main/engine/ingest/ingest';
import type { CaseStore } from '../../../src/main/engine/store/case-store';
import { SAMPLE, tmpDir } from '../../helpers/tmp';

describe('the page cache during an ingest job', () => {
  const seen = new Map<string, Set<number>>();
  let storeOf: ((caseId: string) => CaseStore) | null = null;
  const e = new Engine((event, payload) => {
    if (event !== 'ingestProgress' || !storeOf) return;
    const p = payload as { caseId: string; progress: { phase: string } };
    const size = storeOf(p.caseId).db.pragma('cache_size', { simple: true }) as number;
    let s = seen.get(p.progress.phase);
    if (!s) seen.set(p.progress.phase, (s = new Set()));
    s.add(size);
  });
  storeOf = (id) => (e as unknown as { store(id: string): CaseStore }).store(id);
  afterAll(() => e.closeAll());

  it('is the ingest cache in every phase, and the viewer cache again after the job', async () => {
    const { caseId } = e.openCase({ file: path.join(tmpDir('pm-cache-'), 'c.pmcase'), create: true });
    const db = storeOf!(caseId).db;
    const before = db.pragma('cache_size', { simple: true }) as number;
    expect(before).toBeLessThan(INGEST_CACHE_KIB); // larger (both are negative KiB)
    await e.ingest({ caseId, jobId: 'j', inputs: [SAMPLE] });
    for (const phase of ['reading', 'ordering', 'analysing', 'fulltext'])
      expect([...(seen.get(phase) ?? [])], phase).toEqual([INGEST_CACHE_KIB]);
    expect(db.pragma('cache_size', { simple: true })).toBe(before);
  });
});
