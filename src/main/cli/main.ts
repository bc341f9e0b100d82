/**
 * The `postmortem` command: the same services as the app, without a window.
 * Runs under plain Node right after `npm install` (bin/postmortem.cjs loads it through tsx).
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CaseSummary, JobProgress } from '../../shared/model/case';
import type { CaseAnalysis } from '../../shared/model/analysis';
import { EngineClient } from '../engine/client';
import { ChromiumPdfPrinter } from '../report/chromium-printer';
import { formatBytes } from '../report/html';
import type { WorkbenchService } from '../services/workbench-service';
import { WorkbenchService as Service } from '../services/workbench-service';
import { BrowserHost, DownloadSink } from '../transports/browser-host';
import { HELP, parseCli, USAGE, UsageError, type CliArgs } from './args';
import { writeReportOutputs } from './report';
import { progressPrinter } from './progress';

const ROOT = path.resolve(__dirname, '../../..');
export const VERSION = (
  JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }
).version;

export function postmortemHome(): string {
  return (
    process.env.POSTMORTEM_HOME ??
    path.join(process.env.XDG_DATA_HOME ?? path.join(os.homedir(), '.local', 'share'), 'postmortem')
  );
}

interface Opened {
  caseId: string;
  file: string | null;
  cleanup: () => void;
  /** The ingest job this command ran, when it indexed something. */
  job?: JobProgress;
}

/** Opens what the command line names: nothing (the sample), a .pmcase, or inputs to index. */
async function openTarget(
  service: WorkbenchService,
  args: CliArgs,
  casesDir: string,
  temporary: boolean,
): Promise<Opened> {
  const show = progressPrinter();
  const unsub = service.events.on('ingestProgress', (p) => show.update(p));
  try {
    if (args.inputs.length === 0) {
      const r = await service.openSample();
      const opened: Opened = { caseId: r.caseId, file: null, cleanup: () => undefined };
      if (r.jobId) opened.job = await service.waitForJob(r.jobId);
      return opened;
    }
    if (args.inputs.length === 1 && args.inputs[0]!.endsWith('.pmcase')) {
      const info = await service.openCaseFileAt(args.inputs[0]!, { create: false });
      if (info.state !== 'complete')
        process.stderr.write(
          `postmortem: warning: case ${args.inputs[0]} is ${info.state}: run \`postmortem index\` again to complete it\n`,
        );
      return { caseId: info.caseId, file: args.inputs[0]!, cleanup: () => undefined };
    }
    let file: string | undefined;
    let cleanup = (): void => undefined;
    if (args.command === 'index')
      file = path.resolve(args.output ?? path.join(casesDir, `${path.basename(args.inputs[0]!)}.pmcase`));
    else if (temporary) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'postmortem-'));
      file = path.join(dir, 'case.pmcase');
      cleanup = () => rmSync(dir, { recursive: true, force: true });
    }
    const opts: { file?: string } = {};
    if (file) opts.file = file;
    const r = await service.openInputs(args.inputs, opts);
    const opened: Opened = { caseId: r.caseId, file: file ?? null, cleanup };
    if (r.jobId) opened.job = await service.waitForJob(r.jobId);
    return opened;
  } finally {
    unsub();
    show.end();
  }
}

function analysisDocument(
  summary: CaseSummary,
  file: string | null,
  analysis: CaseAnalysis,
): Record<string, unknown> {
  return {
    case: {
      caseId: summary.caseId,
      title: summary.title,
      file,
      state: summary.state,
      sourceCount: summary.sourceCount,
      lineCount: summary.lineCount,
      firstTs: summary.firstTs,
      lastTs: summary.lastTs,
      schemaVersion: summary.schemaVersion,
    },
    sources: summary.sources.map((s) => ({
      sourceId: s.sourceId,
      input: s.input,
      path: s.path,
      kind: s.kind,
      sizeBytes: s.sizeBytes,
      sha256: s.sha256,
      encoding: s.encoding,
      lineCount: s.lineCount,
      firstLineId: s.firstLineId,
      status: s.status,
      error: s.error,
    })),
    oom: analysis.oom,
    boots: analysis.boots,
    incidents: analysis.incidents,
    crashes: analysis.crashes,
    system: analysis.system,
    errors: summary.errors,
  };
}

function printSummaryText(summary: CaseSummary, analysis: CaseAnalysis): void {
  const out = process.stdout;
  out.write(`${summary.title}\n`);
  out.write(
    `  state ${summary.state}, ${plural(summary.sourceCount, 'source')}, ${plural(summary.lineCount, 'line')}\n\n`,
  );
  out.write('Sources\n');
  for (const s of summary.sources) {
    const status = s.status === 'complete' ? '' : `  [${s.status}${s.error ? `: ${s.error}` : ''}]`;
    out.write(
      `  ${s.input}/${s.path}  ${s.kind}  ${formatBytes(s.sizeBytes)}  ${plural(s.lineCount, 'line')}${status}\n`,
    );
  }
  if (analysis.oom.length) {
    out.write('\nOOM kills\n');
    for (const r of analysis.oom) {
      const v = r.victim ? `${r.victim.comm} (pid ${r.victim.pid})` : 'no victim';
      out.write(
        `  ${r.ts === null ? '' : `${new Date(r.ts).toISOString()} `}${r.kind}: ${v} — ${r.score.verdict}  [${r.source}:${r.line}]\n`,
      );
    }
  }
  if (analysis.boots.length) {
    out.write('\nBoots\n');
    for (const b of analysis.boots)
      out.write(
        `  ${b.start}  ${b.kernel ?? ''}  ended ${b.endKind}${b.lastSignOfLife ? `, last sign of life ${b.lastSignOfLife.ts} [${b.lastSignOfLife.source}:${b.lastSignOfLife.line}]` : ''}\n`,
      );
  }
  if (analysis.incidents.length) {
    out.write('\nIncidents\n');
    for (const i of analysis.incidents)
      out.write(
        `  ${i.kind}${i.count > 1 ? ` ×${i.count}` : ''}: ${i.summary}  [${i.source}:${i.line.lineNo}]\n`,
      );
  }
  if (analysis.system.recommendations.length) {
    out.write('\nRecommendations\n');
    for (const r of analysis.system.recommendations) out.write(`  - ${r.title.en}\n`);
  }
  if (summary.errors.length) {
    out.write('\nErrors\n');
    for (const e of summary.errors) out.write(`  ${e.message}\n`);
  }
}

export async function main(argv: string[]): Promise<number> {
  let args: CliArgs;
  try {
    args = parseCli(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`postmortem: ${err.message}\n${USAGE}\n`);
      return 2;
    }
    throw err;
  }
  if (args.command === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (args.command === 'version') {
    process.stdout.write(`postmortem ${VERSION}\n`);
    return 0;
  }

  const casesDir = path.join(postmortemHome(), 'cases');
  // Only `serve` has a viewer: the other commands run without the viewer's reader worker (an
  // idle engine of its own, with the case open: ~25 MB of the index's peak RSS on the 1 GiB bench).
  const engine = new EngineClient(args.command === 'serve' ? {} : { reader: false });
  const sink = new DownloadSink();
  const service = new Service({
    engine,
    casesDir,
    transport: 'browser-host',
    version: VERSION,
    printer: () => new ChromiumPdfPrinter(),
    sink,
  });
  let opened: Opened | null = null;
  const started = Date.now();
  try {
    opened = await openTarget(
      service,
      args,
      casesDir,
      args.command === 'analyze' || args.command === 'report',
    );
    const summary = await service.caseSummary({ caseId: opened.caseId });
    switch (args.command) {
      case 'index': {
        const phase1Ms = Date.now() - started;
        if (args.json) {
          // Phase 2 (the full-text index) ran inside the ingest job; its wall time is in the case.
          const fulltext = await engine.call('fulltextStatus', { caseId: opened.caseId });
          const file = opened.file;
          let caseBytes = 0;
          if (file) for (const suffix of ['', '-wal', '-shm']) caseBytes += statSafe(file + suffix);
          process.stdout.write(
            `${JSON.stringify({
              case: file,
              caseId: summary.caseId,
              state: summary.state,
              sources: summary.sourceCount,
              lines: summary.lineCount,
              bytes: summary.sources.reduce((a, s) => a + s.sizeBytes, 0),
              phase1Ms: opened.job?.timings?.readMs ?? phase1Ms,
              phase2Ms: fulltext.complete ? fulltext.buildMs : null,
              analysisMs: opened.job?.timings?.analysisMs ?? null,
              wallMs: phase1Ms,
              peakRssBytes: process.resourceUsage().maxRSS * 1024,
              caseBytes,
              errors: summary.errors.length,
            })}\n`,
          );
        } else {
          process.stderr.write(
            `postmortem: indexed ${summary.sourceCount} sources, ${summary.lineCount.toLocaleString('en-US')} lines into ${opened.file} in ${(phase1Ms / 1000).toFixed(1)} s\n`,
          );
        }
        for (const e of summary.errors) process.stderr.write(`postmortem: error: ${e.message}\n`);
        return summary.errors.length > 0 ? 3 : 0;
      }
      case 'analyze': {
        const analysis = await service.analysis(opened.caseId);
        if (args.json)
          process.stdout.write(
            `${JSON.stringify(analysisDocument(summary, opened.file, analysis), null, 2)}\n`,
          );
        else printSummaryText(summary, analysis);
        return 0;
      }
      case 'report': {
        await writeReportOutputs(service, opened.caseId, args, (line) =>
          process.stderr.write(`postmortem: ${line}\n`),
        );
        return 0;
      }
      case 'serve': {
        service.setInitialCase(opened.caseId);
        const host = new BrowserHost(service, sink, {
          // A private build can be served (parallel work on one tree): POSTMORTEM_RENDERER_DIR.
          rendererDir: process.env.POSTMORTEM_RENDERER_DIR ?? path.join(ROOT, 'out/renderer'),
          port: args.port,
        });
        const ready = await host.start();
        if (args.jsonReady) process.stdout.write(`${JSON.stringify({ ...ready, caseId: opened.caseId })}\n`);
        else
          process.stdout.write(
            `Postmortem is serving ${summary.title}\n  ${ready.url}\n(loopback only; for a remote machine: ssh -L ${ready.port}:127.0.0.1:${ready.port} host)\n`,
          );
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await host.stop();
        return 0;
      }
      default:
        return 2;
    }
  } catch (err) {
    process.stderr.write(`postmortem: ${(err as Error).message}\n`);
    return 1;
  } finally {
    opened?.cleanup();
    await service.dispose();
    await engine.close();
  }
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

function statSafe(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
