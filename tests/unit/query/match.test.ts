import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileMatch, LINE_TEXT, requiredLiteral, sqlPredicate } from '../../../src/main/engine/query/match';
import { SAMPLE_TREE } from '../../helpers/tmp';

describe('the literal a regular expression requires (SQL prefilter)', () => {
  it('takes the longest run of plain characters outside groups, classes and optional atoms', () => {
    expect(requiredLiteral('Out of memory: Kill(ed)? process \\d+')).toBe('Out of memory: Kill');
    expect(requiredLiteral('^J?un  6 21:33:14 .*lxcfs$')).toBe('un  6 21:33:14 ');
    expect(requiredLiteral('gfp_mask=0x[0-9a-f]+')).toBe('gfp_mask=0x');
    expect(requiredLiteral('\\[write_iter\\] inode')).toBe('[write_iter] inode');
    expect(requiredLiteral('abcd?e')).toBe('abc');
    expect(requiredLiteral('ab{0,2}cdef')).toBe('cdef');
    expect(requiredLiteral('\\x41BCDE')).toBe('BCDE');
    expect(requiredLiteral('\\u0041\\u{42}xyz')).toBe('xyz');
  });

  it('gives up when a match need not contain any literal', () => {
    expect(requiredLiteral('oom-killer|Killed process')).toBeNull();
    expect(requiredLiteral('(foo|bar)\\d+')).toBeNull();
    expect(requiredLiteral('\\d+\\.\\d+')).toBeNull();
    expect(requiredLiteral('ab')).toBeNull();
  });

  it('never drops a line the regex matches (sample syslog, case-insensitive)', () => {
    const lines = readFileSync(path.join(SAMPLE_TREE, 'var/log/syslog'), 'utf8').split('\n');
    for (const re of [
      'Kill(ed)? process \\d+ \\(stream_convert\\)',
      'gfp_mask=0x[0-9a-f]+, order=\\d',
      'write_?iter\\] inode',
      'video-stream kernel: \\[?\\s*\\d*',
      'Node \\d DMA32? free',
    ]) {
      const m = compileMatch({ pattern: re, mode: 'regex', caseSensitive: false });
      const lit = requiredLiteral(re)!.toLowerCase();
      const matching = lines.filter((l) => m(l));
      expect(matching.length, re).toBeGreaterThan(0);
      for (const l of matching) expect(l.toLowerCase()).toContain(lit);
    }
  });

  it('puts literal searches into SQL with LIKE wildcards escaped, and leaves non-ASCII case folding to JavaScript', () => {
    expect(sqlPredicate({ pattern: '100%_x', mode: 'text', caseSensitive: false })).toEqual({
      sql: `${LINE_TEXT} LIKE ? ESCAPE '\\'`,
      args: ['%100\\%\\_x%'],
      rows: null,
      texts: { anyOf: [{ literal: '100%_x', caseSensitive: false }], noneOf: [] },
    });
    expect(sqlPredicate({ pattern: 'Oom', mode: 'text', caseSensitive: true })).toEqual({
      sql: `instr(${LINE_TEXT}, ?) > 0`,
      args: ['Oom'],
      rows: null,
      texts: { anyOf: [{ literal: 'Oom', caseSensitive: true }], noneOf: [] },
    });
    expect(sqlPredicate({ pattern: 'Ошибка', mode: 'text', caseSensitive: false })).toBeNull();
    // CJK has no case: LIKE is exact for it.
    expect(sqlPredicate({ pattern: '内存不足', mode: 'text', caseSensitive: false })).not.toBeNull();
  });
});
