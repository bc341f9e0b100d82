/**
 * Opening a case puts the viewer's first lines ahead of everything else. The engine answers one
 * call at a time, in the order they arrive; the findings, the analysis and the annotations of a
 * large case take seconds to read and to send, so a first page asked for after them waits
 * behind them (9 s on a 1M-line case). The case store asks for the first page of the merged view
 * as soon as it has the summary, before any other store reacts to the open case; the viewer takes
 * that answer instead of asking again; the stores with the heavy reads wait until the viewer
 * has painted (`whenPainted`).
 */
import type { GetLinesRequest, WorkbenchApi } from '../../../shared/api';
import type { LinePage, LineView } from '../../../shared/model/case';
import type { CaseUiState } from '../../../shared/model/view';
import { viewOf } from '../state/viewer';

/** Lines read and painted first on an open or a jump, before the window grows around them. */
export const QUICK_LINES = 120;

/** What the viewer asks for first when it opens a case with no cursor to restore. */
export function firstPageRequest(caseId: string): GetLinesRequest {
  return { caseId, view: { kind: 'merged' }, start: 0, count: QUICK_LINES };
}

function keyOf(req: GetLinesRequest): string {
  return JSON.stringify([req.caseId, req.view, req.start, req.count]);
}

/** Answers asked for ahead of the viewer, by request; each is taken once. */
const primed = new Map<string, Promise<unknown>>();

function prime<T>(key: string, answer: Promise<T>): Promise<T> {
  // An unhandled rejection here would be reported twice; the taker reports it.
  answer.catch(() => undefined);
  primed.set(key, answer);
  return answer;
}

function take<T>(key: string): Promise<T> | null {
  const answer = primed.get(key);
  if (!answer) return null;
  primed.delete(key);
  return answer as Promise<T>;
}

/** Starts reading a case's first page now; the viewer's matching read takes it (once). */
export function primeFirstPage(getLines: (req: GetLinesRequest) => Promise<LinePage>, caseId: string): void {
  const req = firstPageRequest(caseId);
  prime(`lines:${keyOf(req)}`, getLines(req));
}

/** The primed answer for exactly this request, or null; a primed page is used once. */
export function takePrimed(req: GetLinesRequest): Promise<LinePage> | null {
  return take<LinePage>(`lines:${keyOf(req)}`);
}

type RestoreApi = Pick<WorkbenchApi, 'getUiState' | 'locateLine' | 'getLines'>;

function locateKey(caseId: string, view: LineView, lineId: number): string {
  return `locate:${JSON.stringify([caseId, view, lineId])}`;
}

/**
 * Reads the case's remembered UI state now and, when it has a cursor, locates that line and
 * reads the lines around it, each call leaving as soon as the one before answers: a reopened
 * case paints at its cursor without first painting its top, and these round trips overlap the
 * loading of the workbench's code. persist.ts takes the state, the viewer the rest.
 */
export function primeRestore(api: RestoreApi, caseId: string): void {
  const state = prime(`ui:${caseId}`, api.getUiState({ caseId }));
  void state.then(
    (s) => {
      if (s.cursorLineId === null) return;
      const view = viewOf(s.viewSource, s.filter);
      const located = prime(
        locateKey(caseId, view, s.cursorLineId),
        api.locateLine({ caseId, view, lineId: s.cursorLineId }),
      );
      void located.then(
        ({ position }) => {
          if (position === null) return;
          const req = quickRequest(caseId, view, position);
          prime(`lines:${keyOf(req)}`, api.getLines(req));
        },
        () => undefined,
      );
    },
    () => undefined,
  );
}

/** The lines read and painted first around `position` (load and jumps). */
export function quickRequest(caseId: string, view: LineView, position: number): GetLinesRequest {
  return { caseId, view, start: Math.max(0, position - QUICK_LINES / 2), count: QUICK_LINES };
}

/** The primed UI state of a case, or null (taken once). */
export function takePrimedUiState(caseId: string): Promise<CaseUiState> | null {
  return take<CaseUiState>(`ui:${caseId}`);
}

/** The primed position of a line in a view, or null (taken once). */
export function takePrimedLocate(
  caseId: string,
  view: LineView,
  lineId: number,
): Promise<{ position: number | null }> | null {
  return take<{ position: number | null }>(locateKey(caseId, view, lineId));
}

const painted = new Set<string>();
const waiting = new Map<string, Array<() => void>>();

/** The viewer has painted (or failed to read) the first lines of this case. */
export function markPainted(caseId: string): void {
  if (painted.has(caseId)) return;
  painted.add(caseId);
  for (const resolve of waiting.get(caseId) ?? []) resolve();
  waiting.delete(caseId);
}

/**
 * Resolves once the viewer has painted this case's first lines, or after `timeoutMs` (a case
 * opened with no viewer on screen must still load its findings).
 */
export function whenPainted(caseId: string, timeoutMs = 3000): Promise<void> {
  if (painted.has(caseId)) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    const list = waiting.get(caseId) ?? [];
    list.push(() => {
      clearTimeout(timer);
      resolve();
    });
    waiting.set(caseId, list);
  });
}

/** For tests: forgets primed pages and painted cases. */
export function resetFirstPage(): void {
  primed.clear();
  painted.clear();
  waiting.clear();
}
