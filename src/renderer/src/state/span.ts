/**
 * Which cited lines a finding spans, and whether the shared cursor is inside them. Pure (no
 * stores, no DOM) so panels, the viewer and unit tests share one definition.
 */
import type { Finding } from '../../../shared/model/finding';
import type { Incident } from '../../../shared/model/incident';
import type { PanelId } from '../panels/registry';
import type { Cursor } from './viewer';

/** Global line ids a finding cites (those the engine resolved). */
export function evidenceLineIds(f: Pick<Finding, 'evidence'>): number[] {
  return f.evidence.map((e) => e.lineId).filter((id) => id > 0);
}

export function firstLine(f: Pick<Finding, 'evidence'>): number | null {
  const ids = evidenceLineIds(f);
  return ids.length > 0 ? Math.min(...ids) : null;
}

/** Findings in evidence order (first evidence line), so next / previous walk the case. */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort((a, b) => (firstLine(a) ?? Infinity) - (firstLine(b) ?? Infinity));
}

/**
 * Whether a span of cited lines holds the cursor: the cursor's line lies between the first and the
 * last cited line. Global line ids of one source are consecutive, so a report's lines form a span.
 */
export function spanContains(lineIds: readonly number[], cursor: Cursor | null): boolean {
  if (!cursor || lineIds.length === 0) return false;
  let lo = Infinity;
  let hi = -Infinity;
  for (const id of lineIds) {
    if (id <= 0) continue;
    if (id < lo) lo = id;
    if (id > hi) hi = id;
  }
  return cursor.lineId >= lo && cursor.lineId <= hi;
}

export function findingContains(f: Pick<Finding, 'evidence'>, cursor: Cursor | null): boolean {
  return spanContains(evidenceLineIds(f), cursor);
}

/**
 * Whether the cursor is on a crash incident: inside the block of its first occurrence (a kernel
 * report's lines, a segfault's line and its code line), or on the header line of another of its
 * occurrences (a repeat of the same report, a flood's later burst).
 */
export function incidentContains(i: Pick<Incident, 'lines' | 'occurrences'>, cursor: Cursor | null): boolean {
  if (!cursor) return false;
  if (
    spanContains(
      i.lines.map((e) => e.lineId),
      cursor,
    )
  )
    return true;
  return i.occurrences.some((e) => e.lineId > 0 && e.lineId === cursor.lineId);
}

/** A line placed in the current view: its position (0-based) and what it carries. */
export interface Placed<T> {
  position: number;
  lineId: number;
  item: T;
}

/** The next (or previous) placed item after a position, wrapping around. */
export function stepPlaced<T>(
  placed: readonly Placed<T>[],
  from: number | null,
  direction: 1 | -1,
): Placed<T> | null {
  if (placed.length === 0) return null;
  const at = from ?? (direction === 1 ? -1 : Infinity);
  if (direction === 1) return placed.find((p) => p.position > at) ?? placed[0] ?? null;
  for (let i = placed.length - 1; i >= 0; i--) if (placed[i]!.position < at) return placed[i]!;
  return placed[placed.length - 1] ?? null;
}

/** The panel a finding is explained in. */
export function panelOf(f: Pick<Finding, 'kind'>): PanelId {
  switch (f.kind) {
    case 'oom':
      return 'oom';
    case 'boot':
      return 'reboots';
    default:
      return 'crash';
  }
}
