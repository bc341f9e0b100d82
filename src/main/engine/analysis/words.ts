/** `words` as a regex alternation matching any of them literally (keyword prefilters, analysis/keywords.ts). */
export function alternation(words: readonly string[], flags = ''): RegExp {
  return new RegExp(words.map((w) => w.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|'), flags);
}
