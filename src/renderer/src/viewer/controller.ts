/**
 * The imperative side of the log viewer: one Monaco editor over a read-only model that holds a
 * window of a view's lines (see window.ts), with real global line ids in the gutter, the syslog
 * grammar, severity colours, marks for inferred times, glyphs for findings, notes and
 * bookmarks, and search hits highlighted. Kept out of React so that scrolling, fetching and
 * model swaps never re-render components.
 */
import type { WorkbenchApi } from '../../../shared/api';
import type { LinePage, LineView, ViewLine } from '../../../shared/model/case';
import type { Cursor } from '../state/viewer';
import { DragPreview } from './drag-preview';
import { markPainted, quickRequest, takePrimed, takePrimedLocate } from './first-page';
import { monaco } from './monaco';
import { PageCache, PAGE_SIZE } from './pages';
import { runsOf, severityClass, timeMarkClass, type LineRun } from './line-runs';
import { registerSyslog, SYSLOG_LANGUAGE, THEME_DARK, THEME_LIGHT } from './syslog-language';
import { shiftedWindowStart, WINDOW_SIZE, windowStartAround } from './window';

export type ViewerStatus =
  | { kind: 'loading' }
  | { kind: 'ready'; total: number }
  | { kind: 'error'; message: string }
  | { kind: 'not-in-view'; lineId: number };

/** Which part of the view is on screen: 0-based positions. */
export interface WindowInfo {
  start: number;
  total: number;
  firstVisible: number;
  lastVisible: number;
}

/** What a line carries in the glyph margin. */
export interface LineMarks {
  finding: { severity: 'info' | 'warning' | 'error' | 'critical'; summary: string[] } | null;
  note: string[] | null;
  bookmark: boolean;
}

export interface Highlight {
  query: string;
  mode: 'text' | 'regex';
  caseSensitive: boolean;
}

export interface ViewerCallbacks {
  onCursor: (cursor: Cursor, position: number) => void;
  onStatus: (status: ViewerStatus) => void;
  onWindow: (info: WindowInfo) => void;
  onLines: (lines: readonly ViewLine[]) => void;
  /** Lines of hover text (plain text) for a line of the window. */
  describe: (line: ViewLine) => string[];
  /** The marks of a line (findings, notes, bookmark), or null. */
  marksOf: (lineId: number) => LineMarks | null;
  /** A click on a line's glyph. */
  onGlyph: (lineId: number) => void;
  /** "Add a note" (context menu, Ctrl/Cmd+Alt+N) on the selected lines, and the action's label. */
  onAddNote: (lineId: number, lineCount: number) => void;
  addNoteLabel: string;
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
const MAX_HIGHLIGHTS = 5000;
/** The longest the panels wait for the viewer's frame (no frames come while it is hidden). */
const HOLD_MAX_MS = 1000;
/**
 * How long a drag holds still before the window grows around what it shows (it grows at once when
 * the drag ends). At 120 ms a loaded machine's pauses between pointer moves grew the window in the
 * middle of drags: a 3000-line swap, replaced by the next move a frame later.
 */
const GROW_DELAY_MS = 300;

/**
 * Runs `fn` after the next frame has been painted: a task queued from an animation-frame callback
 * runs once that frame's rendering (style, layout, paint) is done.
 */
export function afterPaint(fn: () => void): void {
  if (typeof requestAnimationFrame !== 'function') {
    setTimeout(fn, 0);
    return;
  }
  requestAnimationFrame(() => setTimeout(fn, 0));
}

/**
 * The viewers holding back what the panels hear (see LogViewerController.held), delivered before
 * any other handler sees a key or a click: these listeners are added when this module loads,
 * before the workbench mounts, so they run ahead of the shortcuts' own capture listener.
 */
const holding = new Set<() => void>();
function deliverAllHeld(): void {
  for (const deliver of [...holding]) deliver();
}
if (typeof window !== 'undefined') {
  window.addEventListener('keydown', deliverAllHeld, true);
  window.addEventListener('pointerdown', deliverAllHeld, true);
}

function displayText(text: string): string {
  if (!text.includes('\r') && !text.includes('\n')) return text;
  return text.replace(LINE_BREAK, (c) => (c === '\r' ? '\u240d' : '\u240a'));
}

/** Plain text as Monaco markdown that renders literally and is never trusted or HTML. */
export function plainMarkdown(text: string): monaco.IMarkdownString {
  return { value: text.replace(MARKDOWN_SPECIAL, (c) => `\\${c}`), isTrusted: false, supportHtml: false };
}

/** On the editor's host while Monaco's cursor is not the shared cursor (see `setLost`). */
const CURSOR_AWAY_ATTR = 'data-viewer-cursor';

/**
 * While Monaco's cursor is parked away from the shared cursor, no line is painted as the current
 * one: no line highlight, no cursor, and the line number Monaco marks `active-line-number` (it
 * does whatever its options) coloured like the others. Rules on an attribute of the host rather
 * than Monaco's `renderLineHighlight` option: an option change recomputes all of Monaco's options
 * and re-renders every part of the view (12 ms of a 10M-line drag's last swap, profiled).
 */
function addCursorAwayStyle(): void {
  if (document.getElementById('viewer-cursor-away-style')) return;
  const style = document.createElement('style');
  style.id = 'viewer-cursor-away-style';
  const away = `[${CURSOR_AWAY_ATTR}="away"] .monaco-editor`;
  style.textContent = [
    `${away} .line-numbers.active-line-number { color: var(--vscode-editorLineNumber-foreground); }`,
    `${away} .current-line { display: none; }`,
    `${away} .cursors-layer .cursor { visibility: hidden !important; }`,
  ].join('\n');
  document.head.append(style);
}

/** Severity colours and inferred-time marks of a window's lines, one decoration per run (line-runs.ts). */
function lineDecorations(lines: readonly ViewLine[]): monaco.editor.IModelDeltaDecoration[] {
  const out: monaco.editor.IModelDeltaDecoration[] = [];
  const range = (run: LineRun): monaco.Range => new monaco.Range(run.first + 1, 1, run.last + 1, 1);
  for (const run of runsOf(lines, severityClass))
    out.push({ range: range(run), options: { isWholeLine: true, className: run.className } });
  for (const run of runsOf(lines, timeMarkClass))
    out.push({
      range: range(run),
      options: { isWholeLine: true, linesDecorationsClassName: run.className },
    });
  return out;
}

export class LogViewerController {
  private readonly editor: monaco.editor.IStandaloneCodeEditor;
  private readonly model: monaco.editor.ITextModel;
  private readonly disposables: monaco.IDisposable[] = [];
  private readonly lineDecorations: monaco.editor.IEditorDecorationsCollection;
  private readonly markDecorations: monaco.editor.IEditorDecorationsCollection;
  private readonly hitDecorations: monaco.editor.IEditorDecorationsCollection;
  private win: Window = { start: 0, total: 0, lines: [], byId: new Map() };
  private caseId: string | null = null;
  private view: LineView = { kind: 'merged' };
  private pages: PageCache | null = null;
  private highlight: Highlight | null = null;
  /** Bumped by every fetch; an answer for an older generation is dropped. */
  private gen = 0;
  private busy = false;
  /** True while the model is swapped, so Monaco's own cursor resets do not move the shared cursor. */
  private quiet = false;
  private lastTop = 0;
  /** Cursor moves by the user (mouse, keys): a load started before one does not move the cursor. */
  private userMoves = 0;
  private growTimer: ReturnType<typeof setTimeout> | null = null;
  /**
   * What an overview drag shows while it moves (drag-preview.ts): Monaco keeps its window until
   * the drag rests there.
   */
  private readonly preview: DragPreview;
  /**
   * Monaco's selection (view positions) when a window that did not hold it replaced the one that
   * did: the window a drag rests on, or a window moved far from it by scrolling. Each of those
   * reset Monaco's cursor to the window's first line; the next window that holds it puts it back.
   * Kept until the user or a jump moves the cursor. Set through `setLost`, which also hides
   * Monaco's cursor and current-line highlight meanwhile (see `cursorAway`).
   */
  private lostSelection: ReturnType<LogViewerController['absoluteSelection']> | undefined;
  /**
   * Monaco's cursor is not the shared cursor (it is parked on the window's first line because the
   * window does not hold the shared cursor): the current line is not highlighted, and the cursor
   * and the active line number are not painted as such (the host's `data-viewer-cursor="away"`).
   */
  private cursorAway = false;
  /** An overview drag is in progress (from its first move until `endDrag`). */
  private dragging = false;
  /** A drag's read is in flight; the position the drag has moved to since then, if any. */
  private quickInFlight = false;
  private quickNext: number | null = null;
  /**
   * While a jump or an open paints its first lines, what the panels hear about (the cursor, the
   * window, the status, the lines) waits here until Monaco has painted them: every panel that
   * follows the cursor re-renders on it, which took 50–280 ms on a 10M-line case before the
   * lines were on screen. A key or a click anywhere delivers them first, so a shortcut pressed
   * right after the jump (M, N…) sees the jump's cursor.
   */
  private held: Array<() => void> | null = null;
  private readonly deliverHeld = (): void => {
    holding.delete(this.deliverHeld);
    const held = this.held;
    this.held = null;
    if (held) for (const fn of held) fn();
  };

  constructor(
    private readonly host: HTMLElement,
    private readonly api: Api,
    private readonly callbacks: ViewerCallbacks,
  ) {
    registerSyslog();
    this.model = monaco.editor.createModel('', SYSLOG_LANGUAGE);
    this.editor = monaco.editor.create(host, {
      model: this.model,
      readOnly: true,
      domReadOnly: true,
      lineNumbers: (n) => {
        const line = this.win.lines[n - 1];
        return line ? String(line.lineId) : '';
      },
      lineNumbersMinChars: 9,
      glyphMargin: true,
      lineDecorationsWidth: 6,
      folding: false,
      minimap: { enabled: false },
      // The whole view's scrollbar is the overview beside the editor (Overview.tsx).
      scrollbar: { vertical: 'hidden', verticalScrollbarSize: 0, horizontalScrollbarSize: 10 },
      overviewRulerLanes: 0,
      wordWrap: 'off',
      scrollBeyondLastLine: false,
      renderLineHighlight: 'all',
      occurrencesHighlight: 'off',
      selectionHighlight: false,
      automaticLayout: true,
      fontSize: 13,
      links: true,
      contextmenu: true,
      stickyScroll: { enabled: false },
      // No indent or bracket guides: a log has no code structure, and the indent-guide overlay
      // measured every painted line (`visibleRangeForPosition` → `getClientRects`), forcing a
      // layout in each frame; on an overview drag that was 1.8 s of the 8 s drag, the most of
      // any single cause (bench:viewer, BENCH_ONLY=drag BENCH_PROFILE=file).
      guides: {
        indentation: false,
        highlightActiveIndentation: false,
        bracketPairs: false,
        bracketPairsHorizontal: false,
        highlightActiveBracketPair: false,
      },
      matchBrackets: 'never',
      unicodeHighlight: { ambiguousCharacters: false, invisibleCharacters: true, nonBasicASCII: false },
      theme: THEME_LIGHT,
    });
    // Bracket colours are a model option, which Monaco's model service sets back from its global
    // configuration (on a language change, on another editor's options): kept off here, or each new
    // window parses every `[pid]` and `(sda1)` into a bracket tree (0.23–0.27 s of a 10M-line
    // overview drag).
    const noBracketColours = (): void => {
      if (this.model.getOptions().bracketPairColorizationOptions.enabled)
        this.model.updateOptions({
          bracketColorizationOptions: { enabled: false, independentColorPoolPerBracketType: false },
        });
    };
    noBracketColours();
    this.disposables.push(this.model.onDidChangeOptions(noBracketColours));
    this.preview = new DragPreview(this.editor);
    addCursorAwayStyle();
    this.lineDecorations = this.editor.createDecorationsCollection();
    this.markDecorations = this.editor.createDecorationsCollection();
    this.hitDecorations = this.editor.createDecorationsCollection();
    this.disposables.push(
      this.editor.onDidChangeCursorPosition((e) => {
        if (this.quiet) return;
        this.setLost(undefined);
        if (e.source === 'mouse' || e.source === 'keyboard') this.userMoves++;
        const line = this.win.lines[e.position.lineNumber - 1];
        if (!line) return;
        const cursor = { lineId: line.lineId, ts: line.ts };
        const position = this.win.start + e.position.lineNumber - 1;
        this.notify(() => this.callbacks.onCursor(cursor, position));
      }),
      this.editor.onDidScrollChange((e) => {
        if (e.scrollTopChanged) {
          this.reportWindow();
          this.maybeShift();
        }
      }),
      this.editor.onMouseDown((e) => {
        if (e.target.type !== monaco.editor.MouseTargetType.GUTTER_GLYPH_MARGIN) return;
        const n = e.target.position?.lineNumber;
        const line = n === undefined ? undefined : this.win.lines[n - 1];
        if (line) this.callbacks.onGlyph(line.lineId);
      }),
      this.editor.addAction({
        id: 'postmortem.addNote',
        label: this.callbacks.addNoteLabel,
        keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyMod.Alt | monaco.KeyCode.KeyN],
        contextMenuGroupId: 'navigation',
        contextMenuOrder: 0,
        run: (ed) => {
          const sel = ed.getSelection();
          if (!sel) return;
          const first = this.win.lines[sel.startLineNumber - 1];
          if (!first) return;
          // A selection ending at column 1 of a line does not include that line.
          const endLine =
            sel.endColumn === 1 && sel.endLineNumber > sel.startLineNumber
              ? sel.endLineNumber - 1
              : sel.endLineNumber;
          this.callbacks.onAddNote(first.lineId, Math.max(1, endLine - sel.startLineNumber + 1));
        },
      }),
      monaco.languages.registerHoverProvider(SYSLOG_LANGUAGE, {
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
            contents: this.callbacks.describe(line).map(plainMarkdown),
          };
        },
      }),
    );
  }

  /** Tells the panels now, or once the lines being painted are on screen (see `held`). */
  private notify(fn: () => void): void {
    if (this.held) this.held.push(fn);
    else fn();
  }

  /** Holds what the panels hear about until the frame that shows the lines has been painted. */
  private holdUntilPainted(): void {
    if (this.held) return;
    const held: Array<() => void> = [];
    this.held = held;
    holding.add(this.deliverHeld);
    // Queued once the caller has swapped and selected, so Monaco's own frame callback (its render)
    // is already asked for and runs before ours. A later hold waits for its own frame.
    queueMicrotask(() =>
      afterPaint(() => {
        if (this.held === held) this.deliverHeld();
      }),
    );
    // No frame comes while the window is hidden or minimised: the panels still follow.
    setTimeout(() => {
      if (this.held === held) this.deliverHeld();
    }, HOLD_MAX_MS);
  }

  setDark(dark: boolean): void {
    monaco.editor.setTheme(dark ? THEME_DARK : THEME_LIGHT);
  }

  /** Opens a view, placed on `lineId` when it is in that view, else on the view's first line. */
  async show(caseId: string, view: LineView, lineId: number | null): Promise<void> {
    this.caseId = caseId;
    this.view = view;
    // Its positions were another view's.
    this.setLost(undefined);
    this.pages = new PageCache((req) => this.api.getLines(req), caseId, view);
    await this.load(lineId, false);
  }

  /** Moves to a line and selects it; says so when the line is not in the current view. */
  async jumpTo(lineId: number): Promise<void> {
    const index = this.win.byId.get(lineId);
    if (index !== undefined) {
      this.holdUntilPainted();
      this.select(index + 1);
      this.status({ kind: 'ready', total: this.win.total });
      return;
    }
    await this.load(lineId, true);
  }

  /** Moves to a position of the view (the overview's clicks and keys); `select` also moves the cursor there. */
  async goToPosition(position: number, select: boolean, align: 'center' | 'top' = 'center'): Promise<void> {
    const caseId = this.caseId;
    if (!caseId || !this.pages) return;
    this.quickNext = null;
    const target = Math.max(0, Math.min(position, Math.max(0, this.win.total - 1)));
    const inWindow = target >= this.win.start && target < this.win.start + this.win.lines.length;
    if (!inWindow) {
      const gen = ++this.gen;
      this.busy = true;
      try {
        const page = await this.pages.read(windowStartAround(target, this.win.total), WINDOW_SIZE);
        if (gen !== this.gen) return;
        this.holdUntilPainted();
        this.swap(page);
      } catch (err) {
        if (gen === this.gen) this.status({ kind: 'error', message: errorText(err) });
        return;
      } finally {
        if (gen === this.gen) this.busy = false;
      }
    }
    const n = target - this.win.start + 1;
    this.holdUntilPainted();
    this.preview.hide();
    if (select) this.select(n, align);
    else if (align === 'top') this.editor.setScrollTop(this.editor.getTopForLineNumber(n), IMMEDIATE);
    else this.editor.revealLineInCenter(n, IMMEDIATE);
    this.reportWindow();
    this.prefetchAround();
  }

  /**
   * A move of an overview drag: `position` becomes the top line. Within Monaco's window it is a
   * scroll; beyond it, the lines there are read (one read at a time: the moves made meanwhile come
   * down to the last one) and shown over the editor (drag-preview.ts), and Monaco's window moves
   * there when the drag rests (`grow`).
   */
  dragTo(position: number): void {
    this.dragging = true;
    void this.previewAt(position);
  }

  private async previewAt(position: number): Promise<void> {
    const caseId = this.caseId;
    if (!caseId || !this.pages) return;
    if (this.quickInFlight) {
      this.quickNext = position;
      return;
    }
    const rows = this.preview.rowCount();
    const total = this.win.total;
    const top = Math.max(0, Math.min(position, total - rows));
    const end = Math.min(total, top + rows);
    if (top >= this.win.start && end <= this.win.start + this.win.lines.length) {
      // Monaco holds these lines: scroll there. Its window moves once the drag rests near an edge.
      this.preview.hide();
      this.editor.setScrollTop(this.editor.getTopForLineNumber(top - this.win.start + 1), IMMEDIATE);
      this.reportWindow();
      this.afterDragMove();
      return;
    }
    const gen = ++this.gen;
    this.busy = true;
    this.quickInFlight = true;
    try {
      const page = await this.api.getLines({ caseId, view: this.view, start: top, count: rows });
      if (gen !== this.gen) {
        // Something else (a jump, a click) took the viewer over: the drag's later moves go too.
        this.quickNext = null;
        return;
      }
      this.preview.show(page.start, page.lines, displayText);
      this.reportWindow();
    } catch (err) {
      if (gen === this.gen) this.status({ kind: 'error', message: errorText(err) });
      return;
    } finally {
      this.quickInFlight = false;
      if (gen === this.gen) this.busy = false;
    }
    this.afterDragMove();
  }

  /** After a drag's move has been shown: the next move, or the window grows where the drag rests. */
  private afterDragMove(): void {
    if (this.growTimer) clearTimeout(this.growTimer);
    this.growTimer = null;
    const next = this.quickNext;
    if (next !== null) {
      this.quickNext = null;
      void this.previewAt(next);
    } else if (this.preview.shownTop() !== null) {
      this.growTimer = setTimeout(() => this.grow(), this.dragging ? GROW_DELAY_MS : 0);
    } else this.maybeShift();
  }

  /**
   * The overview drag has ended (the pointer is released, after its last move): the window grows
   * around what is shown now rather than after GROW_DELAY_MS, or once the move in flight lands.
   */
  endDrag(): void {
    this.dragging = false;
    if (this.growTimer === null) {
      // A drag that stayed within Monaco's window moves the window once it ends, if near an edge.
      if (!this.quickInFlight) this.maybeShift();
      return;
    }
    clearTimeout(this.growTimer);
    this.growTimer = setTimeout(() => this.grow(), 0);
  }

  /**
   * Moves Monaco's window to where a drag rests (the lines the preview shows), in two tasks a frame
   * apart, the preview covering Monaco until the second: the new text (Monaco then renders and
   * tokenises the lines on screen under the preview), then the colours, glyphs, hits and cursor,
   * and the preview goes. Doing all of it in one task was about 60 ms, and Monaco's next frame
   * another 45 ms (bench:viewer on 10M lines, BENCH_ONLY=drag BENCH_TASKS=1).
   */
  private grow(): void {
    this.growTimer = null;
    const v = this.visible();
    if (!v) return;
    const start = windowStartAround(Math.floor((v.first + v.last) / 2), this.win.total);
    if (this.preview.shownTop() === null) void this.fetchAndSwap(start, false);
    else void this.settle(start);
  }

  private async settle(start: number): Promise<void> {
    const pages = this.pages;
    if (!pages) return;
    await this.windowChange(async (gen) => {
      const page = await pages.read(start, WINDOW_SIZE);
      const top = this.preview.shownTop();
      if (gen !== this.gen || top === null) return;
      const selection = this.lostSelection !== undefined ? this.lostSelection : this.absoluteSelection();
      this.swapText(page);
      this.restoreTop({ position: top, offset: 0 });
      // Monaco's cursor is on the new window's first line until the selection is put back below:
      // kept as lost meanwhile, so that a window swapped in before then still restores it.
      this.setLost(selection);
      await new Promise<void>((resolve) => afterPaint(resolve));
      // The model holds this text whatever happened meanwhile, unless it was replaced again: its
      // colours go with it. The rest (the preview, the cursor) only if nothing took over.
      if (this.win.lines === page.lines) this.paintDecorations();
      if (gen !== this.gen) return;
      this.holdUntilPainted();
      this.endPreview();
      this.swapped(page, selection);
    });
  }

  /**
   * A change of Monaco's window as generation `gen` (a later change supersedes it): its error is
   * shown unless something took over meanwhile, and at its end the viewer is free again and moves
   * its window if the user has already scrolled near an edge of the new one.
   */
  private async windowChange(work: (gen: number) => Promise<void>): Promise<void> {
    const gen = ++this.gen;
    this.busy = true;
    try {
      await work(gen);
    } catch (err) {
      if (gen === this.gen) this.status({ kind: 'error', message: errorText(err) });
    } finally {
      if (gen === this.gen) {
        this.busy = false;
        this.maybeShift();
      }
    }
  }

  /** After a window swap: Monaco's selection back if the window holds it, the status, the neighbours. */
  private swapped(page: LinePage, selection: ReturnType<LogViewerController['absoluteSelection']>): void {
    this.setLost(this.restoreSelection(selection) ? undefined : selection);
    this.status({ kind: 'ready', total: page.total });
    this.reportWindow();
    this.prefetchAround();
  }

  /** Re-reads the current window (after an ingest changed the view), keeping the top line. */
  async refresh(): Promise<void> {
    if (!this.caseId) return;
    this.pages = new PageCache((req) => this.api.getLines(req), this.caseId, this.view);
    await this.fetchAndSwap(this.win.start, true);
  }

  /** Redraws the glyphs (findings, notes, bookmarks changed). */
  refreshMarks(): void {
    const decorations: monaco.editor.IModelDeltaDecoration[] = [];
    this.win.lines.forEach((line, i) => {
      const marks = this.callbacks.marksOf(line.lineId);
      if (!marks) return;
      const classes: string[] = [];
      const hover: string[] = [];
      if (marks.finding) {
        classes.push(`glyph-finding glyph-${marks.finding.severity}`);
        hover.push(...marks.finding.summary);
      }
      if (marks.note) {
        classes.push('glyph-note');
        hover.push(...marks.note);
      }
      if (marks.bookmark) classes.push('glyph-bookmark');
      if (classes.length === 0) return;
      // One glyph per line: the finding wins, then the note, then the bookmark; all are in the hover.
      const glyph = classes[0]!;
      decorations.push({
        range: new monaco.Range(i + 1, 1, i + 1, 1),
        options: {
          glyphMarginClassName: `${glyph}${marks.bookmark && glyph !== 'glyph-bookmark' ? ' glyph-and-bookmark' : ''}`,
          glyphMarginHoverMessage: hover.length > 0 ? hover.map(plainMarkdown) : null,
          className: marks.bookmark ? 'line-bookmarked' : null,
          isWholeLine: true,
        },
      });
    });
    this.markDecorations.set(decorations);
  }

  /** Marks the matches of a search in the window (the engine finds them over the whole view). */
  setHighlight(highlight: Highlight | null): void {
    this.highlight = highlight;
    this.paintHits();
  }

  focus(): void {
    this.editor.focus();
  }

  /** The line under the cursor as Monaco has it (for bookmarks from the keyboard). */
  selectedLineId(): number | null {
    const pos = this.editor.getPosition();
    if (!pos) return null;
    return this.win.lines[pos.lineNumber - 1]?.lineId ?? null;
  }

  /** Lines per page of the editor (for page up / down on the overview). */
  visibleCount(): number {
    const r = this.editor.getVisibleRanges()[0];
    return r ? r.endLineNumber - r.startLineNumber + 1 : 40;
  }

  dispose(): void {
    this.gen++;
    this.held = null;
    holding.delete(this.deliverHeld);
    if (this.growTimer) clearTimeout(this.growTimer);
    for (const d of this.disposables) d.dispose();
    this.host.removeAttribute(CURSOR_AWAY_ATTR);
    this.preview.dispose();
    this.editor.dispose();
    this.model.dispose();
  }

  private async load(lineId: number | null, isJump: boolean): Promise<void> {
    const caseId = this.caseId;
    const pages = this.pages;
    if (!caseId || !pages) return;
    const view = this.view;
    const gen = ++this.gen;
    const moves = this.userMoves;
    this.busy = true;
    if (!isJump) this.status({ kind: 'loading' });
    try {
      let position: number | null = null;
      if (lineId !== null) {
        const located =
          takePrimedLocate(caseId, view, lineId) ?? this.api.locateLine({ caseId, view, lineId });
        position = (await located).position;
        if (gen !== this.gen) return;
        if (position === null && isJump) {
          this.status({ kind: 'not-in-view', lineId });
          return;
        }
      }
      const target = position ?? 0;
      // Paint the lines around the target first (one page read), then grow to the full window.
      // The case store may already have asked for this page (first-page.ts).
      const req = quickRequest(caseId, view, target);
      const first = await (takePrimed(req) ?? this.api.getLines(req));
      if (gen !== this.gen) return;
      // The user clicked or typed in the lines on screen while this was read: their choice
      // stands (a restored cursor must not take the active line back after a click). A jump
      // the user asked for is not such a load: it always lands.
      if (!isJump && moves !== this.userMoves && this.win.lines.length > 0) {
        this.status({ kind: 'ready', total: this.win.total });
        return;
      }
      this.holdUntilPainted();
      this.swap(first);
      markPainted(caseId);
      if (position !== null) this.select(position - first.start + 1);
      else this.editor.setScrollTop(0, IMMEDIATE);
      this.status({ kind: 'ready', total: first.total });
      this.reportWindow();
      this.busy = false;
      const start = windowStartAround(target, first.total);
      if (start !== first.start || first.lines.length < Math.min(WINDOW_SIZE, first.total)) {
        await this.fetchAndSwap(start, false);
      } else this.prefetchAround();
    } catch (err) {
      if (gen === this.gen) this.status({ kind: 'error', message: errorText(err) });
      markPainted(caseId);
    } finally {
      if (gen === this.gen) this.busy = false;
    }
  }

  private visible(): { first: number; last: number } | null {
    const top = this.preview.shownTop();
    if (top !== null) return { first: top, last: top + Math.max(1, this.preview.shownCount()) - 1 };
    const ranges = this.editor.getVisibleRanges();
    const first = ranges[0];
    const last = ranges[ranges.length - 1];
    if (!first || !last) return null;
    return {
      first: this.win.start + first.startLineNumber - 1,
      last: this.win.start + last.endLineNumber - 1,
    };
  }

  private reportWindow(): void {
    const v = this.visible();
    const info = {
      start: this.win.start,
      total: this.win.total,
      firstVisible: v?.first ?? this.win.start,
      lastVisible: v?.last ?? this.win.start,
    };
    this.notify(() => this.callbacks.onWindow(info));
  }

  private status(status: ViewerStatus): void {
    this.notify(() => this.callbacks.onStatus(status));
  }

  /** Fetches the page beyond the edge the user is scrolling towards. */
  private prefetchAround(): void {
    const pages = this.pages;
    if (!pages) return;
    const top = this.editor.getScrollTop();
    const down = top >= this.lastTop;
    this.lastTop = top;
    const end = this.win.start + this.win.lines.length;
    if (down) pages.prefetch(end, PAGE_SIZE);
    else pages.prefetch(Math.max(0, this.win.start - PAGE_SIZE), PAGE_SIZE);
  }

  private maybeShift(): void {
    // While an overview drag is moving, the window moves once it rests (afterDragMove, endDrag).
    if (
      this.busy ||
      !this.caseId ||
      this.dragging ||
      this.growTimer !== null ||
      this.preview.shownTop() !== null
    )
      return;
    const v = this.visible();
    if (!v) return;
    const w = this.win;
    const next = shiftedWindowStart(v.first, v.last, w.start, w.lines.length, w.total);
    if (next !== null) void this.fetchAndSwap(next, false);
    else this.prefetchAround();
  }

  private async fetchAndSwap(start: number, force: boolean): Promise<void> {
    const caseId = this.caseId;
    const pages = this.pages;
    if (!caseId || !pages) return;
    await this.windowChange(async (gen) => {
      const page = await pages.read(start, WINDOW_SIZE);
      if (gen !== this.gen) return;
      // Measured after the fetch: the user may have scrolled further while it was in flight. A
      // drag's preview is where the drag rests.
      const previewTop = this.preview.shownTop();
      const anchor = previewTop !== null ? { position: previewTop, offset: 0 } : this.topAnchor();
      if (!force && page.start === this.win.start && page.lines.length === this.win.lines.length) {
        if (previewTop !== null) {
          this.holdUntilPainted();
          this.preview.hide();
          this.restoreTop(anchor);
          this.reportWindow();
        }
        return;
      }
      const selection = this.lostSelection !== undefined ? this.lostSelection : this.absoluteSelection();
      this.holdUntilPainted();
      this.swap(page);
      this.restoreTop(anchor);
      this.swapped(page, selection);
    });
  }

  /** Puts a page of lines in the model, with their colours, marks and hits; ends a drag's preview. */
  private swap(page: LinePage): void {
    this.swapText(page);
    this.paintWindow();
  }

  /**
   * Puts a page of lines in the model, with no colours, marks or hits yet (`paintWindow`). Monaco's
   * cursor goes to the first line meanwhile, which does not move the shared cursor.
   */
  private swapText(page: LinePage): void {
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

  /** Paints the window's colours, marks and hits, and ends a drag's preview. */
  private paintWindow(): void {
    this.paintDecorations();
    this.endPreview();
  }

  private paintDecorations(): void {
    this.quiet = true;
    try {
      this.lineDecorations.set(lineDecorations(this.win.lines));
      this.refreshMarks();
      this.paintHits();
    } finally {
      this.quiet = false;
    }
  }

  /** Monaco shows the window from now on: the preview goes, and the panels hear of its lines. */
  private endPreview(): void {
    this.preview.hide();
    const lines = this.win.lines;
    this.notify(() => this.callbacks.onLines(lines));
  }

  private paintHits(): void {
    const h = this.highlight;
    if (!h || h.query.length === 0) {
      this.hitDecorations.clear();
      return;
    }
    let matches: monaco.editor.FindMatch[];
    try {
      matches = this.model.findMatches(
        h.query,
        false,
        h.mode === 'regex',
        h.caseSensitive,
        null,
        false,
        MAX_HIGHLIGHTS,
      );
    } catch {
      // A regex Monaco cannot compile (the engine reports the error on the search itself).
      matches = [];
    }
    this.hitDecorations.set(
      matches.map((m) => ({ range: m.range, options: { inlineClassName: 'search-hit-inline' } })),
    );
  }

  private select(modelLine: number, align: 'center' | 'top' = 'center'): void {
    const max = this.model.getLineCount();
    const n = Math.min(Math.max(1, modelLine), max);
    this.setLost(undefined);
    this.preview.hide();
    if (align === 'top') this.editor.setScrollTop(this.editor.getTopForLineNumber(n), IMMEDIATE);
    else this.editor.revealLineInCenter(n, IMMEDIATE);
    this.editor.setSelection(new monaco.Selection(n, this.model.getLineMaxColumn(n), n, 1));
  }

  /**
   * Records the selection Monaco lost (undefined: it has not, or it no longer matters) and shows
   * whether Monaco's own cursor is the shared cursor: while it is not, no line is painted as the
   * current one (no line highlight, no cursor, no active line number).
   */
  private setLost(sel: ReturnType<LogViewerController['absoluteSelection']> | undefined): void {
    this.lostSelection = sel ?? undefined;
    const away = this.lostSelection !== undefined;
    if (away === this.cursorAway) return;
    this.cursorAway = away;
    if (away) this.host.setAttribute(CURSOR_AWAY_ATTR, 'away');
    else this.host.removeAttribute(CURSOR_AWAY_ATTR);
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

  /** Puts a selection back in Monaco when the window holds it; false when it does not. */
  private restoreSelection(sel: ReturnType<LogViewerController['absoluteSelection']>): boolean {
    if (!sel) return true;
    const first = sel.start - this.win.start + 1;
    const last = sel.end - this.win.start + 1;
    // A selection that scrolled out of the window stays in the shared cursor, not in Monaco.
    if (first < 1 || last > this.model.getLineCount()) return false;
    this.quiet = true;
    try {
      const range = new monaco.Selection(first, sel.startCol, last, sel.endCol);
      this.editor.setSelection(sel.rtl ? new monaco.Selection(last, sel.endCol, first, sel.startCol) : range);
    } finally {
      this.quiet = false;
    }
    return true;
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
