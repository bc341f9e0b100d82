import { create } from 'zustand';
import type { LineView } from '../../../shared/model/case';
import type { Finding } from '../../../shared/model/finding';
import { getWorkbench } from '../api';
import { firstLine, panelOf, stepPlaced, type Placed } from './span';

/**
 * Positions in the current view of the lines findings, notes and bookmarks point at: for the
 * overview ruler and for next / previous finding or bookmark in view order. Lines a filter
 * dropped are left out (locateLine answers null for them).
 */

interface MarksState {
  key: string;
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

// One locateLine per mark (the contract has no batch call): bounded, few at a time, and started
// after the viewer's own first reads so they never queue behind these.
const MAX_PLACED = 300;
const PARALLEL = 2;
const START_DELAY_MS = 800;

async function placeAll<T>(
  caseId: string,
  view: LineView,
  items: { lineId: number; item: T }[],
  stale: () => boolean,
): Promise<Placed<T>[]> {
  const api = getWorkbench();
  const out: Placed<T>[] = [];
  const queue = items.slice(0, MAX_PLACED);
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next && !stale(); next = queue.shift()) {
      const { position } = await api.locateLine({ caseId, view, lineId: next.lineId });
      if (position !== null) out.push({ position, lineId: next.lineId, item: next.item });
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return out.sort((a, b) => a.position - b.position);
}

export const useMarks = create<MarksState>((set, get) => ({
  key: '',
  findings: [],
  bookmarks: [],
  notes: [],
  place: async (caseId, view, findings, bookmarks, notes) => {
    const key = JSON.stringify([caseId, view, findings.map((f) => f.findingKey), bookmarks, notes]);
    if (key === get().key) return;
    set({ key });
    const stale = (): boolean => get().key !== key;
    await new Promise((r) => setTimeout(r, START_DELAY_MS));
    if (stale()) return;
    try {
      const [f, b, n] = await Promise.all([
        placeAll(
          caseId,
          view,
          findings.flatMap((item) => {
            const lineId = firstLine(item);
            return lineId === null ? [] : [{ lineId, item }];
          }),
          stale,
        ),
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
      if (!stale()) set({ findings: f, bookmarks: b, notes: n });
    } catch (err) {
      console.error('placing marks failed:', err instanceof Error ? err.message : String(err));
    }
  },
}));

export { panelOf, stepPlaced, type Placed };
