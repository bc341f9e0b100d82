/**
 * tsx scripts/bench/analysis-size.ts CASE.pmcase [--recompute] [--json OUT]
 *
 * How big the stored analysis of a case is and where the bytes go: the JSON that getAnalysis
 * returns, broken down by top-level key and, for incidents, by kind (count, bytes, the largest
 * single incident and which of its fields weigh most). The case is opened read-only.
 *
 * --recompute also runs the current analysers over the case's lines in memory (nothing is
 * written back) and prints the same breakdown for their output with the time it took, so an
 * analyser change can be measured on a case without touching the stored one.
 */
import Database from 'better-sqlite3';
import { existsSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { CaseAnalysis } from '../../src/shared/model/analysis';
import type { Incident } from '../../src/shared/model/incident';
import { ANALYSIS_VERSION, analyzeCase } from '../../src/main/engine/analysis/run';
import { readRecordLines, sourceRefs } from '../../src/main/engine/store/line-reader';
import { lastLineId, LineHeads } from '../../src/main/engine/store/line-heads';
import { TextBlocks } from '../../src/main/engine/store/text-blocks';

const MiB = 1024 * 1024;

function bytes(v: unknown): number {
  return Buffer.byteLength(JSON.stringify(v) ?? '', 'utf8');
}

function fmt(n: number): string {
  return n >= MiB ? `${(n / MiB).toFixed(2)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function storedAnalysis(db: Database.Database, file: string): string | null {
  const tables = new Set(
    (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
      (r) => r.name,
    ),
  );
  if (!tables.has('meta')) throw new Error(`${file}: not a Postmortem case (no meta table)`);
  const small = db.prepare("SELECT value FROM meta WHERE key = 'analysis'").get() as
    { value: string } | undefined;
  if (small) return small.value;
  if (!tables.has('meta_large')) return null;
  const big = db.prepare("SELECT value FROM meta_large WHERE key = 'analysis'").get() as
    { value: string } | undefined;
  return big?.value ?? null;
}

interface KindRow {
  count: number;
  bytes: number;
  largest: number;
  largestAt: string;
  fields: Record<string, number>;
}

function breakdown(label: string, json: string, a: CaseAnalysis): Record<string, unknown> {
  const total = Buffer.byteLength(json, 'utf8');
  console.log(`\n== ${label}: ${fmt(total)} (analysis version ${a.version})`);
  const keys: Record<string, number> = {};
  for (const [k, v] of Object.entries(a)) keys[k] = bytes(v);
  for (const [k, b] of Object.entries(keys).sort((x, y) => y[1] - x[1])) {
    const v = (a as unknown as Record<string, unknown>)[k];
    const n = Array.isArray(v) ? ` (${v.length.toLocaleString('en-US')} items)` : '';
    console.log(`  ${pad(k, 14)} ${pad(fmt(b), 12)} ${((b / total) * 100).toFixed(1).padStart(5)} %${n}`);
  }
  const kinds: Record<string, KindRow> = {};
  for (const i of a.incidents ?? []) {
    const b = bytes(i);
    const row = (kinds[i.kind] ??= { count: 0, bytes: 0, largest: 0, largestAt: '', fields: {} });
    row.count++;
    row.bytes += b;
    for (const f of Object.keys(i) as (keyof Incident)[]) row.fields[f] = (row.fields[f] ?? 0) + bytes(i[f]);
    if (b > row.largest) {
      row.largest = b;
      row.largestAt = `${i.source}:${i.line.lineNo} count ${i.count}, ${i.occurrences.length} occurrences listed`;
    }
  }
  if (Object.keys(kinds).length > 0) {
    console.log('  incidents by kind:');
    for (const [k, r] of Object.entries(kinds).sort((x, y) => y[1].bytes - x[1].bytes)) {
      const heavy = Object.entries(r.fields)
        .sort((x, y) => y[1] - x[1])
        .slice(0, 3)
        .map(([f, b]) => `${f} ${fmt(b)}`)
        .join(', ');
      console.log(
        `    ${pad(k, 16)} ${String(r.count).padStart(7)} × → ${pad(fmt(r.bytes), 11)} largest ${fmt(r.largest)} (${r.largestAt}); heaviest fields: ${heavy}`,
      );
    }
  }
  return { label, total, keys, kinds };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--'));
  const jsonOut = args.includes('--json') ? args[args.indexOf('--json') + 1] : undefined;
  if (!file) {
    console.error('usage: tsx scripts/bench/analysis-size.ts CASE.pmcase [--recompute] [--json OUT]');
    process.exit(2);
  }
  if (!existsSync(file)) throw new Error(`${file}: no such case file`);
  const db = new Database(file, { readonly: true, fileMustExist: true });
  const report: Record<string, unknown>[] = [];
  console.log(
    `analysis-size — ${file}; load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  // The readers find a connection's text blocks and packed line headers (schema v9) through these.
  const texts = new TextBlocks(db, file);
  const heads = new LineHeads(db, file);
  const lineCount = lastLineId(db);
  if (lineCount > 0) console.log(`lines: ≈ ${lineCount.toLocaleString('en-US')} (max line id)`);

  let t = performance.now();
  const raw = storedAnalysis(db, file);
  const readMs = performance.now() - t;
  if (raw === null) console.log('\nno stored analysis in this case');
  else {
    t = performance.now();
    const stored = JSON.parse(raw) as CaseAnalysis;
    const parseMs = performance.now() - t;
    console.log(`stored analysis read ${Math.round(readMs)} ms, JSON.parse ${Math.round(parseMs)} ms`);
    report.push(breakdown('stored', raw, stored));
    if (stored.version !== ANALYSIS_VERSION)
      console.log(
        `  (stored version ${stored.version} ≠ current ${ANALYSIS_VERSION}: getAnalysis will recompute)`,
      );
  }

  if (args.includes('--recompute')) {
    const refs = sourceRefs(db);
    t = performance.now();
    const { analysis, findings } = analyzeCase({
      sources: refs,
      lines: (only) =>
        readRecordLines(db, only ? refs.filter((r) => only.some((o) => o.sourceId === r.sourceId)) : refs),
    });
    const analyzeMs = performance.now() - t;
    t = performance.now();
    const json = JSON.stringify(analysis);
    const stringifyMs = performance.now() - t;
    t = performance.now();
    JSON.parse(json);
    const parseMs = performance.now() - t;
    console.log(
      `\nrecomputed in ${(analyzeMs / 1000).toFixed(1)} s (timings ${JSON.stringify(analysis.timingsMs)}); stringify ${Math.round(stringifyMs)} ms, parse ${Math.round(parseMs)} ms; load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    const fb = bytes(findings);
    console.log(`findings: ${findings.length.toLocaleString('en-US')} → ${fmt(fb)}`);
    const r = breakdown('recomputed', json, analysis);
    r.findings = { count: findings.length, bytes: fb };
    r.analyzeMs = Math.round(analyzeMs);
    report.push(r);
  }
  heads.close();
  texts.close();
  db.close();
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify(report, null, 2));
}

main().catch((err: unknown) => {
  console.error((err as Error).message);
  process.exit(1);
});
