import { beforeEach, describe, expect, it } from 'vitest';
import type { Evidence } from '../../../src/shared/model/log';
import { EMPTY_FILTER } from '../../../src/shared/model/view';
import { incidentContains, spanContains, stepPlaced } from '../../../src/renderer/src/state/span';
import { useViewer, viewOf } from '../../../src/renderer/src/state/viewer';

describe('viewOf', () => {
  it('is the merged or one-source view without a filter', () => {
    expect(viewOf(null, EMPTY_FILTER)).toEqual({ kind: 'merged' });
    expect(viewOf(3, EMPTY_FILTER)).toEqual({ kind: 'source', sourceId: 3 });
  });

  it('narrows a filter to the chosen source', () => {
    const f = { ...EMPTY_FILTER, programs: ['kernel'] };
    expect(viewOf(null, f)).toEqual({ kind: 'filtered', filter: f });
    expect(viewOf(3, f)).toEqual({ kind: 'filtered', filter: { ...f, sourceIds: [3] } });
    expect(viewOf(3, { ...f, sourceIds: [2, 3] })).toEqual({
      kind: 'filtered',
      filter: { ...f, sourceIds: [3] },
    });
  });
});

describe('jump history and bookmarks', () => {
  beforeEach(() => useViewer.getState().reset());

  it('records where jumps came from; back and forward walk it', () => {
    const v = useViewer.getState;
    v().setCursor({ lineId: 10, ts: null }, 9);
    v().jumpTo(500);
    v().setCursor({ lineId: 500, ts: null }, 499);
    v().jumpTo(900);
    v().setCursor({ lineId: 900, ts: null }, 899);
    expect(v().back).toEqual([10, 500]);
    v().goBack();
    expect(v().jump?.lineId).toBe(500);
    v().setCursor({ lineId: 500, ts: null }, 499);
    v().goBack();
    expect(v().jump?.lineId).toBe(10);
    v().setCursor({ lineId: 10, ts: null }, 9);
    expect(v().forward).toEqual([900, 500]);
    v().goForward();
    expect(v().jump?.lineId).toBe(500);
    // A new jump drops the forward list.
    v().setCursor({ lineId: 500, ts: null }, 499);
    v().jumpTo(42);
    expect(v().forward).toEqual([]);
  });

  it('toggles bookmarks in the order they were set', () => {
    const v = useViewer.getState;
    v().toggleBookmark(7);
    v().toggleBookmark(3);
    v().toggleBookmark(9);
    v().toggleBookmark(3);
    expect(v().bookmarks).toEqual([7, 9]);
  });

  it('keeps the filter when the source changes, and drops it for a plain view', () => {
    const v = useViewer.getState;
    v().setFilter({ ...EMPTY_FILTER, hosts: ['db-primary'] });
    v().setSource(2);
    expect(v().view).toEqual({
      kind: 'filtered',
      filter: { ...EMPTY_FILTER, hosts: ['db-primary'], sourceIds: [2] },
    });
    v().setView({ kind: 'merged' });
    expect(v().view).toEqual({ kind: 'merged' });
    expect(v().filter).toEqual(EMPTY_FILTER);
  });
});

describe('stepPlaced and spanContains', () => {
  const placed = [10, 20, 30].map((position) => ({ position, lineId: position + 1, item: position }));

  it('steps in view order from a position and wraps around', () => {
    expect(stepPlaced(placed, 15, 1)?.position).toBe(20);
    expect(stepPlaced(placed, 20, 1)?.position).toBe(30);
    expect(stepPlaced(placed, 30, 1)?.position).toBe(10);
    expect(stepPlaced(placed, 15, -1)?.position).toBe(10);
    expect(stepPlaced(placed, 10, -1)?.position).toBe(30);
    expect(stepPlaced(placed, null, 1)?.position).toBe(10);
    expect(stepPlaced([], 5, 1)).toBeNull();
  });

  it('holds the cursor between the first and last cited line', () => {
    expect(spanContains([105, 101, 140], { lineId: 120, ts: null })).toBe(true);
    expect(spanContains([105, 101, 140], { lineId: 141, ts: null })).toBe(false);
    expect(spanContains([0, 0], { lineId: 0, ts: null })).toBe(false);
    expect(spanContains([5], null)).toBe(false);
    // A crash incident: its first block, or the header of a later occurrence.
    const ev = (lineId: number): Evidence => ({
      sourceId: 1,
      sourcePath: 'var/log/kern.log',
      lineNo: lineId,
      lineId,
    });
    const incident = { lines: [ev(200), ev(201), ev(230)], occurrences: [ev(200), ev(900)] };
    expect(incidentContains(incident, { lineId: 215, ts: null })).toBe(true);
    expect(incidentContains(incident, { lineId: 900, ts: null })).toBe(true);
    expect(incidentContains(incident, { lineId: 901, ts: null })).toBe(false);
    expect(incidentContains(incident, { lineId: 231, ts: null })).toBe(false);
    expect(incidentContains(incident, null)).toBe(false);
  });
});
