import { create } from 'zustand';
import type { ViewLine } from '../../../shared/model/case';
import { zoneFromLine, zoneLabel } from '../time';

/**
 * The case's zone as read back from its lines (see time.ts): learned from the first line the
 * viewer reads that prints its own time; null until then, and times show in UTC, labelled so.
 */
interface ClockState {
  caseId: string | null;
  offsetMin: number | null;
  fromLineId: number | null;
  learn: (caseId: string, lines: readonly ViewLine[]) => void;
}

export const useClock = create<ClockState>((set, get) => ({
  caseId: null,
  offsetMin: null,
  fromLineId: null,
  learn: (caseId, lines) => {
    if (get().caseId === caseId && get().offsetMin !== null) return;
    if (get().caseId !== caseId) set({ caseId, offsetMin: null, fromLineId: null });
    for (const line of lines) {
      const offset = zoneFromLine(line.text, line.ts, line.tsQuality);
      if (offset !== null) {
        set({ offsetMin: offset, fromLineId: line.lineId });
        return;
      }
    }
  },
}));

/**
 * A UTC instant as the machine's wall clock once the case's zone is known (UTC until then):
 * the Date to format with `timeZone: 'UTC'`, and the zone's label. Panels call `useClock` for
 * the offset so they re-render when it is learned.
 */
export function wallClock(ts: number): { date: Date; zone: string } {
  const off = useClock.getState().offsetMin;
  return { date: new Date(ts + (off ?? 0) * 60_000), zone: zoneLabel(off) };
}
