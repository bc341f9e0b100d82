/**
 * What an overview drag shows while it moves: the lines at the drag's position, with their real
 * gutter numbers, as plain text in a layer laid over the editor. Monaco is left alone until the
 * drag rests, when its window moves there and this layer goes away (controller.ts).
 *
 * Why not Monaco itself: each step of a drag over a large case lands tens of thousands of lines
 * away, so every step replaced Monaco's whole model and its whole view. Monaco paints each line,
 * its gutter number and its overlays as separately positioned elements, and that frame (its
 * render, then style, layout, paint and commit of about 120 positioned elements) took 15–25 ms
 * even with the text painted plain; on a loaded machine some frames went over 50 ms
 * (bench:viewer, BENCH_ONLY=drag). Here a step sets the text of two text nodes a row, in a layer
 * of its own whose layout and paint are contained.
 *
 * The texts are set as text nodes: a log line is never interpreted as HTML.
 */
import type { ViewLine } from '../../../shared/model/case';
import { monaco } from './monaco';

interface Row {
  num: Text;
  text: Text;
}

export class DragPreview {
  private readonly root: HTMLDivElement;
  private readonly gutter: HTMLDivElement;
  private readonly content: HTMLDivElement;
  private readonly lines: HTMLDivElement;
  private rows: Row[] = [];
  private top: number | null = null;
  private count = 0;
  /** The geometry the layer was last laid out with (re-read on each show: the editor resizes). */
  private geometry = '';

  constructor(private readonly editor: monaco.editor.IStandaloneCodeEditor) {
    const doc = document;
    this.root = doc.createElement('div');
    this.root.className = 'drag-preview';
    this.root.setAttribute('data-testid', 'drag-preview');
    this.root.setAttribute('aria-hidden', 'true');
    // Its own layer (will-change), its layout and paint kept inside it (contain: strict). Monaco's
    // theme colours are CSS variables on its root element, which holds this layer.
    Object.assign(this.root.style, {
      position: 'absolute',
      left: '0',
      top: '0',
      zIndex: '5',
      display: 'none',
      overflow: 'hidden',
      contain: 'strict',
      willChange: 'transform',
      background: 'var(--vscode-editor-background)',
      color: 'var(--vscode-editor-foreground)',
      whiteSpace: 'pre',
      cursor: 'default',
    } satisfies Partial<CSSStyleDeclaration>);
    this.gutter = doc.createElement('div');
    Object.assign(this.gutter.style, {
      position: 'absolute',
      top: '0',
      textAlign: 'right',
      color: 'var(--vscode-editorLineNumber-foreground)',
    } satisfies Partial<CSSStyleDeclaration>);
    this.content = doc.createElement('div');
    Object.assign(this.content.style, {
      position: 'absolute',
      top: '0',
      right: '0',
      overflow: 'hidden',
    } satisfies Partial<CSSStyleDeclaration>);
    this.lines = doc.createElement('div');
    this.lines.style.tabSize = '4';
    this.content.append(this.lines);
    this.root.append(this.gutter, this.content);
    // Clicks and wheel turns on the layer do nothing: the lines under it are Monaco's old window.
    this.root.addEventListener('mousedown', (e) => {
      e.preventDefault();
      e.stopPropagation();
    });
    this.root.addEventListener('wheel', (e) => e.preventDefault(), { passive: false });
    editor.getDomNode()?.append(this.root);
  }

  /** How many lines fill the editor's height. */
  rowCount(): number {
    const layout = this.editor.getLayoutInfo();
    const lineHeight = this.editor.getOption(monaco.editor.EditorOption.lineHeight);
    // Monaco paints lines under its horizontal scrollbar too: the layer covers them all.
    return Math.max(1, Math.ceil(layout.height / lineHeight));
  }

  /** The position (in the view) of the first line shown, or null when the layer is hidden. */
  shownTop(): number | null {
    return this.top;
  }

  /** How many lines are shown (fewer than the rows at the end of the view). */
  shownCount(): number {
    return this.count;
  }

  /** Shows `lines` (the view's lines from position `top`) over the editor, each under its gutter number. */
  show(top: number, lines: readonly ViewLine[], display: (text: string) => string): void {
    const n = this.rowCount();
    this.layout(n);
    for (let i = 0; i < n; i++) {
      const row = this.rows[i]!;
      const line = lines[i];
      const num = line ? String(line.lineId) : '';
      const text = line ? display(line.text) : '';
      if (row.num.data !== num) row.num.data = num;
      if (row.text.data !== text) row.text.data = text;
    }
    // Where Monaco is scrolled sideways, so the columns stay where they were.
    const shift = `translateX(${-this.editor.getScrollLeft()}px)`;
    if (this.lines.style.transform !== shift) this.lines.style.transform = shift;
    this.top = top;
    this.count = Math.min(n, lines.length);
    if (this.root.style.display === 'none') this.root.style.display = 'block';
  }

  hide(): void {
    if (this.top === null) return;
    this.top = null;
    this.count = 0;
    this.root.style.display = 'none';
  }

  dispose(): void {
    this.root.remove();
  }

  /** Sizes the layer and its columns as Monaco's layout and font are now, with `n` rows. */
  private layout(n: number): void {
    const layout = this.editor.getLayoutInfo();
    const font = this.editor.getOption(monaco.editor.EditorOption.fontInfo);
    const lineHeight = this.editor.getOption(monaco.editor.EditorOption.lineHeight);
    const key = [
      layout.width,
      layout.height,
      layout.lineNumbersLeft,
      layout.lineNumbersWidth,
      layout.contentLeft,
      font.fontFamily,
      font.fontSize,
      font.fontWeight,
      font.letterSpacing,
      lineHeight,
      n,
    ].join('|');
    if (key === this.geometry) return;
    this.geometry = key;
    Object.assign(this.root.style, {
      width: `${layout.width}px`,
      height: `${layout.height}px`,
      fontFamily: font.fontFamily,
      fontSize: `${font.fontSize}px`,
      fontWeight: font.fontWeight,
      letterSpacing: `${font.letterSpacing}px`,
      lineHeight: `${lineHeight}px`,
    } satisfies Partial<CSSStyleDeclaration>);
    Object.assign(this.gutter.style, {
      left: `${layout.lineNumbersLeft}px`,
      width: `${layout.lineNumbersWidth}px`,
    } satisfies Partial<CSSStyleDeclaration>);
    this.content.style.left = `${layout.contentLeft}px`;
    this.content.style.bottom = '0';
    while (this.rows.length < n) {
      const numRow = document.createElement('div');
      const textRow = document.createElement('div');
      numRow.style.height = textRow.style.height = `${lineHeight}px`;
      const row = { num: document.createTextNode(''), text: document.createTextNode('') };
      numRow.append(row.num);
      textRow.append(row.text);
      this.gutter.append(numRow);
      this.lines.append(textRow);
      this.rows.push(row);
    }
    while (this.rows.length > n) {
      this.rows.pop();
      this.gutter.lastChild?.remove();
      this.lines.lastChild?.remove();
    }
    for (const el of [...this.gutter.children, ...this.lines.children])
      (el as HTMLElement).style.height = `${lineHeight}px`;
  }
}
