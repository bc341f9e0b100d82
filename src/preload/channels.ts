/**
 * The wire format between the preload and main's IPC router. Kept in its own module with no
 * imports beyond types: the sandboxed preload bundle must not pull in anything from main.
 */
import type { ApiErrorShape, ApiEvent, WorkbenchEvents } from '../shared/api';

/** Each call of the contract travels on `pm:<call>`. */
export const IPC_CALL_PREFIX = 'pm:';
/** Events from main to the page: `{event, payload}`. */
export const IPC_EVENT_CHANNEL = 'pm:event';

/**
 * What a call returns over IPC. Electron flattens a thrown error to a prefixed message, so
 * errors travel as data and the preload rebuilds them with their code.
 */
export type IpcReply<T = unknown> = { ok: true; value: T } | { ok: false; error: ApiErrorShape };

export interface IpcEventMessage<E extends ApiEvent = ApiEvent> {
  event: E;
  payload: WorkbenchEvents[E];
}
