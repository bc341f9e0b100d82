/**
 * Next / previous bookmark and finding (nav.ts) right after a case opens or the view changes,
 * before the background placement of marks (state/marks.ts) has caught up: the step places what
 * it needs at once, in the current view, instead of finding nothing or using the old view's
 * positions. (CI once pressed U 2 s after a reload and nothing moved.) This folder holds renderer
 * tests that import DOM-typed modules; tsconfig.web.json typechecks them.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LineView } from '../../../src/shared/model/case';
import { EMPTY_FILTER } from '../../../src/shared/model/view';

/** Positions of line ids in two views: the merged one and a filtered one that drops line 30. */
const POSITIONS: Record<string, Record<number, number>> = {
  merged: { 10: 4, 30: 90, 50: 20 },
  filtered: { 10: 3, 50: 15 },
};
const calls: string[] = [];

vi.mock('../../../src/renderer/src/api', () => ({
  errorMessage: (err: unknown) => String(err),
  getWorkbench: () => ({
    locateLines: async ({ view, lineIds }: { view: LineView; lineIds: number[] }) => {
      const name = view.kind;
      for (const lineId of lineIds) calls.push(`${name}:${lineId}`);
      return { positions: lineIds.map((lineId) => POSITIONS[name]![lineId] ?? null) };
    },
  }),
}));

// The case store paints early lines through the DOM and i18n; nothing here opens a case.
vi.mock('../../../src/renderer/src/first-paint', () => ({ earlyReads: () => null }));

const { useMarks } = await import('../../../src/renderer/src/state/marks');
const { stepBookmark } = await import('../../../src/renderer/src/nav');
const { useViewer } = await import('../../../src/renderer/src/state/viewer');

const MERGED: LineView = { kind: 'merged' };
const FILTERED: LineView = {
  kind: 'filtered',
  filter: { ...EMPTY_FILTER, exclude: [{ pattern: 'containerd', mode: 'text', caseSensitive: false }] },
};

function jumped(): number | null {
  return useViewer.getState().jump?.lineId ?? null;
}

afterEach(() => {
  calls.length = 0;
});

describe('stepping through bookmarks before the marks are placed', () => {
  it('places the bookmarks at once and lands on the next one in view order', async () => {
    // place() waits before it starts; the key press comes first.
    void useMarks.getState().place('c1', MERGED, [], [30, 10, 50], []);
    expect(useMarks.getState().placedKey).toBe('');
    useViewer.setState({ cursorPos: 5 });
    expect(await stepBookmark(1)).toEqual({ ok: true });
    // In view order 10@4, 50@20, 30@90: the next after position 5 is line 50.
    expect(jumped()).toBe(50);
    expect(calls.sort()).toEqual(['merged:10', 'merged:30', 'merged:50']);
  });

  it('uses the new view after a filter change, not the old positions', async () => {
    useMarks.setState({
      key: 'old',
      placedKey: 'old',
      bookmarks: [
        { position: 4, lineId: 10, item: 10 },
        { position: 90, lineId: 30, item: 30 },
      ],
    });
    void useMarks.getState().place('c1', FILTERED, [], [10, 30, 50], []);
    useViewer.setState({ cursorPos: 16 });
    expect(await stepBookmark(1)).toEqual({ ok: true });
    // Line 30 is filtered out; after position 16 the ring wraps to line 10 at 3.
    expect(jumped()).toBe(10);
    expect(await stepBookmark(-1)).toEqual({ ok: true });
    expect(jumped()).toBe(50);
  });

  it('says none when no bookmark is in the view', async () => {
    void useMarks.getState().place('c1', FILTERED, [], [30], []);
    expect(await stepBookmark(1)).toEqual({ ok: false, reason: 'none' });
  });
});
