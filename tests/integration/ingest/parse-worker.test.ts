/**
 * The parse worker (ingest/parse-worker.ts) must write the very case the in-thread parse
 * writes: same rows (every column), same sources, same captured order pieces, same rewritten
 * times. Checked on the real corpus (syslog, dmesg, wtmp, journal, sos) and the seed sample
 * archive, in small batches so that held first batches, provisional times and their rewrites
 * all happen; then lines far longer than the worker's in-flight window (its pool of chunk
 * buffers), a cancel mid-source, and a parse error.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ingestInputs } from '../../../src/main/engine/ingest/ingest';
import { configureParseWorker, parseWorkerStats } from '../../../src/main/engine/ingest/parse-worker';
import { CaseStore } from '../../../src/main/engine/store/case-store';
import { corpusAvailable, corpusPath, corpusSkipReason } from '../../helpers/corpus';
import { tmpDir } from '../../helpers/tmp';

const REPO = path.resolve(__dirname, '../../..');
const BOOT = path.join(REPO, 'src/main/engine/ingest/parse-boot.cjs');
const SAMPLE = path.join(REPO, 'resources/samples/seed-incident.tar.gz');

configureParseWorker(BOOT);
afterAll(() => configureParseWorker(null));

interface CaseDump {
  lines: unknown[][];
  sources: unknown[][];
  capture: unknown[][];
  names: unknown[][];
}

function dump(file: string): CaseDump {
  const store = CaseStore.open(file, { create: false });
  try {
    const db = store.db;
    const all = (sql: string): unknown[][] => db.prepare(sql).raw(true).all() as unknown[][];
    return {
      lines: all(
        'SELECT line_id, source_id, line_no, byte_offset, ts, ts_quality, line_text(block, line_id, text) AS text, host, program, pid, severity, ts_zoned, level FROM line_rows(0, 9007199254740991) ORDER BY line_id',
      ),
      sources: all(
        'SELECT source_id, path, sha256, kind, encoding, line_count, first_line_id, status, error, format, format_reason, quirks, time_anchor, zone FROM sources ORDER BY source_id',
      ),
      capture: all('SELECT first_line_id, source_id, n, keys, flags, names FROM order_capture ORDER BY 1'),
      names: all('SELECT kind, name, id FROM order_names ORDER BY 1, 3'),
    };
  } finally {
    store.close();
  }
}

async function ingestTo(
  file: string,
  inputs: string[],
  parseWorker: boolean,
  batchLines: number,
): Promise<Awaited<ReturnType<typeof ingestInputs>>> {
  const store = CaseStore.open(file, { create: true });
  try {
    return await ingestInputs(store, inputs, { batchLines, parseWorker });
  } finally {
    store.close();
  }
}

describe('parse worker', () => {
  const dir = tmpDir('pm-parse-worker-');
  if (!corpusAvailable) console.warn(`[skip] parse worker on the corpus: ${corpusSkipReason}`);

  it.skipIf(!corpusAvailable)(
    'writes the same case as the in-thread parse on the corpus and the seed sample',
    async () => {
      const inputs = [
        ...['a-syslog', 'b-dmesg', 'c-wtmp', 'd-journal', 'f-sos'].map((f) => corpusPath(f)),
        SAMPLE,
      ];
      for (const batch of [7, 10_000]) {
        const a = path.join(dir, `inline-${batch}.pmcase`);
        const b = path.join(dir, `worker-${batch}.pmcase`);
        const before = { ...parseWorkerStats };
        const oa = await ingestTo(a, inputs, false, batch);
        expect(parseWorkerStats).toEqual(before);
        const ob = await ingestTo(b, inputs, true, batch);
        // Every text source went through the worker (the comparison would be empty otherwise).
        expect(parseWorkerStats.sources - before.sources).toBeGreaterThan(50);
        expect(parseWorkerStats.batches - before.batches).toBeGreaterThan(50);
        expect(ob).toEqual(oa);
        expect(oa.lines).toBeGreaterThan(10_000);
        const da = dump(a);
        const db = dump(b);
        expect(db.sources).toEqual(da.sources);
        expect(db.names).toEqual(da.names);
        expect(db.capture).toEqual(da.capture);
        expect(db.lines.length).toBe(da.lines.length);
        for (let i = 0; i < da.lines.length; i++) expect(db.lines[i], `line ${i + 1}`).toEqual(da.lines[i]);
      }
    },
    240_000,
  );

  it('keeps reading through lines longer than its in-flight window (no batch for 24 MiB)', async () => {
    const file = path.join(dir, 'long.log');
    const line = (c: string): string => `Jun  6 21:33:13 host prog[1]: ${c.repeat(3 * 1024 * 1024)}\n`;
    writeFileSync(file, ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map(line).join(''));
    const a = path.join(dir, 'long-inline.pmcase');
    const b = path.join(dir, 'long-worker.pmcase');
    const oa = await ingestTo(a, [file], false, 10_000);
    parseWorkerStats.chunkBuffers = 0;
    const ob = await ingestTo(b, [file], true, 10_000);
    expect(ob).toEqual(oa);
    // 24 MiB went through a pool of at most 8 chunk buffers of 1 MiB, handed back and reused.
    expect(parseWorkerStats.chunkBuffers).toBeGreaterThan(1);
    expect(parseWorkerStats.chunkBuffers).toBeLessThanOrEqual(8);
    // Each 3 MiB line is cut at 1 MiB: pieces of one line are rows of their own.
    expect(oa.lines).toBe(8 * 4);
    expect(dump(b).lines).toEqual(dump(a).lines);
  }, 120_000);

  it('stops on cancel mid-source: the case is incomplete, nothing half-written, and the next run completes it', async () => {
    const file = path.join(dir, 'many.log');
    const rows: string[] = [];
    for (let i = 0; i < 200_000; i++)
      rows.push(
        `Jun  6 21:${String(Math.floor(i / 6000) % 60).padStart(2, '0')}:13 host prog[${i}]: line ${i}`,
      );
    writeFileSync(file, rows.join('\n') + '\n');
    const c = path.join(dir, 'cancel.pmcase');
    const store = CaseStore.open(c, { create: true });
    let polls = 0;
    const out = await ingestInputs(store, [file], {
      batchLines: 1000,
      parseWorker: true,
      isCancelled: () => ++polls > 3,
    });
    expect(out.cancelled).toBe(true);
    const n = store.db.prepare('SELECT count(*) FROM line_rows(0, 9007199254740991)').pluck().get() as number;
    expect(n).toBe(0);
    expect(store.meta('state')).toBe('incomplete');
    const again = await ingestInputs(store, [file], { batchLines: 1000, parseWorker: true });
    expect(again.cancelled).toBe(false);
    expect(again.lines).toBe(200_000);
    store.close();
  }, 120_000);
});
