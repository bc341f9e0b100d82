import { useMemo } from 'react';
import { create } from 'zustand';
import type { Annotation } from '../../../shared/model/annotation';
import type { Finding } from '../../../shared/model/finding';
import { errorMessage, getWorkbench } from '../api';
import { whenPainted } from '../viewer/first-page';
import { useCase } from './case';
import { evidenceLineIds, findingContains, firstLine, sortFindings, spanContains } from './span';
import { useViewer } from './viewer';

/**
 * The open case's findings and annotations, for the viewer's glyphs, the overview ruler, the
 * timeline markers and next / previous finding; and the selectors panels use to highlight the
 * findings whose span holds the shared cursor.
 */
interface FindingsState {
  caseId: string | null;
  stamp: number | null;
  findings: Finding[];
  annotations: Annotation[];
  error: string | null;
  load: (caseId: string, stamp: number) => Promise<void>;
  reloadAnnotations: () => Promise<void>;
}

export const useFindings = create<FindingsState>((set, get) => ({
  caseId: null,
  stamp: null,
  findings: [],
  annotations: [],
  error: null,
  load: async (caseId, stamp) => {
    if (get().caseId === caseId && get().stamp === stamp) return;
    set({
      caseId,
      stamp,
      error: null,
      ...(get().caseId !== caseId ? { findings: [], annotations: [] } : {}),
    });
    const api = getWorkbench();
    // Thousands of findings take seconds to read and send: after the viewer's first lines.
    await whenPainted(caseId);
    if (get().caseId !== caseId || get().stamp !== stamp) return;
    try {
      const [findings, annotations] = await Promise.all([
        api.listFindings({ caseId }),
        api.listAnnotations({ caseId }),
      ]);
      if (get().caseId === caseId) set({ findings: sortFindings(findings), annotations });
    } catch (err) {
      if (get().caseId === caseId) set({ error: errorMessage(err) });
    }
  },
  reloadAnnotations: async () => {
    const caseId = get().caseId;
    if (!caseId) return;
    try {
      const annotations = await getWorkbench().listAnnotations({ caseId });
      if (get().caseId === caseId) set({ annotations });
    } catch (err) {
      set({ error: errorMessage(err) });
    }
  },
}));

useCase.subscribe((s) => {
  if (s.status === 'ready' && s.caseId && s.summary)
    void useFindings.getState().load(s.caseId, s.summary.updatedAt);
});

export { evidenceLineIds, findingContains, firstLine, sortFindings, spanContains };

/** Keys of the findings whose span holds the cursor (stable identity while the set is unchanged). */
export function useFindingKeysAtCursor(): ReadonlySet<string> {
  const lineId = useViewer((s) => s.cursor?.lineId ?? null);
  const findings = useFindings((s) => s.findings);
  return useMemo(() => {
    const cursor = lineId === null ? null : { lineId, ts: null };
    return new Set(findings.filter((f) => findingContains(f, cursor)).map((f) => f.findingKey));
  }, [lineId, findings]);
}

/** True while the cursor is inside the span of these cited lines (for panels with their own models). */
export function useCursorIn(lineIds: readonly number[]): boolean {
  return useViewer((s) => spanContains(lineIds, s.cursor));
}
