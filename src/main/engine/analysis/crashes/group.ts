/**
 * Groups repeats: drafts with the same signature become one incident with a count, the first
 * and last time, and the header line of each occurrence — all of them up to
 * OCCURRENCES_HEAD + OCCURRENCES_TAIL, else the first and the last ones with the total, so an
 * incident repeated 150,000 times stays a few KiB.
 */
import type { Incident, IncidentDetails, IncidentKind } from '../../../../shared/model/incident';
import { evidenceOf, type Evidence, type LineRef } from '../../../../shared/model/log';

/** Occurrences kept from the start of a repeated incident. */
export const OCCURRENCES_HEAD = 50;
/** Occurrences kept from its end. */
export const OCCURRENCES_TAIL = 50;

/** The first HEAD and the last TAIL items pushed, and how many there were. Memory stays bounded. */
export class HeadTail<T> {
  readonly head: T[] = [];
  private tail: T[] = [];
  /** Next write position in tail once it is full (a ring). */
  private at = 0;
  total = 0;
  constructor(
    readonly headMax = OCCURRENCES_HEAD,
    readonly tailMax = OCCURRENCES_TAIL,
  ) {}

  push(x: T): void {
    this.total++;
    if (this.head.length < this.headMax) this.head.push(x);
    else if (this.tail.length < this.tailMax) this.tail.push(x);
    else {
      this.tail[this.at] = x;
      this.at = (this.at + 1) % this.tailMax;
    }
  }

  get truncated(): boolean {
    return this.total > this.head.length + this.tail.length;
  }

  /** Head then tail, in the order they were pushed. */
  items(): T[] {
    return [...this.head, ...this.tail.slice(this.at), ...this.tail.slice(0, this.at)];
  }
}

export interface IncidentDraft {
  kind: IncidentKind;
  signature: string;
  summary: string;
  header: LineRef;
  lines: LineRef[];
  details: IncidentDetails;
  /** How many events this draft stands for (a flood counts its repeats itself). */
  count?: number;
  firstTs?: number | null;
  lastTs?: number | null;
  /**
   * Header lines of the occurrences this draft already stands for (first included, at most
   * OCCURRENCES_HEAD + OCCURRENCES_TAIL of them) and how many there were; the header alone when omitted.
   */
  occurrences?: readonly LineRef[];
  occurrencesTotal?: number;
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

function pushOccurrences(into: HeadTail<Evidence>, d: IncidentDraft, firstWhat: string): void {
  const lines = d.occurrences ?? [d.header];
  lines.forEach((l, i) => into.push(evidenceOf(l, i === 0 ? firstWhat : 'repeat')));
  // Occurrences the draft counted but no longer holds (it kept only its first and last ones).
  const dropped = (d.occurrencesTotal ?? lines.length) - lines.length;
  if (dropped > 0) into.total += dropped;
}

/**
 * groupDrafts as drafts come: push each draft once it is final (it is not changed after), then
 * finish. Memory is one incident and its bounded occurrences per signature, whatever the number
 * of drafts pushed.
 */
export class DraftGrouper {
  private readonly bySig = new Map<string, { inc: Incident; occ: HeadTail<Evidence> }>();

  push(d: IncidentDraft): void {
    const first = d.firstTs !== undefined ? d.firstTs : d.header.ts;
    const last = d.lastTs !== undefined ? d.lastTs : d.header.ts;
    const count = d.count ?? 1;
    const key = `${d.kind}\u0000${d.signature}`;
    const seen = this.bySig.get(key);
    if (seen) {
      seen.inc.count += count;
      seen.inc.firstTs = minTs(seen.inc.firstTs, first);
      seen.inc.lastTs = maxTs(seen.inc.lastTs, last);
      pushOccurrences(seen.occ, d, 'repeat');
      return;
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
      occurrences: [],
      details: d.details,
    };
    const occ = new HeadTail<Evidence>();
    pushOccurrences(occ, d, 'first occurrence');
    this.bySig.set(key, { inc, occ });
  }

  /** The incidents, one per kind and signature, in the order their first draft came. */
  finish(): Incident[] {
    const out: Incident[] = [];
    for (const { inc, occ } of this.bySig.values()) {
      inc.occurrences = occ.items();
      if (occ.truncated) {
        inc.occurrencesTruncated = true;
        inc.occurrencesTotal = occ.total;
      }
      out.push(inc);
    }
    this.bySig.clear();
    return out;
  }
}

export function groupDrafts(drafts: readonly IncidentDraft[]): Incident[] {
  const grouper = new DraftGrouper();
  for (const d of drafts) grouper.push(d);
  return grouper.finish();
}
