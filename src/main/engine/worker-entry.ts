/**
 * The engine worker: answers numbered requests from EngineClient; slow requests are logged.
 * Started with workerData `{ role: 'reader' }` it is the viewer's reader: a second connection
 * to the open cases that answers READER_METHODS only (see client.ts) and never writes.
 * Started with `{ role: 'parser' }` (by the engine's ingest, from this same file) it is the
 * parse worker of ingest/parse-worker.ts: it parses large text sources while the engine inserts.
 * Started with `{ role: 'scanner' }` (by the main engine's search, from this same file) it is
 * the scan worker of query/scan-worker.ts: it scans the back of a long search's positions.
 * Started with `{ role: 'detector' }` (by the main engine's analysis after an ingest) it is the
 * detect worker of analysis/detect-worker.ts: it finds the incidents while the engine runs the
 * rest of the pass over the logs.
 */
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { Engine, type EngineMethod } from './engine';
import { configureParseWorker, runParseWorker } from './ingest/parse-worker';
import { configureScanWorker, runScanWorker } from './query/scan-worker';
import { configureDetectWorker, runDetectWorker } from './analysis/detect-worker';
import { READER_METHODS, type EngineOutMessage, type EngineRequest, type WorkerData } from './protocol';

const port = parentPort;
if (!port) throw new Error('worker-entry.ts must run in a worker thread');

const role = (workerData as Partial<WorkerData> | null)?.role;
if (role === 'parser') runParseWorker(port);
else if (role === 'scanner') runScanWorker(port);
else if (role === 'detector') runDetectWorker(port);
else startEngine(port, role === 'reader');

function startEngine(port: NonNullable<typeof parentPort>, reader: boolean): void {
  // Under tsx the parse worker has a boot of its own (it compiles the parsing modules only);
  // bundled, this file is its own entry and starts it with { role: 'parser' }.
  // On by default (its chunk and batch buffers are pooled, so its memory is bounded);
  // POSTMORTEM_PARSE_WORKER=0 parses every source in the engine's thread.
  if (!reader && process.env.POSTMORTEM_PARSE_WORKER !== '0')
    configureParseWorker(
      __filename.endsWith('.ts') ? path.join(__dirname, 'ingest', 'parse-boot.cjs') : __filename,
    );
  // The scan worker: the main engine's long searches only (the reader answers short reads and
  // starts none). Under tsx it has a boot of its own, as the parse worker; bundled, this file
  // with { role: 'scanner' }. POSTMORTEM_SCAN_WORKER=0 turns it off.
  if (!reader)
    configureScanWorker(
      __filename.endsWith('.ts') ? path.join(__dirname, 'query', 'scan-boot.cjs') : __filename,
    );
  // The detect worker: the main engine's analysis after an ingest. Under tsx it has a boot of its
  // own; bundled, this file with { role: 'detector' }. Used only with POSTMORTEM_DETECT_WORKER=1
  // (analysis/detect-worker.ts: over the ingest's memory budget, and no faster any more).
  if (!reader)
    configureDetectWorker(
      __filename.endsWith('.ts') ? path.join(__dirname, 'analysis', 'detect-boot.cjs') : __filename,
    );
  const post = (msg: EngineOutMessage): void => port.postMessage(msg);
  const engine = new Engine((event, payload) => post({ type: 'event', event, payload }), { reader });
  const SLOW_MS = 500;
  const READER_ALLOWED = new Set<string>([...READER_METHODS, 'openCase', 'closeCase', 'closeAll']);

  port.on('message', (req: EngineRequest) => {
    void handle(req);
  });

  async function handle(req: EngineRequest): Promise<void> {
    const started = performance.now();
    try {
      const fn = engine[req.method as EngineMethod] as unknown;
      if (typeof fn !== 'function' || req.method === ('constructor' as unknown))
        throw new Error(`unknown engine method ${String(req.method)}`);
      if (reader && !READER_ALLOWED.has(req.method))
        throw new Error(`the engine's reader does not answer ${req.method}`);
      const value: unknown = await (fn as (a: unknown) => unknown).call(engine, req.args);
      post({ type: 'response', id: req.id, ok: true, value });
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      post({ type: 'response', id: req.id, ok: false, error: { name: e.name, message: e.message } });
    }
    const ms = performance.now() - started;
    if (ms > SLOW_MS && req.method !== 'ingest')
      console.warn(`[engine${reader ? ' reader' : ''}] slow ${req.method}: ${Math.round(ms)} ms`);
  }

  process.on('exit', () => engine.closeAll());
}
