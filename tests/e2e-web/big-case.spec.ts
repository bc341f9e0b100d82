import type { ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { chromiumSkipReason, hasChromium, type HostReady } from './env';
import { callHost } from './host-api';
import { killGroup, serveGenerated } from './serve';
import { activeLine, plain } from './viewer-helpers';

test.skip(!hasChromium, chromiumSkipReason);

/** About a million lines: the size the issue names for the viewer's end-to-end tests. */
const TARGET_BYTES = 125 << 20;

/** The last line of a file without reading it whole. */
function lastLine(file: string): string {
  const buf = readFileSync(file);
  const end = buf[buf.length - 1] === 0x0a ? buf.length - 1 : buf.length;
  return buf.subarray(buf.lastIndexOf(0x0a, end - 1) + 1, end).toString('utf8');
}

async function goTo(page: Page, lineId: number): Promise<void> {
  const box = page.getByTestId('goto-input');
  await box.fill(String(lineId));
  await box.press('Enter');
  await expect.poll(async () => (await activeLine(page))?.lineId, { timeout: 20_000 }).toBe(String(lineId));
}

test.describe('a generated case of a million lines', () => {
  let dir = '';
  let file = '';
  let lines = 0;
  let host: ChildProcess | null = null;
  let ready: HostReady | null = null;

  test.beforeAll(async () => {
    test.setTimeout(600_000);
    const g = await serveGenerated('pm-e2e-big-', TARGET_BYTES);
    ({ dir, file, lines, ready } = g);
    host = g.child;
  });

  test.afterAll(async () => {
    if (host) await killGroup(host, 'SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  test('go-to jumps across the case land on their line, before and after a reopen at the saved cursor', async ({
    page,
  }) => {
    test.setTimeout(240_000);
    expect(lines).toBeGreaterThan(900_000);
    await page.goto(ready!.url);
    await expect(page.getByTestId('log-viewer').locator('.view-line').first()).toBeVisible({
      timeout: 60_000,
    });
    const targets = [0.73, 0.11, 0.52, 0.97, 0.33].map((f) => Math.max(1, Math.floor(lines * f)));
    for (const id of targets) await goTo(page, id);
    // Reopened, the case paints at its remembered cursor; every jump after that still lands
    // (a guard meant for the restore once swallowed some of them).
    await expect
      .poll(
        async () =>
          (await callHost(ready!.port, ready!.token, 'getUiState', { caseId: ready!.caseId })).cursorLineId,
      )
      .toBe(targets[4]);
    await page.reload();
    await expect
      .poll(async () => (await activeLine(page))?.lineId, { timeout: 60_000 })
      .toBe(String(targets[4]));
    for (const id of [...targets].reverse()) await goTo(page, id);
  });

  test('typing elsewhere right after a jump keeps its keys while the window grows around the jump', async ({
    page,
  }) => {
    // The window's pages (1,000 lines each) are held back so the jump's lines arrive well after
    // its first 200 have painted, as they do on a 10M-line case under load. The viewer used to
    // take the focus when they arrived: the next go-to or search lost what was being typed.
    test.setTimeout(120_000);
    let hold = false;
    let held = 0;
    /** Window reads asked for and not yet answered to the page. */
    const inFlight = new Set<number>();
    await page.routeWebSocket(/\/ws/, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((message) => {
        const m = JSON.parse(String(message)) as { id?: number; call?: string; input?: { count?: number } };
        if (hold && m.call === 'getLines' && m.input?.count === 1000 && typeof m.id === 'number')
          inFlight.add(m.id);
        server.send(message);
      });
      server.onMessage((message) => {
        const m = JSON.parse(String(message)) as { type?: string; id?: number };
        const id = m.type === 'result' ? m.id : undefined;
        if (id !== undefined && inFlight.has(id)) {
          held++;
          setTimeout(() => {
            inFlight.delete(id);
            ws.send(message);
          }, 1500);
        } else ws.send(message);
      });
    });
    // A target outside the window the case reopens at (the cursor it remembers).
    const { cursorLineId } = await callHost(ready!.port, ready!.token, 'getUiState', {
      caseId: ready!.caseId,
    });
    const far = (f: number): number => Math.floor(lines * f);
    const target =
      cursorLineId !== null && Math.abs(cursorLineId - far(0.61)) < 10_000 ? far(0.21) : far(0.61);
    await page.goto(ready!.url);
    await expect(page.getByTestId('log-viewer').locator('.view-line').first()).toBeVisible({
      timeout: 60_000,
    });
    await page.waitForTimeout(1000);
    hold = true;
    const box = page.getByTestId('goto-input');
    await box.fill(String(target));
    await box.press('Enter');
    // The jump's first lines paint while its window is held back.
    await page.waitForFunction(
      (id) =>
        document
          .querySelector('[data-testid="log-viewer"] .line-numbers.active-line-number')
          ?.textContent?.trim() === String(id),
      target,
      { polling: 'raf', timeout: 20_000 },
    );
    expect(inFlight.size).toBeGreaterThan(0);
    const search = page.getByTestId('search-input');
    await search.click();
    await search.pressSequentially('oom');
    // The window arrives while the user is in the search box.
    await expect.poll(() => inFlight.size, { timeout: 20_000 }).toBe(0);
    await page.waitForTimeout(500);
    expect(held).toBeGreaterThan(0);
    await expect(search).toBeFocused();
    await search.pressSequentially('-killer');
    await expect(search).toHaveValue('oom-killer');
    // The jump itself landed and its window grew around it.
    await expect.poll(async () => (await activeLine(page))?.lineId).toBe(String(target));
  });

  test('dragging the overview to the bottom shows the last line with its number', async ({ page }) => {
    test.setTimeout(180_000);
    await page.goto(ready!.url);
    const viewer = page.getByTestId('log-viewer');
    await expect(viewer.locator('.view-line').first()).toBeVisible({ timeout: 60_000 });
    await goTo(page, 1);
    const ov = await page.getByTestId('overview').boundingBox();
    expect(ov).not.toBeNull();
    await page.mouse.move(ov!.x + ov!.width / 2, ov!.y + 5);
    await page.mouse.down();
    for (let i = 1; i <= 40; i++) {
      await page.mouse.move(ov!.x + ov!.width / 2, ov!.y + 5 + ((ov!.height - 5) * i) / 40);
      await page.waitForTimeout(20);
    }
    await page.mouse.move(ov!.x + ov!.width / 2, ov!.y + ov!.height + 20);
    await page.mouse.up();
    const numbers = viewer.locator('.line-numbers');
    await expect
      .poll(
        async () =>
          Math.max(...(await numbers.allTextContents()).map((t) => Number(t.trim())).filter(Number.isFinite)),
        { timeout: 30_000 },
      )
      .toBe(lines);
    const last = lastLine(file);
    await expect
      .poll(async () =>
        (await viewer.locator('.view-line').allTextContents()).map(plain).some((t) => t === last),
      )
      .toBe(true);
  });
});
