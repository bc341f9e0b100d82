import type { Page } from '@playwright/test';

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
