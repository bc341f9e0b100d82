/**
 * npm run bench:report — the incident report of the benchmark case (BENCH_MB of generated
 * syslog, default 1024 ≈ 10M lines) with 200 annotations and every section: time to draft and
 * print the PDF (Chromium launch included), its page count (pdfinfo) and size; and the time of
 * the JSONL timeline export of every line.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Engine } from '../src/main/engine/engine';
import { ChromiumPdfPrinter, findChromium } from '../src/main/report/chromium-printer';
import { buildReport } from '../src/main/report/report';
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
  const file = path.join(DATA, `bench-report-${MB}mb.pmcase`);
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

  const chromium = findChromium();
  let pdfLine = 'PDF: skipped (no Chromium: apt-get install chromium or set POSTMORTEM_CHROMIUM)';
  if (chromium) {
    const printer = new ChromiumPdfPrinter();
    const t0 = performance.now();
    const data = engine.reportData({ caseId, names: false });
    const t1 = performance.now();
    const built = buildReport(
      data,
      { lang: 'en', redact: false, paper: 'A4' },
      { appVersion: 'bench', generatedAt: Date.now() },
    );
    const t2 = performance.now();
    const bytes = await printer.printToPdf(built.html, built.pdf);
    const t3 = performance.now();
    await printer.close();
    const pdf = path.join(DATA, `bench-report-${MB}mb.pdf`);
    writeFileSync(pdf, bytes);
    const pages = /Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))?.[1] ?? '?';
    const sections = built.draft.sections.filter((s) => s.enabled).length;
    pdfLine =
      `PDF: ${secs(t3 - t0)} s total (case data ${secs(t1 - t0)} s, draft + HTML ${secs(t2 - t1)} s, Chromium launch + print ${secs(t3 - t2)} s); ` +
      `${pages} pages, ${(bytes.length / 2 ** 20).toFixed(2)} MiB, ${sections} sections, ${data.annotations.length} annotations → ${pdf}`;
  }
  const jsonl = path.join(DATA, `bench-report-${MB}mb.jsonl`);
  const r = await engine.exportTimeline({ caseId, format: 'jsonl', file: jsonl, redact: false });
  const jsonlBytes = statSync(jsonl).size;
  rmSync(jsonl, { force: true });
  engine.closeAll();
  console.log(
    `\nbench:report — ${path.basename(file)}: ${info.lineCount.toLocaleString('en-US')} lines; ${new Date().toISOString()}`,
  );
  console.log(pdfLine);
  console.log(
    `JSONL timeline: ${secs(r.ms)} s for ${r.lines.toLocaleString('en-US')} lines + ${r.findings} findings, ` +
      `${(jsonlBytes / 2 ** 20).toFixed(0)} MiB, ${Math.round(r.lines / (r.ms / 1000)).toLocaleString('en-US')} lines/s, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
  );
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
