/** The Crash panel's one timeline: pure (no React, no styles), unit-tested. */
import type { Annotation } from '../../../../shared/model/annotation';
import type { CrashArtefact, Incident } from '../../../../shared/model/incident';

/** Notes about a time rather than a line (shown between the cards). */
export function isTimeNote(a: Annotation): boolean {
  return a.lineId === null && a.anchor === null && a.spanStart !== null;
}

export function dumpKey(a: CrashArtefact): string {
  return `${a.kind}|${a.path}|${a.pid ?? ''}|${a.evidence[0]?.lineNo ?? 0}`;
}

export type TimelineEntry =
  | { type: 'incident'; ts: number | null; key: string; incident: Incident }
  | { type: 'dump'; ts: number | null; key: string; artefact: CrashArtefact }
  | { type: 'note'; ts: number; key: string; note: Annotation };

const TYPE_ORDER = { incident: 0, dump: 1, note: 2 } as const;

/**
 * One timeline of the incident: kernel incidents and process deaths, dumps with a time, and the
 * engineer's notes about a time, in time order (stable; untimed incidents last).
 */
export function crashTimeline(
  incidents: readonly Incident[],
  crashes: readonly CrashArtefact[],
  notes: readonly Annotation[],
): TimelineEntry[] {
  const entries: TimelineEntry[] = [
    ...incidents.map((incident): TimelineEntry => ({
      type: 'incident',
      ts: incident.firstTs ?? incident.ts,
      key: `i|${incident.kind}|${incident.line.sourceId}|${incident.line.lineNo}`,
      incident,
    })),
    ...crashes
      .filter((a) => a.ts !== null)
      .map((artefact): TimelineEntry => ({
        type: 'dump',
        ts: artefact.ts,
        key: `d|${dumpKey(artefact)}`,
        artefact,
      })),
    ...notes.filter(isTimeNote).map((note): TimelineEntry => ({
      type: 'note',
      ts: note.spanStart!,
      key: `n|${note.annotationId}`,
      note,
    })),
  ];
  return entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => {
      const ta = a.e.ts;
      const tb = b.e.ts;
      if (ta === null || tb === null) return ta === tb ? a.i - b.i : ta === null ? 1 : -1;
      return ta - tb || TYPE_ORDER[a.e.type] - TYPE_ORDER[b.e.type] || a.i - b.i;
    })
    .map((x) => x.e);
}
