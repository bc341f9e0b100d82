/**
 * Groups repeats: drafts with the same signature become one incident with a count, the first
 * and last time, and the header line of every occurrence.
 */
import type { Incident, IncidentDetails, IncidentKind } from '../../../../shared/model/incident';
import { evidenceOf, type RecordLine } from '../../../../shared/model/log';

export interface IncidentDraft {
  kind: IncidentKind;
  signature: string;
  summary: string;
  header: RecordLine;
  lines: RecordLine[];
  details: IncidentDetails;
  /** How many events this draft stands for (a flood counts its repeats itself). */
  count?: number;
  firstTs?: number | null;
  lastTs?: number | null;
}

function minTs(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

function maxTs(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}

export function groupDrafts(drafts: readonly IncidentDraft[]): Incident[] {
  const bySig = new Map<string, Incident>();
  const out: Incident[] = [];
  for (const d of drafts) {
    const first = d.firstTs !== undefined ? d.firstTs : d.header.ts;
    const last = d.lastTs !== undefined ? d.lastTs : d.header.ts;
    const count = d.count ?? 1;
    const key = `${d.kind}\u0000${d.signature}`;
    const seen = bySig.get(key);
    if (seen) {
      seen.count += count;
      seen.firstTs = minTs(seen.firstTs, first);
      seen.lastTs = maxTs(seen.lastTs, last);
      seen.occurrences.push(evidenceOf(d.header, 'repeat'));
      continue;
    }
    const inc: Incident = {
      kind: d.kind,
      ts: first,
      source: d.header.sourcePath,
      line: evidenceOf(d.header, 'header'),
      signature: d.signature,
      count,
      firstTs: first,
      lastTs: last,
      summary: d.summary,
      lines: d.lines.map((l) => evidenceOf(l)),
      occurrences: [evidenceOf(d.header, 'first occurrence')],
      details: d.details,
    };
    bySig.set(key, inc);
    out.push(inc);
  }
  return out;
}
