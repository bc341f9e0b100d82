/**
 * Navigation actions shared by the toolbar, the keyboard and the timeline: go to a line or a
 * time, next / previous finding, error, warning, bookmark, search hit. Each ends in a jump of
 * the shared cursor, so the jump history records it.
 */
import type { SeverityName } from '../../shared/model/view';
import { errorMessage, getWorkbench } from './api';
import { usePanelTabs } from './state/panels';
import { useCase } from './state/case';
import { useClock } from './state/clock';
import { panelOf, placedNow, stepPlaced } from './state/marks';
import { useViewer } from './state/viewer';
import { parseGoto } from './time';

export type NavResult = { ok: true } | { ok: false; reason: 'invalid' | 'none' | 'error'; message?: string };

export const ERROR_SEVERITIES: SeverityName[] = ['emerg', 'alert', 'crit', 'err'];
export const WARNING_SEVERITIES: SeverityName[] = ['warning'];

/** The go-to box: a line id or a time (see time.ts parseGoto). */
export async function goTo(input: string): Promise<NavResult> {
  const summary = useCase.getState().summary;
  const caseId = useCase.getState().caseId;
  if (!caseId) return { ok: false, reason: 'none' };
  const target = parseGoto(input, {
    firstTs: summary?.firstTs ?? null,
    lastTs: summary?.lastTs ?? null,
    offsetMin: useClock.getState().offsetMin,
  });
  if (target.kind === 'invalid') return { ok: false, reason: 'invalid' };
  if (target.kind === 'line') {
    useViewer.getState().jumpTo(target.lineId);
    return { ok: true };
  }
  return goToTime(target.ts);
}

export async function goToTime(ts: number): Promise<NavResult> {
  const caseId = useCase.getState().caseId;
  if (!caseId) return { ok: false, reason: 'none' };
  return jumpToFound(
    async () => (await getWorkbench().locateTime({ caseId, view: useViewer.getState().view, ts })).lineId,
  );
}

/** Next / previous line of a severity, from the cursor (the view's start when there is none). */
export async function seekSeverity(direction: 1 | -1, severities: SeverityName[]): Promise<NavResult> {
  const caseId = useCase.getState().caseId;
  if (!caseId) return { ok: false, reason: 'none' };
  const { view, cursorPos, total } = useViewer.getState();
  const from = cursorPos ?? (direction === 1 ? -1 : (total ?? 0));
  return jumpToFound(
    async () =>
      (
        await getWorkbench().seekLine({
          caseId,
          view,
          from,
          direction: direction === 1 ? 'next' : 'prev',
          severities,
        })
      ).lineId,
  );
}

/** Jumps to the line `find` answers (null: none there), reporting a failed read as an error. */
async function jumpToFound(find: () => Promise<number | null>): Promise<NavResult> {
  try {
    const lineId = await find();
    if (lineId === null) return { ok: false, reason: 'none' };
    useViewer.getState().jumpTo(lineId);
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: 'error', message: errorMessage(err) };
  }
}

export function stepFinding(direction: 1 | -1): Promise<NavResult> {
  return jumpToFound(async () => {
    const next = stepPlaced(await placedNow('findings'), useViewer.getState().cursorPos, direction);
    if (next) usePanelTabs.getState().show(panelOf(next.item));
    return next?.lineId ?? null;
  });
}

export function stepBookmark(direction: 1 | -1): Promise<NavResult> {
  return jumpToFound(
    async () =>
      stepPlaced(await placedNow('bookmarks'), useViewer.getState().cursorPos, direction)?.lineId ?? null,
  );
}

export function toggleBookmarkAtCursor(): NavResult {
  const cursor = useViewer.getState().cursor;
  if (!cursor) return { ok: false, reason: 'none' };
  useViewer.getState().toggleBookmark(cursor.lineId);
  return { ok: true };
}
