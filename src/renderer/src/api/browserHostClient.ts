/**
 * WorkbenchClient over the browser host's WebSocket (`/ws` on the page's own origin).
 * Calls made while (re)connecting wait in a queue; calls in flight when the socket drops are
 * rejected, since the host may or may not have run them (openPaths is not idempotent).
 */
import {
  API_CALLS,
  ApiError,
  type ApiCall,
  type ApiEvent,
  type WorkbenchApi,
  type WorkbenchClient,
  type WorkbenchEvents,
} from '../../../shared/api';
import { parseServerMessage, type CallMessage } from './protocol';

export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  onopen: ((ev: Event) => void) | null;
  onclose: ((ev: CloseEvent) => void) | null;
  onerror: ((ev: Event) => void) | null;
  onmessage: ((ev: MessageEvent) => void) | null;
}

export interface BrowserHostOptions {
  url: string;
  createSocket?: (url: string) => SocketLike;
  onStatus?: (status: 'connecting' | 'open' | 'reconnecting', failures: number) => void;
  /** Backoff bounds in ms. */
  minDelay?: number;
  maxDelay?: number;
}

interface Pending {
  call: ApiCall;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

const OPEN = 1;

export class BrowserHostTransport {
  private socket: SocketLike | null = null;
  private nextId = 1;
  private readonly queue: CallMessage[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<ApiEvent, Set<(payload: never) => void>>();
  private failures = 0;
  private everOpened = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly createSocket: (url: string) => SocketLike;

  constructor(private readonly options: BrowserHostOptions) {
    this.createSocket = options.createSocket ?? ((url) => new WebSocket(url));
    this.connect();
  }

  call(call: ApiCall, input: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { call, resolve, reject });
      const msg: CallMessage = { type: 'call', id, call, input };
      if (this.socket?.readyState === OPEN) this.socket.send(JSON.stringify(msg));
      else this.queue.push(msg);
    });
  }

  on<E extends ApiEvent>(event: E, listener: (payload: WorkbenchEvents[E]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    const entry = listener as (payload: never) => void;
    set.add(entry);
    return () => set.delete(entry);
  }

  private connect(): void {
    this.timer = null;
    this.options.onStatus?.(this.everOpened ? 'reconnecting' : 'connecting', this.failures);
    const socket = this.createSocket(this.options.url);
    this.socket = socket;
    socket.onopen = () => {
      this.failures = 0;
      this.everOpened = true;
      this.options.onStatus?.('open', 0);
      for (const msg of this.queue.splice(0)) socket.send(JSON.stringify(msg));
    };
    socket.onmessage = (ev) => {
      if (typeof ev.data === 'string') this.receive(ev.data);
    };
    socket.onerror = () => {
      // A close event always follows; reconnecting happens there.
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.failInFlight();
      this.failures++;
      this.options.onStatus?.(this.everOpened ? 'reconnecting' : 'connecting', this.failures);
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    if (this.timer !== null) return;
    const min = this.options.minDelay ?? 250;
    const max = this.options.maxDelay ?? 10_000;
    const delay = Math.min(max, min * 2 ** Math.min(this.failures - 1, 16));
    // Jitter keeps several tabs from reconnecting in lockstep after the host restarts.
    this.timer = setTimeout(() => this.connect(), delay * (0.75 + Math.random() * 0.5));
  }

  private failInFlight(): void {
    const queuedIds = new Set(this.queue.map((m) => m.id));
    for (const [id, p] of this.pending) {
      if (queuedIds.has(id)) continue;
      this.pending.delete(id);
      p.reject(new ApiError('failed', `The connection to the host was lost during ${p.call}.`));
    }
  }

  private receive(data: string): void {
    const msg = parseServerMessage(data);
    if (!msg) return;
    if (msg.type === 'event') {
      for (const listener of this.listeners.get(msg.event) ?? []) listener(msg.payload as never);
      return;
    }
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.value);
    else p.reject(new ApiError(msg.error.code, msg.error.message));
  }
}

export function createBrowserHostClient(options: BrowserHostOptions): WorkbenchClient {
  const transport = new BrowserHostTransport(options);
  const calls = Object.fromEntries(
    API_CALLS.map((call) => [call, (input: unknown) => transport.call(call, input)]),
  ) as unknown as WorkbenchApi;
  return {
    ...calls,
    on: (event, listener) => transport.on(event, listener),
  };
}
