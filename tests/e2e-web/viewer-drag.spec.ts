/**
 * An overview drag paints each of its moves as plain text over the editor (drag-preview.ts: issue
 * 7's drag budget) and Monaco takes over with the window the drag rests on. Once the drag has
 * ended, what is painted must be exactly right: the gutter numbers are the lines at the ruler's
 * position, the text is theirs, the grammar colours them, the severity colours, the finding's
 * glyph and the search hits are on the right lines, and Monaco's cursor is on the shared cursor's
 * line (the window swap reset it to the window's first line). Where the window does not hold the
 * shared cursor, no line is painted as the current one (Monaco's cursor is parked on the window's
 * first line, and that line was painted as current).
 *
 * The sample case is too small for this (its whole view fits one window, so a drag never reads):
 * the spec generates a case of about 8,000 lines, which is also small enough that one pixel of the
 * ruler is a few lines, so a drag can be aimed at a line.
 */
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import type { LinePage } from '../../src/shared/model/case';
import { severityOfLevel } from '../../src/renderer/src/viewer/severity';
import { chromiumSkipReason, hasChromium, type HostReady } from './env';
import { callHost } from './host-api';
import { killGroup, serveGenerated } from './serve';
import { activeLine } from './viewer-helpers';

test.skip(!hasChromium, chromiumSkipReason);

/** About 8,000 lines of the bench's generated syslog (same seed, same bytes). */
const TARGET_BYTES = 1 << 20;
/** The lines of the case's flood at 00:17 and 00:18 (its first, from line 5,112, warns every 10 s). */
const HIT_REGEX = /00:1[78]:[0-5]7 video-stream kernel: WARNING/;

interface Painted {
  /** Gutter numbers of the painted lines, top to bottom. */
  numbers: number[];
  /** Their text, as painted. */
  texts: string[];
  /** The gutter numbers of the lines painted with a severity colour, and which. */
  severities: Array<[number, string]>;
  /** Gutter numbers of the lines with a finding's glyph. */
  glyphs: number[];
  /** Gutter numbers of the lines with at least one search hit painted. */
  hits: number[];
  /** Token classes used in the painted text (the grammar paints more than `mtk1`). */
  tokenClasses: string[];
  /** The overview's idea of the first visible position (aria-valuenow). */
  rulerTop: number;
}

/** What the viewer shows, each row matched to its gutter number by its vertical position. */
async function painted(page: Page): Promise<Painted> {
  return page.evaluate(() => {
    const viewer = document.querySelector('[data-testid="log-viewer"]')!;
    const guard = viewer.querySelector('.overflow-guard')!.getBoundingClientRect();
    const rowOf = (el: Element): number => Math.round(el.getBoundingClientRect().top);
    const inView = (el: Element): boolean => {
      const r = el.getBoundingClientRect();
      return r.bottom > guard.top + 1 && r.top < guard.bottom - 1;
    };
    const numberAt = new Map<number, number>();
    for (const n of viewer.querySelectorAll('.line-numbers')) {
      if (!inView(n)) continue;
      const v = Number(n.textContent?.trim());
      if (Number.isFinite(v) && v > 0) numberAt.set(rowOf(n), v);
    }
    const rows = [...numberAt.keys()].sort((a, b) => a - b);
    const at = (el: Element): number | undefined => numberAt.get(rowOf(el));
    const texts = new Map<number, string>();
    const tokenClasses = new Set<string>();
    for (const line of viewer.querySelectorAll('.view-line')) {
      const n = at(line);
      if (n === undefined) continue;
      texts.set(n, (line.textContent ?? '').replace(/\u00a0/g, ' '));
      for (const span of line.querySelectorAll('span[class^="mtk"]')) tokenClasses.add(span.className);
    }
    const severities: Array<[number, string]> = [];
    for (const el of viewer.querySelectorAll('.view-overlays .sev-line')) {
      const n = at(el);
      const sev = /sev-(crit|err|warn)/.exec(el.className)?.[1];
      if (n !== undefined && sev) severities.push([n, sev]);
    }
    const glyphs: number[] = [];
    for (const el of viewer.querySelectorAll('.glyph-finding')) {
      const n = at(el);
      if (n !== undefined) glyphs.push(n);
    }
    const hits = new Set<number>();
    for (const el of viewer.querySelectorAll('.search-hit-inline')) {
      const line = el.closest('.view-line');
      const n = line ? at(line) : undefined;
      if (n !== undefined) hits.add(n);
    }
    const numbers = rows.map((r) => numberAt.get(r)!);
    return {
      numbers,
      texts: numbers.map((n) => texts.get(n) ?? ''),
      severities: severities.sort((a, b) => a[0] - b[0]),
      glyphs,
      hits: [...hits],
      tokenClasses: [...tokenClasses],
      rulerTop: Number(document.querySelector('[data-testid="overview"]')?.getAttribute('aria-valuenow')),
    };
  });
}

/**
 * How Monaco paints its current line on screen: the gutter numbers of the rows with a visible
 * current-line highlight, whether a line number is coloured as the active one (unlike the others),
 * and whether a cursor is drawn.
 */
async function currentLinePaint(
  page: Page,
): Promise<{ highlighted: string[]; activeNumberColoured: boolean; cursorVisible: boolean }> {
  const painted = await page.evaluate(() => {
    const viewer = document.querySelector('[data-testid="log-viewer"]')!;
    const guard = viewer.querySelector('.overflow-guard')!.getBoundingClientRect();
    const shown = (el: Element): boolean => {
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      return (
        style.display !== 'none' &&
        style.visibility !== 'hidden' &&
        r.height > 0 &&
        r.bottom > guard.top + 1 &&
        r.top < guard.bottom - 1
      );
    };
    const numbers = [...viewer.querySelectorAll('.line-numbers')];
    const numberAt = (top: number): string =>
      numbers.find((n) => Math.abs(n.getBoundingClientRect().top - top) < 2)?.textContent?.trim() ?? '?';
    // In the text (an empty selection) or in the gutter (a line selected).
    const highlighted = [
      ...new Set(
        [...viewer.querySelectorAll('.current-line')]
          .filter(shown)
          .map((el) => numberAt(el.getBoundingClientRect().top)),
      ),
    ];
    const active = viewer.querySelector('.line-numbers.active-line-number');
    const other = numbers.find((n) => !n.classList.contains('active-line-number'));
    const activeNumberColoured =
      !!active &&
      !!other &&
      shown(active) &&
      getComputedStyle(active).color !== getComputedStyle(other).color;
    return { highlighted, activeNumberColoured };
  });
  // Monaco blinks its cursor (when the editor has the focus) by hiding and showing it: looked at
  // over more than a blink.
  let cursorVisible = false;
  for (let i = 0; i < 6 && !cursorVisible; i++) {
    cursorVisible = await page.evaluate(() =>
      [...document.querySelectorAll('[data-testid="log-viewer"] .cursors-layer .cursor')].some((c) => {
        const style = getComputedStyle(c);
        return (
          style.display !== 'none' && style.visibility !== 'hidden' && c.getBoundingClientRect().height > 0
        );
      }),
    );
    await page.waitForTimeout(200);
  }
  return { ...painted, cursorVisible };
}

/**
 * Drags the overview's thumb from where it is to the top, then down so that view position `top`
 * is the first line on screen, and releases it there. Positions follow Overview.tsx's geometry:
 * the thumb's top travels over (track height − thumb height) for (total − lines on screen).
 */
async function dragThumbTo(page: Page, top: number): Promise<void> {
  const track = (await page.getByTestId('overview').boundingBox())!;
  const thumb = (await page.locator('.overview-thumb').boundingBox())!;
  const total = Number(await page.getByTestId('overview').getAttribute('data-total'));
  const onScreen = (await painted(page)).numbers.length;
  const room = Math.max(1, total - onScreen);
  const x = track.x + track.width / 2;
  const grab = thumb.height / 2;
  const yFor = (position: number): number =>
    track.y + grab + (Math.min(position, room) / room) * (track.height - thumb.height);
  await page.mouse.move(x, thumb.y + grab);
  await page.mouse.down();
  // To the top in one move (out of the window: from there every move reads a quick window of its
  // own), then down past the target in many moves, and back to it.
  const path: number[] = [track.y + grab];
  for (let i = 1; i <= 20; i++) path.push(track.y + grab + ((yFor(top + 400) - track.y - grab) * i) / 20);
  path.push(yFor(top));
  for (const y of path) {
    await page.mouse.move(x, y);
    await page.waitForTimeout(20);
  }
  // Home in on `top` as a user would, the pointer still down: the pixel a move lands on is not
  // exactly the one asked for.
  let y = path[path.length - 1]!;
  for (let i = 0; i < 6; i++) {
    const at = await rulerTopWhenStill(page);
    if (Math.abs(at - top) <= 2) break;
    y += ((top - at) / room) * (track.height - thumb.height);
    await page.mouse.move(x, y);
  }
  await page.mouse.up();
}

/**
 * Waits until the drag has rested: the preview of its lines (plain text over the editor) is gone
 * and Monaco paints the lines with the grammar (more than one token class).
 */
async function rested(page: Page): Promise<void> {
  await expect(page.getByTestId('drag-preview')).toBeHidden({ timeout: 15_000 });
  await expect
    .poll(async () => (await painted(page)).tokenClasses.length, { timeout: 15_000 })
    .toBeGreaterThan(3);
}

/** The overview's first visible position once it has stopped changing. */
async function rulerTopWhenStill(page: Page): Promise<number> {
  const read = async (): Promise<number> =>
    Number(await page.getByTestId('overview').getAttribute('aria-valuenow'));
  let last = await read();
  for (let i = 0; i < 50; i++) {
    await page.waitForTimeout(100);
    const now = await read();
    if (now === last) return now;
    last = now;
  }
  return last;
}

test.describe('an overview drag over a generated case', () => {
  let dir = '';
  let host: ChildProcess | null = null;
  let ready: HostReady | null = null;

  test.beforeAll(async () => {
    test.setTimeout(300_000);
    const g = await serveGenerated('pm-e2e-drag-', TARGET_BYTES);
    ({ dir, ready } = g);
    host = g.child;
  });

  test.afterAll(async () => {
    if (host) await killGroup(host, 'SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  test('once the drag ends, the painted lines, colours, glyph, hits and cursor are right', async ({
    page,
  }) => {
    test.setTimeout(120_000);
    const r = ready!;
    const view = { kind: 'merged' } as const;
    const summary = await callHost(r.port, r.token, 'caseSummary', { caseId: r.caseId });
    const total = summary.lineCount;
    expect(total, 'the generated case is larger than one viewer window').toBeGreaterThan(6000);
    // The case's first `[write_iter]` flood (from line 5,112, in the middle of the case): its first
    // line carries the flood finding's glyph, and its lines are warnings.
    let glyphLine = 0;
    let glyphPos = -1;
    for (let start = 0; glyphPos < 0 && start < total; start += 1000) {
      const page1: LinePage = await callHost(r.port, r.token, 'getLines', {
        caseId: r.caseId,
        view,
        start,
        count: 1000,
      });
      const i = page1.lines.findIndex((l) => l.text.includes('WARNING: [write_iter]'));
      if (i >= 0) {
        glyphLine = page1.lines[i]!.lineId;
        glyphPos = start + i;
      }
    }
    expect(glyphPos, 'the generated case has its flood').toBeGreaterThan(3500);
    expect(glyphPos).toBeLessThan(total - 600);
    // The analysis runs after the host is up: wait until it has found that flood.
    await expect
      .poll(
        async () =>
          (await callHost(r.port, r.token, 'listFindings', { caseId: r.caseId })).some(
            (f) =>
              f.kind === 'flood' &&
              Math.min(...f.evidence.map((e) => e.lineId).filter((id) => id > 0)) === glyphLine,
          ),
        { timeout: 60_000 },
      )
      .toBe(true);

    await page.goto(r.url);
    const viewer = page.getByTestId('log-viewer');
    await expect(viewer.locator('.view-line').first()).toBeVisible({ timeout: 60_000 });

    // Hits highlighted in the viewer, and the shared cursor on a line near the flood, far from the top.
    // (A regex for a dozen of the flood's lines: their hits are all in the window the drag rests on.)
    const search = page.getByTestId('search-input');
    await page.locator('.search-opt input[type="checkbox"]').first().check();
    await search.fill(HIT_REGEX.source);
    await search.press('Enter');
    await expect(page.getByTestId('search-count')).toBeVisible();
    const cursorLine = glyphLine + 6;
    await page.getByTestId('goto-input').fill(String(cursorLine));
    await page.getByTestId('goto-input').press('Enter');
    await expect.poll(async () => (await activeLine(page))?.lineId).toBe(String(cursorLine));

    const top = glyphPos - 8;
    await dragThumbTo(page, top);

    // Rested: Monaco shows the lines the drag rests on, with the grammar.
    await rested(page);
    const shown = await painted(page);

    // The drag ended where it was aimed, within the few lines one pixel of the ruler is.
    expect(Math.abs(shown.rulerTop - top), `ruler at ${shown.rulerTop}, aimed at ${top}`).toBeLessThanOrEqual(
      8,
    );
    const lines: LinePage = await callHost(r.port, r.token, 'getLines', {
      caseId: r.caseId,
      view,
      start: shown.rulerTop,
      count: shown.numbers.length,
    });
    // Each painted gutter number is the line at its place from the ruler's top, with its own text.
    expect(shown.numbers).toEqual(lines.lines.map((l) => l.lineId));
    expect(shown.texts).toEqual(lines.lines.map((l) => l.text));
    expect(shown.numbers).toContain(glyphLine);
    expect(shown.numbers).toContain(cursorLine);

    // Severity colours on exactly the lines whose level has one.
    const expectedSev: Array<[number, string]> = [];
    for (const l of lines.lines) {
      const sev = severityOfLevel(l.level);
      if (sev) expectedSev.push([l.lineId, sev]);
    }
    expect(expectedSev.length, 'the painted lines include coloured ones (the flood warns)').toBeGreaterThan(
      0,
    );
    expect(shown.severities).toEqual(expectedSev);
    // The flood finding's glyph is on its first line.
    expect(shown.glyphs).toContain(glyphLine);
    // Hits on exactly the painted lines the search matches (the flood's first minutes).
    const withWord = lines.lines.filter((l) => HIT_REGEX.test(l.text)).map((l) => l.lineId);
    expect(withWord.length).toBeGreaterThan(3);
    expect(shown.hits.sort((a, b) => a - b)).toEqual(withWord);
    // Monaco's cursor is back on the shared cursor's line, which the drag did not move.
    expect((await activeLine(page))?.lineId).toBe(String(cursorLine));
    await expect(viewer.locator('.line-numbers.active-line-number')).toHaveCount(1);
  });
  test('where the shared cursor is not in the window the drag rests on, no line is painted as current', async ({
    page,
  }) => {
    test.setTimeout(120_000);
    const r = ready!;
    const total = (await callHost(r.port, r.token, 'caseSummary', { caseId: r.caseId })).lineCount;
    await page.goto(r.url);
    const viewer = page.getByTestId('log-viewer');
    await expect(viewer.locator('.view-line').first()).toBeVisible({ timeout: 60_000 });
    // The shared cursor far below the top of the case: more than a window (3,000 lines) away from it.
    const cursorPos = total - 1200;
    const cursorLine = (
      await callHost(r.port, r.token, 'getLines', {
        caseId: r.caseId,
        view: { kind: 'merged' },
        start: cursorPos,
        count: 1,
      })
    ).lines[0]!.lineId;
    await page.getByTestId('goto-input').fill(String(cursorLine));
    await page.getByTestId('goto-input').press('Enter');
    await expect.poll(async () => (await activeLine(page))?.lineId).toBe(String(cursorLine));
    const before = await currentLinePaint(page);
    expect(before.highlighted, 'the cursor line is painted as current').toEqual([String(cursorLine)]);

    // To the top of the case: the window it rests on starts at its first line, which is on screen.
    await dragThumbTo(page, 0);
    await rested(page);
    const shown = await painted(page);
    expect(shown.numbers[0]).toBe(1);
    expect(shown.numbers).not.toContain(cursorLine);
    // Monaco's own cursor is parked on the window's first line: nothing shows it.
    const away = await currentLinePaint(page);
    expect(away.highlighted, 'no line is painted as current').toEqual([]);
    expect(away.activeNumberColoured, 'no line number is painted as active').toBe(false);
    expect(away.cursorVisible, 'no cursor is drawn').toBe(false);

    // Back to the shared cursor: its line is painted as current again.
    await dragThumbTo(page, cursorPos - 8);
    await rested(page);
    await expect.poll(async () => (await currentLinePaint(page)).highlighted).toEqual([String(cursorLine)]);
    expect((await currentLinePaint(page)).activeNumberColoured).toBe(true);
    expect((await activeLine(page))?.lineId).toBe(String(cursorLine));
  });

  test('a search with hundreds of hits keeps the workbench in the window: its list scrolls', async ({
    page,
  }) => {
    test.setTimeout(120_000);
    await page.goto(ready!.url);
    await expect(page.getByTestId('log-viewer').locator('.view-line').first()).toBeVisible({
      timeout: 60_000,
    });
    const search = page.getByTestId('search-input');
    await search.fill('write_iter');
    await search.press('Enter');
    await expect(page.getByTestId('search-count')).toContainText(/\d{3}/, { timeout: 30_000 });
    const box = await page.evaluate(() => {
      const list = document.querySelector('[data-testid="search-hits"]') as HTMLElement;
      const centre = document.querySelector('[data-testid="centre-region"]') as HTMLElement;
      const viewer = document.querySelector('[data-testid="log-viewer"]') as HTMLElement;
      return {
        page: document.documentElement.scrollHeight,
        window: window.innerHeight,
        centre: centre.getBoundingClientRect().height,
        search: (list.parentElement as HTMLElement).getBoundingClientRect().height,
        listScrolls: list.scrollHeight > list.clientHeight,
        viewer: viewer.getBoundingClientRect().height,
      };
    });
    // The page does not grow past the window; the search area keeps to its share of the centre
    // (30 %), its list scrolls, and the viewer keeps most of the height.
    expect(box.page).toBeLessThanOrEqual(box.window + 1);
    expect(box.search).toBeLessThanOrEqual(box.centre * 0.3 + 1);
    expect(box.listScrolls).toBe(true);
    expect(box.viewer).toBeGreaterThan(box.centre * 0.4);
  });
});
