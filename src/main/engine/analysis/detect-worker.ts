/**
 * The second core for the analysis that follows an ingest. The pass over a case's logs feeds
 * the OOM collector, the boot scanner and the time index (a few seconds for 8M lines) and the
 * incident detector (kernel reports, faults, deaths, floods, log loss: two thirds of the pass's
 * CPU, mostly the flood detector's key of every message). The detector needs nothing from the
 * others, so it runs here, on its own read-only connection to the case, over the same lines,
 * while the engine thread runs the rest of the pass; the engine then waits for its incidents
 * (analysis/run.ts, analyzeCaseSplit). The result equals the one-thread analysis.
 *
 * Off unless POSTMORTEM_DETECT_WORKER=1. Measured on the 1 GiB bench case (8.4M lines,
 * bench:analysis, both modes in one run): 34.2 s in one thread, 21.9 s split; through the CLI
 * the analysis phase went from 28.8 s to 25.9 s (the worker's side is two thirds of the pass, so
 * the engine waits for it). But the worker holds a second copy of the read pipeline and its own
 * heap: the CLI's peak RSS in the analysis rose from 263 MB to 356–381 MB, over the ingest's
 * 300 MB budget (issue 3). Until the analysis's memory is cut, speed is traded for it here only
 * when asked. Since then the rest of the pass got faster and the detector is ~95 % of it, so the
 * split gains nothing: 21.1 s in one thread, 20.5 s split, peak RSS 213 against 353 MiB
 * (bench:analysis, 2026-11-27).
 *
 * One worker per analysis, terminated when it has answered: the analysis runs once per ingest,
 * and a worker's ~0.2 s start is small beside a pass over the cases it is used for
 * (DETECT_WORKER_MIN_LINES). A worker that fails or exits early makes the engine detect the
 * incidents in its own thread, with the failure logged: never a missing result.
 *
 * The worker is the engine's own worker file started with `{ role: 'detector' }`
 * (worker-entry.ts); under tsx, detect-boot.cjs.
 */
import { type MessagePort, Worker } from 'node:worker_threads';
import type { Incident } from '../../../shared/model/incident';
import { openCaseDbReadOnly } from '../store/database';
import { LineHeads } from '../store/line-heads';
import { sourceRefs } from '../store/line-reader';
import { TextBlocks } from '../store/text-blocks';
import { ANALYSIS_CACHE_KIB, caseAnalysisInput } from './case-input';
import { detectLogIncidents } from './run';

/**
 * Lines a case must have for the incidents to be found in a worker. The worker's start costs
 * ~0.2 s of wall time (bundled; more under tsx), and the detector runs at ~2 µs a line, so
 * below ~0.5M lines the engine thread would be done before the worker helps.
 * POSTMORTEM_DETECT_WORKER_MIN overrides it (tests).
 */
export const DETECT_WORKER_MIN_LINES = 500_000;

/** `sourceIds`: the sources the engine thread's analysis reads (the worker reads the same). */
type ToWorker = { t: 'job'; file: string; sourceIds: number[] };
type FromWorker = { t: 'done'; incidents: Incident[] } | { t: 'error'; message: string };

let configured: { file: string; workerData: unknown } | null = null;

/**
 * Names the file the detect worker starts from (the main engine worker names its own file, with
 * `{ role: 'detector' }`; tests and benches name detect-boot.cjs); null turns it off.
 * Unconfigured (a plain Engine, the viewer's reader), the analysis runs in the calling thread.
 */
export function configureDetectWorker(file: string | null, workerData: unknown = { role: 'detector' }): void {
  configured = file === null ? null : { file, workerData };
}

/** Whether a case of `lines` lines gets its incidents from a worker. */
export function detectWorkerFor(lines: number): boolean {
  if (configured === null || process.env.POSTMORTEM_DETECT_WORKER !== '1') return false;
  const min = Number(process.env.POSTMORTEM_DETECT_WORKER_MIN ?? DETECT_WORKER_MIN_LINES);
  return lines >= min;
}

export const detectWorkerStats = { runs: 0, failures: 0 };

/**
 * Starts a worker that finds the incidents of the case file's logs (as detectLogIncidents over
 * the case's committed lines). Rejects when the worker fails, exits or cannot start.
 */
export function detectIncidentsInWorker(file: string, sourceIds: readonly number[]): Promise<Incident[]> {
  if (configured === null) return Promise.reject(new Error('no detect worker is configured'));
  const { file: entry, workerData } = configured;
  detectWorkerStats.runs++;
  return new Promise<Incident[]>((resolve, reject) => {
    let settled = false;
    const worker = new Worker(entry, { workerData });
    worker.unref();
    const settle = (err: Error | null, incidents?: Incident[]): void => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      if (err) {
        detectWorkerStats.failures++;
        reject(err);
      } else resolve(incidents!);
    };
    worker.on('message', (m: FromWorker) => {
      if (m.t === 'done') settle(null, m.incidents);
      else settle(new Error(`the detect worker failed: ${m.message}`));
    });
    worker.on('error', (err) => settle(err));
    worker.on('exit', (code) =>
      settle(new Error(`the detect worker exited (code ${code}) before answering`)),
    );
    worker.postMessage({ t: 'job', file, sourceIds: [...sourceIds] } satisfies ToWorker);
  });
}

/** Runs in the detect worker: answers one job. */
export function runDetectWorker(port: MessagePort): void {
  port.once('message', (m: ToWorker) => {
    if (m.t !== 'job') return;
    try {
      const db = openCaseDbReadOnly(m.file, 'the detect worker reads this case');
      try {
        db.pragma(`cache_size = -${ANALYSIS_CACHE_KIB}`);
        const texts = new TextBlocks(db, m.file);
        const heads = new LineHeads(db, m.file);
        try {
          const wanted = new Set(m.sourceIds);
          const refs = sourceRefs(db).filter((r) => wanted.has(r.sourceId));
          if (refs.length !== wanted.size)
            throw new Error(
              `${m.sourceIds.length - refs.length} of the case's sources are not readable here`,
            );
          const incidents = detectLogIncidents(caseAnalysisInput(db, refs));
          port.postMessage({ t: 'done', incidents } satisfies FromWorker);
        } finally {
          heads.close();
          texts.close();
        }
      } finally {
        db.close();
      }
    } catch (err) {
      port.postMessage({ t: 'error', message: (err as Error).message } satisfies FromWorker);
    }
  });
}
