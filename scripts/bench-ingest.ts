/**
 * npm run bench:ingest — Postmortem's ingest beside lnav, ripgrep and wc on the same
 * generated syslog, in the same run. BENCH_MB sets the size (default 1024 = ~1 GiB);
 * BENCH_PHASE1_ONLY=1 skips the full `postmortem index` rows (phase 1 + analysis through the CLI).
 * Prints wall time, MB/s, lines/s, peak RSS and case size, with ratios to lnav's load.
 */
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { generateSyslog } from './bench/gen-syslog';
import { has, measure, type Measured } from './bench/measure';

const ROOT = path.resolve(__dirname, '..');
const MB = Number(process.env.BENCH_MB ?? 1024);
const DATA = path.join(ROOT, 'bench-data');

interface Row {
  name: string;
  m: Measured | null;
  lines: number | null;
  caseBytes?: number;
  phase1Ms?: number;
  phase2Ms?: number | null;
  analysisMs?: number | null;
  /** The merged time order's build (part of phase 1), from the case's stored figures. */
  orderMs?: number | null;
  note?: string;
}

/** buildMs of the order stored in a case (meta_large merged_order), or null. */
function orderBuildMs(file: string): number | null {
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare("SELECT value FROM meta_large WHERE key = 'merged_order'").get() as
        { value: string } | undefined;
      return row ? ((JSON.parse(row.value) as { buildMs?: number }).buildMs ?? null) : null;
    } finally {
      db.close();
    }
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  mkdirSync(DATA, { recursive: true });
  const file = path.join(DATA, `syslog-${MB}mb.log`);
  const gz = `${file}.gz`;
  if (!existsSync(file)) {
    process.stderr.write(`generating ${file} (${MB} MB)…\n`);
    const g = await generateSyslog(file, { targetBytes: MB * 1024 * 1024 });
    process.stderr.write(`  ${g.lines} lines, ${g.bytes} bytes\n`);
  }
  if (!existsSync(gz)) {
    process.stderr.write(`compressing ${gz}…\n`);
    await pipeline(createReadStream(file), createGzip({ level: 6 }), createWriteStream(gz));
  }
  const size = statSync(file).size;
  const lines = Number(execFileSync('wc', ['-l', file]).toString().trim().split(/\s+/)[0]);
  const rows: Row[] = [];

  rows.push({ name: 'wc -l', m: await measure('wc', ['-l', file]), lines });
  if (has('rg')) rows.push({ name: "rg -c ''", m: await measure('rg', ['-c', '', file]), lines });
  else rows.push({ name: 'rg', m: null, lines: null, note: 'not installed (apt-get install ripgrep)' });
  if (has('lnav')) {
    // lnav keeps its config under $HOME/.lnav; give it its own (it falls back to the cwd when HOME is missing).
    const lnavHome = path.join(DATA, 'lnav-home');
    mkdirSync(lnavHome, { recursive: true });
    const m = await measure('lnav', ['-n', '-c', ';SELECT count(*) FROM syslog_log', file], {
      ...process.env,
      HOME: lnavHome,
    });
    rows.push({ name: 'lnav -n (load + count)', m, lines });
  } else rows.push({ name: 'lnav', m: null, lines: null, note: 'not installed (apt-get install lnav)' });

  const full =
    process.env.BENCH_PHASE1_ONLY === '1'
      ? []
      : ([
          ['postmortem index (plain)', file],
          ['postmortem index (.gz)', gz],
        ] as const);
  for (const [name, input] of full) {
    const out = path.join(DATA, 'bench.pmcase');
    for (const s of ['', '-wal', '-shm']) rmSync(out + s, { force: true });
    const m = await measure(
      process.execPath,
      [path.join(ROOT, 'bin/postmortem.cjs'), 'index', input, '-o', out, '--json'],
      { ...process.env, POSTMORTEM_HOME: path.join(DATA, 'home') },
    );
    const last = m.stdout.trim().split('\n').at(-1) ?? '{}';
    let j: {
      lines?: number;
      caseBytes?: number;
      phase1Ms?: number;
      phase2Ms?: number | null;
      analysisMs?: number | null;
      peakRssBytes?: number;
    } = {};
    try {
      j = JSON.parse(last) as typeof j;
    } catch {
      rows.push({ name, m, lines: null, note: `failed: ${m.stderr.slice(-300)}` });
      continue;
    }
    if (j.peakRssBytes) m.peakRssBytes = Math.max(m.peakRssBytes, j.peakRssBytes);
    const row: Row = {
      name,
      m,
      lines: j.lines ?? null,
      caseBytes: j.caseBytes ?? 0,
      phase1Ms: j.phase1Ms ?? 0,
      phase2Ms: j.phase2Ms ?? null,
      analysisMs: j.analysisMs ?? null,
      orderMs: orderBuildMs(out),
    };
    rows.push(row);
  }

  // Phase 1 alone in one thread (scripts/bench/profile-ingest.ts): read + parse + write, then
  // the order build, each timed; its peak RSS is the ingest's, without the analysers.
  // Large sources are parsed in the parse worker, as the engine does (worker-entry.ts); the
  // last row parses in the inserting thread (POSTMORTEM_PARSE_WORKER=0), to compare the two.
  for (const [name, input, parseWorker] of [
    ['phase 1 only, in-process, parse worker (plain)', file, '1'],
    ['phase 1 only, in-process, parse worker (.gz)', gz, '1'],
    ['phase 1 only, in-process, no parse worker (plain)', file, '0'],
  ] as const) {
    const out = path.join(DATA, 'bench-phase1.pmcase');
    const m = await measure(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'scripts/bench/profile-ingest.ts'), input, out],
      { ...process.env, PARSE_WORKER: parseWorker },
    );
    for (const s of ['', '-wal', '-shm']) rmSync(out + s, { force: true });
    try {
      const j = JSON.parse(m.stdout.trim().split('\n').at(-1) ?? '{}') as {
        lines: number;
        ingestMs: number;
        orderMs: number;
      };
      rows.push({ name, m, lines: j.lines, phase1Ms: j.ingestMs + j.orderMs, orderMs: j.orderMs });
    } catch {
      rows.push({ name, m, lines: null, note: `failed: ${m.stderr.slice(-300)}` });
    }
  }

  const lnav = rows.find((r) => r.name.startsWith('lnav') && r.m);
  const fmt = (n: number, d = 1): string => n.toFixed(d);
  console.log(`\nmachine load (uptime): ${execFileSync('uptime').toString().trim()}`);
  console.log(
    `\nbench:ingest — ${path.basename(file)}: ${fmt(size / 2 ** 20, 0)} MiB, ${lines.toLocaleString('en-US')} lines; .gz ${fmt(statSync(gz).size / 2 ** 20, 0)} MiB; ${new Date().toISOString()}`,
  );
  console.log('| tool | wall s | MB/s | lines/s | peak RSS MB | case MB (×input) | ×lnav wall | notes |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---|');
  for (const r of rows) {
    if (!r.m) {
      console.log(`| ${r.name} | | | | | | | ${r.note ?? ''} |`);
      continue;
    }
    const s = r.m.wallMs / 1000;
    const caseCol = r.caseBytes ? `${fmt(r.caseBytes / 2 ** 20, 0)} (${fmt(r.caseBytes / size, 2)}×)` : '';
    const ratio = lnav?.m ? fmt(r.m.wallMs / lnav.m.wallMs, 2) : '';
    const notes = [
      r.note,
      r.phase1Ms !== undefined
        ? `phase1 ${fmt(r.phase1Ms / 1000)} s (of it order build ${r.orderMs == null ? '?' : fmt(r.orderMs / 1000) + ' s'})`
        : '',
      // The phase-1-only rows run neither phase 2 nor the analysers.
      r.phase2Ms !== undefined
        ? `phase2 ${r.phase2Ms === null ? 'n/a (no FTS yet)' : fmt(r.phase2Ms / 1000) + ' s'}`
        : '',
      r.analysisMs !== undefined
        ? `analysis ${r.analysisMs === null ? '?' : fmt(r.analysisMs / 1000) + ' s'}`
        : '',
      r.m.code !== 0 ? `exit ${r.m.code}` : '',
    ]
      .filter(Boolean)
      .join('; ');
    console.log(
      `| ${r.name} | ${fmt(s, 2)} | ${fmt(size / 2 ** 20 / s)} | ${r.lines ? Math.round(r.lines / s).toLocaleString('en-US') : ''} | ${fmt(r.m.peakRssBytes / 2 ** 20, 0)} | ${caseCol} | ${ratio} | ${notes} |`,
    );
  }
}

void main();
