import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { chromiumSkipReason, hasChromium, hostFromEnv, REPO_ROOT, SAMPLE_ARCHIVE } from './env';
import { callHost } from './host-api';
import { readMember } from './sample';
import { resetUiState } from './viewer-helpers';

test.skip(!hasChromium, chromiumSkipReason);

const SHOT_LIGHT = resolve(REPO_ROOT, 'docs/panel-oom.png');
const SHOT_DARK_ZH = resolve(REPO_ROOT, 'docs/panel-oom-dark-zh.png');

/** Global line id of the first syslog line containing `needle`: from the archive (tar) and the host's summary. */
async function syslogLineId(needle: string): Promise<number> {
  const host = hostFromEnv();
  const syslog = readMember(SAMPLE_ARCHIVE, 'var/log/syslog');
  const summary = await callHost(host.port, host.token, 'caseSummary', { caseId: host.caseId });
  const source = summary.sources.find(
    (s) => syslog.member === s.path || syslog.member.endsWith(`/${s.path}`),
  );
  expect(source?.firstLineId, 'the case lists var/log/syslog').toBeTruthy();
  const index = syslog.text.split('\n').findIndex((l) => l.includes(needle));
  expect(index, `the syslog holds "${needle}"`).toBeGreaterThanOrEqual(0);
  return (source?.firstLineId ?? 0) + index;
}

async function openPanel(page: Page): Promise<Locator> {
  // Earlier specs leave a remembered cursor and view in the case: start from the default ones.
  await resetUiState();
  await page.goto(hostFromEnv().url);
  await expect(page.getByTestId('log-viewer').locator('.view-line').first()).toBeVisible();
  await page.getByRole('tab', { name: /^OOM/ }).click();
  const panel = page.getByTestId('panel-oom');
  await expect(panel).toBeVisible();
  await expect(panel.getByTestId('oom-verdict')).toBeVisible();
  return panel;
}

/** Moves the viewer away from the OOM report through a search hit, so a later jump is a real move. */
async function moveViewerToWriteIter(page: Page): Promise<string> {
  await page.getByTestId('search-input').fill('write_iter');
  await page.getByTestId('search-input').press('Enter');
  const hit = page.getByTestId('search-hits').getByRole('button').last();
  await expect(hit).toBeVisible();
  const hitLine = (await hit.locator('.hit-line').textContent())?.trim() ?? '';
  await hit.click();
  await expect(page.getByTestId('log-viewer').locator('.line-numbers.active-line-number')).toHaveText(
    hitLine,
  );
  return hitLine;
}

/** Scrolls the windowed task table until the row of `pid` is rendered. */
async function taskRow(panel: Locator, pid: number): Promise<Locator> {
  const scroller = panel.getByTestId('oom-task-scroll');
  const row = panel.locator(`[data-testid="oom-task-row"][data-pid="${pid}"]`);
  for (let i = 0; i < 60 && (await row.count()) === 0; i++) {
    await scroller.evaluate((el) => el.scrollBy(0, 120));
  }
  await row.scrollIntoViewIfNeeded();
  return row;
}

test.describe('OOM panel on the sample case', () => {
  test('shows the seed report taken apart, each value linked to its line', async ({ page }) => {
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    const triggerLine = await syslogLineId('invoked oom-killer');
    const killLine = await syslogLineId('Killed process 30002');
    const lxcfsLine = await syslogLineId(' lxcfs');
    const panel = await openPanel(page);

    await expect(panel.getByTestId('oom-report-item')).toHaveCount(1);
    await expect(panel.getByTestId('oom-report-item')).toContainText('stream_convert');

    const verdict = panel.getByTestId('oom-verdict');
    await expect(verdict.getByTestId('oom-victim')).toContainText('stream_convert');
    await expect(verdict.getByTestId('oom-victim')).toContainText('pid 30002');
    await expect(verdict.getByTestId('oom-score-printed')).toHaveText(/printed\s+731$/);
    await expect(verdict.getByTestId('oom-score-computed')).toHaveText(/recomputed\s+731$/);
    await expect(verdict.getByTestId('oom-score-verdict')).toContainText('without the root discount');
    await expect(verdict.getByTestId('oom-score-verdict')).toContainText('709');
    const gfp = verdict.getByTestId('oom-gfp');
    await expect(gfp).toContainText('gfp_mask=0x24280ca');
    await expect(gfp.locator('.oom-chip', { hasText: /^GFP_HIGHUSER_MOVABLE$/ })).toHaveCount(1);
    await expect(gfp.locator('.oom-chip', { hasText: /^__GFP_ZERO$/ })).toHaveCount(1);

    // The Normal zone is below min and drawn in the error colour; DMA32 is not.
    const normal = panel.locator('[data-testid="oom-zone"][data-zone="Normal"]');
    await expect(normal).toHaveAttribute('data-below-min', 'true');
    await expect(normal.getByTestId('oom-zone-free')).toContainText('61228kB');
    await expect(normal.getByTestId('oom-zone-marks')).toContainText('min 61376kB');
    await expect(normal).toContainText('below min');
    const errorColour = await panel.evaluate((el) => {
      const probe = document.createElement('span');
      probe.style.color = 'var(--error)';
      el.appendChild(probe);
      const c = getComputedStyle(probe).color;
      probe.remove();
      return c;
    });
    await expect(normal.getByTestId('oom-zone-free')).toHaveCSS('color', errorColour);
    await expect(normal.locator('.oom-wm-free')).toHaveCSS('background-color', errorColour);
    await expect(panel.locator('[data-testid="oom-zone"][data-zone="DMA32"]')).toHaveAttribute(
      'data-below-min',
      'false',
    );

    // Buddy free lists per order with migrate types (seed line 57: Node 0 Normal: 9485*4kB (UMEH) …).
    const buddy = normal.getByTestId('oom-buddy');
    await expect(buddy).toBeVisible();
    const counts = buddy.getByTestId('oom-buddy-count');
    await expect(counts).toHaveCount(11);
    await expect(counts).toHaveText(['9485', '2433', '228', '0', '0', '0', '0', '0', '0', '0', '0']);
    await expect(buddy.getByTestId('oom-buddy-types').first()).toHaveText('UMEH');
    await expect(buddy.getByTestId('oom-buddy-types').first()).toHaveAttribute('title', /U: unmovable/);
    await expect(buddy.locator('td', { hasText: /^4M$/ })).toHaveCount(1);
    await expect(normal.getByTestId('oom-buddy-total')).toContainText('61052kB');
    // The DMA zone's free blocks sit in high orders: 3×4096kB (M).
    const dma = panel.locator('[data-testid="oom-zone"][data-zone="DMA"]').getByTestId('oom-buddy-count');
    await expect(dma.last()).toHaveText('3');

    await expect(panel.getByTestId('oom-swap')).toContainText('no swap');
    await expect(panel.getByTestId('oom-ledger')).toContainText('32.0 GiB');

    // The task table: 53 rows, the victim highlighted, the damaged `un  6` row read and flagged.
    await expect(panel.getByTestId('oom-tasks')).toContainText('53 tasks');
    const victimRow = panel.locator('[data-testid="oom-task-row"][data-pid="30002"]');
    await expect(victimRow).toHaveClass(/victim/);
    await expect(panel.getByTestId('oom-task-row').first()).toHaveAttribute('data-pid', '30002');
    const lxcfs = await taskRow(panel, 1867);
    await expect(lxcfs).toContainText('lxcfs');
    await expect(lxcfs.getByTestId('oom-task-repaired')).toHaveText('repaired');
    // Sorting by pid puts the lowest pid first.
    await panel.getByTestId('oom-sort-pid').click();
    await panel.getByTestId('oom-task-scroll').evaluate((el) => el.scrollTo(0, 0));
    await expect(panel.getByTestId('oom-task-row').first()).toHaveAttribute('data-pid', '999');

    // Click-through: the viewer leaves the report, then the trigger brings it back to its line.
    const viewer = page.getByTestId('log-viewer');
    const active = viewer.locator('.line-numbers.active-line-number');
    const away = await moveViewerToWriteIter(page);
    expect(Number(away)).not.toBe(triggerLine);
    await panel.getByTestId('oom-trigger').click();
    await expect(active).toHaveText(String(triggerLine));
    await expect(viewer.locator('.view-line', { hasText: 'invoked oom-killer' })).toBeVisible();

    await moveViewerToWriteIter(page);
    await panel.getByTestId('oom-victim').click();
    await expect(active).toHaveText(String(killLine));
    await expect(viewer.locator('.view-line', { hasText: 'Killed process 30002' })).toBeVisible();

    await (await taskRow(panel, 1867)).click();
    await expect(active).toHaveText(String(lxcfsLine));

    await panel.getByTestId('oom-time').click();
    await expect(active).toHaveText(String(triggerLine));
    expect(pageErrors).toEqual([]);
  });

  test('speaks zh-CN, and both themes render (screenshots for the docs)', async ({ page }) => {
    const panel = await openPanel(page);
    await page.mouse.move(1, 1);
    mkdirSync(resolve(REPO_ROOT, 'docs'), { recursive: true });
    await page.screenshot({ path: SHOT_LIGHT });

    await page.getByRole('combobox', { name: /language/i }).selectOption('zh-CN');
    await expect(page.getByRole('tab', { name: 'OOM 分析' })).toBeVisible();
    await expect(panel.getByTestId('oom-swap')).toContainText('没有交换分区');
    await expect(panel.locator('[data-testid="oom-zone"][data-zone="Normal"]')).toContainText('低于 min');
    const zhBuddy = panel.locator('[data-testid="oom-zone"][data-zone="Normal"]').getByTestId('oom-buddy');
    await expect(zhBuddy).toContainText('空闲块');
    await expect(zhBuddy.getByTestId('oom-buddy-types').first()).toHaveAttribute('title', /不可移动/);
    await expect(panel.getByTestId('oom-score-verdict')).toContainText('仅在不扣除 root 折扣时');
    await expect(panel.getByTestId('oom-score-verdict')).toContainText('731');
    await expect(panel.getByTestId('oom-tasks')).toContainText('53 个进程');
    await expect((await taskRow(panel, 1867)).getByTestId('oom-task-repaired')).toHaveText('已修复');
    // Headings, labels and findings are Chinese: each carries CJK text.
    const cjk = /[\u4e00-\u9fff]/;
    for (const text of await panel.locator('h3, dt, .oom-findings li .oom-finding-text').allTextContents()) {
      expect(text, `"${text}" is translated`).toMatch(cjk);
    }
    await expect(panel).not.toContainText('Findings');
    await expect(panel).not.toContainText('no swap');

    await panel.evaluate((el) => el.scrollTo(0, 0));
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await page.mouse.move(1, 1);
    await page.screenshot({ path: SHOT_DARK_ZH });
  });

  test("marks the report holding the viewer's cursor", async ({ page }) => {
    const killLine = await syslogLineId('Killed process 30002');
    const panel = await openPanel(page);
    const item = panel.getByTestId('oom-report-item');
    // A write_iter warning comes after the report's last line (syslog:107 and on).
    await moveViewerToWriteIter(page);
    await expect(item).not.toHaveAttribute('data-at-cursor', 'true');
    await page.getByTestId('goto-input').fill(String(killLine));
    await page.getByTestId('goto-input').press('Enter');
    await expect(page.getByTestId('log-viewer').locator('.line-numbers.active-line-number')).toHaveText(
      String(killLine),
    );
    await expect(item).toHaveAttribute('data-at-cursor', 'true');
    await expect(item).toHaveAttribute('title', /viewer's cursor/);
    await expect(item).toBeInViewport();
  });
});
