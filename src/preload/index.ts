/**
 * The sandboxed preload: exposes `window.workbench`, built from the contract, and nothing
 * else. No raw ipcRenderer reaches the page: every call goes to its own `pm:<call>` channel,
 * and only the events named in `API_EVENTS` are delivered.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import {
  API_CALLS,
  API_EVENTS,
  type ApiErrorShape,
  type ApiEvent,
  type OpenResult,
  type WorkbenchApi,
  type WorkbenchClient,
  type WorkbenchEvents,
} from '../shared/api';
import { IPC_CALL_PREFIX, IPC_EVENT_CHANNEL, type IpcEventMessage, type IpcReply } from './channels';

/**
 * A failed call rejects with this plain object. contextBridge rebuilds thrown Error objects
 * from their message alone, so an Error would lose its `code` on the way to the page.
 */
export interface WorkbenchCallError extends ApiErrorShape {
  name: 'ApiError';
}

/** What the renderer finds on `window.workbench` under Electron. */
export interface ElectronWorkbench extends WorkbenchClient {
  /** Opens files and folders dropped on the window (their paths are read here, never by the page). */
  openDropped(files: File[]): Promise<OpenResult>;
}

async function invoke(call: string, input: unknown): Promise<unknown> {
  const reply = (await ipcRenderer.invoke(IPC_CALL_PREFIX + call, input)) as IpcReply;
  if (reply.ok) return reply.value;
  const error: WorkbenchCallError = {
    name: 'ApiError',
    code: reply.error.code,
    message: reply.error.message,
  };
  throw error;
}

function buildCalls(): WorkbenchApi {
  const calls: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const call of API_CALLS) calls[call] = (input: unknown) => invoke(call, input);
  return calls as unknown as WorkbenchApi;
}

const knownEvents: ReadonlySet<string> = new Set(API_EVENTS);
type Listener = (payload: unknown) => void;
const listeners = new Map<ApiEvent, Set<Listener>>();

ipcRenderer.on(IPC_EVENT_CHANNEL, (_event: IpcRendererEvent, message: IpcEventMessage) => {
  const set = listeners.get(message.event);
  if (!set) return;
  for (const listener of set) listener(message.payload);
});

function on<E extends ApiEvent>(event: E, listener: (payload: WorkbenchEvents[E]) => void): () => void {
  if (!knownEvents.has(event)) throw new TypeError(`Unknown event: ${String(event)}`);
  if (typeof listener !== 'function') throw new TypeError('listener must be a function');
  let set = listeners.get(event);
  if (!set) listeners.set(event, (set = new Set()));
  const entry = listener as Listener;
  set.add(entry);
  return () => {
    set.delete(entry);
  };
}

function openDropped(files: File[]): Promise<OpenResult> {
  const paths = Array.from(files, (file) => webUtils.getPathForFile(file)).filter((path) => path.length > 0);
  // Files that are not on disk (dragged out of another page) have no path.
  if (paths.length === 0) return Promise.resolve({ status: 'cancelled' });
  return invoke('openPaths', { paths }) as Promise<OpenResult>;
}

const workbench: ElectronWorkbench = { ...buildCalls(), on, openDropped };
contextBridge.exposeInMainWorld('workbench', workbench);
