/**
 * The report as one self-contained HTML document (no script, no external request, a CSP meta
 * tag) and as Markdown. Section text is Markdown rendered by markdown-it with HTML off and
 * images off, so a log line or a note can never become markup or fetch anything.
 */
import MarkdownIt from 'markdown-it';
import type { ReportDraft, ReportLang } from '../../shared/model/report';
import { esc, formatUtc } from './html';
import { WORDS } from './i18n';
import { CHART_MARKER_RE } from './md';
import type { ReportData } from './model';
import { ledgerSvg } from './svg';
import { makeClock } from './time';

/**
 * HTML off (a `<script>` or `<img onerror>` from a log shows as text); images, links and
 * autolinks off too: an image is a request and a link navigates away, in an offline tool.
 */
const md = new MarkdownIt({ html: false, linkify: false, typographer: false }).disable([
  'image',
  'link',
  'autolink',
]);

export const REPORT_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; script-src 'none'; base-uri 'none'; form-action 'none'";

/**
 * Font stacks: Latin faces first, then CJK faces with TrueType outlines (Microsoft YaHei,
 * PingFang SC, WenQuanYi, Droid Sans Fallback), then Noto Sans CJK / Source Han Sans. Chromium
 * embeds the subsets it uses; Skia writes CFF-outline fonts (Noto Sans CJK's .ttc) as Type 3
 * glyph programs, still embedded and with a ToUnicode map, so the text stays searchable.
 */
const CJK =
  '"Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Droid Sans Fallback", "Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC"';
const SANS = `"Noto Sans", "Liberation Sans", Arial, "DejaVu Sans", ${CJK}, sans-serif`;
const MONO = `"DejaVu Sans Mono", "Liberation Mono", Consolas, "Noto Sans Mono CJK SC", ${CJK}, monospace`;

function css(paper: 'A4' | 'Letter'): string {
  return `
  @page { size: ${paper}; }
  html { font-family: ${SANS}; font-size: 9.5pt; color: #1b1f24; line-height: 1.45; }
  body { margin: 0; }
  h1 { font-size: 19pt; margin: 0 0 1mm; }
  .kind { color: #57606a; font-size: 11pt; margin: 0 0 4mm; }
  h2 { font-size: 13.5pt; margin: 7mm 0 3mm; border-bottom: 1px solid #c8ccd1; padding-bottom: 1mm; break-after: avoid; }
  h3 { font-size: 11pt; margin: 5mm 0 2mm; break-after: avoid; }
  h4 { font-size: 10pt; margin: 4mm 0 1.5mm; break-after: avoid; }
  p, li { orphans: 2; widows: 2; }
  table { border-collapse: collapse; width: 100%; margin: 2mm 0 3mm; font-size: 8.5pt; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  th, td { text-align: left; vertical-align: top; padding: 1mm 1.4mm; border-bottom: 1px solid #e1e4e8; overflow-wrap: break-word; }
  th { background: #f3f4f6; font-weight: 600; }
  /* The evidence column: a citation is never cut in two. */
  td:last-child code { white-space: nowrap; overflow-wrap: normal; }
  table.meta { width: auto; font-size: 9pt; }
  table.meta th { background: none; padding-right: 5mm; color: #57606a; font-weight: 400; }
  code { font-family: ${MONO}; font-size: 8.3pt; background: #f3f4f6; padding: 0 0.6mm; border-radius: 2px; overflow-wrap: anywhere; }
  pre { font-family: ${MONO}; font-size: 7.8pt; background: #f6f8fa; border: 1px solid #e1e4e8; padding: 2mm; white-space: pre-wrap; word-break: break-all; break-inside: auto; }
  pre code { background: none; padding: 0; font-size: inherit; }
  nav.toc ul { list-style: none; padding-left: 2mm; margin: 1mm 0; }
  nav.toc a { color: #0969da; text-decoration: none; }
  nav.toc { break-after: avoid; margin-bottom: 4mm; }
  .note { color: #57606a; font-size: 8.5pt; }
  figure.chart { margin: 2mm 0 3mm; break-inside: avoid; }
  figure.chart svg text { fill: #1b1f24; }
  section { break-inside: auto; }
  a { color: #0969da; }
`;
}

export interface RenderOptions {
  lang: ReportLang;
  paper: 'A4' | 'Letter';
  appVersion: string;
  generatedAt: number;
}

function sectionMarkdown(s: ReportDraft['sections'][number]): string {
  return s.body ?? s.generated;
}

/** The whole report as HTML (not yet redacted). */
export function renderHtml(draft: ReportDraft, data: ReportData, opts: RenderOptions): string {
  const words = WORDS[opts.lang];
  const clock = makeClock(data.zone);
  const sections = draft.sections.filter((s) => s.enabled);
  const ledgerById = new Map(data.analysis.oom.map((r) => [r.id, r.ledger]));
  const body = sections
    .map((s, n) => {
      let html = md.render(sectionMarkdown(s));
      html = html.replace(/<p>(\[\[chart:ledger:[\w:.-]+\]\])<\/p>/g, (_m: string, marker: string) => {
        const id = /\[\[chart:ledger:([\w:.-]+)\]\]/.exec(marker)?.[1] ?? '';
        const ledger = ledgerById.get(id);
        return ledger ? ledgerSvg(ledger, opts.lang) : '';
      });
      return `<section id="sec-${esc(s.id)}"><h2>${n + 1}. ${esc(s.title)}</h2>\n${html}</section>`;
    })
    .join('\n');
  const toc = sections
    .map((s, n) => `<li><a href="#sec-${esc(s.id)}">${n + 1}. ${esc(s.title)}</a></li>`)
    .join('');
  const meta: [string, string][] = [];
  if (draft.customer) meta.push([words.customer, draft.customer]);
  if (draft.host) meta.push([words.host, draft.host]);
  if (draft.windowFrom !== null || draft.windowTo !== null)
    meta.push([
      words.window,
      `${clock.format(draft.windowFrom)} – ${clock.format(draft.windowTo)} (${clock.label})`,
    ]);
  meta.push([words.generated, `${formatUtc(opts.generatedAt)} · Postmortem ${opts.appVersion}`]);
  const zoneNote = words.times(clock.label, clock.machine, data.zone);
  return `<!doctype html>
<html lang="${opts.lang === 'zh-CN' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${esc(REPORT_CSP)}">
<meta name="generator" content="Postmortem ${esc(opts.appVersion)}">
<title>${esc(draft.title)}</title><style>${css(opts.paper)}</style></head>
<body>
<header><h1>${esc(draft.title)}</h1><p class="kind">${esc(words.reportKind)}</p>
<table class="meta"><tbody>${meta.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</tbody></table>
<p class="note">${esc(zoneNote)}</p></header>
<nav class="toc"><h2>${esc(words.contents)}</h2><ul>${toc}</ul></nav>
${body}
</body></html>`;
}

/** The same report as Markdown (the ledger chart is in its table already). */
export function renderMarkdown(draft: ReportDraft, data: ReportData, opts: RenderOptions): string {
  const words = WORDS[opts.lang];
  const clock = makeClock(data.zone);
  const lines: string[] = [`# ${draft.title}`, '', `*${words.reportKind}*`, ''];
  if (draft.customer) lines.push(`- ${words.customer}: ${draft.customer}`);
  if (draft.host) lines.push(`- ${words.host}: ${draft.host}`);
  if (draft.windowFrom !== null || draft.windowTo !== null)
    lines.push(
      `- ${words.window}: ${clock.format(draft.windowFrom)} – ${clock.format(draft.windowTo)} (${clock.label})`,
    );
  lines.push(`- ${words.generated}: ${formatUtc(opts.generatedAt)} · Postmortem ${opts.appVersion}`);
  lines.push('', `> ${words.times(clock.label, clock.machine, data.zone)}`, '');
  draft.sections
    .filter((s) => s.enabled)
    .forEach((s, n) => {
      const text = sectionMarkdown(s)
        .replace(CHART_MARKER_RE, '')
        .replace(/\n{3,}/g, '\n\n');
      lines.push(`## ${n + 1}. ${s.title}`, '', text.trim(), '');
    });
  return `${lines.join('\n').trimEnd()}\n`;
}

/** Header and footer for Chromium's print: case title, `page x / y` (in the report's font stack). */
export function headerFooter(
  title: string,
  lang: ReportLang,
): { headerTemplate: string; footerTemplate: string } {
  const style = `font-family: ${SANS.replace(/"/g, "'")}; font-size: 7.5px; color: #57606a; width: 100%; padding: 0 12mm;`;
  const word = WORDS[lang].page;
  const pageNo =
    lang === 'zh-CN'
      ? `第 <span class="pageNumber"></span> / <span class="totalPages"></span> ${word}`
      : `${word} <span class="pageNumber"></span> / <span class="totalPages"></span>`;
  return {
    headerTemplate: `<div style="${style}"><span>${esc(title)}</span></div>`,
    footerTemplate: `<div style="${style} text-align: right;">${pageNo}</div>`,
  };
}
