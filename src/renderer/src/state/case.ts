import { create } from 'zustand';
import type { CaseInfo, CaseSummary } from '../../../shared/model/case';
import { errorMessage, getWorkbench } from '../api';
import { earlyReads } from '../first-paint';
import { primeFirstPage, primeRestore } from '../viewer/first-page';
import { useViewer } from './viewer';

/** The open case: its id, its summary (sources, counts) and the other cases the host knows. */
interface CaseState {
  status: 'starting' | 'loading' | 'ready' | 'none' | 'error';
  caseId: string | null;
  summary: CaseSummary | null;
  cases: CaseInfo[];
  canPickFiles: boolean;
  error: string | null;
  start: () => Promise<void>;
  open: (caseId: string) => Promise<void>;
  refresh: () => Promise<void>;
}

export const useCase = create<CaseState>((set, get) => ({
  status: 'starting',
  caseId: null,
  summary: null,
  cases: [],
  canPickFiles: false,
  error: null,

  start: async () => {
    const api = getWorkbench();
    try {
      const listing = api.listCases({});
      // Awaited below; this only keeps a failure from being reported as unhandled meanwhile.
      listing.catch(() => undefined);
      const info = await api.appInfo({});
      set({ canPickFiles: info.canPickFiles });
      // The host's initial case opens without waiting for the list of cases (one round trip less).
      const opening = info.initialCaseId ? get().open(info.initialCaseId) : null;
      const cases = await listing;
      set({ cases });
      if (opening) await opening;
      else if (cases[0]) await get().open(cases[0].caseId);
      else set({ status: 'none' });
    } catch (err) {
      set({ status: 'error', error: errorMessage(err) });
    }
  },

  open: async (caseId) => {
    if (get().caseId !== caseId) useViewer.getState().reset();
    set({ status: 'loading', caseId, error: null });
    try {
      const api = getWorkbench();
      const summary = await api.caseSummary({ caseId });
      if (get().caseId !== caseId) return;
      // The viewer's first lines go to the engine before the reads the other stores start on 'ready'.
      // Both are also painted as plain text if they arrive before the workbench has mounted.
      const early = earlyReads(summary);
      primeFirstPage((req) => early.top(api.getLines(req)), caseId);
      primeRestore(
        {
          getUiState: (req) => early.ui(api.getUiState(req)),
          locateLine: (req) => api.locateLine(req),
          getLines: (req) => early.cursor(api.getLines(req)),
        },
        caseId,
      );
      set({ status: 'ready', summary });
    } catch (err) {
      if (get().caseId !== caseId) return;
      set({ status: 'error', summary: null, error: errorMessage(err) });
    }
  },

  refresh: async () => {
    const { caseId } = get();
    const api = getWorkbench();
    try {
      const cases = await api.listCases({});
      set({ cases });
      if (!caseId) {
        const first = cases[0]?.caseId;
        if (first) await get().open(first);
        return;
      }
      const summary = await api.caseSummary({ caseId });
      if (get().caseId === caseId) set({ status: 'ready', summary });
    } catch (err) {
      set({ error: errorMessage(err) });
    }
  },
}));
