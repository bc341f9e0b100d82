/**
 * The engine-query calls through the contract's one chokepoint (dispatchCall: zod, then the
 * service, then the engine worker), as the browser host and the Electron IPC carry them.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchProgress } from '../../../src/shared/model/case';
import { EMPTY_FILTER } from '../../../src/shared/model/view';
import { EngineClient } from '../../../src/main/engine/client';
import { dispatchCall } from '../../../src/main/services/dispatch';
import { WorkbenchService } from '../../../src/main/services/workbench-service';
import { tmpDir } from '../../helpers/tmp';

describe('engine-query calls through the contract', () => {
  const dir = tmpDir('pm-contract-');
  const engine = new EngineClient();
  const service = new WorkbenchService({
    engine,
    casesDir: path.join(dir, 'cases'),
    transport: 'browser-host',
    version: 'test',
    printer: () => {
      throw new Error('no printing in this test');
    },
    sink: {
      deliver: () => Promise.reject(new Error('no export in this test')),
      deliverFile: () => Promise.reject(new Error('no export in this test')),
    },
  });
  let caseId = '';
  const call = (name: string, input: unknown): Promise<unknown> => dispatchCall(service, name, input);

  beforeAll(async () => {
    const opened = await service.openSample();
    caseId = opened.caseId;
    if (opened.jobId) await service.waitForJob(opened.jobId);
  });
  afterAll(async () => {
    await service.dispose();
    await engine.close();
  });

  it('answers every call of the block with the contract types', async () => {
    const merged = { kind: 'merged' };
    const facets = (await call('facets', { caseId })) as { severities: number[] };
    expect(facets.severities).toHaveLength(9);
    const h = (await call('histogram', { caseId, filter: null, from: null, to: null, buckets: 30 })) as {
      total: number;
      buckets: unknown[];
    };
    expect(h.total).toBeGreaterThan(100);
    const err = (await call('seekLine', {
      caseId,
      view: merged,
      from: -1,
      direction: 'next',
      severities: ['err', 'crit'],
    })) as { position: number; lineId: number };
    const page = (await call('getLines', { caseId, view: merged, start: err.position, count: 1 })) as {
      lines: { lineId: number; text: string }[];
    };
    expect(page.lines[0]).toMatchObject({ lineId: err.lineId });
    expect(page.lines[0]!.text).toContain('Out of memory: Kill process');
    const at = (await call('locateTime', { caseId, view: merged, ts: Date.UTC(2022, 5, 6, 13, 33, 14) })) as {
      lineId: number;
    };
    expect(at.lineId).toBeGreaterThan(0);
    const state = (await call('getUiState', { caseId })) as { layout: unknown };
    expect(state.layout).toEqual({ left: 260, right: 420, bottom: 160 });
    await expect(
      call('saveUiState', {
        caseId,
        state: { ...state, bookmarks: [err.lineId], filter: EMPTY_FILTER, openPanel: 'panel-oom' },
      }),
    ).resolves.toEqual({ saved: true });
    expect(await call('getUiState', { caseId })).toMatchObject({
      bookmarks: [err.lineId],
      openPanel: 'panel-oom',
    });
    // zod guards the door: a bad severity name never reaches the engine.
    await expect(
      call('seekLine', { caseId, view: merged, from: 0, direction: 'next', severities: ['fatal'] }),
    ).rejects.toThrow(/seekLine: severities\.0/);
  });

  it('streams a search as searchProgress events to the contract listeners', async () => {
    const got: SearchProgress[] = [];
    const off = service.events.on('searchProgress', (p) => got.push(p));
    const { searchId } = (await call('startSearch', {
      caseId,
      view: { kind: 'filtered', filter: { ...EMPTY_FILTER, programs: ['kernel'] } },
      query: 'write_iter',
      mode: 'text',
      caseSensitive: false,
      limit: 1000,
    })) as { searchId: string };
    expect(searchId).toMatch(/^search-[0-9a-f]{12}$/);
    await new Promise<void>((resolve) => {
      const t = setInterval(() => got.some((b) => b.done) && (clearInterval(t), resolve()), 5);
    });
    off();
    expect(got.every((b) => b.searchId === searchId && b.caseId === caseId)).toBe(true);
    const last = got.at(-1)!;
    expect(last).toMatchObject({ done: true, cancelled: false, error: null });
    const oneShot = (await call('search', {
      caseId,
      view: { kind: 'merged' },
      query: 'write_iter',
      mode: 'text',
      caseSensitive: false,
      limit: 1,
    })) as { total: number };
    expect(last.total).toBe(oneShot.total);
    expect(got.flatMap((b) => b.hits)).toHaveLength(oneShot.total);
    expect(await call('cancelSearch', { searchId })).toEqual({ cancelled: false });
  });
});
