import type { Engine } from '../../src/main/engine/engine';
import type { LineView, ViewLine } from '../../src/shared/model/case';

/** Every line of a view, read page by page through the engine (`page` lines at a time). */
export async function allLines(
  e: Engine,
  caseId: string,
  view: LineView = { kind: 'merged' },
  page = 5000,
): Promise<ViewLine[]> {
  const out: ViewLine[] = [];
  for (let start = 0; ; start += page) {
    const p = await e.getLines({ caseId, view, start, count: page });
    out.push(...p.lines);
    if (start + page >= p.total) return out;
  }
}
