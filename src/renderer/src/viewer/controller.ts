/**
 * The imperative side of the log viewer: one Monaco editor over a read-only model that holds a
 * window of a view's lines (see window.ts), with real global line ids in the gutter.
 * Kept out of React so that scrolling, fetching and model swaps never re-render components.
 */
import type { WorkbenchApi } from '../../../shared/api';
import type { LinePage, LineView, ViewLine } from '../../../shared/model/case';
import type { Cursor } from '../state/viewer';
import { monaco } from './monaco';
import { shiftedWindowStart, WINDOW_SIZE, windowStartAround } from './window';

export type ViewerStatus =
  | { kind: 'loading' }
  | { kind: 'ready'; total: number }
  | { kind: 'error'; message: string }
  | { kind: 'not-in-view'; lineId: number };

export interface ViewerCallbacks {
  onCursor: (cursor: Cursor) => void;
  onStatus: (status: ViewerStatus) => void;
  /** Lines of hover text (plain text) for a line of the window. */
  describe: (line: ViewLine) => string[];
}

interface Window {
  start: number;
  total: number;
  lines: ViewLine[];
  byId: Map<number, number>;
}

type Api = Pick<WorkbenchApi, 'getLines' | 'locateLine'>;

const IMMEDIATE = monaco.editor.ScrollType.Immediate;
// Monaco splits lines on CR as well as LF; a stray one inside a record would shift every line
// number after it, so it is shown as a visible control picture instead.
const LINE_BREAK = /[\r\n]/g;
const MARKDOWN_SPECIAL = /[\\`*_{}[\]()#+\-.!|<>~&]/g;

function displayText(text: string): string {
  if (!text.includes('\r') && !text.includes('\n')) return text;
  return text.replace(LINE_BREAK, (c) => (c === '\r' ? '\u240d' : '\u240a'));
}

export class LogViewerController {
  private readonly editor: monaco.editor.IStandaloneCodeEditor;
  private readonly model: monaco.editor.ITextModel;
  private readonly disposables: monaco.IDisposable[] = [];
  private win: Window = { start: 0, total: 0, lines: [], byId: new Map() };
  private caseId: string | null = null;
  private view: LineView = { kind: 'merged' };
  /** Bumped by every fetch; an answer for an older generation is dropped. */
  private gen = 0;
  private busy = false;
  /** True while the model is swapped, so Monaco's own cursor resets do not move the shared cursor. */
  private quiet = false;

  constructor(
    host: HTMLElement,
    private readonly api: Api,
    private readonly callbacks: ViewerCallbacks,
  ) {
    this.model = monaco.editor.createModel('', 'plaintext');
    this.editor = monaco.editor.create(host, {
      model: this.model,
      readOnly: true,
      domReadOnly: true,
      lineNumbers: (n) => {
        const line = this.win.lines[n - 1];
        return line ? String(line.lineId) : '';
      },
      lineNumbersMinChars: 9,
      glyphMargin: false,
      folding: false,
      minimap: { enabled: false },
      wordWrap: 'off',
      scrollBeyondLastLine: false,
      renderLineHighlight: 'all',
      occurrencesHighlight: 'off',
      automaticLayout: true,
      fontSize: 13,
      links: true,
      contextmenu: true,
      stickyScroll: { enabled: false },
      unicodeHighlight: { ambiguousCharacters: false, invisibleCharacters: true, nonBasicASCII: false },
    });
    this.disposables.push(
      this.editor.onDidChangeCursorPosition((e) => {
        if (this.quiet) return;
        const line = this.win.lines[e.position.lineNumber - 1];
        if (line) this.callbacks.onCursor({ lineId: line.lineId, ts: line.ts });
      }),
      this.editor.onDidScrollChange(() => this.maybeShift()),
      monaco.languages.registerHoverProvider('plaintext', {
        provideHover: (model, position) => {
          if (model !== this.model) return null;
          const line = this.win.lines[position.lineNumber - 1];
          if (!line) return null;
          return {
            range: new monaco.Range(
              position.lineNumber,
              1,
              position.lineNumber,
              model.getLineMaxColumn(position.lineNumber),
            ),
            contents: this.callbacks.describe(line).map((text) => ({
              value: text.replace(MARKDOWN_SPECIAL, (c) => `\\${c}`),
              isTrusted: false,
              supportHtml: false,
            })),
          };
        },
      }),
    );
  }

  setDark(dark: boolean): void {
    monaco.editor.setTheme(dark ? 'vs-dark' : 'vs');
  }

  /** Opens a view, placed on `lineId` when it is in that view, else on the view's first line. */
  async show(caseId: string, view: LineView, lineId: number | null): Promise<void> {
    this.caseId = caseId;
    this.view = view;
    await this.load(lineId, false);
  }

  /** Moves to a line and selects it; says so when the line is not in the current view. */
  async jumpTo(lineId: number): Promise<void> {
    const index = this.win.byId.get(lineId);
    if (index !== undefined) {
      this.select(index + 1);
      this.callbacks.onStatus({ kind: 'ready', total: this.win.total });
      return;
    }
    await this.load(lineId, true);
  }

  /** Re-reads the current window (after an ingest changed the view), keeping the top line. */
  async refresh(): Promise<void> {
    if (!this.caseId) return;
    await this.fetchAndSwap(this.win.start, true);
  }

  focus(): void {
    this.editor.focus();
  }

  dispose(): void {
    this.gen++;
    for (const d of this.disposables) d.dispose();
    this.editor.dispose();
    this.model.dispose();
  }

  private async load(lineId: number | null, isJump: boolean): Promise<void> {
    const caseId = this.caseId;
    if (!caseId) return;
    const view = this.view;
    const gen = ++this.gen;
    this.busy = true;
    if (!isJump) this.callbacks.onStatus({ kind: 'loading' });
    try {
      let position: number | null = null;
      if (lineId !== null) {
        position = (await this.api.locateLine({ caseId, view, lineId })).position;
        if (gen !== this.gen) return;
        if (position === null && isJump) {
          this.callbacks.onStatus({ kind: 'not-in-view', lineId });
          return;
        }
      }
      const target = position ?? 0;
      let page = await this.api.getLines({
        caseId,
        view,
        start: Math.max(0, target - Math.floor(WINDOW_SIZE / 2)),
        count: WINDOW_SIZE,
      });
      if (gen !== this.gen) return;
      const start = windowStartAround(target, page.total);
      if (start !== page.start) {
        page = await this.api.getLines({ caseId, view, start, count: WINDOW_SIZE });
        if (gen !== this.gen) return;
      }
      this.swap(page);
      if (position !== null) this.select(position - page.start + 1);
      else this.editor.setScrollTop(0, IMMEDIATE);
      this.callbacks.onStatus({ kind: 'ready', total: page.total });
    } catch (err) {
      if (gen === this.gen)
        this.callbacks.onStatus({ kind: 'error', message: err instanceof Error ? err.message : String(err) });
    } finally {
      if (gen === this.gen) this.busy = false;
    }
  }

  private maybeShift(): void {
    if (this.busy || !this.caseId) return;
    const ranges = this.editor.getVisibleRanges();
    const first = ranges[0];
    const last = ranges[ranges.length - 1];
    if (!first || !last) return;
    const w = this.win;
    const next = shiftedWindowStart(
      w.start + first.startLineNumber - 1,
      w.start + last.endLineNumber - 1,
      w.start,
      w.lines.length,
      w.total,
    );
    if (next !== null) void this.fetchAndSwap(next, false);
  }

  private async fetchAndSwap(start: number, force: boolean): Promise<void> {
    const caseId = this.caseId;
    if (!caseId) return;
    const gen = ++this.gen;
    this.busy = true;
    try {
      const page = await this.api.getLines({ caseId, view: this.view, start, count: WINDOW_SIZE });
      if (gen !== this.gen) return;
      if (!force && page.start === this.win.start && page.lines.length === this.win.lines.length) return;
      // Measured after the fetch: the user may have scrolled further while it was in flight.
      const anchor = this.topAnchor();
      const selection = this.absoluteSelection();
      this.swap(page);
      this.restoreTop(anchor);
      this.restoreSelection(selection);
      this.callbacks.onStatus({ kind: 'ready', total: page.total });
    } catch (err) {
      if (gen === this.gen)
        this.callbacks.onStatus({ kind: 'error', message: err instanceof Error ? err.message : String(err) });
    } finally {
      if (gen === this.gen) {
        this.busy = false;
        // A fast scroll can already be near the new window's edge.
        this.maybeShift();
      }
    }
  }

  private swap(page: LinePage): void {
    const byId = new Map<number, number>();
    const texts = new Array<string>(page.lines.length);
    page.lines.forEach((line, i) => {
      byId.set(line.lineId, i);
      texts[i] = displayText(line.text);
    });
    this.quiet = true;
    try {
      this.win = { start: page.start, total: page.total, lines: page.lines, byId };
      this.model.setValue(texts.join('\n'));
    } finally {
      this.quiet = false;
    }
  }

  private select(modelLine: number): void {
    const max = this.model.getLineCount();
    const n = Math.min(Math.max(1, modelLine), max);
    this.editor.revealLineInCenter(n, IMMEDIATE);
    this.editor.setSelection(new monaco.Selection(n, this.model.getLineMaxColumn(n), n, 1));
  }

  /** The view position of the top visible line and how far it is scrolled past. */
  private topAnchor(): { position: number; offset: number } | null {
    const first = this.editor.getVisibleRanges()[0];
    if (!first) return null;
    const line = first.startLineNumber;
    return {
      position: this.win.start + line - 1,
      offset: this.editor.getScrollTop() - this.editor.getTopForLineNumber(line),
    };
  }

  private restoreTop(anchor: { position: number; offset: number } | null): void {
    if (!anchor) return;
    const line = anchor.position - this.win.start + 1;
    if (line < 1 || line > this.model.getLineCount()) return;
    this.editor.setScrollTop(this.editor.getTopForLineNumber(line) + anchor.offset, IMMEDIATE);
  }

  private absoluteSelection(): {
    start: number;
    startCol: number;
    end: number;
    endCol: number;
    rtl: boolean;
  } | null {
    const sel = this.editor.getSelection();
    if (!sel) return null;
    return {
      start: this.win.start + sel.startLineNumber - 1,
      startCol: sel.startColumn,
      end: this.win.start + sel.endLineNumber - 1,
      endCol: sel.endColumn,
      rtl: sel.getDirection() === monaco.SelectionDirection.RTL,
    };
  }

  private restoreSelection(sel: ReturnType<LogViewerController['absoluteSelection']>): void {
    if (!sel) return;
    const first = sel.start - this.win.start + 1;
    const last = sel.end - this.win.start + 1;
    // A selection that scrolled out of the window stays in the shared cursor, not in Monaco.
    if (first < 1 || last > this.model.getLineCount()) return;
    this.quiet = true;
    try {
      const range = new monaco.Selection(first, sel.startCol, last, sel.endCol);
      this.editor.setSelection(sel.rtl ? new monaco.Selection(last, sel.endCol, first, sel.startCol) : range);
    } finally {
      this.quiet = false;
    }
  }
}
