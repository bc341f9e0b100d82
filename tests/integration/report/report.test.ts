import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../src/main/engine/engine';
import { findChromium, ChromiumPdfPrinter } from '../../../src/main/report/chromium-printer';
import { reportDraft } from '../../../src/main/report/draft';
import type { ReportData } from '../../../src/main/report/model';
import { buildReport } from '../../../src/main/report/report';
import { TIMESKETCH_COLUMNS } from '../../../src/main/engine/report/timeline-export';
import type { ReportEdits, ReportOptions } from '../../../src/shared/model/report';
import { SAMPLE, tmpDir } from '../../helpers/tmp';

const META = { appVersion: 'test', generatedAt: Date.UTC(2026, 0, 2, 3, 4, 5) };
const EN: ReportOptions = { lang: 'en', redact: false, paper: 'A4' };
const ZH: ReportOptions = { lang: 'zh-CN', redact: false, paper: 'A4' };
const chromium = findChromium();
if (!chromium)
  console.warn('[skip] no Chromium (/usr/bin/chromium): the PDF tests of the report are skipped');

function pdfText(file: string): string {
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

describe('incident report of the sample case', () => {
  const dir = tmpDir('pm-report-');
  const file = path.join(dir, 'sample.pmcase');
  let engine = new Engine();
  let caseId = '';
  const data = (names = false): ReportData => engine.reportData({ caseId, names });

  beforeAll(async () => {
    caseId = engine.openCase({ file, create: true, title: 'Sample: video-stream OOM' }).caseId;
    await engine.ingest({ caseId, jobId: 'j1', inputs: [SAMPLE] });
  });
  afterAll(() => engine.closeAll());

  it('drafts a Summary that tells the incident from the findings, each step cited', () => {
    const summary = reportDraft(data(), 'en').sections.find((s) => s.id === 'summary')!.generated;
    const steps = summary.split('\n').filter((l) => /^\d+\. /.test(l));
    // The OOM kill, no swap, the score check, the flood, the last sign of life and the hard reset, in order.
    const order = [
      /2022-06-06 21:33:14 on `video-stream` the kernel OOM killer killed \*\*stream\\_convert\*\* \(pid 30002.*`var\/log\/syslog:103`/,
      /No swap was configured \(Total swap = 0kB, `var\/log\/syslog:42`\)/,
      /oom_score 731; recomputed from the task table it is 731/,
      /flooded `WARNING: \[write_iter\] inode ifops has restore\.`: 5 times over 30 s \(`var\/log\/syslog:107`\)/,
      /last sign of life is a line at 2022-06-06 21:33:51 \(`var\/log\/syslog:111`\); then silence for 36 h 36 min/,
      /next boot started at 2022-06-08 10:10:00 with no shutdown or crash trace before it: a hard reset/,
    ];
    let at = -1;
    for (const re of order) {
      const i = steps.findIndex((s) => re.test(s));
      expect(i, String(re)).toBeGreaterThan(at);
      at = i;
    }
    for (const s of steps) expect(s, s).toMatch(/`[\w/.-]+:\d+`/);
  });

  it('drafts in Chinese: section titles and generated sentences', () => {
    const draft = reportDraft(data(), 'zh-CN');
    expect(draft.sections.map((s) => s.title)).toEqual([
      '概述',
      '关键事件时间线',
      'OOM 终止分析',
      '重启历史',
      '崩溃与 vmcore 说明',
      '系统就绪情况与建议',
      '证据摘录',
      '附录:日志来源与导入错误',
    ]);
    const summary = draft.sections[0]!.generated;
    expect(summary).toContain('内核 OOM killer 终止了进程 **stream\\_convert**');
    expect(summary).toContain('判定为硬重启');
    expect(summary).toContain('最后存活迹象');
    expect(reportDraft(data(), 'zh-CN').sections.find((s) => s.id === 'reboots')!.generated).toContain(
      '硬重启(无关机记录)',
    );
  });

  it('keeps the engineer’s edits in the case across a reopen, over a fresh draft', () => {
    const fresh = reportDraft(data(), 'en');
    const edits: ReportEdits = {
      lang: 'en',
      title: 'Customer X: video platform outage',
      customer: 'Customer X',
      host: 'video-stream',
      windowFrom: fresh.windowFrom,
      windowTo: fresh.windowTo,
      excerptAnnotationIds: null,
      sections: [
        {
          id: 'oom',
          title: 'Why the kernel killed stream_convert',
          body: 'Our own words about the **OOM**.',
          enabled: true,
        },
        { id: 'summary', title: 'Summary', body: null, enabled: true },
        { id: 'timeline', title: 'Timeline of key events', body: null, enabled: false },
      ],
    };
    engine.saveReportEdits({ caseId, edits });
    engine.closeAll();
    engine = new Engine();
    caseId = engine.openCase({ file, create: false }).caseId;
    const d = reportDraft(data(), 'en');
    expect(d.title).toBe('Customer X: video platform outage');
    expect(d.sections.map((s) => s.id)).toEqual([
      'oom',
      'summary',
      'timeline',
      'reboots',
      'crash',
      'system',
      'excerpts',
      'appendix',
    ]);
    expect(d.sections[0]).toMatchObject({
      title: 'Why the kernel killed stream_convert',
      body: 'Our own words about the **OOM**.',
    });
    expect(d.sections[0]!.generated).toContain('stream\\_convert');
    expect(d.sections[2]!.enabled).toBe(false);
    // In Chinese the default titles follow the language; the renamed one is kept.
    const zh = reportDraft(data(), 'zh-CN');
    expect(zh.sections[0]!.title).toBe('Why the kernel killed stream_convert');
    expect(zh.sections[1]!.title).toBe('概述');
    const html = buildReport(data(), EN, META).html;
    expect(html).toContain('<strong>OOM</strong>');
    expect(html).not.toContain('id="sec-timeline"');
    expect(() =>
      engine.saveReportEdits({
        caseId,
        edits: { ...edits, sections: [edits.sections[0]!, edits.sections[0]!] },
      }),
    ).toThrow(/section oom appears twice/);
    engine.saveReportEdits({ caseId, edits: { ...edits, title: 'Sample', sections: [] } });
  });

  it('quotes annotated lines under Evidence excerpts, escaped, in a document with no script and a CSP', async () => {
    const line = (
      await engine.getLines({ caseId, view: { kind: 'source', sourceId: 1 }, start: 102, count: 1 })
    ).lines[0]!;
    expect(line.text).toContain('Killed process 30002');
    engine.saveAnnotation({
      caseId,
      draft: {
        lineId: line.lineId,
        lineCount: 2,
        body: 'Victim <img src=x onerror=alert(1)> here',
        tags: ['oom'],
        starred: true,
      },
    });
    const { html, markdown } = buildReport(data(), EN, META);
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;');
    expect(html).not.toMatch(/<img/i);
    expect(html).toContain('Victim &lt;img src=x onerror=alert(1)&gt; here');
    expect(html).toMatch(
      /<code>var\/log\/syslog:103-104<\/code> · 2022-06-06 21:33:14 · time: printed without a year; year inferred/,
    );
    expect(html).toContain('Killed process 30002 (stream_convert)');
    expect(html).not.toMatch(/\b(?:src|href)="(?:https?:|\/\/)/);
    expect(markdown).toContain('Victim <img src=x onerror=alert(1)> here');
    // The ledger chart is inline SVG.
    expect(html).toMatch(/<svg viewBox="[^"]+" width="100%" role="img"/);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('redaction of video-stream leaves no byte of it in HTML, Markdown, JSONL or the Timesketch CSV', async () => {
    engine.saveRedactionSettings({
      caseId,
      settings: { hostnames: true, ips: true, users: true, terms: ['RapidStor'] },
    });
    const built = buildReport(data(true), { ...EN, redact: true }, META);
    for (const text of [built.html, built.markdown, built.title, built.pdf.headerTemplate])
      expect(text.toLowerCase()).not.toContain('video-stream');
    expect(built.html).toContain('host-1');
    expect(built.markdown).not.toMatch(/rapidstor/i);
    expect(built.replacements).toEqual(
      expect.arrayContaining([
        { kind: 'hostname', original: 'video-stream', pseudonym: 'host-1' },
        { kind: 'term', original: 'RapidStor', pseudonym: 'term-1' },
      ]),
    );
    for (const format of ['jsonl', 'timesketch'] as const) {
      const out = path.join(dir, `timeline.${format}`);
      const r = await engine.exportTimeline({ caseId, format, file: out, redact: true });
      const text = readFileSync(out, 'utf8');
      expect(text.toLowerCase()).not.toContain('video-stream');
      expect(text).toContain('host-1');
      expect(r.lines).toBe(117);
    }
    expect(engine.redactionState({ caseId }).replacements).toEqual(
      expect.arrayContaining([{ kind: 'hostname', original: 'video-stream', pseudonym: 'host-1' }]),
    );
  });

  it('exports every line and finding with UTC times as JSONL and Timesketch CSV', async () => {
    const jsonl = path.join(dir, 'plain.jsonl');
    const r = await engine.exportTimeline({ caseId, format: 'jsonl', file: jsonl, redact: false });
    const rows = readFileSync(jsonl, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.filter((x) => x.kind === 'line')).toHaveLength(117);
    expect(rows.filter((x) => x.kind === 'finding').length).toBe(r.findings);
    const kill = rows.find((x) => x.kind === 'line' && x.line_no === 103 && x.source === 'var/log/syslog')!;
    expect(kill).toMatchObject({
      datetime: '2022-06-06T13:33:14.000Z',
      timestamp: Date.UTC(2022, 5, 6, 13, 33, 14) * 1000,
      ts_quality: 'year-inferred',
      host: 'video-stream',
    });
    const csv = path.join(dir, 'plain.csv');
    const t = await engine.exportTimeline({ caseId, format: 'timesketch', file: csv, redact: false });
    const lines = readFileSync(csv, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe(TIMESKETCH_COLUMNS.join(','));
    expect(lines[0]!.split(',').slice(0, 4)).toEqual(['message', 'datetime', 'timestamp', 'timestamp_desc']);
    const killRow = lines.find((l) => l.includes('Killed process 30002'))!;
    expect(killRow).toContain(
      ',2022-06-06T13:33:14.000Z,1654522394000000,Log line time (year inferred),postmortem:line,var/log/syslog,',
    );
    // Lines without a time cannot go on a timeline: counted, left out of the CSV.
    expect(t.untimed).toBe(6);
    expect(lines.length - 1).toBe(117 - 6 + lines.filter((l) => l.includes('postmortem:finding')).length);
  });

  describe.skipIf(!chromium)('PDF through Chromium', () => {
    const printer = new ChromiumPdfPrinter();
    afterAll(() => printer.close());

    it('prints the English report: victim, score check, hard reset, flood, recommendations and syslog citations', async () => {
      const built = buildReport(data(), EN, META);
      const pdf = path.join(dir, 'report-en.pdf');
      writeFileSync(pdf, await printer.printToPdf(built.html, built.pdf));
      const text = pdfText(pdf);
      expect(text).toContain('stream_convert');
      expect(text).toMatch(/Score check: Recomputed score 731/);
      expect(text).toMatch(/hard reset/);
      expect(text).toContain('[write_iter] inode ifops has restore');
      expect(text).toContain('The incident left no vmcore');
      expect(text).toMatch(/var\/log\/syslog:\d+/);
      expect(text).toMatch(/page 1 \/ \d+/);
      const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
      const pages = Number(/Pages:\s+(\d+)/.exec(info)?.[1]);
      expect(pages).toBeGreaterThanOrEqual(3);
      expect(pages).toBeLessThanOrEqual(20);
      expect(info).toMatch(/Tagged:\s+yes/);
      expect(info).toMatch(/Page size:\s+595\.\d+ x 842\.\d+ pts \(A4\)/);
    });

    it('prints the Chinese report with its CJK glyphs embedded and its section titles as text', async () => {
      const built = buildReport(data(), { ...ZH, paper: 'Letter' }, META);
      const pdf = path.join(dir, 'report-zh.pdf');
      writeFileSync(pdf, await printer.printToPdf(built.html, built.pdf));
      const text = pdfText(pdf);
      for (const title of [
        '概述',
        '关键事件时间线',
        'OOM 终止分析',
        '重启历史',
        '系统就绪情况与建议',
        '附录',
      ])
        expect(text).toContain(title);
      expect(text).toContain('硬重启');
      expect(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' })).toMatch(/612 x 792 pts \(letter\)/);
      const fonts = execFileSync('pdffonts', [pdf], { encoding: 'utf8' }).trim().split('\n').slice(2);
      expect(fonts.length).toBeGreaterThan(0);
      // Every font is embedded (emb = yes) with a ToUnicode map (uni = yes).
      for (const f of fonts) expect(f, f).toMatch(/\s+yes\s+(?:yes|no)\s+yes\s+\d+\s+\d+$/);
      const named = fonts.filter((f) => /YaHei|PingFang|WenQuanYi|Droid|CJK|SourceHan/i.test(f));
      if (named.length === 0)
        console.warn(
          '[note] the CJK glyphs are embedded as Type 3 fonts: Skia writes CFF-outline fonts (Noto Sans CJK) that way; a TrueType CJK font (fonts-wqy-microhei, Microsoft YaHei) is listed by name',
        );
      else expect(named[0]).toMatch(/CID TrueType/);
    });

    it('prints the redacted report with no trace of the host name', async () => {
      const built = buildReport(data(true), { ...EN, redact: true }, META);
      const pdf = path.join(dir, 'report-redacted.pdf');
      writeFileSync(pdf, await printer.printToPdf(built.html, built.pdf));
      const text = pdfText(pdf);
      expect(text.toLowerCase()).not.toContain('video-stream');
      expect(text).toContain('host-1');
      expect(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' })).not.toMatch(/video-stream/i);
    });
  });
});
