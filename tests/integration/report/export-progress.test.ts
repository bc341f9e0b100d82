/**
 * Issue 8: a report export is a job of kind `report`: its phases reach the UI as `ingestProgress`
 * events (drafting, rendering, printing, writing; the PDF's pages once printed) and `cancelJob`
 * stops it. Through the validated dispatch and the engine worker, as the browser host runs it.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportResult } from '../../../src/shared/api';
import type { JobProgress } from '../../../src/shared/model/case';
import { ChromiumPdfPrinter, findChromium } from '../../../src/main/report/chromium-printer';
import { countPdfPages } from '../../../src/main/services/workbench-service';
import { sampleService } from '../../helpers/sample-service';

const chromium = findChromium();
if (!chromium)
  console.warn('[skip] no Chromium (/usr/bin/chromium): the PDF export progress tests are skipped');

type Progress = JobProgress & { pages?: number };

describe('report export progress and cancel', () => {
  const printer = new ChromiumPdfPrinter();
  const h = sampleService('pm-report-progress-', () => printer);
  const { dir, sink, service, call } = h;
  const events: Progress[] = [];
  service.events.on('ingestProgress', (p) => {
    if (p.kind === 'report') events.push(p as Progress);
  });
  let caseId = '';
  const jobEvents = (jobId: string): Progress[] => events.filter((e) => e.jobId === jobId);

  beforeAll(() => {
    caseId = h.caseId;
  });
  afterAll(async () => {
    await printer.close();
  });

  it('an HTML export goes through drafting, rendering and writing, then done with its size', async () => {
    events.length = 0;
    const result = (await call('exportReport', {
      caseId,
      format: 'html',
      options: { lang: 'en', redact: false, paper: 'A4' },
    })) as ExportResult;
    expect(result.status).toBe('download');
    const ids = [...new Set(events.map((e) => e.jobId))];
    expect(ids).toHaveLength(1);
    const seen = jobEvents(ids[0]!);
    expect(seen.every((e) => e.caseId === caseId && e.kind === 'report')).toBe(true);
    expect(seen.map((e) => e.phase).filter((p, i, a) => a.indexOf(p) === i)).toEqual([
      'drafting',
      'rendering',
      'writing',
      'done',
    ]);
    expect(seen[0]!.current).toMatch(/\.html$/);
    const last = seen[seen.length - 1]!;
    expect(last).toMatchObject({ state: 'done', kind: 'report' });
    if (result.status === 'download') expect(last.bytesTotal).toBe(result.bytes);
    const job = (await call('getJob', { jobId: ids[0] })) as JobProgress;
    expect(job).toMatchObject({ state: 'done', kind: 'report', caseId });
  });

  it('the timelines are report jobs too (writing, then done)', async () => {
    events.length = 0;
    const result = (await call('exportReport', {
      caseId,
      format: 'jsonl',
      options: { lang: 'en', redact: false, paper: 'A4' },
    })) as ExportResult;
    expect(result.status).toBe('download');
    expect(events.map((e) => e.phase).filter((p, i, a) => a.indexOf(p) === i)).toEqual(['writing', 'done']);
    expect(events[0]!.current).toMatch(/-timeline\.jsonl$/);
  });

  it.skipIf(!chromium)('a PDF export also prints, and says how many pages it printed', async () => {
    events.length = 0;
    const result = (await call('exportReport', {
      caseId,
      format: 'pdf',
      options: { lang: 'en', redact: false, paper: 'A4' },
    })) as ExportResult;
    expect(result.status).toBe('download');
    const phases = events.map((e) => e.phase).filter((p, i, a) => a.indexOf(p) === i);
    expect(phases).toEqual(['drafting', 'rendering', 'printing', 'writing', 'done']);
    const pages = events.find((e) => typeof e.pages === 'number')?.pages;
    const file = [...sink.files.values()].find((f) => f.name === (result as { fileName: string }).fileName);
    const pdf = path.join(dir, 'export.pdf');
    writeFileSync(pdf, file!.bytes!);
    const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
    expect(pages).toBe(Number(/Pages:\s+(\d+)/.exec(info)?.[1]));
    expect(countPdfPages(file!.bytes!)).toBe(pages);
  });

  it.skipIf(!chromium)(
    'cancelJob while printing: the export answers cancelled and the job ends cancelled',
    async () => {
      events.length = 0;
      let cancelled: Promise<unknown> | null = null;
      const off = service.events.on('ingestProgress', (p) => {
        if (p.kind === 'report' && p.phase === 'printing' && !cancelled)
          cancelled = call('cancelJob', { jobId: p.jobId });
      });
      const result = (await call('exportReport', {
        caseId,
        format: 'pdf',
        options: { lang: 'zh-CN', redact: false, paper: 'A4' },
      })) as ExportResult;
      off();
      expect(cancelled).not.toBeNull();
      await cancelled;
      expect(result).toEqual({ status: 'cancelled' });
      const last = events[events.length - 1]!;
      expect(last).toMatchObject({ state: 'cancelled', phase: 'cancelled' });
      expect(events.some((e) => e.phase === 'writing')).toBe(false);
      // The next export is not affected.
      const again = (await call('exportReport', {
        caseId,
        format: 'md',
        options: { lang: 'en', redact: false, paper: 'A4' },
      })) as ExportResult;
      expect(again.status).toBe('download');
    },
  );

  it('cancelJob of a finished export changes nothing', async () => {
    events.length = 0;
    await call('exportReport', { caseId, format: 'md', options: { lang: 'en', redact: false, paper: 'A4' } });
    const jobId = events[0]!.jobId;
    const after = (await call('cancelJob', { jobId })) as JobProgress;
    expect(after).toMatchObject({ state: 'done' });
  });
});
