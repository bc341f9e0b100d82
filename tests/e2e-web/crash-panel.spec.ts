/**
 * The Crash panel (issue 6) on the sample case: the `[write_iter]` flood, the journald log
 * loss and the OOM-killed container as cards; the machine's readiness (panic_on_oom read,
 * overcommit_memory unknown) and its recommendations; click-through to the viewer; a note
 * autosaved on a card that survives a reload. Expected values come from the archive (tar)
 * and the host's contract, not from the panel's code.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import type { CaseSummary } from '../../src/shared/model/case';
import { chromiumSkipReason, hasChromium, hostFromEnv, REPO_ROOT, SAMPLE_ARCHIVE } from './env';
import { callHost } from './host-api';
import { grepCountIgnoreCase, readMember } from './sample';
import { activeLine } from './viewer-helpers';

test.skip(!hasChromium, chromiumSkipReason);

const SHOT_LIGHT = resolve(REPO_ROOT, 'docs/panel-crash.png');
const SHOT_DARK_ZH = resolve(REPO_ROOT, 'docs/panel-crash-dark-zh.png');
const FLOOD = 'WARNING: [write_iter] inode ifops has restore.';
const NOTE_TAG = 'crash-note';

interface SyslogFacts {
  path: string;
  floodLineId: number;
  floodFirstLine: string;
  floodCount: number;
  lost: number;
  lossLineId: number;
  shimContainer: string;
}

/** What the sample's syslog says, read with tar and plain string searches. */
function syslogFacts(summary: CaseSummary): SyslogFacts {
  const syslog = readMember(SAMPLE_ARCHIVE, 'var/log/syslog');
  const source = summary.sources.find(
    (s) => syslog.member === s.path || syslog.member.endsWith(`/${s.path}`),
  );
  expect(source?.firstLineId).toBeGreaterThan(0);
  const first = source?.firstLineId ?? 0;
  const lines = syslog.text.split('\n');
  const floodIndex = lines.findIndex((l) => l.includes(FLOOD));
  const lossIndex = lines.findIndex((l) => /Forwarding to syslog missed \d+ messages/.test(l));
  const reaped = lines.find((l) => l.includes('shim reaped'));
  expect(floodIndex).toBeGreaterThanOrEqual(0);
  expect(lossIndex).toBeGreaterThanOrEqual(0);
  return {
    path: source?.path ?? '',
    floodLineId: first + floodIndex,
    floodFirstLine: lines[floodIndex] ?? '',
    floodCount: grepCountIgnoreCase(syslog.text, FLOOD),
    lost: Number(/missed (\d+) messages/.exec(lines[lossIndex] ?? '')?.[1]),
    lossLineId: first + lossIndex,
    shimContainer: /id=([0-9a-f]{12})/.exec(reaped ?? '')?.[1] ?? '',
  };
}

/** Removes crash notes left on a line by an earlier run, so the test starts from none. */
async function clearNotes(lineId: number): Promise<void> {
  const host = hostFromEnv();
  const notes = await callHost(host.port, host.token, 'listAnnotations', { caseId: host.caseId });
  for (const n of notes) {
    if (n.lineId === lineId && n.tags.includes(NOTE_TAG)) {
      await callHost(host.port, host.token, 'deleteAnnotation', {
        caseId: host.caseId,
        annotationId: n.annotationId,
      });
    }
  }
}

/** Whether the host's ingest dated the flood's lines (the panel shows times only then). */
async function floodIsTimed(): Promise<boolean> {
  const host = hostFromEnv();
  const analysis = await callHost(host.port, host.token, 'getAnalysis', { caseId: host.caseId });
  const flood = analysis.incidents.find((i) => i.kind === 'flood');
  expect(flood).toBeDefined();
  return flood?.firstTs !== null;
}

async function openPanel(page: Page, title: string): Promise<Locator> {
  await page.goto(hostFromEnv().url);
  await expect(page.getByTestId('log-viewer').locator('.view-line').first()).toBeVisible();
  await page.getByRole('tab', { name: title }).click();
  const panel = page.getByTestId('panel-crash');
  await expect(panel).toBeVisible();
  await expect(panel.getByTestId('crash-card').first()).toBeVisible();
  return panel;
}

test.describe('crash panel', () => {
  test('flood, log loss and killed process as cards, readiness facts and recommendations, click-through', async ({
    page,
  }) => {
    const host = hostFromEnv();
    const summary = await callHost(host.port, host.token, 'caseSummary', { caseId: host.caseId });
    const sys = syslogFacts(summary);
    expect(sys.floodCount).toBe(5);
    expect(sys.lost).toBe(6);
    await clearNotes(sys.floodLineId);
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));

    const panel = await openPanel(page, 'Crash');

    // Cards in time order: the log loss at boot, the killed container, then the flood after the OOM kill.
    const cards = panel.getByTestId('crash-card');
    await expect(cards).toHaveCount(3);
    expect(await cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')))).toEqual([
      'log-loss',
      'process-killed',
      'flood',
    ]);

    const flood = panel.locator('[data-testid="crash-card"][data-kind="flood"]');
    await expect(flood.getByTestId('crash-kind')).toHaveText('Message flood');
    await expect(flood.getByTestId('crash-count')).toHaveText(`×${sys.floodCount}`);
    await expect(flood.getByTestId('crash-summary')).toContainText(
      `"${FLOOD}" repeated ${sys.floodCount} times`,
    );
    await expect(flood.getByTestId('crash-card-cite')).toHaveText(`${sys.path}:${sys.floodLineId}`);
    // Syslog lines get their times once the ingest dates them: until then the card says so, never 1970.
    const timed = await floodIsTimed();
    if (timed) {
      await expect(flood.getByTestId('crash-summary')).toContainText('10/min');
      await expect(flood.getByTestId('crash-when')).toContainText(
        /first .*2022.* 21:33:21 UTC\+08:00 · last .*2022.* 21:33:51 UTC\+08:00/,
      );
    } else {
      await expect(flood.getByTestId('crash-when')).toHaveText('no time');
    }
    await expect(panel).not.toContainText('1970');

    const loss = panel.locator('[data-testid="crash-card"][data-kind="log-loss"]');
    await expect(loss.getByTestId('crash-summary')).toHaveText(
      `journald: forwarding to syslog missed messages: ${sys.lost} messages lost`,
    );
    await loss.getByTestId('crash-toggle').click();
    await expect(loss.getByTestId('crash-lost')).toHaveText(`${sys.lost} messages`);

    const killed = panel.locator('[data-testid="crash-card"][data-kind="process-killed"]');
    await expect(killed.getByTestId('crash-kind')).toHaveText('Process killed');
    await expect(killed.getByTestId('crash-summary')).toContainText(
      `container ${sys.shimContainer} (stream_convert)`,
    );
    await killed.getByTestId('crash-toggle').click();
    const killedDetails = killed.getByTestId('crash-details');
    await expect(killedDetails).toContainText('SIGKILL = 9');
    await expect(killedDetails).toContainText('no: this signal never dumps core by default');
    await expect(killedDetails).toContainText('killed by the OOM killer');

    // The flood's details: rate, span, and the first and last lines clickable.
    await flood.getByTestId('crash-toggle').click();
    const floodDetails = flood.getByTestId('crash-details');
    await expect(floodDetails).toContainText(FLOOD);
    if (timed) {
      await expect(floodDetails).toContainText('10 per minute');
      await expect(floodDetails).toContainText('30 sec');
    } else {
      await expect(floodDetails).toContainText(/First\s*no time\s*Last\s*no time/);
    }

    // The shared cursor: opening a card's line highlights that card, and only it.
    await flood.getByTestId('crash-card-open').click();
    await expect(flood).toHaveAttribute('data-at-cursor', 'true');
    await expect(panel.locator('[data-testid="crash-card"][data-at-cursor="true"]')).toHaveCount(1);
    await loss.getByTestId('crash-card-open').click();
    await expect(loss).toHaveAttribute('data-at-cursor', 'true');
    await expect(flood).not.toHaveAttribute('data-at-cursor', 'true');

    // The machine's readiness.
    const panicOnOom = panel.locator('[data-testid="crash-fact"][data-key="vm.panic_on_oom"]');
    const panicValue = readMember(SAMPLE_ARCHIVE, 'proc/sys/vm/panic_on_oom').text.trim();
    await expect(panicOnOom.getByTestId('crash-fact-value')).toHaveText(panicValue);
    await expect(panicOnOom.getByTestId('crash-fact-meaning')).toContainText(
      'kills a process (OOM killer) instead of panicking',
    );
    await expect(panicOnOom.getByTestId('crash-cite')).toHaveText('proc/sys/vm/panic_on_oom:1');
    const overcommit = panel.locator('[data-testid="crash-fact"][data-key="vm.overcommit_memory"]');
    await expect(overcommit.getByTestId('crash-fact-value')).toHaveText('unknown (not in the archive)');
    await expect(panel.locator('[data-testid="crash-rec"][data-rec="no-vmcore"]')).toContainText(
      'The incident left no vmcore',
    );
    await expect(panel.locator('[data-testid="crash-rec"][data-rec="hang-to-vmcore"]')).toContainText(
      'Turn the next hang into a vmcore',
    );

    // A value opens its evidence: the panic_on_oom value selects the file's line.
    const panicLineId = summary.sources.find((s) => s.path === 'proc/sys/vm/panic_on_oom')?.firstLineId ?? 0;
    await panicOnOom.getByTestId('crash-fact-value').getByRole('button').click();
    await expect.poll(async () => (await activeLine(page))?.lineId).toBe(String(panicLineId));
    await loss.getByTestId('crash-card-open').click();
    await expect.poll(async () => (await activeLine(page))?.lineId).toBe(String(sys.lossLineId));

    // Clicking the flood card selects its first line in the viewer.
    await loss.getByTestId('crash-toggle').click();
    await killed.getByTestId('crash-toggle').click();
    await flood.getByTestId('crash-card-open').click();
    await expect
      .poll(() => activeLine(page))
      .toEqual({ lineId: String(sys.floodLineId), text: sys.floodFirstLine });
    expect(sys.floodFirstLine).toMatch(/^Jun {2}6 21:33:21 .*WARNING: \[write_iter\]/);

    await page.mouse.move(1, 1);
    mkdirSync(dirname(SHOT_LIGHT), { recursive: true });
    await page.screenshot({ path: SHOT_LIGHT });
    expect(pageErrors).toEqual([]);
  });

  test('a note typed on the flood card is autosaved and still there after a reload', async ({ page }) => {
    const host = hostFromEnv();
    const summary = await callHost(host.port, host.token, 'caseSummary', { caseId: host.caseId });
    const sys = syslogFacts(summary);
    await clearNotes(sys.floodLineId);
    const body =
      'crash> bt\nPID: 30002  TASK: ffff8800b3f0c4c0  CPU: 3   COMMAND: "stream_convert"\n**checked** <b>not html</b>';

    const panel = await openPanel(page, 'Crash');
    const flood = panel.locator('[data-testid="crash-card"][data-kind="flood"]');
    await flood.getByTestId('crash-note-add').click();
    await flood.getByTestId('crash-note-input').fill(body);
    await expect(flood.getByTestId('crash-note-status')).toHaveText('Saved');

    const stored = (await callHost(host.port, host.token, 'listAnnotations', { caseId: host.caseId })).filter(
      (n) => n.lineId === sys.floodLineId && n.tags.includes(NOTE_TAG),
    );
    expect(stored).toHaveLength(1);
    expect(stored[0]?.body).toBe(body);

    // A later edit updates the same annotation rather than adding one.
    await flood.getByTestId('crash-note-input').fill(`${body}\nsecond edit`);
    await expect(flood.getByTestId('crash-note-status')).toHaveText('Saved');
    const after = (await callHost(host.port, host.token, 'listAnnotations', { caseId: host.caseId })).filter(
      (n) => n.lineId === sys.floodLineId && n.tags.includes(NOTE_TAG),
    );
    expect(after.map((n) => n.annotationId)).toEqual(stored.map((n) => n.annotationId));

    await page.reload();
    await page.getByRole('tab', { name: 'Crash' }).click();
    const text = page
      .getByTestId('panel-crash')
      .locator('[data-testid="crash-card"][data-kind="flood"]')
      .getByTestId('crash-note-text');
    await expect(text).toHaveText(`${body}\nsecond edit`);
    // Shown as text: the markup typed is not rendered.
    await expect(text.locator('b')).toHaveCount(0);
    await clearNotes(sys.floodLineId);
  });

  test('a note at a time sits on the timeline between the cards of its time and is kept', async ({
    page,
  }) => {
    const host = hostFromEnv();
    // 21:33:15 on the machine (UTC+08:00), typed with its zone.
    const at = Date.UTC(2022, 5, 6, 13, 33, 15);
    const timeNotes = async () =>
      (await callHost(host.port, host.token, 'listAnnotations', { caseId: host.caseId })).filter(
        (n) => n.lineId === null && n.spanStart === at && n.tags.includes(NOTE_TAG),
      );
    for (const n of await timeNotes())
      await callHost(host.port, host.token, 'deleteAnnotation', {
        caseId: host.caseId,
        annotationId: n.annotationId,
      });
    // Where it belongs: after every incident dated at or before that time.
    const analysis = await callHost(host.port, host.token, 'getAnalysis', { caseId: host.caseId });
    const before = analysis.incidents.filter((i) => (i.firstTs ?? i.ts ?? Infinity) <= at).length;
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(analysis.incidents.length);

    const panel = await openPanel(page, 'Crash');
    const entries = panel.locator('[data-testid="crash-incidents"] > li');
    await panel.getByTestId('crash-timenote-time').fill('2022-06-06 21:33:15 +08:00');
    await panel.getByTestId('crash-timenote-time').press('Enter');
    await expect(entries.nth(before)).toHaveAttribute('data-testid', 'crash-timenote-draft');
    const body = 'crash> log | tail\nsilence after the flood: **no** hung-task report';
    await panel.getByTestId('crash-timenote-input').fill(body);
    await expect(panel.getByTestId('crash-timenote-status')).toHaveText('Saved');
    const stored = await timeNotes();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ body, spanEnd: at, anchor: null });

    await panel.getByTestId('crash-timenote-done').click();
    await expect(panel.getByTestId('crash-timenote-draft')).toHaveCount(0);
    const card = entries.nth(before);
    await expect(card).toHaveAttribute('data-entry', 'note');
    await expect(card.getByTestId('crash-timenote-text')).toContainText(
      'silence after the flood: no hung-task report',
    );
    await expect(card.getByTestId('crash-timenote-text').locator('strong')).toHaveText('no');
    await expect(panel.getByTestId('crash-timeline-counts')).toContainText('1 note at a time');

    await page.reload();
    await page.getByRole('tab', { name: 'Crash' }).click();
    const again = page.getByTestId('panel-crash').locator('[data-testid="crash-incidents"] > li').nth(before);
    await expect(again.getByTestId('crash-timenote')).toHaveAttribute(
      'data-annotation-id',
      String(stored[0]!.annotationId),
    );
    // It is a note like any other: in the Notes panel with its time.
    await page.getByRole('tab', { name: /^Notes/ }).click();
    const item = page
      .getByTestId('panel-notes')
      .locator(`[data-testid="note-item"][data-annotation-id="${stored[0]!.annotationId}"]`);
    await expect(item.getByTestId('note-time')).toContainText('2022-06-06 13:33:15');
    await callHost(host.port, host.token, 'deleteAnnotation', {
      caseId: host.caseId,
      annotationId: stored[0]!.annotationId,
    });
  });

  test('zh-CN and the dark theme', async ({ browser }) => {
    const context = await browser.newContext({
      colorScheme: 'dark',
      locale: 'zh-CN',
      viewport: { width: 1400, height: 900 },
    });
    await context.addInitScript(() => localStorage.setItem('postmortem.lang', 'zh-CN'));
    const page = await context.newPage();
    const host = hostFromEnv();
    const summary = await callHost(host.port, host.token, 'caseSummary', { caseId: host.caseId });
    const sys = syslogFacts(summary);
    await clearNotes(sys.floodLineId);

    const panel = await openPanel(page, '崩溃与内核');
    // the sample holds no vmcore, kdump directory or core file: the section says so (the hang left none)
    await expect(panel.getByTestId('crash-dumps').locator('h3')).toContainText('转储与 core 文件');
    await expect(panel.getByTestId('crash-dumps')).toContainText('本归档中没有 vmcore');
    await expect(panel.getByTestId('crash-dump')).toHaveCount(0);
    const flood = panel.locator('[data-testid="crash-card"][data-kind="flood"]');
    await expect(flood.getByTestId('crash-kind')).toHaveText('消息刷屏');
    await expect(flood.getByTestId('crash-summary')).toContainText(`重复 ${sys.floodCount} 次`);
    if (await floodIsTimed())
      await expect(flood.getByTestId('crash-when')).toContainText(
        /首次 2022年.* 21:33:21 UTC\+08:00 · 末次 2022年.* 21:33:51 UTC\+08:00/,
      );
    else await expect(flood.getByTestId('crash-when')).toHaveText('无时间');
    const loss = panel.locator('[data-testid="crash-card"][data-kind="log-loss"]');
    await expect(loss.getByTestId('crash-summary')).toHaveText(
      `journald:转发到 syslog 时丢失消息:丢失 ${sys.lost} 条消息`,
    );
    await expect(
      panel.locator('[data-testid="crash-card"][data-kind="process-killed"]').getByTestId('crash-kind'),
    ).toHaveText('进程被杀');

    const panicOnOom = panel.locator('[data-testid="crash-fact"][data-key="vm.panic_on_oom"]');
    await expect(panicOnOom.getByTestId('crash-fact-meaning')).toContainText(
      '内存耗尽时内核调用OOM killer杀掉进程',
    );
    await expect(
      panel
        .locator('[data-testid="crash-fact"][data-key="vm.overcommit_memory"]')
        .getByTestId('crash-fact-value'),
    ).toHaveText('未知(归档中没有)');
    await expect(panel.locator('[data-testid="crash-rec"][data-rec="no-vmcore"]')).toContainText(
      '本次故障没有留下vmcore',
    );

    // Open every card's details and the note editor of one, then look for English UI text.
    for (const toggle of await panel.getByTestId('crash-toggle').all()) await toggle.click();
    await flood.getByTestId('crash-note-add').click();
    await expect(flood.getByTestId('crash-note-input')).toBeVisible();
    const text = (await panel.innerText()).replace(/\s+/g, ' ');
    for (const english of [
      'Details',
      'Add a note',
      'Message flood',
      'messages lost',
      'per minute',
      'unknown (not in the archive)',
      'Default action',
      'Recommendations',
      'never dumps core',
      'killed by the OOM killer',
      'first ',
      'Meaning',
    ]) {
      expect(text, `no "${english}" in the zh-CN panel`).not.toContain(english);
    }
    await flood.getByRole('button', { name: '完成' }).click();
    for (const toggle of await panel.getByTestId('crash-toggle').all()) await toggle.click();
    await expect(panel.getByTestId('crash-details')).toHaveCount(0);
    await panel.evaluate((el) => el.scrollTo(0, 0));
    await page.mouse.move(1, 1);
    await page.screenshot({ path: SHOT_DARK_ZH });
    await context.close();
  });
});
