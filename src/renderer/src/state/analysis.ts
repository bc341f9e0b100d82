import { create } from 'zustand';
import type { CaseAnalysis } from '../../../shared/model/analysis';
import { errorMessage, getWorkbench } from '../api';
import { whenPainted } from '../viewer/first-page';
import { useCase } from './case';

/**
 * The open case's analysis (OOM reports, incidents, boots, system facts): fetched when the
 * case or its summary changes (an ingest that finished re-runs the analysers).
 */
interface AnalysisState {
  caseId: string | null;
  /** `updatedAt` of the case summary the analysis was read for. */
  stamp: number | null;
  analysis: CaseAnalysis | null;
  loading: boolean;
  error: string | null;
  load: (caseId: string, stamp: number) => Promise<void>;
}

export const useAnalysis = create<AnalysisState>((set, get) => ({
  caseId: null,
  stamp: null,
  analysis: null,
  loading: false,
  error: null,
  load: async (caseId, stamp) => {
    if (get().caseId === caseId && get().stamp === stamp && (get().analysis || get().loading)) return;
    set({
      caseId,
      stamp,
      loading: true,
      error: null,
      ...(get().caseId !== caseId ? { analysis: null } : {}),
    });
    try {
      // A large case's analysis is megabytes: read after the viewer's first lines.
      await whenPainted(caseId);
      if (get().caseId !== caseId || get().stamp !== stamp) return;
      const analysis = await getWorkbench().getAnalysis({ caseId });
      if (get().caseId === caseId) set({ analysis, loading: false });
    } catch (err) {
      if (get().caseId === caseId) set({ loading: false, error: errorMessage(err) });
    }
  },
}));

// Follow the case store: a new case, or a summary of a finished ingest, means a new analysis.
// Also run once now: this module may be loaded lazily, after the case is already open.
function follow(s: ReturnType<typeof useCase.getState>): void {
  if (s.status === 'ready' && s.caseId && s.summary && s.summary.state === 'complete') {
    void useAnalysis.getState().load(s.caseId, s.summary.updatedAt);
  }
}
useCase.subscribe(follow);
follow(useCase.getState());
