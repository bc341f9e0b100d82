/**
 * Opening a case another process is indexing into: the second opener must not wait on the
 * ingest's write lock nor fail with SQLITE_BUSY; it opens the case read-only, says why, and
 * reads what is committed. Two real processes: `postmortem index` in a child, the opener here.
 */
import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../../src/main/engine/engine';
import { ingestInputs } from '../../../src/main/engine/ingest/ingest';
import { CaseStore } from '../../../src/main/engine/store/case-store';
import { startCli } from '../../helpers/cli';
import { whenCaseShows } from '../../helpers/poll-case';
import { SAMPLE_TREE, tmpDir } from '../../helpers/tmp';
import { lastLineId } from '../../../src/main/engine/store/line-heads';

const SEED_LINES = readFileSync(path.join(SAMPLE_TREE, 'var/log/syslog'), 'utf8').split('\n').slice(0, -1);

describe('a case being indexed by another process', () => {
  const dir = tmpDir('pm-readonly-');

  it('opens read-only at once, naming the ingesting process, and reads the committed lines', async () => {
    const big = path.join(dir, 'big.log');
    writeFileSync(
      big,
      Array.from({ length: 400_000 }, (_, i) => `${SEED_LINES[i % SEED_LINES.length]} ${i}`).join('\n') +
        '\n',
    );
    const caseFile = path.join(dir, 'busy.pmcase');
    const child = startCli(['index', big, '-o', caseFile], dir);
    const exited = new Promise((r) => child.once('exit', r));
    try {
      // Wait until the child has committed some lines (polled through a plain read-only connection).
      await whenCaseShows(caseFile, child, 'the case could be opened beside the ingest', (db) => {
        const m = lastLineId(db);
        return m > 20_000 ? true : undefined;
      });

      const t0 = performance.now();
      const store = CaseStore.open(caseFile, { create: false });
      const openMs = performance.now() - t0;
      expect(store.readOnly).toMatch(
        new RegExp(`another Postmortem process \\(pid ${child.pid}\\) is indexing`),
      );
      expect(openMs).toBeLessThan(1000);
      expect(store.info().state).toBe('indexing');
      const src = store.sources().find((s) => s.path === 'big.log')!;
      expect(src.status).toBe('indexing');
      const page = store.page({ kind: 'source', sourceId: src.sourceId }, 0, 5);
      expect(page.lines.map((l) => l.text)).toEqual(
        Array.from({ length: 5 }, (_, i) => `${SEED_LINES[i % SEED_LINES.length]} ${i}`),
      );
      await expect(ingestInputs(store, [big])).rejects.toThrow(/cannot index into it: .* is open read-only/);
      store.close();

      // The engine opens it the same way and pages the merged view (ingest order while indexing).
      const e = new Engine();
      const { caseId } = e.openCase({ file: caseFile, create: false });
      const lines = await e.getLines({ caseId, view: { kind: 'merged' }, start: 0, count: 3 });
      expect(lines.lines).toHaveLength(3);
      e.closeAll();
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    // Its owner is dead: the case opens writable, and a re-run completes it.
    const after = CaseStore.open(caseFile, { create: false });
    expect(after.readOnly).toBeNull();
    const out = await ingestInputs(after, [big]);
    expect(out.errors).toEqual([]);
    expect(after.summary().state).toBe('complete');
    expect(after.sources().map((s) => [s.path, s.lineCount, s.status])).toEqual([
      ['big.log', 400_000, 'complete'],
    ]);
    after.close();
  }, 120_000);

  it('opens read-only, not busy, when another connection holds the write lock and opening would write', async () => {
    const file = path.join(dir, 'locked.pmcase');
    const s = CaseStore.open(file, { create: true });
    await ingestInputs(s, [path.join(SAMPLE_TREE, 'var/log/syslog')]);
    // A case from before meta_large: opening it moves large values, which writes.
    s.db.prepare("DELETE FROM meta_large WHERE key = '-moved'").run();
    s.close();
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    try {
      const t0 = performance.now();
      const ro = CaseStore.open(file, { create: false });
      expect(performance.now() - t0).toBeLessThan(2000);
      expect(ro.readOnly).toBe('another connection is writing to this case');
      expect(ro.info().lineCount).toBe(SEED_LINES.length);
      ro.close();
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    const rw = CaseStore.open(file, { create: false });
    expect(rw.readOnly).toBeNull();
    rw.close();
  });
});
