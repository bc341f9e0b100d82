/**
 * Issue 8: what the report is drafted from (engine/report-data.ts), and redaction of version
 * strings shaped like IPv4 addresses in every export format.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../src/main/engine/engine';
import { reportAnalysis } from '../../../src/main/engine/report-data';
import { ChromiumPdfPrinter, findChromium } from '../../../src/main/report/chromium-printer';
import { buildReport } from '../../../src/main/report/report';
import type { ReportOptions } from '../../../src/shared/model/report';
import { corpusAvailable, readCorpus } from '../../helpers/corpus';
import { SAMPLE, tmpDir } from '../../helpers/tmp';

const META = { appVersion: 'test', generatedAt: Date.UTC(2026, 0, 2, 3, 4, 5) };
const EN: ReportOptions = { lang: 'en', redact: false, paper: 'A4' };
const chromium = findChromium();

describe('the report snapshot of the sample case', () => {
  const dir = tmpDir('pm-report-data-');
  const engine = new Engine();
  let caseId = '';
  beforeAll(async () => {
    caseId = engine.openCase({ file: path.join(dir, 'sample.pmcase'), create: true, title: 'Sample' }).caseId;
    await engine.ingest({ caseId, jobId: 'j', inputs: [SAMPLE] });
  });
  afterAll(() => engine.closeAll());

  it('drops the per-occurrence lists of incidents and the unnoted findings, and drafts the same report', () => {
    const full = engine.analysis({ caseId });
    const flood = full.incidents.find((i) => i.kind === 'flood')!;
    // The sample's flood: 5 repeats, a block of 2 lines.
    expect(flood.count).toBe(5);
    expect(flood.lines.length).toBe(2);
    const data = engine.reportData({ caseId, names: false });
    const slimFlood = data.analysis.incidents.find((i) => i.kind === 'flood')!;
    expect(slimFlood.occurrences).toEqual([flood.occurrences[0]]);
    expect(slimFlood.lines).toEqual(flood.lines.slice(0, 1));
    expect(slimFlood).toMatchObject({ count: flood.count, firstTs: flood.firstTs, lastTs: flood.lastTs });
    expect(reportAnalysis(full).incidents).toEqual(data.analysis.incidents);
    // No note is about a finding yet: none is sent.
    expect(data.findings).toEqual([]);
    const allFindings = engine.listFindings({ caseId });
    const withAll = buildReport({ ...data, analysis: full, findings: allFindings }, EN, META);
    const slim = buildReport(data, EN, META);
    expect(slim.markdown).toBe(withAll.markdown);
    expect(slim.html).toBe(withAll.html);

    // A note about a finding brings that finding (and only it) into the snapshot.
    const f = allFindings.find((x) => x.kind === 'oom')!;
    const lineId = f.evidence.find((e) => e.lineId > 0)!.lineId;
    engine.saveAnnotation({
      caseId,
      draft: { lineId, findingKey: f.findingKey, body: 'checked', tags: [], starred: false },
    });
    const noted = engine.reportData({ caseId, names: false });
    expect(noted.findings.map((x) => x.findingKey)).toEqual([f.findingKey]);
    expect(buildReport(noted, EN, META).markdown).toBe(
      buildReport({ ...noted, analysis: full, findings: allFindings }, EN, META).markdown,
    );
  });
});

describe('redaction keeps version strings in every export format', () => {
  const dir = tmpDir('pm-report-versions-');
  const engine = new Engine();
  let caseId = '';
  const log = path.join(dir, 'syslog');
  const lines = [
    'Jun  8 10:11:01 web-07 kernel: [    0.000000] Linux version 4.15.0.1-generic (buildd@lcy01-amd64-023) #52-Ubuntu SMP',
    'Jun  8 10:11:02 web-07 kernel: [    0.000000] Linux version 5.4.0-42-generic (buildd@lgw01-amd64-038) #46-Ubuntu SMP',
    'Jun  8 10:11:03 web-07 apt[912]: Unpacking libfoo1:amd64 (2.3.4.5-1ubuntu1) over (2.3.4.4-1ubuntu1) ...',
    'Jun  8 10:11:04 web-07 sshd[981]: Accepted publickey for root from 10.20.30.41 port 51514 ssh2',
    'Jun  8 10:11:05 web-07 dhclient[700]: DHCPACK of 172.16.5.9 from 172.16.5.1',
  ];
  // canonical/hotsos (Apache-2.0): a real dpkg line with a version shaped like an address.
  const real = corpusAvailable
    ? readCorpus(
        'f-sos/hotsos_openstack_sosreport/sos_commands/logs/journalctl_--no-pager_--catalog_--boot_-1',
      )
        .toString('utf8')
        .split('\n')[2811]!
    : null;
  beforeAll(async () => {
    writeFileSync(log, [...lines, ...(real ? [real] : [])].join('\n') + '\n');
    caseId = engine.openCase({ file: path.join(dir, 'v.pmcase'), create: true, title: 'Versions' }).caseId;
    await engine.ingest({ caseId, jobId: 'j', inputs: [log] });
    const first = engine.getLines({ caseId, view: { kind: 'source', sourceId: 1 }, start: 0, count: 10 });
    for (const l of (await first).lines)
      engine.saveAnnotation({ caseId, draft: { lineId: l.lineId, body: 'seen', tags: [], starred: false } });
    engine.saveRedactionSettings({
      caseId,
      settings: { hostnames: true, ips: true, users: true, terms: [] },
    });
  });
  afterAll(() => engine.closeAll());

  const kept = ['4.15.0.1-generic', '5.4.0-42-generic', '2.3.4.5-1ubuntu1', '2.3.4.4-1ubuntu1'];
  const gone = ['10.20.30.41', '172.16.5.9', '172.16.5.1'];
  // The PDF wraps long log lines anywhere: compared without white space there.
  const check = (text: string, squeeze = false): void => {
    const t = squeeze ? text.replace(/\s+/g, '') : text;
    const s = (x: string): string => (squeeze ? x.replace(/\s+/g, '') : x);
    for (const k of kept) expect(t).toContain(s(k));
    for (const g of gone) expect(t).not.toContain(g);
    expect(t).toContain('192.0.2.');
    if (real) expect(t).toContain(s('(1:20.04.10.10) over (1:20.04.10.9)'));
  };

  it('HTML and Markdown', () => {
    const built = buildReport(engine.reportData({ caseId, names: true }), { ...EN, redact: true }, META);
    check(built.html);
    check(built.markdown);
    expect(
      built.replacements
        .filter((r) => r.kind === 'ip')
        .map((r) => r.original)
        .sort(),
    ).toEqual([...gone].sort());
  });

  it('JSONL and the Timesketch CSV', async () => {
    for (const format of ['jsonl', 'timesketch'] as const) {
      const out = path.join(dir, `t.${format}`);
      await engine.exportTimeline({ caseId, format, file: out, redact: true });
      check(readFileSync(out, 'utf8'));
    }
  });

  it.skipIf(!chromium)('PDF text', async () => {
    const built = buildReport(engine.reportData({ caseId, names: true }), { ...EN, redact: true }, META);
    const printer = new ChromiumPdfPrinter();
    try {
      const pdf = path.join(dir, 'v.pdf');
      writeFileSync(pdf, await printer.printToPdf(built.html, built.pdf));
      check(execFileSync('pdftotext', ['-raw', pdf, '-'], { encoding: 'utf8' }), true);
    } finally {
      await printer.close();
    }
  });
});
