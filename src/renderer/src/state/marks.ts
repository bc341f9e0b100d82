import { create } from 'zustand';
import type { LineView } from '../../../shared/model/case';
import type { Finding } from '../../../shared/model/finding';
import { getWorkbench } from '../api';
import { firstLine, panelOf, stepPlaced, type Placed } from './span';

/**
 * Positions in the current view of the lines findings, notes and bookmarks point at: for the
 * overview ruler and for next / previous finding or bookmark in view order. Lines a filter
 * dropped are left out (locateLines answers null for them).
 */

interface MarksInput {
  caseId: string;
  view: LineView;
  findings: Finding[];
  bookmarks: number[];
  notes: number[];
}

interface MarksState {
  /** What the latest place() call asked for, and its key. */
  key: string;
  input: MarksInput | null;
  /** The key the placements below were computed for ('' before the first). */
  placedKey: string;
  findings: Placed<Finding>[];
  bookmarks: Placed<number>[];
  notes: Placed<number>[];
  place: (
    caseId: string,
    view: LineView,
    findings: Finding[],
    bookmarks: number[],
    notes: number[],
  ) => Promise<void>;
}

// One locateLines call per kind, at most MAX_PLACED marks each, started after the viewer's own
// first reads so they never queue behind these.
const MAX_PLACED = 300;
const START_DELAY_MS = 800;

async function placeAll<T>(
  caseId: string,
  view: LineView,
  items: { lineId: number; item: T }[],
  stale: () => boolean,
): Promise<Placed<T>[]> {
  const wanted = items.slice(0, MAX_PLACED);
  if (wanted.length === 0 || stale()) return [];
  const { positions } = await getWorkbench().locateLines({
    caseId,
    view,
    lineIds: wanted.map((w) => w.lineId),
  });
  const out: Placed<T>[] = [];
  wanted.forEach((w, i) => {
    const position = positions[i];
    if (position !== null && position !== undefined) out.push({ position, lineId: w.lineId, item: w.item });
  });
  return out.sort((a, b) => a.position - b.position);
}

const findingLines = (findings: Finding[]): { lineId: number; item: Finding }[] =>
  findings.flatMap((item) => {
    const lineId = firstLine(item);
    return lineId === null ? [] : [{ lineId, item }];
  });

export const useMarks = create<MarksState>((set, get) => ({
  key: '',
  input: null,
  placedKey: '',
  findings: [],
  bookmarks: [],
  notes: [],
  place: async (caseId, view, findings, bookmarks, notes) => {
    const key = JSON.stringify([caseId, view, findings.map((f) => f.findingKey), bookmarks, notes]);
    if (key === get().key) return;
    set({ key, input: { caseId, view, findings, bookmarks, notes } });
    const stale = (): boolean => get().key !== key;
    await new Promise((r) => setTimeout(r, START_DELAY_MS));
    if (stale()) return;
    try {
      const [f, b, n] = await Promise.all([
        placeAll(caseId, view, findingLines(findings), stale),
        placeAll(
          caseId,
          view,
          bookmarks.map((lineId) => ({ lineId, item: lineId })),
          stale,
        ),
        placeAll(
          caseId,
          view,
          notes.map((lineId) => ({ lineId, item: lineId })),
          stale,
        ),
      ]);
      if (!stale()) set({ placedKey: key, findings: f, bookmarks: b, notes: n });
    } catch (err) {
      console.error('placing marks failed:', err instanceof Error ? err.message : String(err));
    }
  },
}));

/**
 * The findings or bookmarks placed in the current view, for stepping to the next one. When the
 * background placement has not caught up with the view (it starts late on purpose, and a filter
 * or a new bookmark restarts it) they are placed now, so a key pressed right after opening a
 * case or changing the filter still lands on the right line.
 */
export async function placedNow(kind: 'findings'): Promise<Placed<Finding>[]>;
export async function placedNow(kind: 'bookmarks'): Promise<Placed<number>[]>;
export async function placedNow(kind: 'findings' | 'bookmarks'): Promise<Placed<Finding | number>[]> {
  const state = useMarks.getState();
  if (state.placedKey === state.key || !state.input) return state[kind];
  const { caseId, view, findings, bookmarks } = state.input;
  return kind === 'findings'
    ? placeAll(caseId, view, findingLines(findings), () => false)
    : placeAll(
        caseId,
        view,
        bookmarks.map((lineId) => ({ lineId, item: lineId })),
        () => false,
      );
}

export { panelOf, stepPlaced, type Placed };
