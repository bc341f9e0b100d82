/**
 * An ingest job's progress as the service publishes it: rate and ETA over the job while it
 * reads, from phase 2's own start while the full-text index is built (it counts its own bytes),
 * and the findings refreshed once, when the analysis is done and phase 2 starts, not only when
 * the whole job ends. The engine is a stand-in that replays the events a real ingest sends.
 */
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CaseChanged } from '../../../src/shared/api';
import type { JobProgress } from '../../../src/shared/model/case';
import type { EngineClient } from '../../../src/main/engine/client';
import type { EngineEvents } from '../../../src/main/engine/engine';
import { WorkbenchService } from '../../../src/main/services/workbench-service';
import { SAMPLE, tmpDir } from '../../helpers/tmp';

type Progress = EngineEvents['ingestProgress']['progress'];

function standInEngine(): {
  engine: EngineClient;
  send: (jobId: string, progress: Progress) => void;
  finish: () => void;
} {
  let listener: ((event: string, payload: unknown) => void) | null = null;
  let finish: () => void = () => undefined;
  const engine = {
    onEvent: (fn: (event: string, payload: unknown) => void) => {
      listener = fn;
      return () => undefined;
    },
    call: (method: string) => {
      if (method === 'openCase') return Promise.resolve({ caseId: 'c1', file: 'x', title: 't' });
      if (method === 'ingest')
        return new Promise((resolve) => {
          finish = () =>
            resolve({ cancelled: false, errors: [], readMs: 1000, analysisMs: 2000, fulltextMs: 3000 });
        });
      return Promise.reject(new Error(`not expected here: ${method}`));
    },
  } as unknown as EngineClient;
  return {
    engine,
    send: (jobId, progress) =>
      listener?.('ingestProgress', {
        jobId,
        caseId: 'c1',
        progress,
      } satisfies EngineEvents['ingestProgress']),
    finish: () => finish(),
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('ingest job progress', () => {
  it('gives phase 2 its own rate and ETA and refreshes the findings when it starts', async () => {
    vi.useFakeTimers({ now: 1_000_000, toFake: ['Date'] });
    const { engine, send, finish } = standInEngine();
    const service = new WorkbenchService({
      engine,
      casesDir: path.join(tmpDir('pm-jobs-'), 'cases'),
      transport: 'browser-host',
      version: 'test',
      printer: () => {
        throw new Error('no printing here');
      },
      sink: {} as never,
    });
    const jobs: JobProgress[] = [];
    const changes: CaseChanged['reason'][] = [];
    service.events.on('ingestProgress', (p) => jobs.push(p));
    service.events.on('caseChanged', (c) => changes.push(c.reason));

    const opened = await service.openPaths({ paths: [SAMPLE] });
    const jobId = opened.status === 'opened' ? opened.jobId! : '';
    const MB = 1 << 20;
    const at = (s: number): void => {
      vi.setSystemTime(1_000_000 + s * 1000);
    };

    // Reading: 100 MB in 10 s from the job's start.
    at(10);
    send(jobId, {
      phase: 'reading',
      current: 'syslog',
      bytesDone: 100 * MB,
      bytesTotal: 200 * MB,
      linesDone: 1,
    });
    expect(jobs.at(-1)).toMatchObject({ phase: 'reading', rate: 10 * MB, etaS: 10 });
    // The analysis starts at 30 s and counts the input's bytes from 0 as it analyses their
    // lines: 100 MB in 5 s is 20 MB/s, 5 s to go.
    at(30);
    send(jobId, { phase: 'analysing', current: null, bytesDone: 0, bytesTotal: 200 * MB, linesDone: 0 });
    at(35);
    send(jobId, {
      phase: 'analysing',
      current: null,
      bytesDone: 100 * MB,
      bytesTotal: 200 * MB,
      linesDone: 1,
    });
    expect(jobs.at(-1)).toMatchObject({ phase: 'analysing', rate: 20 * MB, etaS: 5 });
    at(40);
    send(jobId, {
      phase: 'analysing',
      current: null,
      bytesDone: 200 * MB,
      bytesTotal: 200 * MB,
      linesDone: 2,
    });
    expect(jobs.at(-1)).toMatchObject({ phase: 'analysing', rate: 20 * MB, etaS: 0 });
    expect(changes).toEqual(['ingest-started']);

    // Phase 2 starts at 40 s and counts the lines it indexes from 0: 50 MB in 5 s is 10 MB/s.
    send(jobId, { phase: 'fulltext', current: null, bytesDone: 0, bytesTotal: 200 * MB, linesDone: 0 });
    expect(changes).toEqual(['ingest-started', 'findings']);
    at(45);
    send(jobId, { phase: 'fulltext', current: null, bytesDone: 50 * MB, bytesTotal: 200 * MB, linesDone: 1 });
    expect(jobs.at(-1)).toMatchObject({ phase: 'fulltext', rate: 10 * MB, etaS: 15 });
    at(50);
    send(jobId, {
      phase: 'fulltext',
      current: null,
      bytesDone: 100 * MB,
      bytesTotal: 200 * MB,
      linesDone: 2,
    });
    expect(changes.filter((c) => c === 'findings')).toHaveLength(1);

    // Done: the whole job's rate again (200 MB over 60 s), and the phase timings.
    at(60);
    send(jobId, { phase: 'done', current: null, bytesDone: 200 * MB, bytesTotal: 200 * MB, linesDone: 2 });
    expect(jobs.at(-1)?.rate).toBe(Math.round((200 * MB) / 60));
    finish();
    await vi.waitFor(() => expect(changes.at(-1)).toBe('ingest-finished'));
    expect(jobs.at(-1)).toMatchObject({
      state: 'done',
      timings: { readMs: 1000, analysisMs: 2000, fulltextMs: 3000 },
    });
  });
});
