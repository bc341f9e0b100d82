/**
 * From a search to an FTS5 query that finds a superset of its matching lines, or null when the
 * index cannot narrow it. The index (schema v7) tokenizes with unicode61, letters only: every
 * ASCII character that is not a letter (digits, punctuation, space) separates words there, and
 * ASCII letters fold to lower case.
 *
 * A search is a substring: of a literal's words only those whose both ends are proven by the
 * query itself are whole words of the line. So, reading the literal:
 * - a run of ASCII letters with an ASCII non-letter on both sides is a whole word: `"word"`;
 * - one with an ASCII non-letter before it and the literal's end after it is the start of a
 *   word: `"word"*`;
 * - one at the literal's start, or touching a non-ASCII character (whose class we do not
 *   guess), may be the end or the middle of a longer word: not usable.
 * The hits are then checked by the matcher on the text (exact semantics, as the scan).
 */
import type { TextMatch } from '../../../shared/model/view';
import { requiredLiteral } from '../query/match';

/** Shortest whole word used (one letter words are in most lines). */
const MIN_WORD = 2;
/** Shortest prefix used (a short prefix expands to a large part of the vocabulary). */
const MIN_PREFIX = 3;
/** Words this long are preferred over shorter ones; at most MAX_TERMS are asked for. */
const LONG_WORD = 4;
const MAX_TERMS = 3;

export interface FulltextPlan {
  /** The FTS5 MATCH expression. */
  match: string;
  /** The words it asks for, for tests and figures. */
  terms: string[];
}

const isLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** The whole words and word starts a literal proves its lines contain. */
export function literalTerms(literal: string): string[] {
  const terms: string[] = [];
  const n = literal.length;
  let i = 0;
  while (i < n) {
    if (!isLetter(literal.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    while (i < n && isLetter(literal.charCodeAt(i))) i++;
    const before = start > 0 ? literal.charCodeAt(start - 1) : -1;
    const after = i < n ? literal.charCodeAt(i) : -1;
    // Bounded: an ASCII non-letter (not the literal's edge, not a non-ASCII character).
    const leftBounded = before >= 0 && before < 128;
    if (!leftBounded) continue;
    const word = literal.slice(start, i).toLowerCase();
    if (after === -1) {
      if (word.length >= MIN_PREFIX) terms.push(`"${word}"*`);
    } else if (after < 128) {
      if (word.length >= MIN_WORD) terms.push(`"${word}"`);
    }
  }
  return [...new Set(terms)];
}

/** The FTS5 query for a search, or null when the index cannot narrow it (scan instead). */
export function planFulltext(m: TextMatch): FulltextPlan | null {
  if (m.pattern === '') return null;
  const literal = m.mode === 'text' ? m.pattern : requiredLiteral(m.pattern);
  if (literal === null) return null;
  const all = literalTerms(literal);
  if (all.length === 0) return null;
  // Short words ("for", "of", "the") are in a large share of the lines: ANDing their long
  // lists costs more than they narrow. The longest words narrow most; three are plenty.
  const len = (t: string): number => t.replace(/["*]/g, '').length;
  const long = all.filter((t) => len(t) >= LONG_WORD);
  const terms = (long.length > 0 ? long : all).sort((a, b) => len(b) - len(a)).slice(0, MAX_TERMS);
  return { match: terms.join(' AND '), terms };
}
