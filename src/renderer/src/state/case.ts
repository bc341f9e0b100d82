import { create } from 'zustand';
import type { CaseInfo, CaseSummary } from '../../../shared/model/case';
import { errorMessage, getWorkbench } from '../api';
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
      const [info, cases] = await Promise.all([api.appInfo({}), api.listCases({})]);
      set({ cases, canPickFiles: info.canPickFiles });
      const first = info.initialCaseId ?? cases[0]?.caseId ?? null;
      if (first) await get().open(first);
      else set({ status: 'none' });
    } catch (err) {
      set({ status: 'error', error: errorMessage(err) });
    }
  },

  open: async (caseId) => {
    if (get().caseId !== caseId) useViewer.getState().reset();
    set({ status: 'loading', caseId, error: null });
    try {
      const summary = await getWorkbench().caseSummary({ caseId });
      if (get().caseId !== caseId) return;
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
