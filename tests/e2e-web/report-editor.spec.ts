import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import type { ReportDraft } from '../../src/shared/model/report';
import { chromiumSkipReason, hasChromium, hostFromEnv, REPO_ROOT } from './env';
import { callHost } from './host-api';

test.skip(!hasChromium, chromiumSkipReason);

const SHOT = path.resolve(REPO_ROOT, 'docs/report-editor.png');
const CJK = /[\u4e00-\u9fff]/;

async function draftOf(lang: 'en' | 'zh-CN'): Promise<ReportDraft> {
  const host = hostFromEnv();
  return callHost(host.port, host.token, 'getReportDraft', { caseId: host.caseId, lang });
}

async function openEditor(page: Page): Promise<Locator> {
  await page.goto(hostFromEnv().url);
  await page.getByTestId('open-report-editor').click();
  const editor = page.getByTestId('report-editor');
  await expect(editor).toBeVisible();
  await expect(editor.getByTestId('report-section-item').first()).toBeVisible({ timeout: 60_000 });
  return editor;
}

/** The section titles as the editor lists them, in order. */
async function listedTitles(editor: Locator): Promise<string[]> {
  return (await editor.getByTestId('report-section-title').allTextContents()).map((t) =>
    t.replace(/ · .*$/, '').trim(),
  );
}

test.describe('Report editor over the browser host', () => {
  test('drafts, edits as typed, previews, switches to zh-CN and exports HTML and PDF', async ({ page }) => {
    test.setTimeout(300_000);
    const host = hostFromEnv();
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    const original = await draftOf('en');
    const editor = await openEditor(page);
    await editor.getByTestId('report-lang').selectOption('en');

    // The sections the host drafted, in its order; the preview is the host's HTML in a sandboxed frame.
    await expect.poll(() => listedTitles(editor)).toEqual(original.sections.map((s) => s.title));
    const frame = editor.getByTestId('report-preview');
    await expect(frame).toHaveAttribute('sandbox', '');
    const preview = page.frameLocator('[data-testid="report-preview"]');
    await expect(preview.locator('body')).toContainText('stream_convert', { timeout: 60_000 });
    for (const s of original.sections.filter((x) => x.enabled))
      await expect(preview.locator('body')).toContainText(s.title);

    // Edit the summary: the generated text is shown until typed over, saved as typed, previewed.
    const summary = original.sections.find((s) => s.id === 'summary');
    expect(summary, 'the draft has a summary section').toBeTruthy();
    await editor
      .locator('[data-testid="report-section-item"][data-section-id="summary"]')
      .getByTestId('report-section-title')
      .click();
    const body = editor.getByTestId('report-section-body');
    await expect(body).toHaveValue(summary!.generated);
    await body.fill(`Engineer's summary: stream_convert was OOM-killed with no swap`);
    await body.press('End');
    await page.keyboard.type('.', { delay: 20 });
    await expect(editor.getByTestId('report-save-state')).toHaveAttribute('data-state', 'saved', {
      timeout: 30_000,
    });
    await expect
      .poll(async () => (await draftOf('en')).sections.find((s) => s.id === 'summary')?.body)
      .toBe(`Engineer's summary: stream_convert was OOM-killed with no swap.`);
    await expect(preview.locator('body')).toContainText("Engineer's summary", { timeout: 30_000 });

    // Leave a section out and move another: the host keeps both.
    const last = original.sections[original.sections.length - 1]!;
    const lastItem = editor.locator(`[data-testid="report-section-item"][data-section-id="${last.id}"]`);
    await lastItem.getByTestId('report-section-enabled').uncheck();
    await lastItem.getByTestId('report-section-up').click();
    await expect(editor.getByTestId('report-save-state')).toHaveAttribute('data-state', 'saved', {
      timeout: 30_000,
    });
    const moved = await draftOf('en');
    expect(moved.sections.map((s) => s.id).indexOf(last.id)).toBe(original.sections.length - 2);
    expect(moved.sections.find((s) => s.id === last.id)?.enabled).toBe(false);

    // Drag the first section below the second; rename it.
    const first = original.sections[0]!;
    const second = original.sections[1]!;
    await editor
      .locator(`[data-testid="report-section-item"][data-section-id="${first.id}"]`)
      .dragTo(editor.locator(`[data-testid="report-section-item"][data-section-id="${second.id}"]`));
    await expect(editor.getByTestId('report-section-item').first()).toHaveAttribute(
      'data-section-id',
      second.id,
    );
    await editor
      .locator(`[data-testid="report-section-item"][data-section-id="${first.id}"]`)
      .getByTestId('report-section-title')
      .click();
    await editor.getByTestId('report-section-rename').fill('What happened');
    await expect(editor.getByTestId('report-save-state')).toHaveAttribute('data-state', 'saved', {
      timeout: 30_000,
    });
    await expect
      .poll(async () => (await draftOf('en')).sections.map((s) => `${s.id}:${s.title}`).slice(0, 2))
      .toEqual([`${second.id}:${second.title}`, `${first.id}:What happened`]);
    await editor.getByTestId('report-section-rename').fill(first.title);
    await editor.getByTestId('report-section-up').nth(1).click();
    await expect(editor.getByTestId('report-section-item').first()).toHaveAttribute(
      'data-section-id',
      first.id,
    );
    await editor
      .locator('[data-testid="report-section-item"][data-section-id="summary"]')
      .getByTestId('report-section-title')
      .click();

    // Reset to generated brings the analysis' text back.
    await editor.getByTestId('report-section-reset').click();
    await expect(body).toHaveValue(summary!.generated);
    await expect(editor.getByTestId('report-save-state')).toHaveAttribute('data-state', 'saved', {
      timeout: 30_000,
    });
    await expect
      .poll(async () => (await draftOf('en')).sections.find((s) => s.id === 'summary')?.body)
      .toBeNull();

    // zh-CN: the host re-drafts in Chinese; the list and the preview show the Chinese titles.
    await editor.getByTestId('report-lang').selectOption('zh-CN');
    const zh = await draftOf('zh-CN');
    const zhTitles = zh.sections.map((s) => s.title);
    expect(zhTitles.filter((t) => CJK.test(t)).length).toBeGreaterThanOrEqual(zhTitles.length - 1);
    await expect.poll(() => listedTitles(editor)).toEqual(zhTitles);
    await expect(preview.locator('body')).toContainText(zh.sections.find((s) => s.id === 'summary')!.title, {
      timeout: 60_000,
    });
    await expect(editor.getByTestId('report-section-body')).toHaveValue(
      zh.sections.find((s) => s.id === 'summary')!.generated,
    );

    await page.screenshot({ path: SHOT });

    // Exports arrive as downloads.
    const [html] = await Promise.all([
      page.waitForEvent('download', { timeout: 120_000 }),
      editor.getByTestId('report-export-html').click(),
    ]);
    expect(html.suggestedFilename()).toMatch(/\.html$/);
    const htmlText = readFileSync((await html.path())!, 'utf8');
    expect(htmlText).toContain(zh.sections.find((s) => s.id === 'summary')!.title);
    expect(htmlText).toContain('stream_convert');
    await expect(editor.locator('[data-testid="report-export-status"] [data-format="html"]')).toHaveAttribute(
      'data-state',
      'done',
    );

    const [pdf] = await Promise.all([
      page.waitForEvent('download', { timeout: 180_000 }),
      editor.getByTestId('report-export-pdf').click(),
    ]);
    expect(pdf.suggestedFilename()).toMatch(/\.pdf$/);
    const pdfBytes = readFileSync((await pdf.path())!);
    expect(pdfBytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const pdfStatus = editor.locator('[data-testid="report-export-status"] [data-format="pdf"]');
    await expect(pdfStatus).toContainText('.pdf');
    // The host said how many pages it printed: pdfinfo agrees.
    const pages = Number(
      /Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [(await pdf.path())!], { encoding: 'utf8' }))?.[1],
    );
    expect(pages).toBeGreaterThan(1);
    await expect(pdfStatus).toContainText(`${pages} pages`);

    // A running export shows its phase and can be cancelled.
    await editor.getByTestId('report-export-pdf').click();
    await expect(pdfStatus).toHaveAttribute('data-state', 'running');
    await expect(pdfStatus).toContainText(/drafting|rendering|printing/);
    await editor.getByTestId('report-export-cancel-pdf').click();
    await expect(pdfStatus).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
    await expect(pdfStatus).toContainText('PDF: cancelled');

    await editor.getByTestId('report-close').click();
    await expect(editor).toHaveCount(0);

    // Leave the shared case as the other specs expect it: the drafted order, every section, English.
    await callHost(host.port, host.token, 'saveReportDraft', {
      caseId: host.caseId,
      edits: {
        lang: 'en',
        title: original.title,
        customer: original.customer,
        host: original.host,
        windowFrom: original.windowFrom,
        windowTo: original.windowTo,
        sections: original.sections.map((s) => ({
          id: s.id,
          title: s.title,
          body: s.body,
          enabled: s.enabled,
        })),
        excerptAnnotationIds: original.excerptAnnotationIds,
      },
    });
    expect(pageErrors).toEqual([]);
  });
});
