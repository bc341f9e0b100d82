/**
 * The desktop app in a real Electron window (Playwright `_electron`): it opens on the sample,
 * the viewer shows the seed's OOM line, the page has no Node and cannot navigate away.
 * Skipped, with the reason printed, where no Electron binary exists.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { readMember } from '../e2e-web/sample';
import {
  ELECTRON_EXECUTABLE,
  electronSkipReason,
  hasElectron,
  MAIN_BUNDLE,
  REPO_ROOT,
  SAMPLE_ARCHIVE,
} from './env';

const OOM_TEXT = 'invoked oom-killer';

/** What the spec reads from the page's global object (this file compiles without the DOM lib). */
interface PageGlobals {
  workbench: { appInfo(input: object): Promise<{ transport: string; initialCaseId: string | null }> };
  require?: unknown;
  process?: unknown;
  location: { href: string };
  open(url: string): unknown;
}

test.describe('desktop window', () => {
  let app: ElectronApplication | null = null;
  let page: Page;
  let userData = '';

  test.beforeEach(async () => {
    if (!hasElectron || !ELECTRON_EXECUTABLE) return;
    userData = mkdtempSync(join(tmpdir(), 'postmortem-e2e-'));
    // Chromium refuses to run its sandbox as root (CI containers).
    const rootFlags = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
    app = await electron.launch({
      executablePath: ELECTRON_EXECUTABLE,
      args: [...rootFlags, MAIN_BUNDLE],
      cwd: REPO_ROOT,
      env: { ...process.env, POSTMORTEM_USER_DATA_DIR: userData, ELECTRON_ENABLE_LOGGING: '1' },
    });
    page = await app.firstWindow();
  });

  test.afterEach(async () => {
    await app?.close();
    app = null;
    if (userData) rmSync(userData, { recursive: true, force: true });
  });

  test('opens on the sample and shows its OOM line', async () => {
    test.skip(!hasElectron, electronSkipReason);
    const syslog = readMember(SAMPLE_ARCHIVE, 'var/log/syslog');
    const oomLine = syslog.text.split('\n').find((line) => line.includes(OOM_TEXT));
    expect(oomLine, 'the sample syslog holds the OOM line').toBeDefined();

    expect(page.url()).toMatch(/^app:\/\/postmortem\//);
    const viewer = page.getByTestId('log-viewer');
    await expect(viewer.locator('.view-line', { hasText: OOM_TEXT }).first()).toBeVisible();
    await expect(page.getByTestId('sources-list')).toContainText('var/log/syslog');

    const info = await page.evaluate(() => (globalThis as unknown as PageGlobals).workbench.appInfo({}));
    expect(info.transport).toBe('electron');
    expect(info.initialCaseId).toMatch(/^[a-f0-9]{16}$/);

    // The page is a sandboxed web page: no Node, no raw ipcRenderer, the strict CSP on every response.
    const globals = await page.evaluate(() => {
      const g = globalThis as unknown as PageGlobals;
      return {
        require: typeof g.require,
        process: typeof g.process,
        workbenchKeys: Object.keys(g.workbench).sort(),
      };
    });
    expect(globals.require).toBe('undefined');
    expect(globals.process).toBe('undefined');
    expect(globals.workbenchKeys).not.toContain('ipcRenderer');
    const csp = await page.evaluate(async () =>
      (await fetch('/index.html')).headers.get('content-security-policy'),
    );
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
  });

  test('blocks a foreign navigation and window.open', async () => {
    test.skip(!hasElectron, electronSkipReason);
    const viewer = page.getByTestId('log-viewer');
    await expect(viewer.locator('.view-line', { hasText: OOM_TEXT }).first()).toBeVisible();
    const before = page.url();

    await page.evaluate(() => {
      (globalThis as unknown as PageGlobals).location.href = 'https://attacker.example/';
    });
    const opened = await page.evaluate(
      () => (globalThis as unknown as PageGlobals).open('https://attacker.example/popup') === null,
    );
    // Give a navigation that was not blocked the time to commit.
    await page.waitForTimeout(1500);
    expect(page.url()).toBe(before);
    expect(opened).toBe(true);
    expect(app!.windows()).toHaveLength(1);
    await expect(viewer.locator('.view-line', { hasText: OOM_TEXT }).first()).toBeVisible();
  });
});
