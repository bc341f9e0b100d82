/** Pure helpers of the report editor (no DOM, no store): unit-tested in Node. */
import type { ReportDraft, ReportEdits, ReportSection } from '../../../shared/model/report';

/** What the case keeps of the draft: everything the engineer can change. */
export function editsOf(draft: ReportDraft): ReportEdits {
  return {
    lang: draft.lang,
    title: draft.title,
    customer: draft.customer,
    host: draft.host,
    windowFrom: draft.windowFrom,
    windowTo: draft.windowTo,
    sections: draft.sections.map((s) => ({ id: s.id, title: s.title, body: s.body, enabled: s.enabled })),
    excerptAnnotationIds: draft.excerptAnnotationIds,
  };
}

/** Moves one item of a list to an index (clamped), keeping the others in order. */
export function moveTo<T>(list: T[], from: number, to: number): T[] {
  if (from < 0 || from >= list.length) return list;
  const target = Math.max(0, Math.min(list.length - 1, to));
  if (target === from) return list;
  const next = list.slice();
  const [item] = next.splice(from, 1);
  next.splice(target, 0, item as T);
  return next;
}

/** The host's generated texts (they may change with the edits, e.g. excerpts) under our edits. */
export function mergeGenerated(local: ReportDraft, saved: ReportDraft): ReportSection[] {
  const generated = new Map(saved.sections.map((s) => [s.id, s.generated]));
  return local.sections.map((s) => ({ ...s, generated: generated.get(s.id) ?? s.generated }));
}
