/**
 * Phase 1 alone, in this thread (no engine worker), for profiling:
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx scripts/bench/profile-ingest.ts FILE CASE
 * Prints the ingest and order-build times, the peak RSS and both threads' memory peaks as one
 * JSON line. Large sources are parsed in the parse worker as the engine does; PARSE_WORKER=0
 * parses them in this thread (as POSTMORTEM_PARSE_WORKER=0 does in the engine).
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { ingestInputs } from '../../src/main/engine/ingest/ingest';
import {
  configureParseWorker,
  type MemoryPeaks,
  memoryPeaks,
  parseWorkerStats,
  sampleMemory,
} from '../../src/main/engine/ingest/parse-worker';
import { buildMergedOrder } from '../../src/main/engine/query/order';
import { inferLevel } from '../../src/main/engine/query/severity';
import { CaseStore } from '../../src/main/engine/store/case-store';

async function main(): Promise<void> {
  const [input, out] = process.argv.slice(2);
  if (!input || !out) throw new Error('usage: profile-ingest.ts INPUT CASE');
  for (const s of ['', '-wal', '-shm']) rmSync(out + s, { force: true });
  const parseWorker = process.env.PARSE_WORKER !== '0';
  if (parseWorker) configureParseWorker(path.join(__dirname, '../../src/main/engine/ingest/parse-boot.cjs'));
  const store = CaseStore.open(out, { create: true });
  // This thread's memory over the ingest, sampled every 50 ms (between messages and batches).
  const peaks = memoryPeaks();
  const sampler = setInterval(() => sampleMemory(peaks), 50);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const outcome = await ingestInputs(store, [input]);
  const t1 = performance.now();
  clearInterval(sampler);
  sampleMemory(peaks);
  const c1 = process.cpuUsage(c0);
  const stats = buildMergedOrder(store.db, inferLevel);
  const t2 = performance.now();
  const c2 = process.cpuUsage(c0);
  const cpu = (c: NodeJS.CpuUsage): number => Math.round((c.user + c.system) / 1000);
  store.close();
  console.log(
    JSON.stringify({
      parseWorker,
      lines: outcome.lines,
      ingestMs: Math.round(t1 - t0),
      ingestCpuMs: cpu(c1),
      orderMs: Math.round(t2 - t1),
      orderCpuMs: cpu(c2) - cpu(c1),
      orderPhases: stats.phaseMs,
      peakRssMB: Math.round((process.resourceUsage().maxRSS * 1024) / 2 ** 20),
      // MB peaks of process.memoryUsage() during the ingest: this thread's, and the parse worker's.
      mainMB: mb(peaks),
      workerMB: parseWorker ? mb(parseWorkerStats.workerPeaks) : null,
    }),
  );
}

function mb(p: MemoryPeaks): Record<string, number> {
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, Math.round(v / 2 ** 20)]));
}

void main();
