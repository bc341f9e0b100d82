/**
 * npm run bench:analysis — the analysers over the bench case, without the ingest: the generated
 * syslog (as bench:ingest; BENCH_MB picks it, default 256) is indexed once into its own case,
 * then each run reads the lines back and runs analyzeCase, printing the per-analyser timings
 * (CaseAnalysis.timingsMs), the cost of the bare read, and µs per line.
 *
 * Each run analyses the case twice, alternating (BENCH_MODES=one,split picks): in one thread
 * (analyzeCase) and split (analyzeCaseSplit: the incidents found by the detect worker while this
 * thread runs the rest of the pass, as the engine does after a large ingest). CPU and peak RSS
 * count both threads.
 *
 * BENCH_RUNS repeats the analysis (default 1) and reports each run; the read baseline is
 * measured once before them. BENCH_DETECTOR_ONLY=1 also times detectIncidents alone.
 *
 * Memory: each run prints its peak RSS (VmHWM, reset before the run through
 * /proc/self/clear_refs) and the largest RSS / V8 heap / external memory sampled every
 * 250,000 lines read, with how many lines the analysis read in all (passes over the case).
 *
 * BENCH_CASE=file analyses an existing case instead (e.g. a copy of bench-data/bench.pmcase,
 * the 1 GiB case of bench:ingest; opening migrates an older case, so use a copy).
 * BENCH_SKIP_READ=1 skips the bare-read baseline. BENCH_NO_RANGES=1 leaves out `linesOf` (the
 * OOM aftermath then reads the whole case a second time, as an engine without it does). BENCH_JSON_OUT=file writes the analysis (file.one, file.split)
 * (without its timings) and the findings as JSON, to compare two versions byte for byte.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import path from 'node:path';
import { ANALYSIS_CACHE_KIB, caseAnalysisInput } from '../src/main/engine/analysis/case-input';
import { analyzeCase, analyzeCaseSplit } from '../src/main/engine/analysis/run';
import { configureDetectWorker, detectIncidentsInWorker } from '../src/main/engine/analysis/detect-worker';
import { detectIncidents } from '../src/main/engine/analysis/crashes';
import { openCaseDb } from '../src/main/engine/store/database';
import { TextBlocks } from '../src/main/engine/store/text-blocks';
import { LineHeads } from '../src/main/engine/store/line-heads';
import { readRecordBatches, readRecordLines, sourceRefs } from '../src/main/engine/store/line-reader';
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

const MiB = (b: number): string => `${(b / 1048576).toFixed(0)} MiB`;

/** This process's peak RSS since the last reset (VmHWM), in bytes; 0 when /proc is not there. */
function peakRss(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Resets VmHWM to the current RSS (Linux: `5` into clear_refs); false when not possible. */
function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/** The largest memory figures sampled while lines are read, and how many lines were read. */
class MemoryTrace {
  lines = 0;
  rss = 0;
  heapUsed = 0;
  external = 0;
  reset(): void {
    this.lines = this.rss = this.heapUsed = this.external = 0;
  }
  sample(): void {
    const m = process.memoryUsage();
    this.rss = Math.max(this.rss, m.rss);
    this.heapUsed = Math.max(this.heapUsed, m.heapUsed);
    this.external = Math.max(this.external, m.external + m.arrayBuffers);
  }
  *watch<T>(lines: Iterable<T>): Generator<T> {
    for (const l of lines) {
      if (++this.lines % 250_000 === 0) this.sample();
      yield l;
    }
  }
  /** The same for chunks of lines: a sample each time the count passes a multiple of 250,000. */
  *watchBatches<T>(batches: Iterable<readonly T[]>): Generator<readonly T[]> {
    for (const b of batches) {
      const before = this.lines;
      this.lines += b.length;
      if (Math.floor(this.lines / 250_000) !== Math.floor(before / 250_000)) this.sample();
      yield b;
    }
  }
}

async function main(): Promise<void> {
  const caseFile = process.env.BENCH_CASE ? path.resolve(process.env.BENCH_CASE) : await ensureCase();
  const db = openCaseDb(caseFile, { create: false });
  const texts = new TextBlocks(db, caseFile);
  // Packed cases (schema v9) keep their line headers in line_heads: readers find them per connection.
  const heads = new LineHeads(db, caseFile);
  // The engine's page cache for the pass (analysis/case-input.ts), or BENCH_CACHE_KB to see its share of the RSS.
  db.pragma(`cache_size = -${Number(process.env.BENCH_CACHE_KB ?? ANALYSIS_CACHE_KIB)}`);
  const refs = sourceRefs(db);
  const trace = new MemoryTrace();
  // BENCH_NO_RANGES=1: the aftermath reads the whole case again, as before line ranges.
  const input = caseAnalysisInput(db, refs, {
    watch: (lines) => trace.watch(lines),
    watchBatches: (batches) => trace.watchBatches(batches),
    ranges: process.env.BENCH_NO_RANGES !== '1',
  });
  const caseLines = refs.reduce((a, r) => a + r.lineCount, 0);
  const us = (x: number): string => `${((x * 1000) / caseLines).toFixed(2)} µs/line`;
  console.log(`\nbench:analysis — ${path.basename(caseFile)}: ${caseLines.toLocaleString('en-US')} lines`);
  console.log(`uptime: ${execFileSync('uptime', { encoding: 'utf8' }).trim()}`);

  // The bare read: what any analysis pays before it looks at a line.
  let readMs = 0;
  let t = performance.now();
  if (process.env.BENCH_SKIP_READ !== '1') {
    resetPeakRss();
    let lines = 0;
    for (const l of readRecordLines(db, refs)) if (l.text.length >= 0) lines++;
    readMs = performance.now() - t;
    console.log(
      `read only (readRecordLines): ${ms(readMs)} (${us(readMs)}), peak RSS ${MiB(peakRss())}, ${lines.toLocaleString('en-US')} lines`,
    );
    // What the pass reads through (AnalysisInput.batches): chunks of lines, no generator per line.
    resetPeakRss();
    lines = 0;
    t = performance.now();
    for (const b of readRecordBatches(db, refs)) for (const l of b) if (l.text.length >= 0) lines++;
    readMs = performance.now() - t;
    console.log(
      `read only (readRecordBatches): ${ms(readMs)} (${us(readMs)}), peak RSS ${MiB(peakRss())}, ${lines.toLocaleString('en-US')} lines`,
    );
  }

  if (process.env.BENCH_DETECTOR_ONLY === '1') {
    t = performance.now();
    const incidents = detectIncidents(input.lines());
    const d = performance.now() - t;
    console.log(
      `detectIncidents alone: ${ms(d)} incl. read; minus read ${ms(d - readMs)} (${us(d - readMs)}); ${incidents.length} incidents`,
    );
  }

  // Modes, alternated in each run: `one` — analyzeCase in this thread (the engine's analysis of a
  // small case); `split` — the incidents found by the detect worker while this thread runs the rest
  // of the pass (analyzeCaseSplit, what the engine does after ingesting a large case).
  const modes = (process.env.BENCH_MODES ?? 'one,split')
    .split(',')
    .filter((m) => m === 'one' || m === 'split');
  configureDetectWorker(path.join(ROOT, 'src/main/engine/analysis/detect-boot.cjs'));
  const sourceIds = refs.map((r) => r.sourceId);
  for (let run = 1; run <= RUNS; run++)
    for (const mode of modes) {
      trace.reset();
      const rssBefore = process.memoryUsage().rss;
      const canReset = resetPeakRss();
      t = performance.now();
      const cpu = process.cpuUsage();
      const { analysis, findings } =
        mode === 'one'
          ? analyzeCase(input)
          : await analyzeCaseSplit(input, detectIncidentsInWorker(caseFile, sourceIds));
      const total = performance.now() - t;
      const used = process.cpuUsage(cpu);
      const peak = peakRss();
      const timings = analysis.timingsMs;
      console.log(
        `\nrun ${run}, ${mode === 'one' ? 'one thread (analyzeCase)' : 'split (analyzeCaseSplit: incidents in the detect worker)'}: ${ms(total)} wall (${us(total)}), ${ms((used.user + used.system) / 1000)} CPU (load ${loadavg()[0]!.toFixed(1)})`,
      );
      console.log(
        `memory: peak RSS ${canReset ? MiB(peak) : `${MiB(peak)} (process peak: VmHWM could not be reset)`} (RSS before the run ${MiB(rssBefore)}); sampled max RSS ${MiB(trace.rss)}, V8 heap used ${MiB(trace.heapUsed)}, external ${MiB(trace.external)}; ${trace.lines.toLocaleString('en-US')} lines read (${(trace.lines / Math.max(1, caseLines)).toFixed(2)}× the case)`,
      );
      if (process.env.BENCH_JSON_OUT) {
        const { timingsMs: _timings, ...rest } = analysis;
        const out = `${process.env.BENCH_JSON_OUT}.${mode}`;
        writeFileSync(out, JSON.stringify({ analysis: rest, findings }, null, 1));
        console.log(`analysis written to ${out}`);
      }
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
  heads.close();
  texts.close();
  db.close();
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
