/** The engine worker: answers numbered requests from EngineClient; slow requests are logged. */
import { parentPort } from 'node:worker_threads';
import { Engine, type EngineMethod } from './engine';
import type { EngineOutMessage, EngineRequest } from './protocol';

const port = parentPort;
if (!port) throw new Error('worker-entry.ts must run in a worker thread');

const post = (msg: EngineOutMessage): void => port.postMessage(msg);
const engine = new Engine((event, payload) => post({ type: 'event', event, payload }));
const SLOW_MS = 500;

port.on('message', (req: EngineRequest) => {
  void handle(req);
});

async function handle(req: EngineRequest): Promise<void> {
  const started = performance.now();
  try {
    const fn = engine[req.method as EngineMethod] as unknown;
    if (typeof fn !== 'function' || req.method === ('constructor' as unknown))
      throw new Error(`unknown engine method ${String(req.method)}`);
    const value: unknown = await (fn as (a: unknown) => unknown).call(engine, req.args);
    post({ type: 'response', id: req.id, ok: true, value });
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    post({ type: 'response', id: req.id, ok: false, error: { name: e.name, message: e.message } });
  }
  const ms = performance.now() - started;
  if (ms > SLOW_MS && req.method !== 'ingest')
    console.warn(`[engine] slow ${req.method}: ${Math.round(ms)} ms`);
}

process.on('exit', () => engine.closeAll());
