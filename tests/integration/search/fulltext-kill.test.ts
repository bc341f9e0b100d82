/**
 * kill -9 during phase 2: `postmortem index` killed while the full-text index is being built.
 * The case opens, says the index is incomplete, search answers by scanning with the right
 * counts, and the build resumes from the last committed batch (not from the start) when the
 * case is opened again.
 */
import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../../src/main/engine/engine';
import type { SearchProgress } from '../../../src/shared/model/case';
import { startCli } from '../../helpers/cli';
import { whenCaseShows } from '../../helpers/poll-case';
import { SAMPLE_TREE, tmpDir } from '../../helpers/tmp';
import { lastLineId } from '../../../src/main/engine/store/line-heads';

const SEED_LINES = readFileSync(path.join(SAMPLE_TREE, 'var/log/syslog'), 'utf8').split('\n').slice(0, -1);

describe('kill -9 during phase 2', () => {
  it('leaves a case whose index is incomplete, searched by scan, resumed on open', async () => {
    const dir = tmpDir('pm-fts-kill-');
    const big = path.join(dir, 'big.log');
    // The seed's own lines, repeated with a counter: 200,000 lines, ~30 MB.
    const bigLines = Array.from({ length: 200_000 }, (_, i) => `${SEED_LINES[i % SEED_LINES.length]} #${i}`);
    writeFileSync(big, bigLines.join('\n') + '\n');
    const caseFile = path.join(dir, 'kill.pmcase');
    const child = startCli(['index', big, '-o', caseFile], dir);
    const killedAt = await whenCaseShows(
      caseFile,
      child,
      'phase 2 committed a batch',
      (db) => {
        const next = db.prepare("SELECT value FROM meta WHERE key = 'fulltext_next'").pluck().get() as
          string | undefined;
        return next !== undefined && Number(next) > 1 ? Number(next) : undefined;
      },
      10,
    );
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    // What the kill left: lines complete, the index partial.
    const raw = new Database(caseFile, { readonly: true });
    const next = Number(raw.prepare("SELECT value FROM meta WHERE key = 'fulltext_next'").pluck().get());
    const lines = lastLineId(raw);
    raw.close();
    expect(next).toBeGreaterThanOrEqual(killedAt);
    expect(lines).toBe(200_000);
    expect(next).toBeLessThanOrEqual(lines); // killed before the last batch (else the test proves nothing)

    const progress: (SearchProgress & { via?: string })[] = [];
    const e = new Engine((event, payload) => {
      if (event === 'searchProgress') progress.push(payload as SearchProgress);
    });
    try {
      const t = performance.now();
      const { caseId } = e.openCase({ file: caseFile, create: false });
      const openMs = performance.now() - t;
      const status = e.fulltextStatus({ caseId });
      // Opening resumed the build: at most its first batch ran inside openCase.
      expect(status.indexedLines).toBeGreaterThanOrEqual(next - 1);
      expect(openMs).toBeLessThan(5_000);
      const query = {
        caseId,
        view: { kind: 'merged' as const },
        // In one seed line of 117: the index's groups of 8 lines stay under its share of the case.
        query: 'invoked oom-killer',
        mode: 'text' as const,
        caseSensitive: false,
        limit: 100_000,
      };
      const want = bigLines.filter((l) => l.toLowerCase().includes('invoked oom-killer')).length;
      expect(want).toBeGreaterThan(10);
      const hitsOf = (ps: SearchProgress[]): string[] =>
        ps.flatMap((p) => p.hits.map((h) => `${h.lineId}@${h.position}`));
      let scanned: { total: number; hits: string[] } | null = null;
      if (!e.fulltextStatus({ caseId }).complete) {
        // While the build runs, a search is answered by the scan.
        e.startSearch({ ...query, searchId: 'k0' });
        for (let i = 0; i < 1500 && !progress.some((p) => p.done); i++)
          await new Promise((r) => setTimeout(r, 10));
        const last = progress.find((p) => p.done)!;
        expect(last.via).toBe('scan');
        scanned = { total: last.total, hits: hitsOf(progress) };
        progress.length = 0;
      }
      for (let i = 0; i < 1000 && !e.fulltextStatus({ caseId }).complete; i++)
        await new Promise((r) => setTimeout(r, 20));
      const done = e.fulltextStatus({ caseId });
      expect(done.complete).toBe(true);
      expect(done.indexedLines).toBe(200_000);
      const viaIndex = await e.search(query);
      if (scanned) expect(scanned.total).toBe(want);
      expect(viaIndex.total).toBe(want);
      e.startSearch({ ...query, searchId: 'k' });
      for (let i = 0; i < 500 && !progress.some((p) => p.done); i++)
        await new Promise((r) => setTimeout(r, 10));
      const last = progress.find((p) => p.done);
      expect(last?.via).toBe('index');
      expect(last?.total).toBe(viaIndex.total);
      // The same hits at the same positions, in the same order, as the scan gave.
      if (scanned) expect(hitsOf(progress)).toEqual(scanned.hits);
      expect(hitsOf(progress).length).toBe(want);
    } finally {
      e.closeAll();
    }
  }, 240_000);
});
