/**
 * Reopening a case at its remembered cursor (viewer/first-page.ts primeRestore): the UI state,
 * the cursor's position in its view and the lines around it are asked for one after the other
 * as soon as the case is open, and each is handed to its taker once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { GetLinesRequest } from '../../../src/shared/api';
import type { LinePage, LineView } from '../../../src/shared/model/case';
import { EMPTY_FILTER, type CaseUiState } from '../../../src/shared/model/view';
import {
  primeRestore,
  QUICK_LINES,
  quickRequest,
  resetFirstPage,
  takePrimed,
  takePrimedLocate,
  takePrimedUiState,
} from '../../../src/renderer/src/viewer/first-page';

const STATE: CaseUiState = {
  cursorLineId: 4242,
  viewSource: 2,
  filter: EMPTY_FILTER,
  openPanel: null,
  layout: { left: 240, right: 460, bottom: 170 },
  bookmarks: [],
};

function fakeApi(
  state: CaseUiState,
  position: number | null,
): {
  calls: string[];
  api: Parameters<typeof primeRestore>[0];
} {
  const calls: string[] = [];
  return {
    calls,
    api: {
      getUiState: ({ caseId }) => {
        calls.push(`getUiState ${caseId}`);
        return Promise.resolve(state);
      },
      locateLine: ({ view, lineId }) => {
        calls.push(`locateLine ${JSON.stringify(view)} ${lineId}`);
        return Promise.resolve({ position });
      },
      getLines: (req: GetLinesRequest) => {
        calls.push(`getLines ${req.start} ${req.count}`);
        const page: LinePage = { view: req.view, start: req.start, total: 10_000, lines: [] };
        return Promise.resolve(page);
      },
    },
  };
}

const flush = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

describe('reopening at the remembered cursor', () => {
  afterEach(() => resetFirstPage());

  it('asks for the state, then the position in its view, then the lines around it', async () => {
    const { calls, api } = fakeApi(STATE, 5000);
    primeRestore(api, 'c1');
    await flush();
    const view: LineView = { kind: 'source', sourceId: 2 };
    expect(calls).toEqual([
      'getUiState c1',
      `locateLine ${JSON.stringify(view)} 4242`,
      `getLines ${5000 - QUICK_LINES / 2} ${QUICK_LINES}`,
    ]);
    expect(await takePrimedUiState('c1')).toEqual(STATE);
    expect(takePrimedUiState('c1')).toBeNull();
    expect(takePrimedLocate('c1', { kind: 'merged' }, 4242)).toBeNull();
    expect(await takePrimedLocate('c1', view, 4242)).toEqual({ position: 5000 });
    // The viewer's own request for the lines around position 5000 takes the primed page.
    expect(takePrimed(quickRequest('c1', view, 5000))).not.toBeNull();
    expect(takePrimed(quickRequest('c1', view, 5000))).toBeNull();
  });

  it('stops at the state when there is no cursor, and at the position when the line is not in the view', async () => {
    const none = fakeApi({ ...STATE, cursorLineId: null }, 1);
    primeRestore(none.api, 'c2');
    await flush();
    expect(none.calls).toEqual(['getUiState c2']);

    const gone = fakeApi(STATE, null);
    primeRestore(gone.api, 'c3');
    await flush();
    expect(gone.calls).toHaveLength(2);
    expect(quickRequest('c3', { kind: 'merged' }, 10)).toEqual({
      caseId: 'c3',
      view: { kind: 'merged' },
      start: 0,
      count: QUICK_LINES,
    });
  });
});
