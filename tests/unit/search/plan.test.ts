/**
 * The query planner: which words of a search the index may be asked for, and the property that
 * makes it sound: for any substring of a real line, the index (the migration's own table
 * definition, in memory) returns that line among the candidates.
 */
import Database from 'better-sqlite3';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { literalTerms, planFulltext } from '../../../src/main/engine/search/plan';
import { MIGRATIONS } from '../../../src/main/engine/store/schema';
import { corpusAvailable, corpusPath, SEED_FILE } from '../../helpers/corpus';
import { SAMPLE_TREE } from '../../helpers/tmp';
import { existsSync } from 'node:fs';

describe('literalTerms', () => {
  it('keeps words proven whole, the last word as a prefix, drops the first (maybe a suffix)', () => {
    expect(literalTerms('oom-killer')).toEqual(['"killer"*']);
    expect(literalTerms('[write_iter] inode ifops has restore')).toEqual([
      '"write"',
      '"iter"',
      '"inode"',
      '"ifops"',
      '"has"',
      '"restore"*',
    ]);
    expect(literalTerms('Out of memory: Kill')).toEqual(['"of"', '"memory"', '"kill"*']);
    expect(literalTerms(' kernel: ')).toEqual(['"kernel"']);
  });

  it('treats digits as separators and skips one-letter words and short prefixes', () => {
    expect(literalTerms('0x24280ca')).toEqual([]);
    expect(literalTerms('sda1 at 5ms')).toEqual(['"at"']);
    expect(literalTerms(' pid 42 comm')).toEqual(['"pid"', '"comm"*']);
    expect(literalTerms('x: a b ab')).toEqual([]);
  });

  it('does not guess the class of non-ASCII characters', () => {
    expect(literalTerms('内存 oom killer')).toEqual(['"oom"', '"killer"*']);
    expect(literalTerms(' café latte')).toEqual(['"latte"*']);
    expect(literalTerms(' naïve ')).toEqual([]);
  });

  it('plans regexes from their required literal, and refuses what it cannot narrow', () => {
    expect(
      planFulltext({ pattern: 'Killed process \\d+ \\((\\w+)\\)', mode: 'regex', caseSensitive: false }),
    ).toEqual({ match: '"process"', terms: ['"process"'] });
    expect(planFulltext({ pattern: 'oom|killer', mode: 'regex', caseSensitive: false })).toBeNull();
    expect(planFulltext({ pattern: 'segfault', mode: 'text', caseSensitive: false })).toBeNull();
    expect(planFulltext({ pattern: '', mode: 'text', caseSensitive: false })).toBeNull();
  });
});

/** The migration that creates line_fts, run in memory with a stand-in lines table. */
function indexOf(lines: string[]): Database.Database {
  const db = new Database(':memory:');
  const v7 = MIGRATIONS.find((m) => m.sql.includes('line_fts'));
  expect(v7).toBeDefined();
  db.exec(v7!.sql);
  const ins = db.prepare('INSERT INTO line_fts (rowid, text) VALUES (?, ?)');
  db.transaction(() => lines.forEach((t, i) => ins.run(i + 1, t)))();
  return db;
}

function realLines(): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const f of readdirSync(dir)) {
      const p = path.join(dir, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (statSync(p).size < 2_000_000) files.push(p);
    }
  };
  walk(SAMPLE_TREE);
  if (existsSync(SEED_FILE)) files.push(SEED_FILE);
  for (const d of ['a-syslog', 'b-dmesg', 'g-oom']) walk(corpusPath(d));
  const out: string[] = [];
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    if (text.includes('\u0000')) continue; // binary records
    for (const l of text.split('\n')) if (l.length >= 4) out.push(l);
  }
  return out;
}

// Over a thousand real lines need the corpus: skipped without it (tests/helpers/corpus prints why).
describe.skipIf(!corpusAvailable)(
  'soundness: any substring of a line finds that line among the candidates',
  () => {
    const lines = corpusAvailable ? realLines() : [];
    const db = indexOf(lines);
    const query = db.prepare('SELECT 1 FROM line_fts WHERE line_fts MATCH ? AND rowid = ?');

    it(`holds for 20,000 substrings of ${lines.length} real lines (seed, sample, corpus)`, () => {
      expect(lines.length).toBeGreaterThan(1000);
      let s = 7;
      const rnd = (n: number): number => {
        s = (s * 1103515245 + 12345) & 0x7fffffff;
        return s % n;
      };
      let planned = 0;
      for (let i = 0; i < 20_000; i++) {
        const k = rnd(lines.length);
        const line = lines[k]!;
        const a = rnd(line.length);
        const b = a + 1 + rnd(Math.min(40, line.length - a));
        let pattern = line.slice(a, b);
        if (i % 2 === 0) pattern = pattern.replace(/[a-z]/g, (c) => c.toUpperCase());
        const plan = planFulltext({ pattern, mode: 'text', caseSensitive: false });
        if (!plan) continue;
        planned++;
        expect(
          query.get(plan.match, k + 1),
          `${JSON.stringify(pattern)} in ${JSON.stringify(line)}`,
        ).toBeDefined();
      }
      expect(planned).toBeGreaterThan(5000);
    });
  },
);
