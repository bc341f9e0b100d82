/**
 * Opening a case puts the viewer's first lines ahead of everything else. The engine answers one
 * call at a time, in the order they arrive; the findings, the analysis and the annotations of a
 * large case take seconds to read and to send, so a first page asked for after them waits
 * behind them (9 s on a 1M-line case). The case store asks for the first page of the merged view
 * as soon as it has the summary, before any other store reacts to the open case; the viewer takes
 * that answer instead of asking again; the stores with the heavy reads wait until the viewer
 * has painted (`whenPainted`).
 */
import type { GetLinesRequest } from '../../../shared/api';
import type { LinePage } from '../../../shared/model/case';

/** Lines read and painted first on an open or a jump, before the window grows around them. */
export const QUICK_LINES = 200;

/** What the viewer asks for first when it opens a case with no cursor to restore. */
export function firstPageRequest(caseId: string): GetLinesRequest {
  return { caseId, view: { kind: 'merged' }, start: 0, count: QUICK_LINES };
}

function keyOf(req: GetLinesRequest): string {
  return JSON.stringify([req.caseId, req.view, req.start, req.count]);
}

let primed: { key: string; page: Promise<LinePage> } | null = null;

/** Starts reading a case's first page now; the viewer's matching read takes it (once). */
export function primeFirstPage(getLines: (req: GetLinesRequest) => Promise<LinePage>, caseId: string): void {
  const req = firstPageRequest(caseId);
  const page = getLines(req);
  // An unhandled rejection here would be reported twice; the viewer's read reports it.
  page.catch(() => undefined);
  primed = { key: keyOf(req), page };
}

/** The primed answer for exactly this request, or null; a primed page is used once. */
export function takePrimed(req: GetLinesRequest): Promise<LinePage> | null {
  if (!primed || primed.key !== keyOf(req)) return null;
  const { page } = primed;
  primed = null;
  return page;
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
  primed = null;
  painted.clear();
  waiting.clear();
}
