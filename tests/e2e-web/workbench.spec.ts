/**
 * The linked workbench on the sample case (issue 7): findings move the viewer, search counts
 * match grep, filters and the timeline narrow together, go-to-time, bookmarks across a reload,
 * the zh-CN UI, log text never run as HTML, and nothing requested off 127.0.0.1.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import {
  chromiumSkipReason,
  hasChromium,
  hostFromEnv,
  REPO_ROOT,
  SAMPLE_ARCHIVE,
  SCREENSHOT_PATH,
} from './env';
import { callHost } from './host-api';
import { startHost } from './host';
import { grepCountIgnoreCase, readMember } from './sample';
import { activeLine, plain, recordOffHost, resetUiState } from './viewer-helpers';

test.skip(!hasChromium, chromiumSkipReason);

const SCREENSHOT_DARK = path.resolve(REPO_ROOT, 'docs/screenshot-dark.png');

/** The syslog as tar gives it, and its global line ids from the host's summary. */
async function syslogFacts(): Promise<{
  text: string;
  lines: string[];
  firstLineId: number;
  firstTs: number;
}> {
  const host = hostFromEnv();
  const syslog = readMember(SAMPLE_ARCHIVE, 'var/log/syslog');
  const summary = await callHost(host.port, host.token, 'caseSummary', { caseId: host.caseId });
  const source = summary.sources.find(
    (s) => syslog.member === s.path || syslog.member.endsWith(`/${s.path}`),
  );
  expect(source?.firstLineId, 'the case lists var/log/syslog').toBeTruthy();
  const page = await callHost(host.port, host.token, 'getLines', {
    caseId: host.caseId,
    view: { kind: 'source', sourceId: source?.sourceId ?? 0 },
    start: 0,
    count: 1,
  });
  return {
    text: syslog.text,
    lines: syslog.text.split('\n'),
    firstLineId: source?.firstLineId ?? 0,
    firstTs: page.lines[0]?.ts ?? 0,
  };
}

async function openSample(page: Page): Promise<void> {
  await page.goto(hostFromEnv().url);
  await expect(page.getByTestId('log-viewer').locator('.view-line').first()).toBeVisible();
  // The findings arrive with the case; the remembered state has been applied once they are listed.
  await expect(page.getByTestId('finding-item').first()).toBeVisible();
}

test.describe('linked workbench on the sample case', () => {
  test.beforeEach(async () => {
    await resetUiState();
  });
  test.afterEach(async () => {
    await resetUiState();
  });

  test('clicking the OOM finding selects the invoked oom-killer line and opens the OOM panel', async ({
    page,
    context,
  }) => {
    const off = await recordOffHost(context);
    const { lines, firstLineId } = await syslogFacts();
    const oomLineId = firstLineId + lines.findIndex((l) => l.includes('invoked oom-killer'));
    await openSample(page);
    // Move away first, so the click is a real move.
    await page.getByTestId('goto-input').fill(String(oomLineId + 100));
    await page.getByTestId('goto-input').press('Enter');
    await expect.poll(async () => (await activeLine(page))?.lineId).toBe(String(oomLineId + 100));

    const oom = page.locator('[data-testid="finding-item"][data-kind="oom"]').first();
    await oom.click();
    await expect.poll(async () => (await activeLine(page))?.lineId).toBe(String(oomLineId));
    expect((await activeLine(page))?.text).toContain('invoked oom-killer');
    await expect(page.getByTestId('tab-oom')).toHaveAttribute('aria-selected', 'true');
    // The cursor is inside the OOM finding's span: the list highlights it.
    await expect(oom).toHaveAttribute('data-at-cursor', 'true');
    // The gutter carries the finding's glyph on that line.
    await expect(page.getByTestId('log-viewer').locator('.glyph-finding').first()).toBeVisible();

    // Back returns to the line jumped from.
    await page.keyboard.press('Alt+ArrowLeft');
    await expect.poll(async () => (await activeLine(page))?.lineId).toBe(String(oomLineId + 100));
    expect(off).toEqual([]);
  });

  test('streaming search counts write_iter as grep does, highlights the hits, and N walks them', async ({
    page,
    context,
  }) => {
    const off = await recordOffHost(context);
    const { text } = await syslogFacts();
    const grepCount = grepCountIgnoreCase(text, 'write_iter');
    expect(grepCount).toBeGreaterThan(0);
    await openSample(page);
    await page.getByTestId('search-input').fill('write_iter');
    await page.getByTestId('search-input').press('Enter');
    await expect(page.getByTestId('search-count')).toHaveText(String(grepCount));
    await expect(page.getByTestId('search-hits').getByRole('button')).toHaveCount(grepCount);
    const ids = await page.getByTestId('search-hits').locator('.hit-line').allTextContents();

    // N from the keyboard goes to the first hit, then the next one.
    await page.getByTestId('log-viewer').locator('.view-line').first().click();
    await page.keyboard.press('n');
    await expect.poll(async () => (await activeLine(page))?.lineId).toBe(ids[0]?.trim());
    await page.keyboard.press('n');
    await expect.poll(async () => (await activeLine(page))?.lineId).toBe(ids[1]?.trim());
    await expect(page.getByTestId('log-viewer').locator('.search-hit-inline').first()).toBeVisible();
    // The overview ruler carries a mark per hit and per placed finding.
    expect(Number(await page.getByTestId('overview').getAttribute('data-markers'))).toBeGreaterThanOrEqual(
      grepCount,
    );

    // A regex search over the same words agrees.
    await page.getByText('Regex', { exact: true }).first().click();
    await page.getByTestId('search-input').fill('write_iter\\]\\s+inode');
    await page.getByTestId('search-input').press('Enter');
    await expect(page.getByTestId('search-count')).toHaveText(String(grepCount));
    expect(off).toEqual([]);
  });

  test('a program filter and a time brush narrow the lines and the histogram together', async ({
    page,
    context,
  }) => {
    const off = await recordOffHost(context);
    const host = hostFromEnv();
    const { lines, firstTs } = await syslogFacts();
    // As `awk '$5 == "kernel:"'` reads them.
    const kernelLines = lines.filter((l) => l.trim().split(/\s+/)[4] === 'kernel:');
    await openSample(page);
    const viewCount = page.getByTestId('view-count');
    const timeline = page.getByTestId('timeline');
    await expect(timeline).toHaveAttribute('data-total', /\d+/);
    const totalBefore = Number(await timeline.getAttribute('data-total'));
    const summary = await callHost(host.port, host.token, 'caseSummary', { caseId: host.caseId });
    await expect(viewCount).toContainText(summary.lineCount.toLocaleString('en-US'));

    await page.getByTestId('filter-kind').selectOption('program');
    await page.getByTestId('filter-value').fill('kernel');
    await page.getByTestId('filter-add').click();
    await expect(page.getByTestId('filter-chip')).toHaveCount(1);
    // Every kernel line of the sample carries a time: the view and the histogram count the same lines.
    await expect(viewCount).toContainText(`${kernelLines.length} lines`);
    await expect(timeline).toHaveAttribute('data-total', String(kernelLines.length));
    expect(kernelLines.length).toBeLessThan(totalBefore);
    await expect(page.getByTestId('log-viewer').locator('.view-line', { hasText: 'containerd' })).toHaveCount(
      0,
    );

    // Brush the right half of the timeline.
    const over = timeline.locator('.u-over');
    const box = await over.boundingBox();
    expect(box).not.toBeNull();
    const b = box!;
    await page.mouse.move(b.x + b.width * 0.5, b.y + b.height / 2);
    await page.mouse.down();
    await page.mouse.move(b.x + b.width * 0.75, b.y + b.height / 2, { steps: 5 });
    await page.mouse.move(b.x + b.width - 2, b.y + b.height / 2, { steps: 5 });
    await page.mouse.up();
    await expect(page.getByTestId('filter-chip')).toHaveCount(2);

    // What the brush chose, as the case remembers it, and the kernel lines in it counted from the archive.
    let from = 0;
    let to = 0;
    await expect
      .poll(async () => {
        const state = await callHost(host.port, host.token, 'getUiState', { caseId: host.caseId });
        from = state.filter.from ?? 0;
        to = state.filter.to ?? 0;
        return state.filter.programs.join(',') + (state.filter.from !== null ? ' time' : '');
      })
      .toBe('kernel time');
    // The printed times are local: the syslog's first line and its stored time give the offset to UTC.
    const wallOf = (l: string): number | null => {
      const m = /^\w{3} +(\d+) (\d\d):(\d\d):(\d\d)/.exec(l);
      return m ? Date.UTC(2000, 0, Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])) : null;
    };
    const wall0 = wallOf(lines[0] ?? '')!;
    const expected = kernelLines.filter((l) => {
      const ts = firstTs + (wallOf(l)! - wall0);
      return ts >= from && ts <= to;
    }).length;
    expect(expected).toBeGreaterThan(0);
    expect(expected).toBeLessThan(kernelLines.length);
    await expect(viewCount).toContainText(`${expected} line`);
    await expect(timeline).toHaveAttribute('data-total', String(expected));

    // Removing the chips gives the whole case back to both.
    await page.getByTestId('filter-chip').first().getByRole('button').click();
    await page.getByTestId('filter-chip').first().getByRole('button').click();
    await expect(page.getByTestId('filter-chip')).toHaveCount(0);
    await expect(timeline).toHaveAttribute('data-total', String(totalBefore));
    expect(off).toEqual([]);
  });

  test('go to time lands on the first line at that time; go to line on that line', async ({ page }) => {
    const { lines, firstLineId } = await syslogFacts();
    const index = lines.findIndex((l) => l.startsWith('Jun  6 21:33:21'));
    expect(index).toBeGreaterThan(0);
    await openSample(page);
    await page.getByTestId('goto-input').fill('Jun 6 21:33:21');
    await page.getByTestId('goto-input').press('Enter');
    await expect.poll(async () => (await activeLine(page))?.lineId).toBe(String(firstLineId + index));
    expect((await activeLine(page))?.text).toBe(lines[index]);

    // ISO with the same wall-clock time and a year lands on the same line.
    await page.getByTestId('goto-input').fill(String(firstLineId));
    await page.getByTestId('goto-input').press('Enter');
    await expect.poll(async () => (await activeLine(page))?.lineId).toBe(String(firstLineId));
    await page.getByTestId('goto-input').fill('2022-06-06 21:33:21');
    await page.getByTestId('goto-input').press('Enter');
    await expect.poll(async () => (await activeLine(page))?.lineId).toBe(String(firstLineId + index));

    await page.getByTestId('goto-input').fill('not a time');
    await page.getByTestId('goto-input').press('Enter');
    await expect(page.getByRole('status').filter({ hasText: 'Not a line number or a time' })).toBeVisible();
  });

  test('bookmarks, the cursor and the filter survive a reload', async ({ page }) => {
    const host = hostFromEnv();
    const { lines, firstLineId } = await syslogFacts();
    const callTrace = firstLineId + lines.findIndex((l) => l.includes('Call Trace:'));
    await openSample(page);
    await page.getByTestId('goto-input').fill(String(callTrace));
    await page.getByTestId('goto-input').press('Enter');
    await expect.poll(async () => (await activeLine(page))?.lineId).toBe(String(callTrace));
    await page.keyboard.press('m');
    await expect(page.getByTestId('bookmarks-button')).toHaveText('1 bookmark');
    await expect(page.getByTestId('log-viewer').locator('.glyph-bookmark')).toHaveCount(1);
    await page.getByTestId('filter-kind').selectOption('exclude');
    await page.getByTestId('filter-value').fill('containerd');
    await page.getByTestId('filter-add').click();
    await expect
      .poll(async () => {
        const s = await callHost(host.port, host.token, 'getUiState', { caseId: host.caseId });
        return `${s.bookmarks.join(',')}|${s.filter.exclude.map((m) => m.pattern).join(',')}|${s.cursorLineId}`;
      })
      .toBe(`${callTrace}|containerd|${callTrace}`);

    await page.reload();
    await expect(page.getByTestId('bookmarks-button')).toHaveText('1 bookmark');
    await expect(page.getByTestId('filter-chip')).toHaveText(/containerd/);
    await expect.poll(async () => (await activeLine(page))?.lineId).toBe(String(callTrace));
    await page.getByTestId('bookmarks-button').click();
    await expect(
      page.getByTestId('bookmarks').getByRole('button', { name: `Line ${callTrace}`, exact: true }),
    ).toBeVisible();
    await expect(page.getByTestId('log-viewer').locator('.glyph-bookmark')).toHaveCount(1);
    // U walks to it from elsewhere.
    await page.getByTestId('goto-input').fill(String(firstLineId));
    await page.getByTestId('goto-input').press('Enter');
    await expect.poll(async () => (await activeLine(page))?.lineId).toBe(String(firstLineId));
    await page.keyboard.press('u');
    await expect.poll(async () => (await activeLine(page))?.lineId).toBe(String(callTrace));
  });

  test('the first click after reopening at a remembered cursor sets the active line', async ({ page }) => {
    const host = hostFromEnv();
    const { lines, firstLineId } = await syslogFacts();
    const kill = firstLineId + lines.findIndex((l) => l.includes('Killed process 30002'));
    await resetUiState();
    const fresh = await callHost(host.port, host.token, 'getUiState', { caseId: host.caseId });
    await callHost(host.port, host.token, 'saveUiState', {
      caseId: host.caseId,
      state: { ...fresh, cursorLineId: kill },
    });
    await page.goto(host.url);
    const viewer = page.getByTestId('log-viewer');
    // Click a line as soon as lines are painted: a late restore must not take the cursor back.
    await viewer.locator('.view-line').first().waitFor();
    const box = await page.locator('#log-viewer-editor').boundingBox();
    expect(box).not.toBeNull();
    await page.mouse.click(box!.x + 300, box!.y + 120);
    const clicked = (await activeLine(page))?.lineId;
    expect(clicked).toBeTruthy();
    await page.waitForTimeout(1500);
    expect((await activeLine(page))?.lineId).toBe(clicked);
    await expect
      .poll(
        async () =>
          (await callHost(host.port, host.token, 'getUiState', { caseId: host.caseId })).cursorLineId,
      )
      .toBe(Number(clicked));
    await resetUiState();
  });

  test('the ? overlay lists the shortcuts; E seeks the next error', async ({ page }) => {
    await openSample(page);
    await page.getByTestId('log-viewer').locator('.view-line').first().click();
    await page.keyboard.press('?');
    const overlay = page.getByTestId('shortcuts');
    await expect(overlay).toBeVisible();
    // Every shortcut row names its keys and what they do (the list grows with the workbench).
    const rows = overlay.locator('tr');
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(16);
    for (const row of await rows.all()) {
      await expect(row.locator('kbd').first()).toBeVisible();
      await expect(row).not.toHaveText(/^\s*$/);
    }
    await page.keyboard.press('Escape');
    await expect(overlay).toBeHidden();
    const before = (await activeLine(page))?.lineId;
    await page.keyboard.press('e');
    await expect.poll(async () => (await activeLine(page))?.lineId).not.toBe(before);
    expect((await activeLine(page))?.text).toMatch(
      /error|fail|Out of memory|Killed process|panic|Call Trace|BUG|Oops/i,
    );
  });

  test('zh-CN: no English words left in the main regions', async ({ browser }) => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    const off = await recordOffHost(context);
    const page = await context.newPage();
    await openSample(page);
    await page.getByTestId('search-input').fill('write_iter');
    await page.getByTestId('search-input').press('Enter');
    await expect(page.getByTestId('search-count')).not.toHaveText('0');
    await page.getByTestId('filter-kind').selectOption('program');
    await page.getByTestId('filter-value').fill('kernel');
    await page.getByTestId('filter-add').click();
    await expect(page.getByTestId('filter-chip')).toHaveCount(1);
    const english = await page.evaluate(() => {
      // Log text, paths, finding titles and other case data are evidence, not UI.
      // The language menu names each language in itself (English stays English).
      const skip = '.monaco-editor, .hits, [data-text="data"], datalist, .u-axis, .panels, script, style';
      const allowed = /^(Postmortem|OOM|UTC|ISO|JavaScript|syslog|kernel|Shift|Ctrl|Alt|English)$/;
      const roots = [
        'header',
        '[data-testid="left-region"]',
        '[data-testid="centre-region"]',
        '[data-testid="timeline"]',
      ];
      const found: string[] = [];
      for (const sel of roots) {
        const root = document.querySelector(sel);
        if (!root) continue;
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const el = n.parentElement;
          if (!el || el.closest(skip) || el.closest('[hidden]')) continue;
          for (const word of n.textContent?.match(/[A-Za-z]{3,}/g) ?? [])
            if (!allowed.test(word)) found.push(word);
        }
        for (const el of root.querySelectorAll('[placeholder], [aria-label], [title]')) {
          if (el.closest(skip)) continue;
          for (const attr of ['placeholder', 'aria-label', 'title']) {
            const v = el.getAttribute(attr) ?? '';
            // Attributes that quote data (a chip's pattern, a source path) keep the data.
            if (el.closest('[data-text="data"], .chip, .source, .finding')) continue;
            for (const word of v.match(/[A-Za-z]{3,}/g) ?? [])
              if (!allowed.test(word)) found.push(`${attr}:${word}`);
          }
        }
      }
      return found;
    });
    // Syslog month names in the go-to hint are what the user types.
    expect(english.filter((w) => !/^(title|placeholder):(Jun)$/.test(w))).toEqual([]);
    await expect(page.getByTestId('timeline')).toContainText('时间线');
    // Finding titles are built in the UI language from the analysis, the OOM cross-report one too.
    const findings = page.getByTestId('finding-item');
    await expect(findings.filter({ hasText: 'stream_convert（pid 30002）被杀之后' })).toHaveCount(1);
    await expect(findings.filter({ hasText: /After|killed/ })).toHaveCount(0);
    expect(off).toEqual([]);
    await context.close();
  });

  test('screenshots of the light and dark themes for the README', async ({ browser }) => {
    for (const [scheme, file] of [
      ['light', SCREENSHOT_PATH],
      ['dark', SCREENSHOT_DARK],
    ] as const) {
      const context = await browser.newContext({
        colorScheme: scheme,
        viewport: { width: 1400, height: 900 },
      });
      const off = await recordOffHost(context);
      const page = await context.newPage();
      await openSample(page);
      await page.getByTestId('search-input').fill('write_iter');
      await page.getByTestId('search-input').press('Enter');
      await expect(page.getByTestId('search-count')).not.toHaveText('0');
      await page.locator('[data-testid="finding-item"][data-kind="oom"]').first().click();
      await expect(page.getByTestId('tab-oom')).toHaveAttribute('aria-selected', 'true');
      await page.mouse.move(1, 1);
      await expect(page.getByTestId('timeline').locator('canvas').first()).toBeVisible();
      mkdirSync(path.dirname(file), { recursive: true });
      await page.screenshot({ path: file });
      expect(off).toEqual([]);
      await context.close();
    }
  });
});

test.describe('untrusted log text', () => {
  test('lines holding <img onerror> and <script> show as text and nothing runs', async ({ browser }) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pm-e2e-xss-'));
    const home = mkdtempSync(path.join(os.tmpdir(), 'pm-e2e-xss-home-'));
    const evil = [
      'Jun  6 21:40:01 evil app[100]: <img src=x onerror="window.__pwned=1;document.title=\'pwned\'">',
      'Jun  6 21:40:02 evil app[100]: <script>window.__pwned=2</script>',
      'Jun  6 21:40:03 evil app[100]: error: <b>bold</b> [link](javascript:window.__pwned=3) **md** <svg onload="window.__pwned=4">',
      'Jun  6 21:40:04 evil kernel: Out of memory: Killed process 4242 (<img src=x onerror=window.__pwned=5>) total-vm:1kB',
    ];
    mkdirSync(path.join(dir, 'var/log'), { recursive: true });
    writeFileSync(path.join(dir, 'var/log/syslog'), `${evil.join('\n')}\n`);
    const host = await startHost(
      'npx',
      ['tsx', 'src/main/cli/main.ts', 'serve', dir, '--port', '0', '--json-ready'],
      REPO_ROOT,
      { ...process.env, POSTMORTEM_HOME: home },
    );
    try {
      const context = await browser.newContext();
      const off = await recordOffHost(context);
      const page = await context.newPage();
      const dialogs: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(host.ready.url);
      const viewer = page.getByTestId('log-viewer');
      await expect(
        viewer.locator('.view-line', { hasText: '<script>window.__pwned=2</script>' }),
      ).toBeVisible();
      await expect
        .poll(async () => plain(await viewer.locator('.view-lines').textContent()))
        .toContain('<img src=x onerror="window.__pwned=1;document.title=\'pwned\'">');

      // In the hit list too, and in the hover of a line.
      await page.getByTestId('search-input').fill('onerror');
      await page.getByTestId('search-input').press('Enter');
      await expect(page.getByTestId('search-count')).toHaveText('2');
      await expect(page.getByTestId('search-hits')).toContainText('<img src=x onerror=');
      await viewer.locator('.view-line', { hasText: '<b>bold</b>' }).hover();
      await expect(page.locator('.monaco-hover').first()).toContainText('var/log/syslog', {
        timeout: 10_000,
      });
      // The OOM line becomes a finding whose title quotes the process name: shown as text.
      await page.mouse.move(1, 1);

      const state = await page.evaluate(() => ({
        pwned: (window as unknown as { __pwned?: number }).__pwned ?? null,
        title: document.title,
        imgs: document.querySelectorAll('img[src="x"]').length,
        svgs: document.querySelectorAll('svg[onload]').length,
        bold: [...document.querySelectorAll('b')].filter((b) => b.textContent === 'bold').length,
        scripts: [...document.querySelectorAll('script')].filter((s) => s.textContent?.includes('__pwned'))
          .length,
      }));
      expect(state).toEqual({ pwned: null, title: 'Postmortem', imgs: 0, svgs: 0, bold: 0, scripts: 0 });
      expect(dialogs).toEqual([]);
      expect(errors).toEqual([]);
      expect(off).toEqual([]);
      await context.close();
    } finally {
      await host.stop();
      rmSync(dir, { recursive: true, force: true });
      rmSync(home, { recursive: true, force: true });
    }
  });
});
