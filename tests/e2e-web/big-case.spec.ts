import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { generateSyslog } from '../../scripts/bench/gen-syslog';
import { chromiumSkipReason, hasChromium, REPO_ROOT, type HostReady } from './env';
import { callHost } from './host-api';
import { killGroup, serve } from './serve';
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
    dir = mkdtempSync(path.join(os.tmpdir(), 'pm-e2e-big-'));
    file = path.join(dir, 'syslog');
    lines = (await generateSyslog(file, { targetBytes: TARGET_BYTES })).lines;
    const casePath = path.join(dir, 'big.pmcase');
    execFileSync('npx', ['tsx', 'src/main/cli/main.ts', 'index', file, '-o', casePath], {
      cwd: REPO_ROOT,
      env: { ...process.env, POSTMORTEM_HOME: dir },
      stdio: 'ignore',
    });
    const served = await serve(casePath, dir);
    host = served.child;
    ready = served.ready;
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
