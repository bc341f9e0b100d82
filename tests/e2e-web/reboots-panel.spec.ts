/**
 * The reboot history panel (issue 5) on the sample case: five boots from the `last` listing,
 * the newest running, the four others hard with the "still running" explanation, and clicks
 * that move the viewer to the cited lines. Expected values come from the archive (tar) and
 * the host's contract, not from the panel's code.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import type { BootJson } from '../../src/shared/model/boot';
import type { CaseSummary } from '../../src/shared/model/case';
import { chromiumSkipReason, hasChromium, hostFromEnv, REPO_ROOT, SAMPLE_ARCHIVE } from './env';
import { callHost } from './host-api';
import { readMember } from './sample';
import { activeLine, resetUiState } from './viewer-helpers';

test.skip(!hasChromium, chromiumSkipReason);

const SHOT_LIGHT = resolve(REPO_ROOT, 'docs/panel-reboots.png');
const SHOT_DARK_ZH = resolve(REPO_ROOT, 'docs/panel-reboots-dark-zh.png');
const NEWEST_LAST_LINE = 'Wed Jun  8 10:10';

/** Global line id of `path:line`, from the host's source list (sources' lines are contiguous). */
function globalLineId(summary: CaseSummary, path: string, line: number): number {
  const matches = summary.sources.filter((s) => s.path === path);
  expect(matches, `one source named ${path}`).toHaveLength(1);
  const first = matches[0]?.firstLineId;
  expect(first).not.toBeNull();
  return (first ?? 0) + line - 1;
}

/** `1 d 12 h 36 m`, written out here independently of the panel's formatter. */
function human(seconds: number, unit: { d: string; h: string; m: string }): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const parts = [d > 0 ? `${d} ${unit.d}` : null, d > 0 || h > 0 ? `${h} ${unit.h}` : null, `${m} ${unit.m}`];
  return parts.filter((p) => p !== null).join(' ');
}

async function openPanel(page: Page, title: string): Promise<Locator> {
  // Earlier specs leave a remembered cursor and view in the case: start from the default ones.
  await resetUiState();
  await page.goto(hostFromEnv().url);
  await expect(page.getByTestId('log-viewer').locator('.view-line').first()).toBeVisible();
  await page.getByRole('tab', { name: title }).click();
  const panel = page.getByTestId('panel-reboots');
  await expect(panel).toBeVisible();
  return panel;
}

test.describe('reboot history panel', () => {
  test('five boots, newest running, the others hard, with click-through to the evidence', async ({
    page,
  }) => {
    const host = hostFromEnv();
    const summary = await callHost(host.port, host.token, 'caseSummary', { caseId: host.caseId });
    const analysis = await callHost(host.port, host.token, 'getAnalysis', { caseId: host.caseId });
    const last = readMember(SAMPLE_ARCHIVE, 'sos_commands/login/last');
    const lastPath = summary.sources.find((s) => last.member.endsWith(s.path))?.path ?? '';
    const newestLineNo = last.text.split('\n').findIndex((l) => l.includes(NEWEST_LAST_LINE)) + 1;
    expect(newestLineNo).toBeGreaterThan(0);
    const newestLineId = globalLineId(summary, lastPath, newestLineNo);
    expect(newestLineId).toBe(112);

    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(`${err.message}\n${err.stack ?? ''}`));
    const panel = await openPanel(page, 'Reboots');

    const rows = panel.getByTestId('boot-row');
    await expect(rows).toHaveCount(5);
    await expect(panel.getByTestId('boot-bar')).toHaveCount(5);
    await expect(panel.getByTestId('reboots-summary')).toContainText('5 boots');
    // Newest first, as `last` lists them.
    expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-boot')))).toEqual([
      '5',
      '4',
      '3',
      '2',
      '1',
    ]);

    const newest = rows.first();
    await expect(newest).toHaveAttribute('data-end-kind', 'running');
    await expect(newest.getByTestId('boot-kind')).toHaveText('running');
    // `last` printed 10:10 local time; the syslog's containerd stamps say +08:00 (02:10 UTC), and
    // the panel shows the machine's wall clock once the viewer has learned that zone.
    await expect(newest.getByTestId('boot-start')).toHaveText('Jun 8, 2022, 10:10 UTC+08:00');
    await expect(newest.getByTestId('boot-explanation')).toHaveCount(0);
    for (let i = 1; i < 5; i++) {
      const row = rows.nth(i);
      await expect(row).toHaveAttribute('data-end-kind', 'hard');
      await expect(row.getByTestId('boot-kind')).toHaveText('hard');
      await expect(row.getByTestId('boot-explanation')).toContainText('“still running”');
      await expect(row.getByTestId('boot-explanation')).toContainText(
        'ended without a shutdown record (hard)',
      );
      await expect(
        row.getByTestId('boot-flag').and(page.locator('[data-flag-kind="still-running-old"]')),
      ).toHaveCount(1);
    }
    // Years inferred from `last`'s weekdays: the panel says so on every start.
    await expect(panel.getByTestId('boot-start-inferred')).toHaveCount(5);
    // `last` cut the kernel at 16 characters and no banner gives the rest: the string is marked, and says so on hover.
    const kernel = panel.getByTestId('boot-kernel').first();
    await expect(kernel).toContainText('4.4.0-150-generi');
    expect(analysis.boots.every((b: BootJson) => b.kernelTruncated)).toBe(true);
    await expect(kernel.getByTestId('boot-kernel-truncated')).toBeVisible();
    await expect(kernel).toHaveAttribute('title', /Cut by `last` at 16 characters/);
    await expect(panel.getByTestId('boot-kernel-truncated')).toHaveCount(5);

    // The Apr 6 boot: its uptime and downtime as the model computed them, in d/h/m.
    const apr6 = analysis.boots.find((b: BootJson) => b.start.startsWith('2022-04-06'));
    expect(apr6).toBeDefined();
    const apr6Row = rows.nth(1);
    await expect(apr6Row.getByTestId('boot-start')).toHaveText('Apr 6, 2022, 20:21 UTC+08:00');
    if (apr6?.uptimeS != null && apr6.uptimeS >= 0) {
      await expect(apr6Row.getByTestId('boot-uptime')).toHaveText(
        human(apr6.uptimeS, { d: 'd', h: 'h', m: 'm' }),
      );
    }
    if (apr6?.downtimeS != null && apr6.downtimeS >= 0) {
      await expect(apr6Row.getByTestId('boot-downtime')).toHaveText(
        human(apr6.downtimeS, { d: 'd', h: 'h', m: 'm' }),
      );
    }

    // Clicking the newest boot's start selects its `last` line, even from another source's view.
    await page.getByTestId('source-item').filter({ hasText: 'proc/sys/vm/panic_on_oom' }).click();
    await newest.getByTestId('boot-start').click();
    await expect
      .poll(() => activeLine(page))
      .toEqual({ lineId: String(newestLineId), text: last.text.split('\n')[newestLineNo - 1] });

    // The Apr 6 boot's last sign of life: the model's line, resolved through the case's sources.
    const lsol = apr6?.lastSignOfLife;
    expect(lsol).toBeTruthy();
    if (lsol) {
      // A boot known only through its own boot line cites that line once, without repeating it.
      const ownLine = apr6?.evidence[0]?.source === lsol.source && apr6.evidence[0].line === lsol.line;
      if (ownLine) await expect(apr6Row.getByTestId('boot-lsol-text')).toHaveCount(0);
      else await expect(apr6Row.getByTestId('boot-lsol-text')).toHaveText(lsol.text);
      await expect(apr6Row.getByTestId('boot-lsol-link')).toHaveText(`${lsol.source}:${lsol.line}`);
      await apr6Row.getByTestId('boot-lsol-link').click();
      await expect
        .poll(() => activeLine(page))
        .toEqual({ lineId: String(globalLineId(summary, lsol.source, lsol.line)), text: lsol.text });
    }

    // A bar selects its boot in the table and moves the viewer to the boot's start.
    await panel.locator('[data-testid="boot-bar"][data-boot="5"]').click();
    await expect(newest).toHaveClass(/selected/);
    await expect.poll(async () => (await activeLine(page))?.lineId).toBe(String(newestLineId));

    // The analyser's reason, behind the row's details.
    await apr6Row.getByTestId('boot-details-toggle').click();
    await expect(apr6Row.getByTestId('boot-end-reason')).toHaveText(apr6?.endReason ?? '');
    await apr6Row.getByTestId('boot-details-toggle').click();

    await panel.locator('[data-testid="boot-bar"][data-boot="4"]').click();
    await page.mouse.move(1, 1);
    mkdirSync(dirname(SHOT_LIGHT), { recursive: true });
    await page.screenshot({ path: SHOT_LIGHT });
    expect(pageErrors).toEqual([]);
  });

  test('zh-CN and the dark theme', async ({ browser }) => {
    const context = await browser.newContext({
      colorScheme: 'dark',
      locale: 'zh-CN',
      viewport: { width: 1400, height: 900 },
    });
    await context.addInitScript(() => localStorage.setItem('postmortem.lang', 'zh-CN'));
    const page = await context.newPage();
    const panel = await openPanel(page, '重启历史');
    const rows = panel.getByTestId('boot-row');
    await expect(rows).toHaveCount(5);
    await expect(panel.getByTestId('reboots-summary')).toContainText('5 次启动');
    await expect(panel.getByRole('columnheader')).toHaveText([
      '#',
      '启动时间',
      '内核',
      '结束',
      '运行时长',
      '停机时长',
    ]);
    await expect(rows.first().getByTestId('boot-kind')).toHaveText('运行中');
    await expect(rows.first().getByTestId('boot-kernel')).toHaveAttribute(
      'title',
      /只显示内核版本的前 16 个字符/,
    );
    await expect(rows.first().getByTestId('boot-start')).toHaveText('2022年6月8日 10:10 UTC+08:00');
    for (let i = 1; i < 5; i++) {
      await expect(rows.nth(i).getByTestId('boot-kind')).toHaveText('硬重启');
      await expect(rows.nth(i).getByTestId('boot-explanation')).toContainText('没有关机记录');
    }
    const host = hostFromEnv();
    const analysis = await callHost(host.port, host.token, 'getAnalysis', { caseId: host.caseId });
    const apr6 = analysis.boots.find((b: BootJson) => b.start.startsWith('2022-04-06'));
    if (apr6?.uptimeS != null && apr6.uptimeS >= 0) {
      await expect(rows.nth(1).getByTestId('boot-uptime')).toHaveText(
        human(apr6.uptimeS, { d: '天', h: '小时', m: '分' }),
      );
    } else {
      await expect(rows.nth(1).getByTestId('boot-uptime')).toHaveText('—');
    }

    // No English left in the panel's own text: the log lines, paths, kernel strings and the
    // analyser's English sentences (marked lang="en") are data, not UI.
    await rows.nth(1).getByTestId('boot-details-toggle').click();
    await expect(rows.nth(1).getByTestId('boot-details')).toBeVisible();
    // The analyser's reason, said in Chinese from its data (paths and cites kept as written).
    const reason = rows.nth(1).getByTestId('boot-end-reason');
    await expect(reason).toContainText('没有关机痕迹，也没有崩溃证据');
    await expect(reason).toContainText('sos_commands/login/last 在这次启动与下一次启动之间没有关机记录');
    await expect(reason).toContainText('最后活动迹象是 var/log/syslog:111');
    const uiText = await panel.evaluate((el) => {
      const copy = el.cloneNode(true) as HTMLElement;
      for (const data of copy.querySelectorAll('.rb-data, [lang="en"], title')) data.remove();
      return copy.textContent ?? '';
    });
    const technical = new Set(['UTC', 'last', 'still', 'running', 'wtmp', 'reboot']);
    const words = (uiText.match(/[A-Za-z]{2,}/g) ?? []).filter((w) => !technical.has(w));
    expect(words).toEqual([]);
    await rows.nth(1).getByTestId('boot-details-toggle').click();

    await page.mouse.move(1, 1);
    mkdirSync(dirname(SHOT_DARK_ZH), { recursive: true });
    await page.screenshot({ path: SHOT_DARK_ZH });
    await context.close();
  });

  test("marks the boot running at the time of the viewer's cursor line", async ({ page }) => {
    const host = hostFromEnv();
    const summary = await callHost(host.port, host.token, 'caseSummary', { caseId: host.caseId });
    const syslog = summary.sources.find((s) => s.path === 'var/log/syslog');
    expect(syslog?.firstLineId, 'the case lists var/log/syslog').toBeTruthy();
    const panel = await openPanel(page, 'Reboots');
    // syslog:1 (Jun 6 21:33:13, the OOM) ran in the boot that ended hard two days later.
    await page.getByTestId('goto-input').fill(String(syslog!.firstLineId));
    await page.getByTestId('goto-input').press('Enter');
    await expect.poll(async () => (await activeLine(page))?.lineId).toBe(String(syslog!.firstLineId));
    const marked = panel.locator('[data-testid="boot-row"][data-at-cursor="true"]');
    await expect(marked).toHaveCount(1);
    await expect(marked).toHaveAttribute('data-end-kind', 'hard');
    await expect(marked).toHaveAttribute('title', /viewer's cursor/);
    // `last` lines carry no time of their own: with the cursor there no boot is marked.
    const last = summary.sources.find((s) => s.path === 'sos_commands/login/last');
    expect(last?.firstLineId).toBeTruthy();
    await page.getByTestId('goto-input').fill(String(last!.firstLineId));
    await page.getByTestId('goto-input').press('Enter');
    await expect.poll(async () => (await activeLine(page))?.lineId).toBe(String(last!.firstLineId));
    await expect(marked).toHaveCount(0);
  });
});
