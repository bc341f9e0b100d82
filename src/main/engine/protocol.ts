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

/**
 * What a worker is started with: the main engine (default), the viewer's reader, ingest's
 * parse worker (ingest/parse-worker.ts: parses large text sources while the engine inserts),
 * search's scan worker (query/scan-worker.ts: scans the back of a long scan's positions), or
 * the analysis's detect worker (analysis/detect-worker.ts: finds the incidents of the logs).
 */
export interface WorkerData {
  role: 'main' | 'reader' | 'parser' | 'scanner' | 'detector';
}

/**
 * The viewer's reads: short, read-only, and what the user waits on while scrolling and
 * jumping. EngineClient sends them to the reader worker (its own connection to the case: WAL
 * lets it read while the main engine writes), so they never queue behind the main engine's
 * long calls (the analysis, the findings list, a whole-case search, an ingest).
 */
export const READER_METHODS = [
  'getLines',
  'locateLine',
  'locateLines',
  'locateTime',
  'seekLine',
  'histogram',
  'facets',
] as const satisfies readonly EngineMethod[];
