import type { BrowserContext, Page } from '@playwright/test';
import { EMPTY_FILTER } from '../../src/shared/model/view';
import { hostFromEnv } from './env';
import { callHost } from './host-api';

/** What the e2e specs read off the Monaco viewer. */

/** Monaco renders spaces as U+00A0 in its view lines. */
export function plain(text: string | null): string {
  return (text ?? '').replace(/\u00a0/g, ' ');
}

/** The gutter number and the text of the line the viewer has selected. */
export async function activeLine(page: Page): Promise<{ lineId: string; text: string } | null> {
  const viewer = page.getByTestId('log-viewer');
  const number = viewer.locator('.line-numbers.active-line-number');
  if ((await number.count()) !== 1) return null;
  const box = await number.boundingBox();
  if (!box) return null;
  for (const line of await viewer.locator('.view-line').all()) {
    const b = await line.boundingBox();
    if (b && Math.abs(b.y - box.y) < 2)
      return { lineId: (await number.textContent())?.trim() ?? '', text: plain(await line.textContent()) };
  }
  return null;
}

export const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Blocks and records every request that would leave 127.0.0.1 (page loads, fetches, workers,
 * WebSockets); the returned list is what a test asserts is empty.
 */
export async function recordOffHost(context: BrowserContext): Promise<string[]> {
  const off: string[] = [];
  const check = (url: string): void => {
    if (url.startsWith('data:') || url.startsWith('blob:')) return;
    if (!LOOPBACK.has(new URL(url).hostname)) off.push(url);
  };
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    check(url);
    if (LOOPBACK.has(new URL(url).hostname) || url.startsWith('data:') || url.startsWith('blob:'))
      await route.continue();
    else await route.abort('blockedbyclient');
  });
  context.on('request', (req) => check(req.url()));
  context.on('page', (p) => p.on('websocket', (ws) => check(ws.url())));
  return off;
}

/** Puts the sample case's remembered workbench state back to a fresh one (no cursor, filter, bookmarks). */
export async function resetUiState(): Promise<void> {
  const host = hostFromEnv();
  await callHost(host.port, host.token, 'saveUiState', {
    caseId: host.caseId,
    state: {
      cursorLineId: null,
      viewSource: null,
      filter: EMPTY_FILTER,
      openPanel: null,
      layout: { left: 240, right: 460, bottom: 170 },
      bookmarks: [],
    },
  });
}
