/** Reads the lines behind an incident from the case (time quality, and the block's text for click-through). */
import { useEffect, useState } from 'react';
import type { ViewLine } from '../../../../shared/model/case';
import type { Evidence } from '../../../../shared/model/log';
import { getWorkbench } from '../../api';
import { useCase } from '../../state/case';

/** A block longer than this is read only up to it: the decoded fields come from its head. */
const MAX_BLOCK_LINES = 600;

const cache = new Map<string, Promise<ViewLine[]>>();

function readRange(
  caseId: string,
  stamp: number,
  sourceId: number,
  firstLineNo: number,
  count: number,
): Promise<ViewLine[]> {
  const key = `${caseId}|${stamp}|${sourceId}|${firstLineNo}|${count}`;
  let p = cache.get(key);
  if (!p) {
    p = getWorkbench()
      .getLines({ caseId, view: { kind: 'source', sourceId }, start: firstLineNo - 1, count })
      .then((page) => page.lines);
    // A failed read is retried on the next render rather than remembered.
    p.catch(() => cache.delete(key));
    cache.set(key, p);
  }
  return p;
}

function useCaseKey(): { caseId: string | null; stamp: number } {
  const caseId = useCase((s) => (s.status === 'ready' ? s.caseId : null));
  const stamp = useCase((s) => s.summary?.updatedAt ?? 0);
  return { caseId, stamp };
}

/** The header line as stored (its time quality says whether the year or zone was inferred). */
export function useHeaderLine(ev: Evidence): ViewLine | null {
  const { caseId, stamp } = useCaseKey();
  const [line, setLine] = useState<ViewLine | null>(null);
  useEffect(() => {
    if (!caseId || ev.lineId <= 0) return;
    let live = true;
    readRange(caseId, stamp, ev.sourceId, ev.lineNo, 1)
      .then((lines) => {
        if (live) setLine(lines.find((l) => l.lineId === ev.lineId) ?? null);
      })
      .catch(() => {
        // Without the line the time is shown without its quality note.
      });
    return () => {
      live = false;
    };
  }, [caseId, stamp, ev.sourceId, ev.lineNo, ev.lineId]);
  return line;
}

/** The text of a block's lines (those of its source only), read when the card is expanded. */
export function useBlockLines(lines: readonly Evidence[], enabled: boolean): ViewLine[] {
  const { caseId, stamp } = useCaseKey();
  const [out, setOut] = useState<ViewLine[]>([]);
  const first = lines[0];
  let minNo = first?.lineNo ?? 0;
  let maxNo = minNo;
  for (const l of lines) {
    if (!first || l.sourceId !== first.sourceId) continue;
    if (l.lineNo < minNo) minNo = l.lineNo;
    if (l.lineNo > maxNo) maxNo = l.lineNo;
  }
  const sourceId = first?.sourceId ?? 0;
  const count = Math.min(MAX_BLOCK_LINES, maxNo - minNo + 1);
  useEffect(() => {
    if (!enabled || !caseId || minNo <= 0) return;
    let live = true;
    readRange(caseId, stamp, sourceId, minNo, count)
      .then((read) => {
        if (live) setOut(read);
      })
      .catch(() => {
        // Values then cite the block's header line.
      });
    return () => {
      live = false;
    };
  }, [enabled, caseId, stamp, sourceId, minNo, count]);
  return out;
}
