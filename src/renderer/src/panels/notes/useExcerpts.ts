import { useEffect, useState } from 'react';
import type { CaseSummary, SourceInfo, ViewLine } from '../../../../shared/model/case';
import { getWorkbench } from '../../api';

export type Excerpt = { state: 'ok'; line: ViewLine } | { state: 'missing' };

/** The source holding a global line id (sources own contiguous ranges of ids). */
export function sourceOfLine(sources: SourceInfo[], lineId: number): SourceInfo | null {
  for (const s of sources) {
    if (s.firstLineId === null) continue;
    if (lineId >= s.firstLineId && lineId < s.firstLineId + s.lineCount) return s;
  }
  return null;
}

/**
 * Reads the anchored line of each note (text, time and how the time was obtained) from its
 * source, once per line id; the list shows them as the excerpt and the note's time.
 */
export function useExcerpts(
  caseId: string | null,
  summary: CaseSummary | null,
  lineIds: number[],
): Map<number, Excerpt> {
  const [got, setGot] = useState<{ caseId: string | null; map: Map<number, Excerpt> }>({
    caseId: null,
    map: new Map(),
  });
  const wanted = [...new Set(lineIds)].sort((a, b) => a - b).join(',');

  useEffect(() => {
    if (!caseId || !summary || !wanted) return;
    const known = got.caseId === caseId ? got.map : new Map<number, Excerpt>();
    const missing = wanted
      .split(',')
      .map(Number)
      .filter((id) => !known.has(id));
    if (missing.length === 0) return;
    let live = true;
    const api = getWorkbench();
    void Promise.all(
      missing.map(async (lineId): Promise<[number, Excerpt]> => {
        const source = sourceOfLine(summary.sources, lineId);
        if (!source || source.firstLineId === null) return [lineId, { state: 'missing' }];
        const view = { kind: 'source' as const, sourceId: source.sourceId };
        try {
          // A source view lists the source in file order, so the position is the id's offset.
          let page = await api.getLines({ caseId, view, start: lineId - source.firstLineId, count: 1 });
          if (page.lines[0]?.lineId !== lineId) {
            const { position } = await api.locateLine({ caseId, view, lineId });
            if (position === null) return [lineId, { state: 'missing' }];
            page = await api.getLines({ caseId, view, start: position, count: 1 });
          }
          const line = page.lines[0];
          return line && line.lineId === lineId
            ? [lineId, { state: 'ok', line }]
            : [lineId, { state: 'missing' }];
        } catch {
          return [lineId, { state: 'missing' }];
        }
      }),
    ).then((entries) => {
      if (!live) return;
      setGot((prev) => {
        const map = new Map(prev.caseId === caseId ? prev.map : []);
        for (const [id, ex] of entries) map.set(id, ex);
        return { caseId, map };
      });
    });
    return () => {
      live = false;
    };
    // `got` is read only to skip known lines; re-running on it would loop.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [caseId, summary, wanted]);

  return got.caseId === caseId ? got.map : new Map();
}
