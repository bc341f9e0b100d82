import { create } from 'zustand';
import type { LineView } from '../../../shared/model/case';

/**
 * The shared cursor every panel reads (issue 7 links all panels through it), the view the
 * viewer shows, and jump requests any component can make.
 */
export interface Cursor {
  lineId: number;
  ts: number | null;
}

export interface JumpRequest {
  lineId: number;
  /** Increments on every request so jumping twice to the same line still moves the viewer. */
  seq: number;
}

interface ViewerState {
  view: LineView;
  cursor: Cursor | null;
  jump: JumpRequest | null;
  setView: (view: LineView) => void;
  setCursor: (cursor: Cursor) => void;
  jumpTo: (lineId: number) => void;
  reset: () => void;
}

export const useViewer = create<ViewerState>((set, get) => ({
  view: { kind: 'merged' },
  cursor: null,
  jump: null,
  setView: (view) => set({ view }),
  setCursor: (cursor) => {
    const cur = get().cursor;
    if (cur && cur.lineId === cursor.lineId && cur.ts === cursor.ts) return;
    set({ cursor });
  },
  jumpTo: (lineId) => set({ jump: { lineId, seq: (get().jump?.seq ?? 0) + 1 } }),
  reset: () => set({ view: { kind: 'merged' }, cursor: null, jump: null }),
}));

export function sameView(a: LineView, b: LineView): boolean {
  if (a.kind === 'source' && b.kind === 'source') return a.sourceId === b.sourceId;
  if (a.kind === 'filtered' && b.kind === 'filtered')
    return JSON.stringify(a.filter) === JSON.stringify(b.filter);
  return a.kind === b.kind;
}
