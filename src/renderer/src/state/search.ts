import { create } from 'zustand';
import { ApiError } from '../../../shared/api';
import type { LineView, SearchHit, SearchProgress } from '../../../shared/model/case';
import { errorMessage, getWorkbench } from '../api';
import { sameView, useViewer } from './viewer';

/**
 * The streaming search over the whole current view (issue 7): the engine sends batches as
 * `searchProgress` events; hits are listed, highlighted in the viewer and marked on the
 * overview ruler; next / previous hit walk them.
 */
export const HIT_LIMIT = 1000;

export interface SearchQuery {
  query: string;
  mode: 'text' | 'regex';
  caseSensitive: boolean;
}

interface SearchState {
  caseId: string | null;
  view: LineView | null;
  /** The query the hits belong to (what the viewer highlights). */
  shown: SearchQuery | null;
  searchId: string | null;
  hits: SearchHit[];
  total: number;
  scannedLines: number;
  totalLines: number;
  elapsedMs: number;
  running: boolean;
  cancelled: boolean;
  error: string | null;
  /** Index of the hit the viewer was last moved to. */
  current: number;
  run: (caseId: string, view: LineView, q: SearchQuery) => Promise<void>;
  cancel: () => void;
  clear: () => void;
  onProgress: (p: SearchProgress) => void;
  step: (direction: 1 | -1) => void;
}

/** Batches that arrived before startSearch answered with their id. */
const early = new Map<string, SearchProgress[]>();
let seq = 0;

export const useSearch = create<SearchState>((set, get) => ({
  caseId: null,
  view: null,
  shown: null,
  searchId: null,
  hits: [],
  total: 0,
  scannedLines: 0,
  totalLines: 0,
  elapsedMs: 0,
  running: false,
  cancelled: false,
  error: null,
  current: -1,

  run: async (caseId, view, q) => {
    get().cancel();
    const mine = ++seq;
    if (q.query.length === 0) {
      get().clear();
      return;
    }
    set({
      caseId,
      view,
      shown: q,
      searchId: null,
      hits: [],
      total: 0,
      scannedLines: 0,
      totalLines: 0,
      elapsedMs: 0,
      running: true,
      cancelled: false,
      error: null,
      current: -1,
    });
    const api = getWorkbench();
    const request = {
      caseId,
      view,
      query: q.query,
      mode: q.mode,
      caseSensitive: q.caseSensitive,
      limit: HIT_LIMIT,
    };
    try {
      const { searchId } = await api.startSearch(request);
      if (mine !== seq) {
        void api.cancelSearch({ searchId }).catch(() => undefined);
        return;
      }
      set({ searchId });
      const queued = early.get(searchId) ?? [];
      early.clear();
      for (const p of queued) get().onProgress(p);
    } catch (err) {
      if (mine !== seq) return;
      if (err instanceof ApiError && err.code === 'unsupported') {
        // A host without streaming search still answers the one-shot call over the whole view.
        try {
          const r = await api.search(request);
          if (mine === seq)
            set({ hits: r.hits, total: r.total, elapsedMs: r.elapsedMs, running: false, scannedLines: 0 });
        } catch (err2) {
          if (mine === seq) set({ running: false, error: errorMessage(err2) });
        }
        return;
      }
      set({ running: false, error: errorMessage(err) });
    }
  },

  cancel: () => {
    const { searchId, running } = get();
    seq++;
    if (searchId && running) {
      void getWorkbench()
        .cancelSearch({ searchId })
        .catch(() => undefined);
    }
    if (running) set({ running: false, cancelled: true });
  },

  clear: () => {
    seq++;
    set({
      shown: null,
      searchId: null,
      hits: [],
      total: 0,
      running: false,
      error: null,
      current: -1,
      cancelled: false,
    });
  },

  onProgress: (p) => {
    const { searchId, running } = get();
    if (searchId === null) {
      if (running) {
        const list = early.get(p.searchId) ?? [];
        list.push(p);
        early.set(p.searchId, list);
      }
      return;
    }
    if (p.searchId !== searchId) return;
    const hits = p.hits.length > 0 ? [...get().hits, ...p.hits] : get().hits;
    set({
      hits,
      total: p.total,
      scannedLines: p.scannedLines,
      totalLines: p.totalLines,
      elapsedMs: p.elapsedMs,
      running: !p.done,
      cancelled: p.cancelled,
      error: p.error,
    });
  },

  step: (direction) => {
    const { hits, current } = get();
    if (hits.length === 0) return;
    const { cursor, cursorPos } = useViewer.getState();
    let next: number;
    if (current >= 0 && hits[current] && cursor && hits[current].lineId === cursor.lineId) {
      next = current + direction;
    } else if (cursorPos !== null) {
      // From the cursor: the first hit after it (or before it, going back), in view order.
      const at = hits.findIndex((h) => h.position >= cursorPos);
      if (direction === 1) next = at === -1 ? hits.length : hits[at]?.position === cursorPos ? at + 1 : at;
      else next = (at === -1 ? hits.length : at) - 1;
    } else next = direction === 1 ? 0 : hits.length - 1;
    next = (next + hits.length) % hits.length;
    const hit = hits[next];
    if (!hit) return;
    set({ current: next });
    useViewer.getState().jumpTo(hit.lineId);
  },
}));

/** The hits to show for the current case and view (a search over another view is not shown). */
export function useCurrentSearch(caseId: string | null): boolean {
  const s = useSearch();
  const view = useViewer((v) => v.view);
  return s.caseId === caseId && s.view !== null && sameView(s.view, view);
}
