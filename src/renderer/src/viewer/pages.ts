/**
 * Pages of a view's lines cached around the viewer's window, so that moving the window reads
 * mostly from memory and the page beyond the edge being approached is already fetched
 * (prefetch). Bounded: at most MAX_PAGES pages are kept, the farthest from the last read dropped.
 */
import type { GetLinesRequest } from '../../../shared/api';
import type { LinePage, LineView, ViewLine } from '../../../shared/model/case';

export const PAGE_SIZE = 1000;
const MAX_PAGES = 12;

type GetLines = (req: GetLinesRequest) => Promise<LinePage>;

interface Page {
  lines: ViewLine[];
  total: number;
}

export class PageCache {
  private readonly pages = new Map<number, Promise<Page>>();
  private total: number | null = null;

  constructor(
    private readonly getLines: GetLines,
    private readonly caseId: string,
    private readonly view: LineView,
  ) {}

  /** Lines [start, start + count) of the view (fewer at its end) and the view's total. */
  async read(start: number, count: number): Promise<LinePage> {
    const first = Math.floor(Math.max(0, start) / PAGE_SIZE);
    const last = Math.floor((Math.max(0, start) + Math.max(1, count) - 1) / PAGE_SIZE);
    const wanted: Promise<Page>[] = [];
    for (let p = first; p <= last; p++) wanted.push(this.page(p));
    const pages = await Promise.all(wanted);
    const total = pages[pages.length - 1]?.total ?? 0;
    this.total = total;
    const lines: ViewLine[] = [];
    for (const page of pages) for (const line of page.lines) lines.push(line);
    const offset = Math.max(0, start) - first * PAGE_SIZE;
    this.trim((first + last) / 2);
    return { view: this.view, start: Math.max(0, start), total, lines: lines.slice(offset, offset + count) };
  }

  /** Starts fetching the pages holding [start, start + count) without waiting for them. */
  prefetch(start: number, count: number): void {
    if (start < 0 || (this.total !== null && start >= this.total)) return;
    const first = Math.floor(start / PAGE_SIZE);
    const last = Math.floor((start + count - 1) / PAGE_SIZE);
    for (let p = first; p <= last; p++) void this.page(p).catch(() => undefined);
  }

  private page(index: number): Promise<Page> {
    const cached = this.pages.get(index);
    if (cached) return cached;
    const loading = this.getLines({
      caseId: this.caseId,
      view: this.view,
      start: index * PAGE_SIZE,
      count: PAGE_SIZE,
    }).then((p) => ({ lines: p.lines, total: p.total }));
    // A failed read is not cached: the next read asks again.
    loading.catch(() => this.pages.delete(index));
    this.pages.set(index, loading);
    return loading;
  }

  private trim(around: number): void {
    if (this.pages.size <= MAX_PAGES) return;
    const keys = [...this.pages.keys()].sort((a, b) => Math.abs(b - around) - Math.abs(a - around));
    for (const k of keys.slice(0, this.pages.size - MAX_PAGES)) this.pages.delete(k);
  }
}
