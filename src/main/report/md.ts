/** Small Markdown builders: every value from a log or a customer is escaped or fenced. */
import type { Evidence } from '../../shared/model/log';

/** Escapes text for inline Markdown (the renderer has HTML off, so this is about formatting only). */
export function mdText(s: string): string {
  return s.replace(/[\r\n]+/g, ' ').replace(/([\\`*_[\]{}<>#|~!])/g, '\\$1');
}

/** An inline code span that survives backticks inside the text. */
export function mdCode(s: string): string {
  const text = s.replace(/[\r\n]+/g, ' ');
  let fence = '`';
  while (text.includes(fence)) fence += '`';
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** A fenced block for quoted log lines. */
export function mdFence(lines: string[]): string {
  const body = lines.join('\n');
  let fence = '```';
  while (body.includes(fence)) fence += '`';
  return `${fence}text\n${body}\n${fence}`;
}

export function cite(ev: { sourcePath: string; lineNo: number } | null | undefined): string {
  return ev ? mdCode(`${ev.sourcePath}:${ev.lineNo}`) : '';
}

/** Several citations, deduplicated, at most `max`. */
export function cites(evs: readonly Evidence[], max = 3): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const e of evs) {
    const k = `${e.sourcePath}:${e.lineNo}`;
    if (seen.has(k)) continue;
    seen.add(k);
    if (out.length < max) out.push(mdCode(k));
  }
  return out.join(', ');
}

/** A Markdown table (cells escaped unless marked raw with a leading \u0000). */
export function mdTable(head: string[], rows: string[][]): string {
  const cell = (c: string): string =>
    c.startsWith('\u0000') ? c.slice(1).replace(/\|/g, '\\|') : mdText(c) || ' ';
  return [
    `| ${head.map(cell).join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}

/** Marks a table cell as already-Markdown (citations, code spans). */
export function raw(s: string): string {
  return `\u0000${s}`;
}

/** Marker the renderers replace by the ledger chart (HTML) or leave out (Markdown has the table). */
export function chartMarker(reportId: string): string {
  return `[[chart:ledger:${reportId}]]`;
}
export const CHART_MARKER_RE = /\[\[chart:ledger:([\w:.-]+)\]\]/g;
