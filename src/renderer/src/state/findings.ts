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

/** A finding's span of cited lines, computed once per findings list. */
export interface Span {
  key: string;
  lo: number;
  hi: number;
}

function spansOf(findings: readonly Finding[]): Span[] {
  const out: Span[] = [];
  for (const f of findings) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const e of f.evidence) {
      if (e.lineId <= 0) continue;
      if (e.lineId < lo) lo = e.lineId;
      if (e.lineId > hi) hi = e.lineId;
    }
    if (lo <= hi) out.push({ key: f.findingKey, lo, hi });
  }
  return out;
}

const NO_KEYS: ReadonlySet<string> = new Set();

/**
 * The keys of the findings whose span holds `lineId`; `prev` is returned when the membership is
 * the same, so subscribers see a new value only when a highlight changes.
 */
export function keysAt(
  spans: readonly Span[],
  lineId: number | null,
  prev: ReadonlySet<string>,
): ReadonlySet<string> {
  if (lineId === null) return prev.size === 0 ? prev : NO_KEYS;
  let keys: string[] | null = null;
  for (const s of spans) if (lineId >= s.lo && lineId <= s.hi) (keys ??= []).push(s.key);
  if (keys === null) return prev.size === 0 ? prev : NO_KEYS;
  if (keys.length === prev.size && keys.every((k) => prev.has(k))) return prev;
  return new Set(keys);
}

/**
 * The keys of the findings at the cursor, kept up to date from the viewer's cursor and the
 * findings, and replaced only when the membership changes: a cursor move inside (or outside) the
 * same spans re-renders nothing.
 */
export const useCursorKeys = create<{ keys: ReadonlySet<string> }>(() => ({ keys: NO_KEYS }));

let spans: Span[] = [];
let spansOfList: readonly Finding[] | null = null;
function refreshCursorKeys(): void {
  const findings = useFindings.getState().findings;
  if (findings !== spansOfList) {
    spans = spansOf(findings);
    spansOfList = findings;
  }
  const prev = useCursorKeys.getState().keys;
  const keys = keysAt(spans, useViewer.getState().cursor?.lineId ?? null, prev);
  if (keys !== prev) useCursorKeys.setState({ keys });
}
useViewer.subscribe((s, before) => {
  if (s.cursor?.lineId !== before.cursor?.lineId) refreshCursorKeys();
});
useFindings.subscribe((s, before) => {
  if (s.findings !== before.findings) refreshCursorKeys();
});

/** Keys of the findings whose span holds the cursor (the same Set while the membership is unchanged). */
export function useFindingKeysAtCursor(): ReadonlySet<string> {
  return useCursorKeys((s) => s.keys);
}

/** Whether the finding with this key is at the cursor (re-renders only when that changes). */
export function useFindingAtCursor(findingKey: string): boolean {
  return useCursorKeys((s) => s.keys.has(findingKey));
}

/** True while the cursor is inside the span of these cited lines (for panels with their own models). */
export function useCursorIn(lineIds: readonly number[]): boolean {
  return useViewer((s) => spanContains(lineIds, s.cursor));
}
