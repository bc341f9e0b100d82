/**
 * The case's lines on screen before the workbench's code has loaded. The boot chunk has the
 * case's first page (or the page at the remembered cursor) about a second before the workbench
 * chunk (React, Monaco: 3.5 MB to compile) has mounted; on a busy laptop that is seconds. Until
 * then the page shows those lines as plain text: the case's title, the line numbers, the text,
 * and the remembered cursor line marked. Read-only; the workbench replaces it when it mounts.
 * Log text goes in with textContent only (never HTML).
 */
import type { CaseSummary, LinePage } from '../../shared/model/case';
import type { CaseUiState } from '../../shared/model/view';
import { translate, useLang } from './i18n';
import { useLayout } from './state/layout';
import { viewOf } from './state/viewer';

let mounted = false;
let shown: HTMLElement | null = null;

/** Lines the first paint shows at most (a screenful; the page read holds more). */
const MAX_LINES = 80;
/** The first paint's line height and the header above the lines, in CSS px (styles.css). */
const ROW_PX = 19;
const HEADER_PX = 48;

/**
 * Lines that fit the window, counted without asking the browser for a layout: the first paint
 * is cut to them with the cursor in the middle, instead of scrolled there (a forced layout of the
 * whole page, 100–200 ms on a busy machine with the workbench's style sheets already loaded).
 */
function rowsThatFit(): number {
  return Math.max(10, Math.min(MAX_LINES, Math.floor((window.innerHeight - HEADER_PX) / ROW_PX)));
}

function darkTheme(): boolean {
  const choice = useLayout.getState().theme;
  if (choice !== 'system') return choice === 'dark';
  return window.matchMedia('(prefers-color-scheme: dark)').matches;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/**
 * Shows `page` in `container` unless the workbench has mounted (or a first paint is already
 * there). `cursorLineId` is the remembered cursor, marked when it is among the lines.
 */
export function showFirstPaint(
  container: HTMLElement,
  title: string,
  lineCount: number,
  page: LinePage,
  cursorLineId: number | null,
): void {
  if (mounted || shown || page.lines.length === 0) return;
  // Set only when it changes: any change restyles the whole page.
  const theme = darkTheme() ? 'dark' : 'light';
  if (document.documentElement.dataset.theme !== theme) document.documentElement.dataset.theme = theme;
  const lang = useLang.getState().lang;
  const root = el('div', 'first-paint');
  root.dataset.testid = 'first-paint';
  root.setAttribute('aria-busy', 'true');
  const header = el('div', 'first-paint-header');
  header.append(
    el('span', 'first-paint-brand', 'Postmortem'),
    el('span', 'first-paint-title', title),
    el(
      'span',
      'first-paint-status',
      translate(lang, 'firstPaint.loading', { lines: lineCount.toLocaleString(lang) }),
    ),
  );
  const lines = el('div', 'first-paint-lines');
  let lines0 = page.lines;
  const at = cursorLineId === null ? -1 : lines0.findIndex((l) => l.lineId === cursorLineId);
  // Around the cursor when there is one (the viewer centres it), else from the top.
  const rows = rowsThatFit();
  if (lines0.length > rows) {
    const from = at < 0 ? 0 : Math.max(0, Math.min(at - Math.floor(rows / 2), lines0.length - rows));
    lines0 = lines0.slice(from, from + rows);
  }
  for (const l of lines0) {
    const row = el('div', l.lineId === cursorLineId ? 'first-paint-line cursor' : 'first-paint-line');
    row.append(el('span', 'first-paint-num', String(l.lineId)), el('span', 'first-paint-text', l.text));
    lines.append(row);
  }
  root.append(header, lines);
  container.replaceChildren(root);
  shown = root;
}

/** The workbench is about to mount: no first paint from now on, and the one shown goes. */
export function endFirstPaint(): void {
  mounted = true;
  shown?.remove();
  shown = null;
}

/** The reads the case store sends ahead of the workbench, seen on their way to the viewer. */
export interface EarlyReads {
  ui: (answer: Promise<CaseUiState>) => Promise<CaseUiState>;
  top: (answer: Promise<LinePage>) => Promise<LinePage>;
  cursor: (answer: Promise<LinePage>) => Promise<LinePage>;
}

/**
 * Paints the page the viewer will open at as soon as it is read: the page at the remembered
 * cursor, or the top of the merged view when there is no cursor and no remembered view or
 * filter (any other view's top is not read ahead). Each answer is passed on untouched.
 */
export function earlyReads(summary: CaseSummary): EarlyReads {
  const container = document.getElementById('root');
  let state: CaseUiState | null = null;
  let top: LinePage | null = null;
  const paint = (page: LinePage, cursor: number | null): void => {
    if (container) showFirstPaint(container, summary.title, summary.lineCount, page, cursor);
  };
  const plainTop = (s: CaseUiState): boolean =>
    s.cursorLineId === null && viewOf(s.viewSource, s.filter).kind === 'merged';
  const seen = <T>(answer: Promise<T>, use: (v: T) => void): Promise<T> => {
    answer.then(use, () => undefined);
    return answer;
  };
  return {
    ui: (answer) =>
      seen(answer, (s) => {
        state = s;
        if (top && plainTop(s)) paint(top, null);
      }),
    top: (answer) =>
      seen(answer, (page) => {
        top = page;
        if (state && plainTop(state)) paint(page, null);
      }),
    cursor: (answer) => seen(answer, (page) => paint(page, state?.cursorLineId ?? null)),
  };
}
