import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import type { Annotation } from '../../src/shared/model/annotation';
import { EMPTY_FILTER } from '../../src/shared/model/view';
import {
  chromiumSkipReason,
  hasChromium,
  hostFromEnv,
  REPO_ROOT,
  SAMPLE_ARCHIVE,
  type HostReady,
} from './env';
import { callHost } from './host-api';
import { readMember } from './sample';
import { killGroup, serve } from './serve';
import { activeLine } from './viewer-helpers';

test.skip(!hasChromium, chromiumSkipReason);

const SHOT = path.resolve(REPO_ROOT, 'docs/panel-notes.png');

/** Clicks the n-th rendered line of the viewer and returns its gutter id and text. */
async function pickLine(page: Page, n: number): Promise<{ lineId: number; text: string }> {
  const viewer = page.getByTestId('log-viewer');
  await expect(viewer.locator('.view-line').nth(n)).toBeVisible();
  await viewer.locator('.view-line').nth(n).click();
  await expect.poll(async () => (await activeLine(page))?.lineId ?? '').not.toBe('');
  const active = await activeLine(page);
  return { lineId: Number(active?.lineId), text: active?.text ?? '' };
}

async function openNotes(page: Page): Promise<Locator> {
  await page.getByRole('tab', { name: /^Notes/ }).click();
  const panel = page.getByTestId('panel-notes');
  await expect(panel).toBeVisible();
  return panel;
}

/** Where a global line id lands in the archive (tar), through the case's source ranges. */
async function anchorOf(
  host: HostReady,
  lineId: number,
): Promise<{ path: string; lineNo: number; text: string }> {
  const summary = await callHost(host.port, host.token, 'caseSummary', { caseId: host.caseId });
  const source = summary.sources.find(
    (s) => s.firstLineId !== null && lineId >= s.firstLineId && lineId < s.firstLineId + s.lineCount,
  );
  if (!source || source.firstLineId === null) throw new Error(`no source holds line ${lineId}`);
  const lineNo = lineId - source.firstLineId + 1;
  const member = readMember(SAMPLE_ARCHIVE, source.path);
  const text = member.text.split('\n')[lineNo - 1] ?? '';
  return { path: source.path, lineNo, text };
}

async function notesOf(host: HostReady): Promise<Annotation[]> {
  return callHost(host.port, host.token, 'listAnnotations', { caseId: host.caseId });
}

/** Starts from the workbench's defaults: earlier specs leave a cursor, a panel and filters in the case. */
async function resetUiState(host: HostReady): Promise<void> {
  await callHost(host.port, host.token, 'saveUiState', {
    caseId: host.caseId,
    state: {
      cursorLineId: null,
      viewSource: null,
      filter: EMPTY_FILTER,
      openPanel: null,
      layout: { left: 260, right: 420, bottom: 160 },
      bookmarks: [],
    },
  });
}

test.describe('Notes panel over the browser host', () => {
  test('the viewer adds a note on the selected lines, by shortcut and by context menu', async ({ page }) => {
    test.setTimeout(120_000);
    const host = hostFromEnv();
    const before = new Set((await notesOf(host)).map((n) => n.annotationId));
    await resetUiState(host);
    await page.goto(host.url);
    const line = await pickLine(page, 2);
    await page.keyboard.press('Control+Alt+KeyN');
    const panel = page.getByTestId('panel-notes');
    const body = panel.getByTestId('note-body');
    await expect(body).toBeFocused();
    await body.fill('from the shortcut');
    await expect(panel.getByTestId('note-save-state').first()).toHaveAttribute('data-state', 'saved', {
      timeout: 30_000,
    });
    await panel.getByTestId('note-done').click();
    await expect
      .poll(async () => (await notesOf(host)).filter((n) => !before.has(n.annotationId)).map((n) => n.lineId))
      .toEqual([line.lineId]);

    const second = await pickLine(page, 5);
    await page.getByTestId('log-viewer').locator('.view-line').nth(5).click({ button: 'right' });
    // Monaco's menu acts on its own mouse events: hover the item, then press and release on it.
    const item = page.getByRole('menuitem', { name: /Add a note on these lines/ });
    await item.hover();
    await page.mouse.down();
    await page.mouse.up();
    await expect(body).toBeFocused();
    await body.fill('from the context menu');
    await expect(panel.getByTestId('note-save-state').first()).toHaveAttribute('data-state', 'saved', {
      timeout: 30_000,
    });
    await panel.getByTestId('note-done').click();
    const made = (await notesOf(host)).filter((n) => !before.has(n.annotationId));
    expect(made.map((n) => n.lineId).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(
      [line.lineId, second.lineId].sort((a, b) => a - b),
    );
    for (const n of made)
      await callHost(host.port, host.token, 'deleteAnnotation', {
        caseId: host.caseId,
        annotationId: n.annotationId,
      });
  });

  test('a note on a finding from the findings list keeps the finding and its first line', async ({
    page,
  }) => {
    test.setTimeout(120_000);
    const host = hostFromEnv();
    const before = new Set((await notesOf(host)).map((n) => n.annotationId));
    await resetUiState(host);
    await page.goto(host.url);
    // The first OOM finding of the list (the sample has the kill and a cross-report note).
    const item = page
      .getByTestId('findings-list')
      .locator('[data-testid="finding-item"][data-kind="oom"]')
      .first();
    await expect(item).toBeVisible();
    const key = await item.getAttribute('data-finding-key');
    const findings = await callHost(host.port, host.token, 'listFindings', { caseId: host.caseId });
    const oom = findings.find((f) => f.findingKey === key);
    expect(oom).toBeDefined();
    const firstLineId = Math.min(...oom!.evidence.filter((e) => e.lineId > 0).map((e) => e.lineId));
    expect(firstLineId).toBeGreaterThan(0);
    const row = item.locator('xpath=..');
    await row.hover();
    await row.getByTestId('finding-add-note').click();
    const panel = page.getByTestId('panel-notes');
    const body = panel.getByTestId('note-body');
    await expect(body).toBeFocused();
    // The editor names what the note is on: the finding, and its line as source:line.
    await expect(panel.locator('.note-anchor').first()).toContainText('var/log/syslog:');
    await body.fill('victim stream_convert: score 731 checks out');
    await expect(panel.getByTestId('note-save-state').first()).toHaveAttribute('data-state', 'saved', {
      timeout: 30_000,
    });
    await panel.getByTestId('note-done').click();
    const made = (await notesOf(host)).filter((n) => !before.has(n.annotationId));
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({
      findingKey: oom!.findingKey,
      lineId: firstLineId,
      body: 'victim stream_convert: score 731 checks out',
    });
    await callHost(host.port, host.token, 'deleteAnnotation', {
      caseId: host.caseId,
      annotationId: made[0]!.annotationId,
    });
  });

  test('a note is created on a line, edited as typed, filtered, deleted and undone', async ({ page }) => {
    // Six engineers share two cores: give the many steps room.
    test.setTimeout(180_000);
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    const host = hostFromEnv();
    const before = new Set((await notesOf(host)).map((n) => n.annotationId));
    // A note made elsewhere (another window, the CLI) is listed too: one on the OOM trigger line.
    const syslog = readMember(SAMPLE_ARCHIVE, 'var/log/syslog');
    const summary = await callHost(host.port, host.token, 'caseSummary', { caseId: host.caseId });
    const syslogSource = summary.sources.find((s) => syslog.member.endsWith(s.path));
    const triggerNo = syslog.text.split('\n').findIndex((l) => l.includes('invoked oom-killer')) + 1;
    expect(triggerNo).toBeGreaterThan(0);
    const other = await callHost(host.port, host.token, 'saveAnnotation', {
      caseId: host.caseId,
      lineId: (syslogSource?.firstLineId ?? 0) + triggerNo - 1,
      body: 'OOM trigger: `gfp_mask=0x24280ca`, order 0 — no swap to fall back on',
      tags: ['oom'],
      starred: true,
    });
    expect(other.anchor?.lineNo).toBe(triggerNo);
    await resetUiState(host);
    await page.goto(host.url);
    const line = await pickLine(page, 4);
    const expected = await anchorOf(host, line.lineId);
    // The viewer shows the archive's own line (tar), so the anchor below is checked against the file.
    expect(line.text.trim()).toBe(expected.text.trim());

    const panel = await openNotes(page);
    await panel.getByTestId('note-new').click();
    const body = panel.getByTestId('note-body');
    await expect(body).toBeFocused();
    // The machine is shared: most text is filled, a few keys are typed one by one.
    await body.fill('**Root cause** candidate: <script>x</script');
    await body.press('End');
    await page.keyboard.type('>', { delay: 20 });
    const state = panel.getByTestId('note-save-state');
    await expect(state).toHaveAttribute('data-state', 'saved');
    await expect(state).toHaveText('saved');
    // The first save created the note: the editor keeps its place and its focus, typing goes on.
    await expect(body).toBeFocused();

    // The host has it, anchored to the clicked line of its source.
    const created = (await notesOf(host)).filter(
      (n) => !before.has(n.annotationId) && n.annotationId !== other.annotationId,
    );
    expect(created).toHaveLength(1);
    const note = created[0]!;
    expect(note.body).toBe('**Root cause** candidate: <script>x</script>');
    expect(note.lineId).toBe(line.lineId);
    expect(note.anchor?.sourcePath).toBe(expected.path);
    expect(note.anchor?.lineNo).toBe(expected.lineNo);
    expect(note.orphaned).toBe(false);

    // Edit: tags and star, saved as typed.
    await panel.getByTestId('note-tags').fill('rootcause, 内核');
    await panel.getByTestId('note-star').click();
    await expect(state).toHaveAttribute('data-state', 'saved');
    await expect
      .poll(async () => (await notesOf(host)).find((n) => n.annotationId === note.annotationId))
      .toMatchObject({ tags: ['rootcause', '内核'], starred: true });
    await panel.getByTestId('note-done').click();

    const item = panel.locator(`[data-testid="note-item"][data-annotation-id="${note.annotationId}"]`);
    await expect(item).toBeVisible();
    // Markdown rendered, log text never interpreted as HTML.
    await expect(item.getByTestId('note-body-view').locator('strong')).toHaveText('Root cause');
    await expect(item.getByTestId('note-body-view')).toContainText('<script>x</script>');
    await expect(item.getByTestId('note-body-view').locator('script')).toHaveCount(0);
    await expect(item.getByTestId('note-jump')).toHaveText(`${expected.path}:${expected.lineNo}`);
    await expect(item.getByTestId('note-excerpt')).toHaveText(expected.text);
    await expect(item.getByTestId('note-tag')).toHaveText(['rootcause', '内核']);

    // Edit again, then leave the editor by clicking elsewhere right after typing: nothing lost.
    await item.getByTestId('note-edit').click();
    await item.getByTestId('note-body').press('End');
    await page.keyboard.type(' ok', { delay: 10 });
    await item.getByTestId('note-done').click();
    await expect(item.getByTestId('note-body-view')).toContainText('</script> ok');
    await expect
      .poll(async () => (await notesOf(host)).find((n) => n.annotationId === note.annotationId)?.body)
      .toBe('**Root cause** candidate: <script>x</script> ok');

    // Clicking the anchor moves the viewer to the line.
    await pickLine(page, 0);
    await item.getByTestId('note-jump').click();
    await expect(page.getByTestId('log-viewer').locator('.line-numbers.active-line-number')).toHaveText(
      String(line.lineId),
    );

    // Filters: by tag and by star.
    await panel.getByTestId('notes-filter-tag').selectOption('内核');
    await expect(panel.getByTestId('note-item')).toHaveCount(1);
    await panel.getByTestId('notes-filter-tag').selectOption('');
    await expect(panel.getByTestId('note-item')).toHaveCount(2);
    await panel.getByTestId('notes-filter-starred').check();
    await expect(panel.getByTestId('note-item')).toHaveCount(2);
    await item.getByTestId('note-item-star').click();
    await expect(panel.getByTestId('note-item')).toHaveCount(1);
    await expect(panel.getByTestId('note-item')).toHaveAttribute(
      'data-annotation-id',
      String(other.annotationId),
    );
    await panel.getByTestId('notes-filter-starred').uncheck();
    await expect(panel.getByTestId('note-item')).toHaveCount(2);
    await item.getByTestId('note-item-star').click();
    await expect(item.getByTestId('note-item-star')).toHaveAttribute('aria-pressed', 'true');
    await expect
      .poll(async () => (await notesOf(host)).find((n) => n.annotationId === note.annotationId)?.starred)
      .toBe(true);

    await page.screenshot({ path: SHOT, clip: (await panel.boundingBox()) ?? undefined });

    // Delete, then undo from the toast.
    await item.getByTestId('note-item-delete').click();
    await expect(item).toHaveCount(0);
    await expect
      .poll(async () => (await notesOf(host)).some((n) => n.annotationId === note.annotationId))
      .toBe(false);
    await panel.getByTestId('note-undo').click();
    await expect(item).toBeVisible();
    const restored = (await notesOf(host)).find((n) => n.annotationId === note.annotationId);
    expect(restored?.body).toBe('**Root cause** candidate: <script>x</script> ok');
    expect(restored?.tags).toEqual(['rootcause', '内核']);

    // Leave the shared case as it was for the other specs.
    await callHost(host.port, host.token, 'deleteAnnotation', {
      caseId: host.caseId,
      annotationId: note.annotationId,
    });
    await callHost(host.port, host.token, 'deleteAnnotation', {
      caseId: host.caseId,
      annotationId: other.annotationId,
    });
    expect(pageErrors).toEqual([]);
  });

  test('the ? overlay lists the note shortcut the viewer binds', async ({ page }) => {
    const host = hostFromEnv();
    await resetUiState(host);
    await page.goto(host.url);
    await expect(page.getByTestId('log-viewer').locator('.view-line').first()).toBeVisible();
    await page.locator('body').press('?');
    const overlay = page.getByTestId('shortcuts');
    await expect(overlay).toBeVisible();
    const row = overlay
      .getByTestId('shortcuts-local')
      .getByRole('listitem')
      .filter({ hasText: 'Add a note on these lines' });
    await expect(row).toContainText('Ctrl+Alt+N');
    await expect(row).toContainText('⌘+⌥+N');
    await page.keyboard.press('Escape');
    await expect(overlay).toHaveCount(0);
  });

  test('notes are markers on the timeline: a click shows the line and the note; a right-click adds one at a time', async ({
    page,
  }) => {
    test.setTimeout(120_000);
    const host = hostFromEnv();
    await resetUiState(host);
    const before = new Set((await notesOf(host)).map((n) => n.annotationId));
    // A note on the OOM kill line (`Killed process 30002`), made elsewhere.
    const syslog = readMember(SAMPLE_ARCHIVE, 'var/log/syslog');
    const summary = await callHost(host.port, host.token, 'caseSummary', { caseId: host.caseId });
    const src = summary.sources.find((x) => syslog.member.endsWith(x.path))!;
    const killNo = syslog.text.split('\n').findIndex((l) => l.includes('Killed process 30002')) + 1;
    const killId = src.firstLineId! + killNo - 1;
    const note = await callHost(host.port, host.token, 'saveAnnotation', {
      caseId: host.caseId,
      lineId: killId,
      body: 'victim: stream_convert',
      tags: ['timeline'],
      starred: false,
    });
    await page.goto(host.url);
    await expect(page.getByTestId('log-viewer').locator('.view-line').first()).toBeVisible();
    const timeline = page.getByTestId('timeline');
    const count = timeline.getByTestId('timeline-note-count');
    // Every note with a time is a marker (earlier specs may have left some).
    await expect(count).toHaveAttribute('data-count', /^[1-9]\d*$/);

    // The marker sits at the line's time on the bottom edge of the plot.
    const line = await callHost(host.port, host.token, 'getLines', {
      caseId: host.caseId,
      view: { kind: 'source', sourceId: src.sourceId },
      start: killNo - 1,
      count: 1,
    });
    const ts = line.lines[0]!.ts!;
    const from = Number(await timeline.getAttribute('data-from'));
    const to = Number(await timeline.getAttribute('data-to'));
    const over = timeline.locator('.u-over');
    const box = (await over.boundingBox())!;
    const x = box.x + ((ts - from) / (to - from)) * box.width;
    await page.mouse.click(x, box.y + box.height - 6);
    await expect.poll(async () => (await activeLine(page))?.lineId).toBe(String(killId));
    const panel = page.getByTestId('panel-notes');
    await expect(panel).toBeVisible();
    await expect(
      panel.locator(`[data-testid="note-item"][data-annotation-id="${note.annotationId}"]`),
    ).toHaveAttribute('data-focused', 'true');

    // The lines of all notes are read by now (the one clicked was).
    const markers = Number(await count.getAttribute('data-count'));

    // Right-click: a note at that time (no line), edited in the Notes panel.
    await page.mouse.click(box.x + box.width * 0.9, box.y + box.height / 3, { button: 'right' });
    const menu = page.getByTestId('timeline-menu');
    await expect(menu).toBeVisible();
    await menu.getByTestId('timeline-note-at').click();
    const body = panel.getByTestId('note-body');
    await expect(body).toBeFocused();
    await body.fill('silence starts here');
    await expect(panel.getByTestId('note-save-state').first()).toHaveAttribute('data-state', 'saved', {
      timeout: 30_000,
    });
    await panel.getByTestId('note-done').click();
    const made = (await notesOf(host)).filter(
      (n) => !before.has(n.annotationId) && n.annotationId !== note.annotationId,
    );
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({ lineId: null, anchor: null, body: 'silence starts here' });
    expect(made[0]!.spanStart).toBe(made[0]!.spanEnd);
    expect(made[0]!.spanStart!).toBeGreaterThan(from);
    expect(made[0]!.spanStart!).toBeLessThan(to);
    await expect(count).toHaveAttribute('data-count', String(markers + 1));
    for (const n of [note, ...made])
      await callHost(host.port, host.token, 'deleteAnnotation', {
        caseId: host.caseId,
        annotationId: n.annotationId,
      });
  });
});

test.describe('Notes survive a killed server', () => {
  let dir = '';
  let casePath = '';
  let running: ChildProcess | null = null;

  test.beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pm-e2e-notes-kill-'));
    casePath = path.join(dir, 'seed.pmcase');
    execFileSync('npx', ['tsx', 'src/main/cli/main.ts', 'index', SAMPLE_ARCHIVE, '-o', casePath], {
      cwd: REPO_ROOT,
      env: { ...process.env, POSTMORTEM_HOME: dir },
      stdio: 'ignore',
    });
  });

  test.afterAll(async () => {
    if (running) await killGroup(running, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  test('text shown as saved is in the case after SIGKILL mid-edit and a reopen', async ({ page }) => {
    test.setTimeout(180_000);
    const first = await serve(casePath, dir);
    running = first.child;
    await page.goto(first.ready.url);
    const line = await pickLine(page, 2);
    const panel = await openNotes(page);
    await panel.getByTestId('note-new').click();
    const body = panel.getByTestId('note-body');
    await body.fill('OOM kill of stream_convert, no swa');
    await body.press('End');
    await page.keyboard.type('p', { delay: 10 });
    await expect(panel.getByTestId('note-save-state')).toHaveAttribute('data-state', 'saved');
    const shownSaved = await body.inputValue();
    // Keep typing and kill the whole server (npx, tsx, node) before the debounce sends it.
    await page.keyboard.type(' → x', { delay: 5 });
    await killGroup(first.child, 'SIGKILL');
    expect(first.child.signalCode).toBe('SIGKILL');
    running = null;

    const second = await serve(casePath, dir);
    running = second.child;
    const notes = await callHost(second.ready.port, second.ready.token, 'listAnnotations', {
      caseId: second.ready.caseId,
    });
    expect(notes).toHaveLength(1);
    const kept = notes[0]!;
    // Everything shown as saved is there; the unsaved tail may or may not have made it.
    expect(kept.body.startsWith(shownSaved)).toBe(true);
    expect(`${shownSaved} → x`.startsWith(kept.body)).toBe(true);
    expect(kept.lineId).toBe(line.lineId);

    await page.goto(second.ready.url);
    const reopened = await openNotes(page);
    await expect(reopened.getByTestId('note-item')).toHaveCount(1);
    await expect(reopened.getByTestId('note-body-view')).toContainText(shownSaved);
    await killGroup(second.child, 'SIGTERM');
    running = null;
  });
});
