/**
 * npm run bench:report — the incident report of the benchmark case (BENCH_MB of generated
 * syslog, default 1024 ≈ 10M lines) with 200 annotations and every section: time to draft and
 * print the PDF (Chromium launch included), its page count (pdfinfo) and size; and the time of
 * the JSONL timeline export of every line.
 */
import { execFileSync } from 'node:child_process';
import os, { cpus, loadavg } from 'node:os';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Engine } from '../src/main/engine/engine';
import { EngineClient } from '../src/main/engine/client';
import { ChromiumPdfPrinter, findChromium } from '../src/main/report/chromium-printer';
import { ReportJob, WorkbenchService } from '../src/main/services/workbench-service';
import { DownloadSink } from '../src/main/transports/browser-host';
import { generateSyslog } from './bench/gen-syslog';

const ROOT = path.resolve(__dirname, '..');
const MB = Number(process.env.BENCH_MB ?? 1024);
const DATA = path.join(ROOT, 'bench-data');
const ANNOTATIONS = 200;

function secs(ms: number): string {
  return (ms / 1000).toFixed(2);
}

async function main(): Promise<void> {
  mkdirSync(DATA, { recursive: true });
  const log = path.join(DATA, `syslog-${MB}mb.log`);
  if (!existsSync(log)) {
    process.stderr.write(`generating ${log} (${MB} MB)…\n`);
    await generateSyslog(log, { targetBytes: MB * 1024 * 1024 });
  }
  const file = process.env.BENCH_CASE ?? path.join(DATA, `bench-report-${MB}mb.pmcase`);
  const engine = new Engine();
  let info = existsSync(file) ? engine.openCase({ file, create: false }) : null;
  if (!info || info.state !== 'complete') {
    if (info) engine.closeAll();
    for (const s of ['', '-wal', '-shm']) rmSync(file + s, { force: true });
    info = engine.openCase({ file, create: true, title: `Benchmark case (${MB} MB of syslog)` });
    process.stderr.write(`indexing ${log} into ${file}…\n`);
    const t = performance.now();
    await engine.ingest({ caseId: info.caseId, jobId: 'bench', inputs: [log] });
    process.stderr.write(`  indexed in ${secs(performance.now() - t)} s\n`);
    info = engine.caseInfo({ caseId: info.caseId });
  }
  const caseId = info.caseId;
  // 200 annotations spread over the case (a line each, some ranges, some starred).
  const have = engine.listAnnotations({ caseId }).length;
  const step = Math.max(1, Math.floor(info.lineCount / ANNOTATIONS));
  for (let i = have; i < ANNOTATIONS; i++) {
    engine.saveAnnotation({
      caseId,
      draft: {
        lineId: 1 + i * step,
        lineCount: 1 + (i % 4),
        body: `Bench note ${i + 1}: **checked** this line against the timeline.`,
        tags: [i % 2 ? 'bench' : 'checked'],
        starred: i % 25 === 0,
      },
    });
  }

  // As the app does when it opens a case (not counted): the viewer's first page (which builds the
  // time order when the case has none current) and the analysis (redone when stale).
  {
    const t = performance.now();
    await engine.getLines({ caseId, view: { kind: 'merged' }, start: 0, count: 200 });
    engine.analysis({ caseId });
    process.stderr.write(
      `  first analysis read (re-analyses when stale): ${secs(performance.now() - t)} s (not counted)\n`,
    );
  }

  // The setup engine lets go of the case; the measured export runs as the app and the CLI run it:
  // the service, the engine in its worker thread (so Chromium's launch overlaps the case reading).
  engine.closeAll();
  const chromium = findChromium();
  let pdfLine = 'PDF: skipped (no Chromium: apt-get install chromium or set POSTMORTEM_CHROMIUM)';
  if (chromium) {
    const printer = new ChromiumPdfPrinter();
    const client = new EngineClient();
    const service = new WorkbenchService({
      engine: client,
      casesDir: mkdtempSync(path.join(os.tmpdir(), 'pm-bench-report-')),
      transport: 'browser-host',
      version: 'bench',
      printer: () => printer,
      sink: new DownloadSink(),
    });
    try {
      const tOpen0 = performance.now();
      const opened = await service.openCaseFileAt(file, { create: false });
      const openMs2 = performance.now() - tOpen0;
      const phases: { phase: string; at: number }[] = [];
      let pages: number | null = null;
      const t0 = performance.now();
      const job = new ReportJob(opened.caseId, 'bench.pdf', (p) => {
        phases.push({ phase: p.phase, at: performance.now() });
        const n = (p as typeof p & { pages?: number }).pages;
        if (typeof n === 'number') pages = n;
      });
      const r = await service.renderReport(
        opened.caseId,
        'pdf',
        { lang: 'en', redact: false, paper: 'A4' },
        job,
      );
      const t3 = performance.now();
      const at = (ph: string): number => phases.find((x) => x.phase === ph)?.at ?? t3;
      const pdf = path.join(DATA, `bench-report-${MB}mb.pdf`);
      writeFileSync(pdf, r.bytes);
      const infoPages =
        /Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))?.[1] ?? '?';
      const pt = printer.lastTimings;
      pdfLine =
        `PDF: ${secs(t3 - t0)} s total (budget 10 s) — drafting ${secs(at('rendering') - at('drafting'))} s ` +
        `(case data from the engine worker + draft; Chromium launching meanwhile), rendering ${secs(at('printing') - at('rendering'))} s, ` +
        `printing ${secs(t3 - at('printing'))} s (still waiting for Chromium's launch ${secs(pt?.launchMs ?? 0)} s, ` +
        `new page + load ${secs(pt?.setContentMs ?? 0)} s, printToPDF ${secs(pt?.pdfMs ?? 0)} s)\n` +
        `     ${infoPages} pages (pdfinfo; job said ${pages ?? '?'}), ${(r.bytes.length / 2 ** 20).toFixed(2)} MiB, 200 annotations → ${pdf}; ` +
        `case open ${secs(openMs2)} s (not counted)`;
    } finally {
      await service.dispose();
      await printer.close();
      await client.close();
    }
  }
  const reopened = engine.openCase({ file, create: false });
  const noJsonl = process.env.BENCH_NO_JSONL === '1';
  const jsonl = path.join(DATA, `bench-report-${MB}mb.jsonl`);
  const r = noJsonl
    ? null
    : await engine.exportTimeline({ caseId: reopened.caseId, format: 'jsonl', file: jsonl, redact: false });
  const jsonlBytes = noJsonl ? 0 : statSync(jsonl).size;
  rmSync(jsonl, { force: true });
  engine.closeAll();
  console.log(
    `\nbench:report — ${path.basename(file)}: ${info.lineCount.toLocaleString('en-US')} lines; ${new Date().toISOString()}; ` +
      `load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} on ${cpus().length} cores`,
  );
  console.log(pdfLine);
  if (!r) return;
  console.log(
    `JSONL timeline: ${secs(r.ms)} s for ${r.lines.toLocaleString('en-US')} lines + ${r.findings} findings, ` +
      `${(jsonlBytes / 2 ** 20).toFixed(0)} MiB, ${Math.round(r.lines / (r.ms / 1000)).toLocaleString('en-US')} lines/s, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
  );
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
