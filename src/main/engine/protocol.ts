/** Messages between the engine client (main thread) and the engine worker: numbered, typed, errors as data. */
import type { EngineEvents, EngineMethod } from './engine';

export interface EngineRequest {
  type: 'request';
  id: number;
  method: EngineMethod;
  args: unknown;
}

export interface EngineErrorData {
  name: string;
  message: string;
}

export type EngineResponse =
  | { type: 'response'; id: number; ok: true; value: unknown }
  | { type: 'response'; id: number; ok: false; error: EngineErrorData };

export interface EngineEventMessage<E extends keyof EngineEvents = keyof EngineEvents> {
  type: 'event';
  event: E;
  payload: EngineEvents[E];
}

export type EngineOutMessage = EngineResponse | EngineEventMessage;
