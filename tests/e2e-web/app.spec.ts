import { expect, test, type Page } from '@playwright/test';
import { chromiumSkipReason, hasChromium, hostFromEnv, SAMPLE_ARCHIVE } from './env';
import { callHost, probeSocket, wsUrl } from './host-api';
import { grepCountIgnoreCase, readMember } from './sample';
import { plain, resetUiState } from './viewer-helpers';

const OOM_TEXT = 'invoked oom-killer';
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

test.skip(!hasChromium, chromiumSkipReason);

/** The gutter number Monaco shows beside the first rendered line containing `needle`. */
async function gutterNumberOf(page: Page, needle: string): Promise<string | null> {
  const viewer = page.getByTestId('log-viewer');
  const box = await viewer.locator('.view-line', { hasText: needle }).first().boundingBox();
  if (!box) return null;
  for (const number of await viewer.locator('.line-numbers').all()) {
    const b = await number.boundingBox();
    if (b && Math.abs(b.y - box.y) < 2) return (await number.textContent())?.trim() ?? null;
  }
  return null;
}

/** Global line id of the first line of `member` containing `needle`, from the archive and the host's summary. */
async function expectedLineId(member: string, text: string, needle: string): Promise<number> {
  const host = hostFromEnv();
  const summary = await callHost(host.port, host.token, 'caseSummary', { caseId: host.caseId });
  const source = summary.sources.find(
    (s) => member === s.path || member.endsWith(`/${s.path}`) || s.path.endsWith(member),
  );
  expect(source, `the sources list names ${member}`).toBeDefined();
  expect(source?.firstLineId).not.toBeNull();
  const index = text.split('\n').findIndex((l) => l.includes(needle));
  expect(index).toBeGreaterThanOrEqual(0);
  return (source?.firstLineId ?? 0) + index;
}

test.describe('browser host', () => {
  test('refuses HTTP requests and WebSockets without the token', async () => {
    const { port, token } = hostFromEnv();
    const base = `http://127.0.0.1:${port}`;

    const bare = await fetch(`${base}/`, { redirect: 'manual' });
    expect([401, 403]).toContain(bare.status);
    const wrong = await fetch(`${base}/?token=${'0'.repeat(token.length)}`, { redirect: 'manual' });
    expect([401, 403]).toContain(wrong.status);
    const withToken = await fetch(`${base}/?token=${encodeURIComponent(token)}`, { redirect: 'manual' });
    expect(withToken.status).toBe(200);

    const refused = await probeSocket(wsUrl(port, null));
    expect(refused.opened).toBe(false);
    if (refused.status !== null) expect([401, 403]).toContain(refused.status);
    const wrongSocket = await probeSocket(wsUrl(port, 'f'.repeat(token.length)));
    expect(wrongSocket.opened).toBe(false);
    expect((await probeSocket(wsUrl(port, token))).opened).toBe(true);
  });
});

test.describe('workbench on the sample case', () => {
  test('viewer, worker, search and sources, with no request leaving 127.0.0.1', async ({ browser }) => {
    const host = hostFromEnv();
    const syslog = readMember(SAMPLE_ARCHIVE, 'var/log/syslog');
    const oomLineId = await expectedLineId(syslog.member, syslog.text, OOM_TEXT);

    const context = await browser.newContext();
    const requested: string[] = [];
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      requested.push(url);
      if (LOOPBACK.has(new URL(url).hostname)) await route.continue();
      else await route.abort('blockedbyclient');
    });
    const page = await context.newPage();
    page.on('websocket', (ws) => requested.push(ws.url()));
    page.on('request', (req) => requested.push(req.url()));
    const cspViolations: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text()))
        cspViolations.push(msg.text());
    });
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    const firstWorker = page.waitForEvent('worker', { timeout: 20_000 });

    await page.goto(host.url);

    const viewer = page.getByTestId('log-viewer');
    await expect(viewer.locator('.view-line', { hasText: OOM_TEXT }).first()).toBeVisible();
    await expect.poll(() => gutterNumberOf(page, OOM_TEXT)).toBe(String(oomLineId));

    // Monaco falls back to the main thread silently when its worker cannot start.
    const worker = await firstWorker;
    expect(new URL(worker.url()).hostname === '127.0.0.1' || worker.url().startsWith('blob:')).toBe(true);
    expect(page.workers().length).toBeGreaterThan(0);

    const sources = page.getByTestId('sources-list');
    await expect(sources.getByTestId('source-item').filter({ hasText: 'var/log/syslog' })).toBeVisible();
    await expect(page.getByTestId('case-counts')).toContainText(/\d/);
    // Slots whose panels have not landed stay hidden and empty: no placeholder text.
    for (const slot of ['panel-oom', 'panel-reboots', 'panel-crash', 'panel-notes']) {
      const el = page.getByTestId(slot);
      if ((await el.getAttribute('role')) === 'tabpanel') continue;
      await expect(el).toBeHidden();
      await expect(el).toHaveText('');
    }

    const grepCount = grepCountIgnoreCase(syslog.text, 'write_iter');
    expect(grepCount).toBeGreaterThan(0);
    await page.getByTestId('search-input').fill('write_iter');
    await page.getByTestId('search-input').press('Enter');
    await expect(page.getByTestId('search-count')).toHaveText(String(grepCount));

    // A hit moves the viewer to its line and selects it (the shared cursor follows).
    const hits = page.getByTestId('search-hits').getByRole('button');
    await expect(hits).toHaveCount(grepCount);
    const lastHit = hits.last();
    const hitLineId = (await lastHit.locator('.hit-line').textContent())?.trim() ?? '';
    await lastHit.click();
    await expect(viewer.locator('.line-numbers.active-line-number')).toHaveText(hitLineId);
    await expect(viewer.locator('.view-line', { hasText: 'write_iter' }).last()).toBeVisible();

    // Back to the OOM report through a search hit.
    await page.getByTestId('search-input').fill('oom');
    await page.getByTestId('search-input').press('Enter');
    const oomHit = page.getByTestId('search-hits').getByRole('button', { name: OOM_TEXT });
    await expect(oomHit).toHaveCount(1);
    await oomHit.click();
    await expect(viewer.locator('.line-numbers.active-line-number')).toHaveText(String(oomLineId));

    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
    const offHost = requested.filter((u) => {
      if (u.startsWith('data:') || u.startsWith('blob:')) return false;
      return !LOOPBACK.has(new URL(u).hostname);
    });
    expect(offHost).toEqual([]);
    expect(requested.length).toBeGreaterThan(0);
    await context.close();
  });

  test('a source view shows that source alone with global line numbers', async ({ page }) => {
    const host = hostFromEnv();
    const last = readMember(SAMPLE_ARCHIVE, 'sos_commands/login/last');
    const firstReboot = last.text.split('\n').find((l) => l.startsWith('reboot'));
    expect(firstReboot).toBeDefined();
    const rebootLineId = await expectedLineId(last.member, last.text, 'reboot');

    // The case reopens at its remembered cursor (earlier tests leave one): start from the top.
    await resetUiState();
    await page.goto(host.url);
    const viewer = page.getByTestId('log-viewer');
    await expect(viewer.locator('.view-line', { hasText: OOM_TEXT }).first()).toBeVisible();
    await page.getByTestId('source-item').filter({ hasText: 'sos_commands/login/last' }).click();
    await expect(viewer.locator('.view-line').first()).toBeVisible();
    await expect(viewer.locator('.view-line', { hasText: OOM_TEXT })).toHaveCount(0);
    await expect
      .poll(async () => plain(await viewer.locator('.view-lines').textContent()))
      .toContain(firstReboot ?? '');
    await expect.poll(() => gutterNumberOf(page, 'reboot')).toBe(String(rebootLineId));
    await expect(
      page.getByTestId('source-item').filter({ hasText: 'sos_commands/login/last' }),
    ).toHaveAttribute('aria-current', 'true');
    await page.close();
    await resetUiState();
  });
});
