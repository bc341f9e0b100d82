import { useEffect, useState } from 'react';
import { whenPainted } from '../viewer/first-page';
import { useCase } from './case';

/**
 * True once the open case's first lines are painted (or there is no case to paint, or the
 * viewer took longer than whenPainted's timeout). Regions not needed to read the first lines
 * (timeline, panels, report editor) render from then on, so their code loads after the paint.
 */
export function useAfterFirstPaint(): boolean {
  const caseId = useCase((s) => s.caseId);
  const status = useCase((s) => s.status);
  const [painted, setPainted] = useState<string | null>(null);
  const noCase = status === 'none' || (status === 'error' && caseId === null);
  useEffect(() => {
    if (!caseId) return;
    let live = true;
    void whenPainted(caseId).then(() => {
      if (live) setPainted(caseId);
    });
    return () => {
      live = false;
    };
  }, [caseId]);
  return noCase || painted !== null;
}
