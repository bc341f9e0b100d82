/**
 * The browser host's WebSocket wire format (the server side is src/main/transports/browser-host.ts).
 * One JSON object per message; calls are numbered so answers can arrive in any order.
 */
import {
  API_EVENTS,
  type ApiCall,
  type ApiErrorShape,
  type ApiEvent,
  type WorkbenchEvents,
} from '../../../shared/api';

export interface CallMessage {
  type: 'call';
  id: number;
  call: ApiCall;
  input: unknown;
}

export type ResultMessage =
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: ApiErrorShape };

export interface EventMessage<E extends ApiEvent = ApiEvent> {
  type: 'event';
  event: E;
  payload: WorkbenchEvents[E];
}

export type ServerMessage = ResultMessage | EventMessage;

const ERROR_CODES: ReadonlySet<string> = new Set<ApiErrorShape['code']>([
  'invalid-input',
  'not-found',
  'forbidden',
  'unsupported',
  'failed',
  'cancelled',
]);

/** Parses what the host sent; null for anything that is not a well-formed server message. */
export function parseServerMessage(data: string): ServerMessage | null {
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null) return null;
  const msg = raw as Record<string, unknown>;
  if (msg.type === 'result' && typeof msg.id === 'number') {
    if (msg.ok === true) return { type: 'result', id: msg.id, ok: true, value: msg.value };
    const err = msg.error as Record<string, unknown> | undefined;
    const code =
      typeof err?.code === 'string' && ERROR_CODES.has(err.code)
        ? (err.code as ApiErrorShape['code'])
        : 'failed';
    const message =
      typeof err?.message === 'string' ? err.message : 'The host reported an error without a message.';
    return { type: 'result', id: msg.id, ok: false, error: { code, message } };
  }
  if (msg.type === 'event' && isEvent(msg.event)) {
    return { type: 'event', event: msg.event, payload: msg.payload as WorkbenchEvents[typeof msg.event] };
  }
  return null;
}

function isEvent(name: unknown): name is ApiEvent {
  return typeof name === 'string' && (API_EVENTS as readonly string[]).includes(name);
}
