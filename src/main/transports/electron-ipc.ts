/**
 * The Electron transport: one chokepoint that carries every call of the contract from the
 * preload to the services. Each call gets its own `pm:<call>` channel; every message is
 * checked for who sent it (app origin, top-level frame) before its input is parsed by the
 * call's zod schema (the services' `dispatchCall`, shared with the browser host).
 * No electron imports: this file is tested under plain Node with a fake ipcMain.
 */
import {
  API_CALLS,
  API_EVENTS,
  ApiError,
  type ApiCall,
  type ApiEvent,
  type ApiInput,
  type WorkbenchApi,
  type WorkbenchEvents,
} from '../../shared/api';
import {
  IPC_CALL_PREFIX,
  IPC_EVENT_CHANNEL,
  type IpcEventMessage,
  type IpcReply,
} from '../../preload/channels';
import { dispatchCall, toErrorShape } from '../services/dispatch';

export { IPC_CALL_PREFIX, IPC_EVENT_CHANNEL, type IpcEventMessage, type IpcReply };

export function callChannel(call: ApiCall): string {
  return IPC_CALL_PREFIX + call;
}

/** The part of `ipcMain` the router uses (a fake one in tests). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: SenderEvent, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

/** The fields of a WebFrameMain the sender check reads. */
export interface FrameLike {
  readonly url: string;
  readonly parent: unknown;
  readonly processId: number;
  readonly routingId: number;
}

/** The fields of an `IpcMainInvokeEvent` the sender check reads. */
export interface SenderEvent {
  readonly senderFrame: FrameLike | null;
  readonly sender: { readonly mainFrame: FrameLike };
}

export interface IpcRouterOptions {
  /** Origins allowed to call, as `scheme://host[:port]` (e.g. `app://postmortem`, the dev server). */
  allowedOrigins: readonly string[];
  /** Sees every call that succeeded (the shell tracks which case the window shows and what it opened). */
  onSuccess?: (call: ApiCall, input: ApiInput<ApiCall>, value: unknown) => void;
  /** Told about refused senders and failed calls; the renderer only gets `{code, message}`. */
  log?: (message: string) => void;
}

/**
 * `scheme://host[:port]` of a URL. WHATWG URL reports origin `null` for custom schemes such as
 * `app:`, so the origin is assembled from the parts rather than read from `URL.origin`.
 */
export function originOf(url: string): string | null {
  if (!url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (!parsed.host) return null;
  return `${parsed.protocol}//${parsed.host}`;
}

/** Throws `ApiError('forbidden')` unless the message comes from the app's own top-level frame. */
export function checkSender(event: SenderEvent, allowedOrigins: readonly string[]): void {
  const frame = event.senderFrame;
  // A frame that navigated away or was destroyed before the message was handled.
  if (!frame) throw new ApiError('forbidden', 'The sending frame is gone.');
  const main = event.sender.mainFrame;
  // Electron may hand out distinct wrapper objects for one frame: compare ids too.
  const isMainFrame =
    frame === main ||
    (frame.parent === null && frame.processId === main.processId && frame.routingId === main.routingId);
  if (!isMainFrame) throw new ApiError('forbidden', 'Calls are accepted from the main frame only.');
  const origin = originOf(frame.url);
  if (origin === null || !allowedOrigins.includes(origin)) {
    throw new ApiError('forbidden', `Calls are not accepted from ${origin ?? 'this page'}.`);
  }
}

/**
 * Registers every call of `API_CALLS` on `pm:<call>`. Returns a function that removes them
 * (for a clean shutdown and for tests).
 */
export function registerIpc(
  ipcMain: IpcMainLike,
  service: WorkbenchApi,
  options: IpcRouterOptions,
): () => void {
  const log = options.log ?? (() => undefined);
  // An observer's failure must not turn a call that succeeded into an error.
  const notifySuccess = (call: ApiCall, input: ApiInput<ApiCall>, value: unknown): void => {
    try {
      options.onSuccess?.(call, input, value);
    } catch (error) {
      log(`ipc ${call}: observer failed: ${toErrorShape(error).message}`);
    }
  };
  for (const call of API_CALLS) {
    ipcMain.handle(callChannel(call), async (event, ...args): Promise<IpcReply> => {
      try {
        checkSender(event, options.allowedOrigins);
        if (args.length > 1) throw new ApiError('invalid-input', `${call} takes one argument.`);
        // dispatchCall parses the input with the call's zod schema before the service sees it.
        const value = await dispatchCall(service, call, args[0]);
        notifySuccess(call, args[0] as ApiInput<ApiCall>, value);
        return { ok: true, value };
      } catch (error) {
        const shape = toErrorShape(error);
        log(`ipc ${call}: ${shape.code}: ${shape.message}`);
        return { ok: false, error: shape };
      }
    });
  }
  return () => {
    for (const call of API_CALLS) ipcMain.removeHandler(callChannel(call));
  };
}

/** The service's event emitter, as far as forwarding needs it. */
export interface WorkbenchEventSource {
  on<E extends ApiEvent>(event: E, listener: (payload: WorkbenchEvents[E]) => void): unknown;
  off<E extends ApiEvent>(event: E, listener: (payload: WorkbenchEvents[E]) => void): unknown;
}

/** Where events go: a window's webContents. */
export interface EventSink {
  send(channel: string, message: IpcEventMessage): void;
  isDestroyed(): boolean;
}

/** Forwards every `API_EVENTS` event to a webContents as `pm:event {event, payload}`; returns the unsubscribe. */
export function forwardEvents(events: WorkbenchEventSource, target: EventSink): () => void {
  const listeners = API_EVENTS.map((event) => {
    const listener = (payload: WorkbenchEvents[typeof event]): void => {
      if (!target.isDestroyed()) target.send(IPC_EVENT_CHANNEL, { event, payload });
    };
    events.on(event, listener);
    return { event, listener };
  });
  return () => {
    for (const { event, listener } of listeners) events.off(event, listener);
  };
}

/** Sends one event to a webContents the same way `forwardEvents` does (for events the shell raises itself). */
export function sendEvent<E extends ApiEvent>(
  target: EventSink,
  event: E,
  payload: WorkbenchEvents[E],
): void {
  if (!target.isDestroyed()) target.send(IPC_EVENT_CHANNEL, { event, payload } as IpcEventMessage);
}
