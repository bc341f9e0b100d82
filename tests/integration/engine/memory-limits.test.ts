/**
 * The engine's two memory settings (full-gc.ts, client.ts): a full collection on request, run
 * between an ingest's reading and its analysis, and the main engine's smaller young generation.
 * Their effect on the peak RSS is measured by bench:ingest; these check that they take effect.
 */
import type { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { EngineClient } from '../../../src/main/engine/client';
import { fullGc } from '../../../src/main/engine/full-gc';

describe('fullGc', () => {
  it('collects garbage that survived into the old generation', async () => {
    let kept: Array<{ i: number; s: string }> | null = [];
    for (let i = 0; i < 1_000_000; i++) kept.push({ i, s: `line ${i}` });
    // Across a turn, so the objects are promoted by the scavenges their allocation triggered.
    await new Promise((resolve) => setImmediate(resolve));
    expect(kept.length).toBe(1_000_000);
    kept = null;
    const before = process.memoryUsage().heapUsed;
    expect(fullGc()).toBe(true);
    const after = process.memoryUsage().heapUsed;
    // ~70 MB of objects and strings; a scavenge alone does not touch the old generation.
    expect(before - after).toBeGreaterThan(30 * 1024 * 1024);
  });
});

describe('the main engine worker', () => {
  const client = new EngineClient({ reader: false });
  afterAll(() => client.close());

  it('runs with a 24 MiB young generation', () => {
    const worker = (client as unknown as { main: { worker: Worker } }).main.worker;
    expect(worker.resourceLimits?.maxYoungGenerationSizeMb).toBe(24);
  });
});
