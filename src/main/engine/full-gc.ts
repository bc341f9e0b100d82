/**
 * A full garbage collection on request, for the one moment the engine knows its heap is mostly
 * garbage: between the reading of an ingest and its analysis.
 *
 * Why: V8 sets an isolate's next old-generation limit from the heap it saw at its last full
 * collection. The ingest's inserts leave the engine's heap limit high, so the analysis that
 * follows (lines and strings by the million, a few of them promoted: a flood's last line, a
 * report's lines) let dead objects pile up to that limit before V8 collected them. On the 4 GiB
 * bench the engine's heap then grew to 150-158 MB (live: ~40 MB) and the process peaked at
 * 321-324 MB; with one collection before the analysis the heap stayed at 50-66 MB and the peak
 * was 276 MB.
 *
 * How: `gc` is not exposed without `--expose-gc`; setting that flag at run time exposes it in
 * contexts made afterwards, so a fresh vm context hands it over (the way test runners that
 * report heap use get it). Where the runtime refuses, nothing is collected and false is returned.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | null | undefined;

/** Runs a full collection of this thread's heap; false when the runtime offers none. */
export function fullGc(): boolean {
  if (collect === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      const gc: unknown = runInNewContext('typeof gc === "function" ? gc : null');
      collect = typeof gc === 'function' ? (gc as () => void) : null;
    } catch {
      collect = null;
    }
  }
  if (collect === null) return false;
  collect();
  return true;
}
