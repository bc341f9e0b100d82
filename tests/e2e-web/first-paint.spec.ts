/**
 * The case's lines as plain text before the workbench's code has loaded (first-paint.ts): the
 * workbench chunk is held back, the first page is shown with its global line numbers and as
 * text (never HTML), the remembered cursor is marked, and the Monaco viewer replaces it.
 */
import { expect, test, type Page } from '@playwright/test';
import { chromiumSkipReason, hasChromium, hostFromEnv } from './env';
import { callHost } from './host-api';
import { plain, resetUiState } from './viewer-helpers';

test.skip(!hasChromium, chromiumSkipReason);

/** Holds the workbench chunk (App-*.js) until `release` is called. */
async function holdWorkbench(page: Page): Promise<() => void> {
  let release = (): void => undefined;
  const held = new Promise<void>((r) => (release = r));
  await page.route(/\/assets\/App-[^/]*\.js$/, async (route) => {
    await held;
    await route.continue();
  });
  return release;
}

test.describe('first paint before the workbench loads', () => {
  test.beforeEach(async () => {
    await resetUiState();
  });
  test.afterEach(async () => {
    await resetUiState();
  });

  test('shows the top of the merged view, then gives way to the viewer', async ({ page }) => {
    const host = hostFromEnv();
    const top = await callHost(host.port, host.token, 'getLines', {
      caseId: host.caseId,
      view: { kind: 'merged' },
      start: 0,
      count: 5,
    });
    const release = await holdWorkbench(page);
    await page.goto(host.url);
    const first = page.getByTestId('first-paint');
    await expect(first.locator('.first-paint-line')).not.toHaveCount(0);
    await expect(page.getByTestId('log-viewer')).toHaveCount(0);
    const rows = first.locator('.first-paint-line');
    for (const [i, l] of top.lines.entries()) {
      await expect(rows.nth(i).locator('.first-paint-num')).toHaveText(String(l.lineId));
      await expect(rows.nth(i).locator('.first-paint-text')).toHaveText(l.text);
    }
    await expect(first.locator('.first-paint-line.cursor')).toHaveCount(0);
    await expect(first).toContainText('loading the workbench');

    release();
    await expect(page.getByTestId('log-viewer').locator('.view-line').first()).toBeVisible();
    await expect(first).toHaveCount(0);
    const text = plain(await page.getByTestId('log-viewer').locator('.view-lines').textContent());
    expect(text).toContain(top.lines[0]!.text.slice(0, 40));
  });

  test('opens at the remembered cursor with that line marked, in zh-CN', async ({ browser }) => {
    const host = hostFromEnv();
    const summary = await callHost(host.port, host.token, 'caseSummary', { caseId: host.caseId });
    const cursorLineId = Math.min(summary.lineCount, 60);
    const fresh = await callHost(host.port, host.token, 'getUiState', { caseId: host.caseId });
    await callHost(host.port, host.token, 'saveUiState', {
      caseId: host.caseId,
      state: { ...fresh, cursorLineId },
    });
    const { lines } = await callHost(host.port, host.token, 'getLines', {
      caseId: host.caseId,
      view: { kind: 'merged' },
      start: cursorLineId - 1,
      count: 1,
    });
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    const release = await holdWorkbench(page);
    await page.goto(host.url);
    const marked = page.getByTestId('first-paint').locator('.first-paint-line.cursor');
    await expect(marked).toHaveCount(1);
    await expect(marked.locator('.first-paint-num')).toHaveText(String(cursorLineId));
    await expect(marked.locator('.first-paint-text')).toHaveText(lines[0]!.text);
    await expect(marked).toBeInViewport();
    await expect(page.getByTestId('first-paint')).toContainText('正在加载工作台');
    release();
    await expect(page.getByTestId('log-viewer').locator('.view-line').first()).toBeVisible();
    await expect(page.getByTestId('first-paint')).toHaveCount(0);
    await context.close();
  });
});
