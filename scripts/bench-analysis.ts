/**
 * npm run bench:analysis — the analysers over the bench case, without the ingest: the generated
 * syslog (as bench:ingest; BENCH_MB picks it, default 256) is indexed once into its own case,
 * then each run reads the lines back and runs analyzeCase, printing the per-analyser timings
 * (CaseAnalysis.timingsMs), the cost of the bare read, and µs per line.
 *
 * BENCH_RUNS repeats the analysis (default 1) and reports each run; the read baseline is
 * measured once before them. BENCH_DETECTOR_ONLY=1 also times detectIncidents alone.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { analyzeCase } from '../src/main/engine/analysis/run';
import { detectIncidents } from '../src/main/engine/analysis/crashes';
import { openCaseDb } from '../src/main/engine/store/database';
import { readRecordLines, sourceRefs } from '../src/main/engine/store/line-reader';
import { Engine } from '../src/main/engine/engine';
import { generateSyslog } from './bench/gen-syslog';

const ROOT = path.resolve(__dirname, '..');
const MB = Number(process.env.BENCH_MB ?? 256);
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 1));
const DATA = path.join(ROOT, 'bench-data');

async function ensureCase(): Promise<string> {
  mkdirSync(DATA, { recursive: true });
  const file = path.join(DATA, `syslog-${MB}mb.log`);
  if (!existsSync(file)) {
    process.stderr.write(`generating ${file} (${MB} MB)…\n`);
    await generateSyslog(file, { targetBytes: MB * 1024 * 1024 });
  }
  const caseFile = path.join(DATA, `analysis-${MB}mb.pmcase`);
  const engine = new Engine(() => undefined);
  try {
    let info = engine.openCase({ file: caseFile, create: true, title: `bench ${MB} MB` });
    if (info.state !== 'complete') {
      engine.closeAll();
      for (const s of ['', '-wal', '-shm']) rmSync(caseFile + s, { force: true });
      info = engine.openCase({ file: caseFile, create: true, title: `bench ${MB} MB` });
      process.stderr.write(`indexing ${file} into ${caseFile}…\n`);
      const t = performance.now();
      await engine.ingest({ caseId: info.caseId, jobId: 'bench', inputs: [file] });
      process.stderr.write(`  indexed in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
    }
  } finally {
    engine.closeAll();
  }
  return caseFile;
}

function ms(t: number): string {
  return `${Math.round(t).toLocaleString('en-US')} ms`;
}

async function main(): Promise<void> {
  const caseFile = await ensureCase();
  const db = openCaseDb(caseFile, { create: false });
  const refs = sourceRefs(db);
  const input = {
    sources: refs,
    lines: (only?: readonly { sourceId: number }[]) =>
      readRecordLines(db, only ? refs.filter((r) => only.some((o) => o.sourceId === r.sourceId)) : refs),
  };

  // The bare read: what any analysis pays before it looks at a line.
  let lines = 0;
  let t = performance.now();
  for (const l of input.lines()) if (l.text.length >= 0) lines++;
  const readMs = performance.now() - t;
  const us = (x: number): string => `${((x * 1000) / lines).toFixed(2)} µs/line`;
  console.log(`\nbench:analysis — ${path.basename(caseFile)}: ${lines.toLocaleString('en-US')} lines`);
  console.log(`read only (readRecordLines): ${ms(readMs)} (${us(readMs)})`);

  if (process.env.BENCH_DETECTOR_ONLY === '1') {
    t = performance.now();
    const incidents = detectIncidents(input.lines());
    const d = performance.now() - t;
    console.log(
      `detectIncidents alone: ${ms(d)} incl. read; minus read ${ms(d - readMs)} (${us(d - readMs)}); ${incidents.length} incidents`,
    );
  }

  for (let run = 1; run <= RUNS; run++) {
    t = performance.now();
    const cpu = process.cpuUsage();
    const { analysis, findings } = analyzeCase(input);
    const total = performance.now() - t;
    const used = process.cpuUsage(cpu);
    const timings = analysis.timingsMs;
    console.log(
      `\nrun ${run}: analyzeCase ${ms(total)} wall (${us(total)}), ${ms((used.user + used.system) / 1000)} CPU (load ${loadavg()[0]!.toFixed(1)})`,
    );
    console.log('| analyser | ms | µs/line |');
    console.log('|---|---:|---:|');
    for (const [name, v] of Object.entries(timings)) console.log(`| ${name} | ${v} | ${us(v)} |`);
    const logsPass = timings.logsPass ?? 0;
    console.log(`| logsPass minus read | ${Math.round(logsPass - readMs)} | ${us(logsPass - readMs)} |`);
    const kinds = new Map<string, number>();
    for (const i of analysis.incidents) kinds.set(i.kind, (kinds.get(i.kind) ?? 0) + 1);
    console.log(
      `found: ${analysis.oom.length} OOM reports, ${analysis.boots.length} boots, ${analysis.incidents.length} incidents (${[
        ...kinds,
      ]
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}), ${findings.length} findings`,
    );
  }
  db.close();
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
