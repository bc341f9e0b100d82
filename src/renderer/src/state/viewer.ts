import { create } from 'zustand';
import type { LineView } from '../../../shared/model/case';
import { EMPTY_FILTER, isEmptyFilter, type LineFilter } from '../../../shared/model/view';

/**
 * The shared cursor every panel reads (issue 7 links all panels through it), the view the
 * viewer shows (one source or all, narrowed by the filter chips), jump requests any component
 * can make, the jump history (back / forward) and the bookmarks.
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

/** A jump to a position of the current view (scrollbar, seek) rather than to a line id. */
export interface PositionRequest {
  position: number;
  seq: number;
}

const HISTORY_MAX = 200;

interface ViewerState {
  /** `null` for all sources merged in time order, else one source id. */
  viewSource: number | null;
  filter: LineFilter;
  /** Derived from viewSource and filter; what the viewer, search and counts run over. */
  view: LineView;
  cursor: Cursor | null;
  /** Position of the cursor's line in the current view, when the viewer knows it. */
  cursorPos: number | null;
  jump: JumpRequest | null;
  jumpPosition: PositionRequest | null;
  /** Lines jumped from (most recent last) and jumped back over. */
  back: number[];
  forward: number[];
  bookmarks: number[];
  /** Lines in the current view (from the last page read). */
  total: number | null;
  setView: (view: LineView) => void;
  setSource: (sourceId: number | null) => void;
  setFilter: (filter: LineFilter) => void;
  setCursor: (cursor: Cursor, position?: number) => void;
  /** Moves the viewer to a line and selects it; the line the cursor was on goes into history. */
  jumpTo: (lineId: number) => void;
  jumpToPosition: (position: number) => void;
  goBack: () => void;
  goForward: () => void;
  toggleBookmark: (lineId: number) => void;
  setBookmarks: (bookmarks: number[]) => void;
  setTotal: (total: number) => void;
  reset: () => void;
}

/** The view for a source choice and a filter: a filter narrows to the chosen source through `sourceIds`. */
export function viewOf(viewSource: number | null, filter: LineFilter): LineView {
  if (isEmptyFilter(filter))
    return viewSource === null ? { kind: 'merged' } : { kind: 'source', sourceId: viewSource };
  if (viewSource === null) return { kind: 'filtered', filter };
  // Sources chosen in a chip and the source chosen on the left both narrow: keep their intersection.
  const sourceIds =
    filter.sourceIds.length === 0 ? [viewSource] : filter.sourceIds.filter((id) => id === viewSource);
  return {
    kind: 'filtered',
    filter: { ...filter, sourceIds: sourceIds.length > 0 ? sourceIds : [viewSource] },
  };
}

/** A case opens on the merged view with nothing selected, filtered or bookmarked. */
const INITIAL = {
  viewSource: null,
  filter: EMPTY_FILTER,
  view: { kind: 'merged' },
  cursor: null,
  cursorPos: null,
  jump: null,
  jumpPosition: null,
  back: [],
  forward: [],
  bookmarks: [],
  total: null,
} satisfies Partial<ViewerState>;

export const useViewer = create<ViewerState>((set, get) => ({
  ...INITIAL,
  setView: (view) => {
    // Kept for panels that ask for a plain view: merged or one source, without the filter.
    if (view.kind === 'merged')
      set({ viewSource: null, filter: EMPTY_FILTER, view: viewOf(null, EMPTY_FILTER) });
    else if (view.kind === 'source')
      set({ viewSource: view.sourceId, filter: EMPTY_FILTER, view: viewOf(view.sourceId, EMPTY_FILTER) });
    else set({ filter: view.filter, view: viewOf(get().viewSource, view.filter) });
  },
  setSource: (viewSource) => {
    if (viewSource === get().viewSource) return;
    set({ viewSource, view: viewOf(viewSource, get().filter) });
  },
  setFilter: (filter) => set({ filter, view: viewOf(get().viewSource, filter) }),
  setCursor: (cursor, position) => {
    const cur = get().cursor;
    const pos = position ?? null;
    if (cur && cur.lineId === cursor.lineId && cur.ts === cursor.ts && get().cursorPos === pos) return;
    set({ cursor, cursorPos: pos });
  },
  jumpTo: (lineId) => {
    const { cursor, back } = get();
    const from = cursor?.lineId;
    set({
      jump: { lineId, seq: (get().jump?.seq ?? 0) + 1 },
      ...(from !== undefined && from !== lineId
        ? { back: [...back, from].slice(-HISTORY_MAX), forward: [] }
        : {}),
    });
  },
  jumpToPosition: (position) => {
    const { cursor, back } = get();
    set({
      jumpPosition: { position, seq: (get().jumpPosition?.seq ?? 0) + 1 },
      ...(cursor ? { back: [...back, cursor.lineId].slice(-HISTORY_MAX), forward: [] } : {}),
    });
  },
  goBack: () => {
    const { back, forward, cursor, jump } = get();
    const to = back[back.length - 1];
    if (to === undefined) return;
    set({
      back: back.slice(0, -1),
      forward: cursor ? [...forward, cursor.lineId] : forward,
      jump: { lineId: to, seq: (jump?.seq ?? 0) + 1 },
    });
  },
  goForward: () => {
    const { back, forward, cursor, jump } = get();
    const to = forward[forward.length - 1];
    if (to === undefined) return;
    set({
      forward: forward.slice(0, -1),
      back: cursor ? [...back, cursor.lineId] : back,
      jump: { lineId: to, seq: (jump?.seq ?? 0) + 1 },
    });
  },
  toggleBookmark: (lineId) => {
    const marks = get().bookmarks;
    set({ bookmarks: marks.includes(lineId) ? marks.filter((m) => m !== lineId) : [...marks, lineId] });
  },
  setBookmarks: (bookmarks) => set({ bookmarks }),
  setTotal: (total) => {
    if (get().total !== total) set({ total });
  },
  reset: () => set(INITIAL),
}));

export function sameView(a: LineView, b: LineView): boolean {
  if (a.kind === 'source' && b.kind === 'source') return a.sourceId === b.sourceId;
  if (a.kind === 'filtered' && b.kind === 'filtered')
    return JSON.stringify(a.filter) === JSON.stringify(b.filter);
  return a.kind === b.kind;
}
