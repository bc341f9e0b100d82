/**
 * The main-thread side of the engine worker: typed calls by method name, numbered
 * requests, errors rethrown as errors, events delivered to a listener.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EngineArgs, EngineEvents, EngineMethod, EngineResult } from './engine';
import type { EngineOutMessage } from './protocol';

export class EngineError extends Error {
  constructor(
    readonly method: string,
    name: string,
    message: string,
  ) {
    super(message);
    this.name = name === 'Error' ? 'EngineError' : name;
  }
}

export interface EngineClientOptions {
  /** The worker script: the bundled worker in Electron; by default the tsx bootstrap. */
  workerPath?: string;
}

/** (event, payload) pairs as a union, so `if (event === 'ingestProgress')` narrows the payload. */
type EventArgs = { [E in keyof EngineEvents]: [event: E, payload: EngineEvents[E]] }[keyof EngineEvents];
type Listener = (...args: EventArgs) => void;

export class EngineClient {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void; method: string }
  >();
  private readonly listeners = new Set<Listener>();
  private exited: Error | null = null;

  constructor(options: EngineClientOptions = {}) {
    const workerPath = options.workerPath ?? path.join(__dirname, 'worker-boot.cjs');
    this.worker = new Worker(workerPath);
    this.worker.on('message', (msg: EngineOutMessage) => this.onMessage(msg));
    this.worker.on('error', (err) => this.failAll(err));
    this.worker.on('exit', (code) => this.failAll(new Error(`engine worker exited with code ${code}`)));
  }

  private onMessage(msg: EngineOutMessage): void {
    if (msg.type === 'event') {
      for (const l of this.listeners) l(...([msg.event, msg.payload] as EventArgs));
      return;
    }
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.value);
    else p.reject(new EngineError(p.method, msg.error.name, msg.error.message));
  }

  private failAll(err: Error): void {
    this.exited = err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  call<M extends EngineMethod>(method: M, args: EngineArgs<M>): Promise<EngineResult<M>> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.nextId++;
    return new Promise<EngineResult<M>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, method });
      this.worker.postMessage({ type: 'request', id, method, args });
    });
  }

  onEvent(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.exited) return;
    try {
      await this.call('closeAll', undefined as never);
    } catch {
      /* the worker is going away anyway */
    }
    this.exited = new Error('engine closed');
    await this.worker.terminate();
  }
}
