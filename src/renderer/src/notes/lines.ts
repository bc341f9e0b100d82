/**
 * The anchored line of each note (text, time and how the time was obtained), read once per
 * line id and shared by everything that shows notes: the Notes panel (excerpt and time), the
 * timeline (a note's marker sits at its line's time) and the Crash panel's timeline.
 */
import { useEffect, useMemo } from 'react';
import { create } from 'zustand';
import type { Annotation } from '../../../shared/model/annotation';
import type { CaseSummary, SourceInfo, ViewLine } from '../../../shared/model/case';
import { getWorkbench } from '../api';

export type Excerpt = { state: 'ok'; line: ViewLine } | { state: 'missing' };

/** The source holding a global line id (sources own contiguous ranges of ids). */
export function sourceOfLine(sources: readonly SourceInfo[], lineId: number): SourceInfo | null {
  for (const s of sources) {
    if (s.firstLineId === null) continue;
    if (lineId >= s.firstLineId && lineId < s.firstLineId + s.lineCount) return s;
  }
  return null;
}

interface NoteLinesState {
  caseId: string | null;
  lines: Map<number, Excerpt>;
}

export const useNoteLines = create<NoteLinesState>(() => ({ caseId: null, lines: new Map() }));

const inFlight = new Set<string>();

async function readLine(caseId: string, summary: CaseSummary, lineId: number): Promise<Excerpt> {
  const source = sourceOfLine(summary.sources, lineId);
  if (!source || source.firstLineId === null) return { state: 'missing' };
  const api = getWorkbench();
  const view = { kind: 'source' as const, sourceId: source.sourceId };
  try {
    // A source view lists the source in file order, so the position is the id's offset.
    let page = await api.getLines({ caseId, view, start: lineId - source.firstLineId, count: 1 });
    if (page.lines[0]?.lineId !== lineId) {
      const { position } = await api.locateLine({ caseId, view, lineId });
      if (position === null) return { state: 'missing' };
      page = await api.getLines({ caseId, view, start: position, count: 1 });
    }
    const line = page.lines[0];
    return line && line.lineId === lineId ? { state: 'ok', line } : { state: 'missing' };
  } catch {
    return { state: 'missing' };
  }
}

/** Reads the lines not known yet (each once, even when several components ask). */
export async function ensureNoteLines(
  caseId: string,
  summary: CaseSummary,
  lineIds: readonly number[],
): Promise<void> {
  const st = useNoteLines.getState();
  if (st.caseId !== caseId) useNoteLines.setState({ caseId, lines: new Map() });
  const known = useNoteLines.getState().lines;
  const missing = [...new Set(lineIds)].filter((id) => !known.has(id) && !inFlight.has(`${caseId}:${id}`));
  if (missing.length === 0) return;
  for (const id of missing) inFlight.add(`${caseId}:${id}`);
  const got = await Promise.all(
    missing.map(async (id) => [id, await readLine(caseId, summary, id)] as const),
  );
  for (const id of missing) inFlight.delete(`${caseId}:${id}`);
  if (useNoteLines.getState().caseId !== caseId) return;
  const lines = new Map(useNoteLines.getState().lines);
  for (const [id, ex] of got) lines.set(id, ex);
  useNoteLines.setState({ lines });
}

/** The anchored lines of these notes' line ids, read on demand; the map fills as they arrive. */
export function useNoteExcerpts(
  caseId: string | null,
  summary: CaseSummary | null,
  lineIds: readonly number[],
): Map<number, Excerpt> {
  const wanted = [...new Set(lineIds)].sort((a, b) => a - b).join(',');
  useEffect(() => {
    if (!caseId || !summary || !wanted) return;
    void ensureNoteLines(caseId, summary, wanted.split(',').map(Number));
  }, [caseId, summary, wanted]);
  const have = useNoteLines((s) => (s.caseId === caseId ? s.lines : null));
  return useMemo(() => have ?? new Map<number, Excerpt>(), [have]);
}

/** The UTC time a note is about: its span's start, else its line's time; null when neither is known. */
export function noteTs(note: Annotation, excerpt: Excerpt | undefined): number | null {
  if (note.spanStart !== null) return note.spanStart;
  if (excerpt?.state === 'ok') return excerpt.line.ts;
  return null;
}
