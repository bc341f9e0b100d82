/**
 * The main-thread side of the engine: typed calls by method name, numbered requests, errors
 * rethrown as errors, events delivered to a listener.
 *
 * Two workers run the same engine code. The main engine answers everything and is the only
 * one that writes. The reader (started with the first open case) holds its own connection to
 * each open case and answers the viewer's reads (READER_METHODS), so a page, a jump or the
 * histogram never waits behind the analysis, the findings list, a search or an ingest: the
 * main engine answers one call at a time. Both read the same committed state (SQLite WAL), and
 * the reader picks up a time order rebuilt by the main engine on its next call (CaseQuery
 * checks the stored order's id). When the reader cannot answer (the case is not open there,
 * its order is not built yet, the reader died) the call goes to the main engine instead.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EngineArgs, EngineEvents, EngineMethod, EngineResult } from './engine';
import { READER_METHODS, type EngineOutMessage, type WorkerData } from './protocol';

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
  /** Start the viewer's reader worker (default: true unless POSTMORTEM_ENGINE_READER=0); false sends every call to the main engine. */
  reader?: boolean;
}

/** (event, payload) pairs as a union, so `if (event === 'ingestProgress')` narrows the payload. */
type EventArgs = { [E in keyof EngineEvents]: [event: E, payload: EngineEvents[E]] }[keyof EngineEvents];
type Listener = (...args: EventArgs) => void;

const READER_SET: ReadonlySet<string> = new Set(READER_METHODS);
/** Reader errors that mean "ask the main engine", not "the request is wrong". */
const FALL_BACK = new Set(['OrderNotReadyError']);

/**
 * The main engine's young generation (MiB: V8 splits it into two semi-spaces and a large-object
 * space). V8's default on a 64-bit machine is 3 × 16 MiB; the analysis after an ingest makes
 * short-lived lines at a high rate, and with the default its peak RSS on the 1 GiB bench was
 * 275-316 MB (two runs), against 222-223 MB with 24 MiB, in the same wall time (21.2-21.5 s
 * against 22.3-26.2 s). Only the main engine: the parse worker's phase 1 took 24-27 s instead
 * of 14-15 s with it (it makes strings faster still), and the reader keeps V8's default.
 */
const MAIN_ENGINE_YOUNG_MB = 24;

/** One worker: numbered requests and their pending answers. */
class Channel {
  readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void; method: string }
  >();
  exited: Error | null = null;

  constructor(
    workerPath: string,
    role: WorkerData['role'],
    onEvent: (msg: Extract<EngineOutMessage, { type: 'event' }>) => void,
  ) {
    const data: WorkerData = { role };
    this.worker = new Worker(workerPath, {
      workerData: data,
      ...(role === 'main' ? { resourceLimits: { maxYoungGenerationSizeMb: MAIN_ENGINE_YOUNG_MB } } : {}),
    });
    this.worker.on('message', (msg: EngineOutMessage) => {
      if (msg.type === 'event') return onEvent(msg);
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.value);
      else p.reject(new EngineError(p.method, msg.error.name, msg.error.message));
    });
    this.worker.on('error', (err) => this.failAll(err));
    this.worker.on('exit', (code) => this.failAll(new Error(`engine worker exited with code ${code}`)));
  }

  private failAll(err: Error): void {
    this.exited ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  call(method: string, args: unknown): Promise<unknown> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      this.worker.postMessage({ type: 'request', id, method, args });
    });
  }

  async close(): Promise<void> {
    if (this.exited) return;
    try {
      await this.call('closeAll', undefined);
    } catch {
      /* the worker is going away anyway */
    }
    this.exited = new Error('engine closed');
    await this.worker.terminate();
  }
}

export class EngineClient {
  private readonly workerPath: string;
  private readonly main: Channel;
  private reader: Channel | null = null;
  private readonly useReader: boolean;
  /** Cases open in the reader (by id), with the file they were opened from. */
  private readonly readerCases = new Map<string, string>();
  /** Opening in the reader, by case id: resolves to whether it opened. */
  private readonly readerOpening = new Map<string, Promise<boolean>>();
  /** Viewer reads (READER_METHODS) answered by each worker, for tests and benches. */
  readonly viewerReads = { reader: 0, main: 0 };
  private readonly listeners = new Set<Listener>();

  constructor(options: EngineClientOptions = {}) {
    this.workerPath = options.workerPath ?? path.join(__dirname, 'worker-boot.cjs');
    // POSTMORTEM_ENGINE_READER=0 turns the reader off (to measure without it, or as an escape hatch).
    this.useReader = options.reader ?? process.env.POSTMORTEM_ENGINE_READER !== '0';
    this.main = new Channel(this.workerPath, 'main', (msg) => {
      for (const l of this.listeners) l(...([msg.event, msg.payload] as EventArgs));
    });
  }

  async call<M extends EngineMethod>(method: M, args: EngineArgs<M>): Promise<EngineResult<M>> {
    const caseId = caseIdOf(args);
    const reader = this.reader;
    if (
      reader &&
      !reader.exited &&
      caseId !== null &&
      READER_SET.has(method) &&
      this.readerCases.has(caseId)
    ) {
      try {
        const value = (await reader.call(method, args)) as EngineResult<M>;
        this.viewerReads.reader++;
        return value;
      } catch (err) {
        if (!(reader.exited || (err instanceof EngineError && FALL_BACK.has(err.name)))) throw err;
      }
    }
    const value = (await this.main.call(method, args)) as EngineResult<M>;
    if (READER_SET.has(method)) this.viewerReads.main++;
    if (method === 'openCase')
      this.openInReader((args as EngineArgs<'openCase'>).file, value as EngineResult<'openCase'>);
    else if (method === 'closeCase' && caseId !== null) this.closeInReader(caseId);
    else if (method === 'closeAll') for (const id of [...this.readerCases.keys()]) this.closeInReader(id);
    return value;
  }

  /** Opens a case the main engine has opened (created, migrated) in the reader too; best effort. */
  private openInReader(file: string, info: EngineResult<'openCase'>): void {
    if (!this.useReader || this.main.exited || this.readerCases.has(info.caseId)) return;
    if (this.readerOpening.has(info.caseId)) return;
    this.reader ??= new Channel(this.workerPath, 'reader', () => undefined);
    const reader = this.reader;
    const opening = reader.call('openCase', { file, create: false }).then(
      (opened) => {
        // A different id would mean another file now sits at that path: leave the reader out.
        if ((opened as { caseId: string }).caseId !== info.caseId) return false;
        this.readerCases.set(info.caseId, file);
        return true;
      },
      (err: unknown) => {
        if (!reader.exited) console.warn(`[engine] reader could not open ${file}: ${(err as Error).message}`);
        return false;
      },
    );
    this.readerOpening.set(info.caseId, opening);
    void opening.finally(() => this.readerOpening.delete(info.caseId));
  }

  /** Resolves once the reader has the case open (true), or will not have it (false). */
  async readerReady(caseId: string): Promise<boolean> {
    if (this.readerCases.has(caseId)) return true;
    const opening = this.readerOpening.get(caseId);
    return opening ? opening : false;
  }

  private closeInReader(caseId: string): void {
    if (!this.readerCases.delete(caseId)) return;
    this.reader?.call('closeCase', { caseId }).catch(() => undefined);
  }

  onEvent(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    await Promise.all([this.main.close(), this.reader?.close()]);
  }
}

function caseIdOf(args: unknown): string | null {
  if (typeof args !== 'object' || args === null || !('caseId' in args)) return null;
  const id = (args as { caseId: unknown }).caseId;
  return typeof id === 'string' ? id : null;
}
