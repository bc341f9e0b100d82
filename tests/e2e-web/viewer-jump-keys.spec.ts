/**
 * A jump paints its lines before the panels hear about the new cursor (they re-render on it,
 * which took up to 280 ms on a 10M-line case): the viewer holds the cursor back until the frame
 * that shows the line has been painted. A key pressed in that gap must still act on the jump's
 * line: the held cursor is delivered before any shortcut sees the key.
 */
import { expect, test, type Page } from '@playwright/test';
import { chromiumSkipReason, hasChromium, hostFromEnv } from './env';
import { callHost } from './host-api';
import { activeLine, resetUiState } from './viewer-helpers';

test.skip(!hasChromium, chromiumSkipReason);

/**
 * Presses Enter in the go-to box and, in the same callback in which Monaco writes `lineId` as the
 * active line number (before that frame is even painted), dispatches `key` where the focus is.
 */
async function jumpAndPressAtOnce(page: Page, lineId: number, key: string): Promise<void> {
  await page.getByTestId('goto-input').fill(String(lineId));
  const armed = page.evaluate(
    ([id, k]) =>
      new Promise<string>((resolve) => {
        const viewer = document.querySelector('[data-testid="log-viewer"]');
        if (!viewer) {
          resolve('no viewer');
          return;
        }
        const mo = new MutationObserver(() => {
          const n = viewer.querySelector('.line-numbers.active-line-number');
          if (n?.textContent?.trim() !== String(id)) return;
          mo.disconnect();
          const target = document.activeElement ?? document.body;
          target.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }));
          resolve(viewer.contains(target) ? 'viewer' : `${target.tagName}.${target.className}`);
        });
        mo.observe(viewer, { subtree: true, childList: true, characterData: true, attributes: true });
      }),
    [lineId, key] as const,
  );
  await page.getByTestId('goto-input').press('Enter');
  // The key went to the viewer (it takes the keys on a jump), not to the go-to box.
  expect(await armed).toBe('viewer');
}

test.describe('a key pressed as a jump paints', () => {
  test.beforeEach(async () => {
    await resetUiState();
  });
  test.afterEach(async () => {
    await resetUiState();
  });

  test('M bookmarks the line jumped to, not the line before', async ({ page }) => {
    const host = hostFromEnv();
    const merged = await callHost(host.port, host.token, 'getLines', {
      caseId: host.caseId,
      view: { kind: 'merged' },
      start: 0,
      count: 1000,
    });
    // Two lines far enough apart that the second is off screen when the first is shown.
    const from = merged.lines[5]?.lineId;
    const to = merged.lines[merged.lines.length - 5]?.lineId;
    expect(merged.lines.length, 'the sample case has more than a screenful of lines').toBeGreaterThan(80);

    await page.goto(host.url);
    await expect(page.getByTestId('log-viewer').locator('.view-line').first()).toBeVisible();
    await page.getByTestId('goto-input').fill(String(from));
    await page.getByTestId('goto-input').press('Enter');
    await expect.poll(async () => (await activeLine(page))?.lineId).toBe(String(from));

    if (from === undefined || to === undefined) throw new Error('no lines');
    await jumpAndPressAtOnce(page, to, 'm');
    await expect(page.getByTestId('bookmarks-button')).toHaveText('1 bookmark');
    await expect
      .poll(
        async () => (await callHost(host.port, host.token, 'getUiState', { caseId: host.caseId })).bookmarks,
      )
      .toEqual([to]);
    await page.getByTestId('bookmarks-button').click();
    await expect(
      page.getByTestId('bookmarks').getByRole('button', { name: `Line ${to}`, exact: true }),
    ).toBeVisible();
  });
});
