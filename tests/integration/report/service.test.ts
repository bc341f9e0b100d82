import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExportResult } from '../../../src/shared/api';
import { sampleService } from '../../helpers/sample-service';

describe('report calls of the contract (engine worker, validated dispatch)', () => {
  const h = sampleService('pm-report-svc-', () => {
    throw new Error('no printing in this test');
  });
  const { sink, call } = h;
  let caseId = '';
  beforeAll(() => {
    caseId = h.caseId;
  });

  it('drafts, saves edits and previews a redacted report with no script', async () => {
    const draft = (await call('getReportDraft', { caseId, lang: 'zh-CN' })) as {
      sections: { id: string; title: string }[];
    };
    expect(draft.sections[0]).toMatchObject({ id: 'summary', title: '概述' });
    const edits = {
      lang: 'en',
      title: 'Outage on video-stream',
      customer: 'ACME',
      host: 'video-stream',
      windowFrom: null,
      windowTo: null,
      excerptAnnotationIds: null,
      sections: [
        { id: 'summary', title: 'What happened', body: 'The host video-stream hung.', enabled: true },
      ],
    };
    const saved = (await call('saveReportDraft', { caseId, edits })) as {
      title: string;
      sections: { title: string }[];
    };
    expect(saved.title).toBe('Outage on video-stream');
    expect(saved.sections[0]!.title).toBe('What happened');
    await expect(
      call('saveReportDraft', { caseId, edits: { ...edits, sections: [{ id: 'nope' }] } }),
    ).rejects.toThrow();
    await call('saveRedaction', {
      caseId,
      settings: { hostnames: true, ips: true, users: true, terms: ['ACME'] },
    });
    const { html } = (await call('previewReport', {
      caseId,
      options: { lang: 'en', redact: true, paper: 'A4' },
    })) as { html: string };
    expect(html).not.toMatch(/<script/i);
    expect(html.toLowerCase()).not.toContain('video-stream');
    expect(html).not.toContain('ACME');
    expect(html).toContain('The host host-1 hung.');
    // A preview is not an export: the list of replacements is only kept by exports.
    const red = (await call('getRedaction', { caseId })) as {
      settings: { terms: string[] };
      replacements: unknown[];
    };
    expect(red.settings.terms).toEqual(['ACME']);
  });

  it('exports Markdown and the JSONL timeline as downloads; the redaction list lands in the case', async () => {
    const md = (await call('exportReport', {
      caseId,
      format: 'md',
      options: { lang: 'en', redact: true, paper: 'A4' },
    })) as ExportResult & { status: 'download' };
    expect(md.status).toBe('download');
    const mdFile = sink.files.get(md.url.split('/').at(-1)!)!;
    expect(String(mdFile.bytes)).toContain('# Outage on host-1');
    const tl = (await call('exportReport', {
      caseId,
      format: 'jsonl',
      options: { lang: 'en', redact: true, paper: 'A4' },
    })) as ExportResult & { status: 'download' };
    expect(tl.fileName).toMatch(/-timeline\.jsonl$/);
    const onDisk = sink.files.get(tl.url.split('/').at(-1)!)!;
    expect(onDisk.path).toBeDefined();
    const text = readFileSync(onDisk.path!, 'utf8');
    expect(text.split('\n').filter((l) => l.includes('"kind":"line"'))).toHaveLength(117);
    expect(text.toLowerCase()).not.toContain('video-stream');
    expect(tl.bytes).toBe(Buffer.byteLength(text));
    const red = (await call('getRedaction', { caseId })) as {
      replacements: { original: string; pseudonym: string }[];
    };
    expect(red.replacements).toEqual(
      expect.arrayContaining([expect.objectContaining({ original: 'video-stream', pseudonym: 'host-1' })]),
    );
    await expect(
      call('exportReport', { caseId, format: 'docx', options: { lang: 'en', redact: false, paper: 'A4' } }),
    ).rejects.toThrow();
  });
});
