import type { CaseUiState } from '../../../shared/model/view';
import { errorMessage, getWorkbench } from '../api';
import { takePrimedUiState } from '../viewer/first-page';
import { usePanelTabs } from './panels';
import type { PanelId } from '../panels/registry';
import { useCase } from './case';
import { DEFAULT_LAYOUT, useLayout } from './layout';
import { useViewer, viewOf } from './viewer';

/**
 * What the case remembers of the workbench (cursor, view, filter, open panel, layout, bookmarks):
 * read with getUiState when a case opens, written back with saveUiState, debounced, whenever
 * one of them changes. Nothing is written for a case before its state was read.
 */
const SAVE_DELAY_MS = 600;
const PANEL_IDS: PanelId[] = ['oom', 'reboots', 'crash', 'notes'];

let restoredFor: string | null = null;
let loadingFor: string | null = null;
let timer: ReturnType<typeof setTimeout> | null = null;
let lastSaved = '';
let lastError: string | null = null;

export function persistError(): string | null {
  return lastError;
}

function snapshot(): CaseUiState {
  const v = useViewer.getState();
  const active = usePanelTabs.getState().active;
  return {
    cursorLineId: v.cursor?.lineId ?? null,
    viewSource: v.viewSource,
    filter: v.filter,
    openPanel: active ? `panel-${active}` : null,
    layout: useLayout.getState().sizes,
    bookmarks: v.bookmarks,
  };
}

function apply(state: CaseUiState): void {
  const panel = state.openPanel?.replace(/^panel-/, '') as PanelId | undefined;
  if (panel && PANEL_IDS.includes(panel)) usePanelTabs.getState().show(panel);
  useLayout.getState().setSizes(state.layout ?? DEFAULT_LAYOUT);
  const cursorLineId = state.cursorLineId;
  useViewer.setState({
    viewSource: state.viewSource,
    filter: state.filter,
    view: viewOf(state.viewSource, state.filter),
    bookmarks: state.bookmarks,
    ...(cursorLineId !== null ? { cursor: { lineId: cursorLineId, ts: null } } : {}),
  });
  if (cursorLineId !== null) {
    const jump = useViewer.getState().jump;
    useViewer.setState({ jump: { lineId: cursorLineId, seq: (jump?.seq ?? 0) + 1 } });
  }
}

function schedule(): void {
  const caseId = useCase.getState().caseId;
  if (!caseId || restoredFor !== caseId) return;
  if (timer) clearTimeout(timer);
  timer = setTimeout(() => {
    timer = null;
    if (useCase.getState().caseId !== caseId) return;
    const state = snapshot();
    const text = JSON.stringify(state);
    if (text === lastSaved) return;
    lastSaved = text;
    getWorkbench()
      .saveUiState({ caseId, state })
      .then(() => {
        lastError = null;
      })
      .catch((err: unknown) => {
        lastError = errorMessage(err);
        console.error('saveUiState failed:', lastError);
      });
  }, SAVE_DELAY_MS);
}

async function restore(caseId: string): Promise<void> {
  if (loadingFor === caseId || restoredFor === caseId) return;
  loadingFor = caseId;
  try {
    // The case store asked for it with the case's first lines (first-page.ts).
    const state = await (takePrimedUiState(caseId) ?? getWorkbench().getUiState({ caseId }));
    if (useCase.getState().caseId !== caseId) return;
    lastSaved = JSON.stringify(state);
    apply(state);
    restoredFor = caseId;
  } catch (err) {
    lastError = errorMessage(err);
    console.error('getUiState failed:', lastError);
  } finally {
    if (loadingFor === caseId) loadingFor = null;
  }
}

let started = false;

/** Starts following the stores (once). */
export function startPersistence(): void {
  if (started) return;
  started = true;
  useCase.subscribe((s, prev) => {
    if (s.caseId !== prev.caseId) restoredFor = null;
    if (s.status === 'ready' && s.caseId) void restore(s.caseId);
  });
  useViewer.subscribe((s, prev) => {
    if (
      s.cursor !== prev.cursor ||
      s.filter !== prev.filter ||
      s.viewSource !== prev.viewSource ||
      s.bookmarks !== prev.bookmarks
    )
      schedule();
  });
  useLayout.subscribe((s, prev) => {
    if (s.sizes !== prev.sizes) schedule();
  });
  usePanelTabs.subscribe((s, prev) => {
    if (s.active !== prev.active) schedule();
  });
}
