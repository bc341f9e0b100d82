import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CaseStore } from '../../../src/main/engine/store/case-store';
import { MIGRATIONS, SCHEMA_VERSION } from '../../../src/main/engine/store/schema';
import { appendKernLog } from '../../helpers/case-lines';
import { tmpDir } from '../../helpers/tmp';

describe('schema v4: levels and the merged time order', () => {
  const dir = tmpDir('pm-v4-');

  it('marks a v3 case with lines for a level backfill, and a new case not', () => {
    const old = path.join(dir, 'v3.pmcase');
    const d = new Database(old);
    for (const m of MIGRATIONS.filter((x) => x.version <= 3)) d.exec(m.sql);
    d.pragma('user_version = 3');
    d.prepare("INSERT INTO meta (key, value) VALUES ('case_id', '00000000000000aa')").run();
    d.prepare(
      "INSERT INTO inputs (input_id, name, location, state, added_at) VALUES (1, 'x', '/x', 'complete', 0)",
    ).run();
    d.prepare(
      "INSERT INTO sources (source_id, input_id, path, size_bytes, kind, status, line_count, first_line_id) VALUES (1, 1, 'syslog', 10, 'syslog', 'complete', 1, 1)",
    ).run();
    d.prepare(
      "INSERT INTO lines (line_id, source_id, line_no, byte_offset, ts, text) VALUES (1, 1, 1, 0, 0, 'Out of memory: Kill process 1 (a)')",
    ).run();
    d.close();
    const s = CaseStore.open(old, { create: false });
    expect(s.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(s.meta('levels_pending')).toBe('1');
    expect(s.db.prepare('SELECT level FROM lines').pluck().get()).toBeNull();
    s.close();

    const fresh = CaseStore.open(path.join(dir, 'new.pmcase'), { create: true });
    expect(fresh.meta('levels_pending')).toBeUndefined();
    appendKernLog(fresh, [{ text: 'Out of memory: Kill process 1 (a)' }, { text: 'plain', severity: 6 }]);
    // The level is stored at insert: inferred for the first (err), printed for the second.
    expect(
      fresh.db
        .prepare('SELECT level, severity FROM line_rows(0, 9007199254740991) ORDER BY line_id')
        .raw()
        .all(),
    ).toEqual([
      [3, null],
      [6, 6],
    ]);
    fresh.close();
  });

  it('keeps large meta values apart, so small meta reads never load them', () => {
    const s = CaseStore.open(path.join(dir, 'meta.pmcase'), { create: true });
    const big = JSON.stringify({ lines: 'x'.repeat(200_000) });
    s.setMeta('analysis', big);
    expect(s.meta('analysis')).toBe(big);
    expect(s.db.prepare("SELECT count(*) FROM meta WHERE key = 'analysis'").pluck().get()).toBe(0);
    s.setMeta('analysis', '{}');
    expect(s.meta('analysis')).toBe('{}');
    expect(s.db.prepare("SELECT count(*) FROM meta_large WHERE key = 'analysis'").pluck().get()).toBe(0);
    // A case written before: its large row is moved out on open.
    s.db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('old', ?)").run(big);
    s.db.prepare("DELETE FROM meta_large WHERE key = '-moved'").run();
    s.close();
    const again = CaseStore.open(path.join(dir, 'meta.pmcase'), { create: false });
    expect(again.db.prepare("SELECT count(*) FROM meta WHERE key = 'old'").pluck().get()).toBe(0);
    expect(again.meta('old')).toBe(big);
    again.close();
  });
});
