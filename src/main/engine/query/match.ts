/**
 * Text conditions of searches and filters. Text mode is literal (case-insensitive unless
 * asked); regex mode is a JavaScript RegExp. An invalid pattern is an error naming it.
 */
import type { LineFilter, TextMatch } from '../../../shared/model/view';
import { SEVERITY_NAMES } from '../../../shared/model/view';
import { LEVEL_NONE, UNTIMED } from './order';
import type { SqlPredicate, TextLiterals } from './rows';

export type Matcher = (text: string) => boolean;

export class QueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueryError';
  }
}

export function compileMatch(m: TextMatch, what = 'search'): Matcher {
  if (m.pattern === '') throw new QueryError(`${what}: empty pattern`);
  if (m.mode === 'regex') {
    let re: RegExp;
    try {
      re = new RegExp(m.pattern, m.caseSensitive ? '' : 'i');
    } catch (err) {
      throw new QueryError(
        `${what}: invalid regular expression ${JSON.stringify(m.pattern)}: ${(err as Error).message}`,
      );
    }
    return (t) => re.test(t);
  }
  if (m.caseSensitive) {
    const p = m.pattern;
    return (t) => t.includes(p);
  }
  const re = new RegExp(m.pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
  return (t) => re.test(t);
}

/**
 * A row's text in the SQL of a search or filter. SQLite evaluates that SQL only for a case whose
 * texts are in its rows (made before schema v8); a case with texts in blocks is searched by
 * query/block-scan.ts from `rows` and `texts`, so no line_text() call runs per row.
 */
export const LINE_TEXT = 'text';

/** SQL for "text contains this literal": instr when case matters, LIKE (ASCII folding) when not. */
function containsSql(literal: string, caseSensitive: boolean): SqlPredicate | null {
  if (literal === '') return null;
  const texts = { anyOf: [{ literal, caseSensitive }], noneOf: [] };
  if (caseSensitive) return { sql: `instr(${LINE_TEXT}, ?) > 0`, args: [literal], rows: null, texts };
  // LIKE folds ASCII case only, as JavaScript's non-unicode /i does for ASCII letters; a
  // literal with non-ASCII cased letters (Cyrillic, accented Latin) is left to JavaScript.
  for (const c of literal) if (c > '\x7f' && c.toLowerCase() !== c.toUpperCase()) return null;
  return {
    sql: `${LINE_TEXT} LIKE ? ESCAPE '\\'`,
    args: [`%${literal.replace(/[\\%_]/g, (c) => `\\${c}`)}%`],
    rows: null,
    texts,
  };
}

/**
 * The longest run of plain characters every match of a regex must contain, or null when none
 * can be proven (top-level alternation, or nothing but classes and groups). Conservative: a
 * character made optional by ?, * or {0 is dropped, groups and classes end a run.
 */
export function requiredLiteral(source: string): string | null {
  let best = '';
  let run = '';
  let depth = 0;
  const end = (): void => {
    if (run.length > best.length) best = run;
    run = '';
  };
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      const n = source[i + 1];
      if (n === undefined) return null;
      i++;
      if (/[^\w\s]/.test(n)) {
        // An escaped punctuation character is itself (\. \- \/ \[ \().
        if (depth === 0 && !optional(source, i + 1)) run += n;
        else end();
        continue;
      }
      end();
      // Skip the rest of the escape: \xHH, \uHHHH or \u{…}, \cX, \k<name>, \p{…}, \12.
      if (n === 'x') i += 2;
      else if (n === 'u') i += source[i + 1] === '{' ? source.indexOf('}', i) - i : 4;
      else if (n === 'c') i += 1;
      else if (n === 'k' || n === 'p' || n === 'P') {
        const close = source[i + 1] === '<' ? '>' : source[i + 1] === '{' ? '}' : null;
        if (close) i = Math.max(i, source.indexOf(close, i));
      } else if (/\d/.test(n)) while (/\d/.test(source[i + 1] ?? '')) i++;
      continue;
    }
    if (c === '[') {
      // Skip the class (a ] right after [ or [^ is literal).
      let j = i + 1;
      if (source[j] === '^') j++;
      if (source[j] === ']') j++;
      while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
      i = j;
      end();
      continue;
    }
    if (c === '(') {
      depth++;
      end();
      continue;
    }
    if (c === ')') {
      depth = Math.max(0, depth - 1);
      continue;
    }
    if (depth > 0) continue;
    if (c === '|') return null;
    if ('.^$?*+'.includes(c)) {
      end();
      continue;
    }
    if (c === '{') {
      // A quantifier's body ({2}, {1,3}); the atom before it was already judged.
      while (i < source.length && source[i] !== '}') i++;
      end();
      continue;
    }
    if (optional(source, i + 1)) {
      end();
      continue;
    }
    run += c;
  }
  end();
  return best.length >= 3 ? best : null;
}

/** Whether the quantifier at i (if any) makes the preceding atom optional. */
function optional(source: string, i: number): boolean {
  const q = source[i];
  if (q === '?' || q === '*') return true;
  if (q === '{') return /^\{0\s*(,|\})/.test(source.slice(i));
  return false;
}

/**
 * The SQL part of a search: the literal itself (text mode), or a literal every regex match
 * must contain, so SQLite skips the lines that cannot match without handing them to
 * JavaScript (3–4× faster than testing every text in JS).
 */
export function sqlPredicate(m: TextMatch): SqlPredicate | null {
  if (m.pattern === '') return null;
  if (m.mode === 'text') return containsSql(m.pattern, m.caseSensitive);
  const lit = requiredLiteral(m.pattern);
  return lit === null ? null : containsSql(lit, m.caseSensitive);
}

/** Whether the SQL predicate alone decides a match (no JavaScript check needed). */
export function sqlDecides(m: TextMatch): boolean {
  return m.mode === 'text' && sqlPredicate(m) !== null;
}

/** A filter split into what the stored order answers (time, level, source) and what needs the row. */
export interface CompiledFilter {
  /** True when the line passes the conditions the order answers (time, level, source, names). */
  quick(id: number, key: number, flags: number, hostId: number, programId: number): boolean;
  /** Null when no condition needs the row (host, program, text). */
  needsRow: boolean;
  /** Hosts, programs and the literal parts of the text conditions, for SQLite. */
  sql: SqlPredicate | null;
  /** The text conditions SQLite could not decide, in JavaScript (null: none). */
  text: ((text: string) => boolean) | null;
}

export function levelMask(names: readonly string[]): number {
  let mask = 0;
  for (const n of names) {
    const i = SEVERITY_NAMES.indexOf(n as (typeof SEVERITY_NAMES)[number]);
    if (i >= 0) mask |= 1 << i;
  }
  return mask;
}

export function compileFilter(
  f: LineFilter,
  sourceRange: (sourceId: number) => { first: number; count: number } | null,
  names: { hosts: string[]; programs: string[] } | null,
): CompiledFilter {
  // With the order's name ids, host and program conditions are answered without the rows.
  const idSet = (list: string[], wanted: string[]): Set<number> => {
    const want = new Set(wanted);
    const ids = new Set<number>();
    list.forEach((v, i) => want.has(v) && ids.add(i + 1));
    return ids;
  };
  const hostIds = names && f.hosts.length > 0 ? idSet(names.hosts, f.hosts) : null;
  const programIds = names && f.programs.length > 0 ? idSet(names.programs, f.programs) : null;
  const include = f.include.map((m) => compileMatch(m, 'filter'));
  const exclude = f.exclude.map((m) => compileMatch(m, 'filter'));
  const mask = levelMask(f.severities);
  const timed = f.from !== null || f.to !== null;
  const from = f.from ?? -Infinity;
  const to = f.to ?? Infinity;
  const ranges = f.sourceIds
    .map((id) => sourceRange(id))
    .filter((r): r is { first: number; count: number } => r !== null);
  const bySource = f.sourceIds.length > 0;

  const quick = (id: number, key: number, flags: number, hostId: number, programId: number): boolean => {
    if (hostIds && !hostIds.has(hostId)) return false;
    if (programIds && !programIds.has(programId)) return false;
    if (mask !== 0) {
      const level = flags & 15;
      if (level === LEVEL_NONE || (mask & (1 << level)) === 0) return false;
    }
    if (timed) {
      if ((flags & UNTIMED) !== 0) return false;
      if (key < from || key > to) return false;
    }
    if (bySource) {
      let inside = false;
      for (const r of ranges)
        if (id >= r.first && id < r.first + r.count) {
          inside = true;
          break;
        }
      if (!inside) return false;
    }
    return true;
  };

  // SQL: host IN (…) AND program IN (…) AND (include literals OR …) AND NOT (exclude literals).
  // The host and program part alone is `rows`; the literals alone are `texts` (for a case whose
  // texts are in blocks, where they are tested on the decompressed bytes: query/rows.ts).
  const parts: string[] = [];
  const args: unknown[] = [];
  if (f.hosts.length > 0 && !hostIds) {
    parts.push(`host IN (${f.hosts.map(() => '?').join(', ')})`);
    args.push(...f.hosts);
  }
  if (f.programs.length > 0 && !programIds) {
    parts.push(`program IN (${f.programs.map(() => '?').join(', ')})`);
    args.push(...f.programs);
  }
  const rows =
    parts.length > 0
      ? {
          sql: parts.join(' AND '),
          args: [...args],
          hosts: f.hosts.length > 0 && !hostIds ? [...f.hosts] : null,
          programs: f.programs.length > 0 && !programIds ? [...f.programs] : null,
        }
      : null;
  const texts: TextLiterals = { anyOf: null, noneOf: [] };
  const incSql = f.include.map((m) => sqlPredicate(m));
  if (incSql.length > 0 && incSql.every((p) => p !== null)) {
    parts.push(`(${incSql.map((p) => p!.sql).join(' OR ')})`);
    for (const p of incSql) args.push(...p!.args);
    texts.anyOf = incSql.flatMap((p) => p!.texts!.anyOf!);
  }
  const exDecided = f.exclude.map((m) => sqlDecides(m));
  f.exclude.forEach((m, i) => {
    if (!exDecided[i]) return;
    const p = sqlPredicate(m)!;
    parts.push(`NOT (${p.sql})`);
    args.push(...p.args);
    texts.noneOf.push(...p.texts!.anyOf!);
  });
  const includeDecided = include.length === 0 || f.include.every((m) => sqlDecides(m));
  const jsExclude = exclude.filter((_, i) => !exDecided[i]);
  const text =
    includeDecided && jsExclude.length === 0
      ? null
      : (t: string): boolean => {
          if (!includeDecided && !include.some((m) => m(t))) return false;
          return !jsExclude.some((m) => m(t));
        };
  const needsRow =
    (f.hosts.length > 0 && !hostIds) ||
    (f.programs.length > 0 && !programIds) ||
    include.length > 0 ||
    exclude.length > 0;
  return {
    quick,
    needsRow,
    sql: parts.length > 0 ? { sql: parts.join(' AND '), args, rows, texts } : null,
    text,
  };
}
