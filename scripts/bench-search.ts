/**
 * npm run bench:search — the viewer's engine queries on the bench case, beside ripgrep and
 * grep on the same file in the same run. BENCH_MB picks the generated syslog (as bench:ingest;
 * default 1024 = ~10M lines); BENCH_CASE may name an existing case of that file (a copy of
 * bench:ingest's: opening an older case builds its time order first, timed below). BENCH_FTS=1 also
 * builds other FTS5 designs in a scratch database (detail=column, numbers indexed, trigram) so
 * the choice of the case's index rests on figures.
 *
 * Phase 2 (the case's full-text index) is rebuilt from nothing and timed: MB/s of the input,
 * index and case size, and how long a note written meanwhile waits behind it; then each query's
 * first hits and whole count through the index, through the scan (the same engine with the
 * index turned off) and with rg -c, and the bare FTS5 count.
 *
 * Prints: the time-order build (ms, MB), pages of 3000 lines at random positions, locateLine /
 * locateTime, first search hits and whole-case counts (ours vs rg -c vs grep -c), a regex over
 * all lines, getLines latency while a search runs, histogram, facets, a filtered view.
 *
 * A scan of every line is shared with the scan worker (query/scan-worker.ts) as in the app;
 * POSTMORTEM_SCAN_WORKER=0 scans in the engine's thread alone (to compare, back to back).
 * BENCH_ONLY=scan: only the search rows and getLines during a whole-case regex (no rebuild of
 * the order or of the index: the case is used as it is); BENCH_ANCHORS=0 skips rg, grep, lnav.
 */
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { SearchProgress } from '../src/shared/model/case';
import { EMPTY_FILTER } from '../src/shared/model/view';
import { Engine } from '../src/main/engine/engine';
import {
  configureScanWorker,
  scanWorkerEnabled,
  scanWorkerStats,
} from '../src/main/engine/query/scan-worker';
import { planFulltext } from '../src/main/engine/search/plan';
import { generateSyslog } from './bench/gen-syslog';
import { has, measure } from './bench/measure';

const ROOT = path.resolve(__dirname, '..');
const MB = Number(process.env.BENCH_MB ?? 1024);
const DATA = path.join(ROOT, 'bench-data');
const FTS = process.env.BENCH_FTS === '1';
/** BENCH_ONLY=fulltext: only phase 2 and the searches (skips pages, filters, histogram). */
const ONLY_FULLTEXT = process.env.BENCH_ONLY === 'fulltext';
/** BENCH_ONLY=scan: the search rows and getLines during a whole-case regex only. */
const ONLY_SCAN = process.env.BENCH_ONLY === 'scan';
const ANCHORS = process.env.BENCH_ANCHORS !== '0';
// Under tsx, as the CLI and the tests: the scan worker's own boot (the app starts its bundled worker file).
configureScanWorker(path.join(__dirname, '..', 'src', 'main', 'engine', 'query', 'scan-boot.cjs'));

/** Deterministic pseudo-random positions (same run, same positions). */
function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

function stats(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number): number => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0;
  return `median ${q(0.5).toFixed(1)} ms, p95 ${q(0.95).toFixed(1)} ms, max ${(s.at(-1) ?? 0).toFixed(1)} ms (n=${s.length})`;
}

async function timed<T>(f: () => Promise<T> | T): Promise<[T, number]> {
  const t = performance.now();
  const v = await f();
  return [v, performance.now() - t];
}

const LOAD_AT_START = os.loadavg();

/** What the queries are timed on: literal and regex, words the index narrows and ones it cannot. */
const FULLTEXT_QUERIES: [string, 'text' | 'regex'][] = [
  ['oom-killer', 'text'],
  ['Out of memory: Kill', 'text'],
  ['write_iter] inode', 'text'],
  ['Accepted publickey for', 'text'],
  ['session closed for user', 'text'],
  ['Out of memory: Kill(ed)? process \\d+', 'regex'],
  ['segfault', 'text'],
];

/** First hits (the streaming search, cancelled at its first batch with hits) in ms, or -1. */
function firstHits(
  engine: Engine,
  listeners: Set<(p: SearchProgress) => void>,
  req: { caseId: string; query: string; mode: 'text' | 'regex' },
  searchId: string,
): Promise<{ ms: number; via: string }> {
  return new Promise((resolve) => {
    let first = -1;
    let via = '?';
    const t = performance.now();
    const l = (b: SearchProgress & { via?: string }): void => {
      if (b.searchId !== searchId) return;
      via = b.via ?? via;
      if (first < 0 && b.hits.length > 0) {
        first = performance.now() - t;
        engine.cancelSearch({ searchId });
      }
      if (b.done) {
        listeners.delete(l);
        resolve({ ms: first, via });
      }
    };
    listeners.add(l);
    engine.startSearch({ ...req, view: { kind: 'merged' }, caseSensitive: false, limit: 100, searchId });
  });
}

/** Phase 2 rebuilt and timed, then every query through the index, the scan, FTS5 alone and rg. */
async function fulltext(
  engine: Engine,
  caseId: string,
  caseFile: string,
  file: string,
  row: (what: string, ours: string, anchor?: string) => void,
  listeners: Set<(p: SearchProgress) => void>,
): Promise<void> {
  const inputBytes = statSync(file).size;
  // A note saved every 50 ms while the index is built: how long it waits behind a batch.
  const waits: number[] = [];
  let building = true;
  const notes: number[] = [];
  const writer = (async (): Promise<void> => {
    while (building) {
      const due = performance.now() + 50;
      await new Promise((r) => setTimeout(r, 50));
      if (!building) break;
      const a = engine.saveAnnotation({
        caseId,
        draft: { lineId: 1, body: 'bench: written during phase 2', tags: [], starred: false },
      });
      waits.push(performance.now() - due);
      notes.push(a.annotationId);
    }
  })();
  const built = await engine.rebuildFulltext({ caseId });
  building = false;
  await writer;
  for (const id of notes) engine.deleteAnnotation({ caseId, annotationId: id });
  const db = new Database(caseFile, { readonly: true });
  const indexBytes =
    (db.prepare("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'line_fts%'").pluck().get() as
      number | null) ?? 0;
  let caseBytes = 0;
  for (const s of ['', '-wal']) if (existsSync(caseFile + s)) caseBytes += statSync(caseFile + s).size;
  const mb = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MB`;
  row(
    'phase 2: full-text index built from nothing',
    `${(built.ms / 1000).toFixed(1)} s, ${(inputBytes / 2 ** 20 / (built.ms / 1000)).toFixed(1)} MB/s of the input; index ${mb(indexBytes)} (${((indexBytes / inputBytes) * 100).toFixed(0)}% of the input); case ${mb(caseBytes)} (${(caseBytes / inputBytes).toFixed(2)}× the input)`,
    'target ≥ 40 MB/s; case ≤ 1.0×',
  );
  row('a note saved every 50 ms during phase 2: wait behind the index', stats(waits), 'target ≤ ~100 ms');
  // The vocabulary: could a single partial word be looked up as a substring of the words?
  {
    db.exec("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, 'line_fts', 'row')");
    const [n, ms] = await timed(
      () => db.prepare("SELECT count(*) FROM temp.vocab WHERE term LIKE '%egfaul%'").pluck().get() as number,
    );
    const terms = db.prepare('SELECT count(*) FROM temp.vocab').pluck().get() as number;
    row(
      'fts5vocab: words containing "egfaul" (a query with no whole word)',
      `${n} of ${terms.toLocaleString('en-US')} words in ${ms.toFixed(0)} ms`,
      'not used: too slow for a search step',
    );
  }
  const scanEngine = new Engine(
    (event, payload) => {
      if (event === 'searchProgress') for (const l of listeners) l(payload as SearchProgress);
    },
    { fulltext: false },
  );
  const scanId = scanEngine.openCase({ file: caseFile, create: false }).caseId;
  let k = 0;
  for (const [query, mode] of FULLTEXT_QUERIES) {
    const req = { query, mode, caseSensitive: false, limit: 1 };
    const plan = planFulltext({ pattern: query, mode, caseSensitive: false });
    let ftsCol = 'no usable word: scan';
    if (plan) {
      const [n, ms] = await timed(
        () =>
          db
            .prepare('SELECT count(*) FROM line_fts WHERE line_fts MATCH ?')
            .pluck()
            .get(plan.match) as number,
      );
      ftsCol = `FTS5 ${plan.match}: ${n.toLocaleString('en-US')} candidates in ${ms.toFixed(0)} ms`;
    }
    const fi = await firstHits(engine, listeners, { caseId, query, mode }, `fi-${k}`);
    const [ri, ims] = await timed(() => engine.search({ caseId, view: { kind: 'merged' }, ...req }));
    const fs = await firstHits(scanEngine, listeners, { caseId: scanId, query, mode }, `fs-${k++}`);
    const [rs, sms] = await timed(() =>
      scanEngine.search({ caseId: scanId, view: { kind: 'merged' }, ...req }),
    );
    if (ri.total !== rs.total)
      throw new Error(`${query}: index path counted ${ri.total}, the scan ${rs.total}`);
    const rgArgs = mode === 'regex' ? ['-c', '-i', query, file] : ['-c', '-i', '-F', query, file];
    const rg = has('rg') ? await measure('rg', rgArgs) : null;
    row(
      `search ${mode} ${JSON.stringify(query)}: ${ri.total.toLocaleString('en-US')} lines`,
      `via ${fi.via}: first hits ${fi.ms.toFixed(0)} ms, count ${ims.toFixed(0)} ms; scan: first hits ${fs.ms.toFixed(0)} ms, count ${(sms / 1000).toFixed(2)} s; ${ftsCol}`,
      `rg -c ${rg ? `${rg.stdout.trim()} in ${(rg.wallMs / 1000).toFixed(2)} s` : 'not installed'}`,
    );
  }
  scanEngine.closeAll();
  db.close();
}

async function main(): Promise<void> {
  mkdirSync(DATA, { recursive: true });
  const file = path.join(DATA, `syslog-${MB}mb.log`);
  if (!existsSync(file)) {
    process.stderr.write(`generating ${file} (${MB} MB)…\n`);
    await generateSyslog(file, { targetBytes: MB * 1024 * 1024 });
  }
  // BENCH_CASE: an existing case of that file (e.g. a copy of bench:ingest's), used as it is.
  const caseFile = process.env.BENCH_CASE ?? path.join(DATA, `search-${MB}mb.pmcase`);
  const listeners = new Set<(p: SearchProgress) => void>();
  const engine = new Engine((event, payload) => {
    if (event === 'searchProgress') for (const l of listeners) l(payload as SearchProgress);
  });
  const [opened, openMs] = await timed(() =>
    engine.openCase({ file: caseFile, create: true, title: `bench ${MB} MB` }),
  );
  let info = opened;
  if (info.state !== 'complete') {
    engine.closeAll();
    for (const s of ['', '-wal', '-shm']) rmSync(caseFile + s, { force: true });
    info = engine.openCase({ file: caseFile, create: true, title: `bench ${MB} MB` });
    process.stderr.write(`indexing ${file} into ${caseFile}…\n`);
    const [, ms] = await timed(() => engine.ingest({ caseId: info.caseId, jobId: 'bench', inputs: [file] }));
    process.stderr.write(`  indexed in ${(ms / 1000).toFixed(1)} s\n`);
  }
  const caseId = info.caseId;
  const out: string[] = [];
  const row = (what: string, ours: string, anchor = ''): void => {
    out.push(`| ${what} | ${ours} | ${anchor} |`);
  };
  // The first query opens the query layer: an older case gets its levels and order here.
  const [, firstMs] = await timed(() =>
    engine.getLines({ caseId, view: { kind: 'merged' }, start: 0, count: 3000 }),
  );
  row(
    'open + first page (3000 lines)',
    `${((openMs + firstMs) / 1000).toFixed(2)} s`,
    'reopen target < 500 ms',
  );
  const summary = engine.summary({ caseId });
  const lines = summary.lineCount;

  const rand = rng(42);
  const merged = { kind: 'merged' as const };
  if (!ONLY_FULLTEXT && !ONLY_SCAN) {
    // The time order: built once after ingest; rebuilt here to time it.
    const firstBuild = engine.orderStats({ caseId });
    if (firstBuild && firstBuild.levelsBackfilled > 0)
      row(
        'older case opened: levels filled in + order built',
        `${(firstBuild.buildMs / 1000).toFixed(1)} s (${firstBuild.levelsBackfilled.toLocaleString('en-US')} levels inferred)`,
      );
    const [order, buildMs] = await timed(() => engine.buildOrder({ caseId }));
    const orderMb =
      (
        new Database(caseFile, { readonly: true })
          .prepare(
            "SELECT sum(pgsize) AS b FROM dbstat WHERE name IN ('merged_order', 'merged_position', 'minute_counts', 'sqlite_autoindex_minute_counts_1')",
          )
          .get() as { b: number | null } | undefined
      )?.b ?? order.bytes;
    row(
      'time order build (after ingest)',
      `${(buildMs / 1000).toFixed(2)} s (read ${order.phaseMs.read} ms, sort ${order.phaseMs.sort} ms, count ${order.phaseMs.count} ms, write ${order.phaseMs.write} ms), ${(orderMb / 2 ** 20).toFixed(1)} MB in the case (${((orderMb / statSync(caseFile).size) * 100).toFixed(1)}% of ${(statSync(caseFile).size / 2 ** 20).toFixed(0)} MB), ${order.runs} ascending runs`,
    );

    // Reopen: the stored order is used as it is (nothing rebuilt, nothing re-read).
    {
      const again = new Engine();
      const [r, ms] = await timed(async () => {
        const c = again.openCase({ file: caseFile, create: false });
        await again.getLines({ caseId: c.caseId, view: { kind: 'merged' }, start: 0, count: 3000 });
        return again.summary({ caseId: c.caseId });
      });
      again.closeAll();
      row(
        'reopen: summary and first page of 3000 lines',
        `${ms.toFixed(0)} ms (${r.sources.length} source(s))`,
        'target < 500 ms',
      );
    }

    const pageMs: number[] = [];
    for (let i = 0; i < 30; i++) {
      const start = Math.floor(rand() * Math.max(1, lines - 3000));
      const [p, ms] = await timed(() => engine.getLines({ caseId, view: merged, start, count: 3000 }));
      if (p.lines.length !== Math.min(3000, lines - start)) throw new Error(`short page at ${start}`);
      pageMs.push(ms);
    }
    row('getLines 3000 at random positions (merged)', stats(pageMs), 'target < 50 ms');

    const locMs: number[] = [];
    const timeMs: number[] = [];
    for (let i = 0; i < 50; i++) {
      const id = 1 + Math.floor(rand() * lines);
      const [, a] = await timed(() => engine.locateLine({ caseId, view: merged, lineId: id }));
      locMs.push(a);
      const ts = (summary.firstTs ?? 0) + rand() * ((summary.lastTs ?? 0) - (summary.firstTs ?? 0));
      const [, b] = await timed(() => engine.locateTime({ caseId, view: merged, ts: Math.round(ts) }));
      timeMs.push(b);
    }
    row('locateLine (random line ids)', stats(locMs), 'target < 20 ms');
    row('locateTime (random times)', stats(timeMs), 'target < 20 ms');

    const [, histMs] = await timed(() =>
      engine.histogram({ caseId, filter: null, from: null, to: null, buckets: 400 }),
    );
    row('histogram, whole case, 400 buckets', `${histMs.toFixed(1)} ms`, 'target < 300 ms');
    const [, facetMs] = await timed(() => engine.facets({ caseId }));
    row('facets', `${facetMs.toFixed(1)} ms`);
  }

  if (!ONLY_SCAN) await fulltext(engine, caseId, caseFile, file, row, listeners);

  if (!ONLY_FULLTEXT) {
    // Search: first hits (streaming), whole-case count, and the anchors on the same file.
    for (const [query, mode] of [
      ['oom-killer', 'text'],
      ['Out of memory: Kill(ed)? process \\d+', 'regex'],
      ['write_iter', 'text'],
      // Regexes with no literal every match must contain: every line is read and tested.
      ['segfault|Out of memory', 'regex'],
      ['\\d+\\.\\d+\\.\\d+\\.\\d+', 'regex'],
    ] as const) {
      let first = -1;
      let total = 0;
      const t0 = performance.now();
      await engine
        .search({ caseId, view: merged, query, mode, caseSensitive: false, limit: 1 })
        .then((r) => (total = r.total));
      const fullMs = performance.now() - t0;
      const t1 = performance.now();
      await new Promise<void>((resolve) => {
        const searchId = `bench-${query.length}`;
        const l = (b: SearchProgress): void => {
          if (b.searchId !== searchId) return;
          if (first < 0 && b.hits.length > 0) {
            first = performance.now() - t1;
            engine.cancelSearch({ searchId });
          }
          if (b.done) {
            listeners.delete(l);
            resolve();
          }
        };
        listeners.add(l);
        engine.startSearch({ caseId, view: merged, query, mode, caseSensitive: false, limit: 100, searchId });
      });
      const rgArgs = mode === 'regex' ? ['-c', '-i', query, file] : ['-c', '-i', '-F', query, file];
      const grepArgs = mode === 'regex' ? ['-c', '-i', '-E', query, file] : ['-c', '-i', '-F', query, file];
      const rg = ANCHORS && has('rg') ? await measure('rg', rgArgs) : null;
      const grep = ANCHORS ? await measure('grep', grepArgs) : null;
      // lnav (load + SQL count) for the literal queries: its time includes indexing the file.
      let lnavCol = '';
      if (ANCHORS && mode === 'text' && has('lnav')) {
        const home = path.join(DATA, 'lnav-home');
        mkdirSync(home, { recursive: true });
        const sql = `;SELECT count(*) AS n FROM syslog_log WHERE log_body LIKE '%${query}%'`;
        const l = await measure('lnav', ['-n', '-c', sql, file], { ...process.env, HOME: home });
        lnavCol = `; lnav (load + count) ${l.stdout.trim().split(/\s+/).at(-1)} in ${(l.wallMs / 1000).toFixed(2)} s`;
      }
      row(
        `search ${mode} ${JSON.stringify(query)}`,
        `${total.toLocaleString('en-US')} lines; first hits ${first < 0 ? 'none' : first.toFixed(0) + ' ms'}; whole case ${(fullMs / 1000).toFixed(2)} s`,
        ANCHORS
          ? `rg -c ${rg ? `${rg.stdout.trim()} in ${(rg.wallMs / 1000).toFixed(2)} s` : 'not installed'}; grep -c ${grep!.stdout.trim()} in ${(grep!.wallMs / 1000).toFixed(2)} s${lnavCol}`
          : 'anchors skipped (BENCH_ANCHORS=0)',
      );
    }

    // Responsiveness: pages asked for while a whole-case regex runs.
    {
      const during: number[] = [];
      let done = false;
      const search = engine
        .search({ caseId, view: merged, query: 'x{3,}y', mode: 'regex', caseSensitive: false, limit: 10 })
        .then(() => (done = true));
      while (!done) {
        const start = Math.floor(rand() * Math.max(1, lines - 3000));
        const [, ms] = await timed(() => engine.getLines({ caseId, view: merged, start, count: 3000 }));
        during.push(ms);
        await new Promise((r) => setTimeout(r, 20));
      }
      await search;
      row('getLines 3000 while a whole-case regex runs', stats(during));
    }

    // A filtered view: materialised once, then paged.
    for (const filter of ONLY_SCAN
      ? []
      : [
          { severities: ['err', 'crit', 'alert', 'emerg'] as ('err' | 'crit' | 'alert' | 'emerg')[] },
          { programs: ['kernel'] },
          { include: [{ pattern: 'session closed', mode: 'text' as const, caseSensitive: false }] },
        ]) {
      const f = { ...EMPTY_FILTER, ...filter };
      const view = { kind: 'filtered' as const, filter: f };
      const [p, first] = await timed(() => engine.getLines({ caseId, view, start: 0, count: 3000 }));
      const [, again] = await timed(() =>
        engine.getLines({ caseId, view, start: Math.floor(p.total / 2), count: 3000 }),
      );
      const [, hist] = await timed(() =>
        engine.histogram({ caseId, filter: f, from: null, to: null, buckets: 400 }),
      );
      row(
        `filtered view ${JSON.stringify(filter)}`,
        `${p.total.toLocaleString('en-US')} lines; materialised + first page ${first.toFixed(0)} ms; a page after ${again.toFixed(1)} ms; its histogram ${hist.toFixed(0)} ms`,
      );
    }
  }

  if (FTS) {
    // Other FTS5 designs, each in its own scratch database attached to the case. Contentless:
    // the text stays in the lines table. The case's own: detail=none, digits as separators.
    for (const [name, opts, queries] of [
      [
        'FTS5 detail=none, numbers indexed',
        "content='', detail=none, columnsize=0",
        ['"killer"*', 'write AND iter', 'session AND closed'],
      ],
      [
        'FTS5 detail=column, digits as separators',
        "content='', detail=column, columnsize=0, tokenize=\"unicode61 categories 'L* Co'\"",
        ['"killer"*', 'write AND iter', 'session AND closed'],
      ],
      [
        'FTS5 trigram',
        "content='', tokenize='trigram'",
        ['"oom-killer"', '"write_iter"', '"session closed"'],
      ],
    ] as const) {
      const ftsFile = path.join(DATA, `fts-${MB}mb.sqlite`);
      for (const s of ['', '-wal', '-shm', '-journal']) rmSync(ftsFile + s, { force: true });
      const db = new Database(caseFile, { readonly: false });
      db.exec(`ATTACH DATABASE '${ftsFile}' AS f`);
      db.exec(`CREATE VIRTUAL TABLE f.fts USING fts5(text, ${opts})`);
      const [, buildFts] = await timed(() =>
        db.exec('INSERT INTO f.fts(rowid, text) SELECT line_id, text FROM main.lines'),
      );
      const size = statSync(ftsFile).size;
      const counts: string[] = [];
      for (const q of queries) {
        const [r, ms] = await timed(
          () => db.prepare('SELECT count(*) AS n FROM f.fts WHERE fts MATCH ?').get(q) as { n: number },
        );
        counts.push(`${q}: ${r.n.toLocaleString('en-US')} in ${ms.toFixed(0)} ms`);
      }
      row(
        `${name} (contentless)`,
        `build ${(buildFts / 1000).toFixed(1)} s, ${(size / 2 ** 20).toFixed(0)} MB (${((size / statSync(file).size) * 100).toFixed(0)}% of the input); ${counts.join('; ')}`,
      );
      db.close();
      rmSync(ftsFile, { force: true });
    }
  }

  engine.closeAll();
  const load = os.loadavg();
  console.log(
    `\nbench:search — ${path.basename(file)}: ${(statSync(file).size / 2 ** 20).toFixed(0)} MiB, ${lines.toLocaleString('en-US')} lines; ${new Date().toISOString()}; load average at the start ${LOAD_AT_START.map((l) => l.toFixed(1)).join(' ')}, at the end ${load
      .map((l) => l.toFixed(1))
      .join(' ')} on ${os.cpus().length} cores`,
  );
  console.log(
    scanWorkerEnabled()
      ? `scan worker: on (${scanWorkerStats.runs} scans shared, ${scanWorkerStats.chunks} chunks scanned by it, ${scanWorkerStats.fallbacks} fallbacks)`
      : 'scan worker: off (POSTMORTEM_SCAN_WORKER=0): every scan in the engine thread',
  );
  console.log('| query | Postmortem | anchor / target |');
  console.log('|---|---|---|');
  for (const l of out) console.log(l);
}

void main();
