/**
 * The incident report as one self-contained HTML document (no external requests), printed
 * to PDF by Chromium's print engine through the PdfPrinter port. This first version holds
 * the case title and the appendix of sources; the analysis sections join as their issues land.
 */
import type { CaseSummary } from '../../shared/model/case';
import type { PdfOptions } from '../services/ports';
import { esc, formatBytes, formatUtc } from './html';

export interface ReportInput {
  summary: CaseSummary;
  generatedAt: number;
  appVersion: string;
}

const CSS = `
  @page { size: A4; margin: 18mm 16mm 18mm 16mm; }
  html { font-family: "Noto Sans", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif; font-size: 10pt; color: #1b1f24; }
  h1 { font-size: 18pt; margin: 0 0 4mm; }
  h2 { font-size: 13pt; margin: 8mm 0 3mm; border-bottom: 1px solid #c8ccd1; padding-bottom: 1mm; }
  .meta { color: #57606a; margin-bottom: 6mm; }
  table { border-collapse: collapse; width: 100%; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  th, td { text-align: left; vertical-align: top; padding: 1.2mm 1.5mm; border-bottom: 1px solid #e1e4e8; }
  th { background: #f3f4f6; font-weight: 600; }
  td.num { text-align: right; white-space: nowrap; }
  code, .mono { font-family: "Noto Sans Mono", "DejaVu Sans Mono", monospace; font-size: 8.5pt; word-break: break-all; }
  code.path { font-size: 9.5pt; word-break: normal; overflow-wrap: anywhere; }
  .sub { color: #57606a; font-size: 8pt; margin-top: 0.6mm; }
  .sub code { font-size: 7.5pt; }
  .status-failed, .status-skipped { color: #9a3412; }
`;

export function buildReportHtml(input: ReportInput): string {
  const s = input.summary;
  const rows = s.sources
    .map(
      (src) => `<tr>
        <td><code class="path">${esc(src.path)}</code><div class="sub">in ${esc(src.input)} · sha256 <code>${esc(src.sha256 ?? '—')}</code></div></td>
        <td>${esc(src.kind)}</td>
        <td class="num">${esc(formatBytes(src.sizeBytes))}</td>
        <td class="num">${esc(src.lineCount.toLocaleString('en-US'))}</td>
        <td class="status-${esc(src.status)}">${esc(src.status)}${src.error ? `: ${esc(src.error)}` : ''}</td>
      </tr>`,
    )
    .join('\n');
  const errors = s.errors.length
    ? `<h2>Ingest errors</h2><table><thead><tr><th>Input</th><th>Path</th><th>Error</th></tr></thead><tbody>${s.errors
        .map(
          (e) =>
            `<tr><td>${esc(e.input)}</td><td><code>${esc(e.path)}</code></td><td>${esc(e.message)}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:">
<title>${esc(s.title)}</title><style>${CSS}</style></head>
<body>
<h1>${esc(s.title)}</h1>
<div class="meta">Postmortem ${esc(input.appVersion)} · generated ${esc(formatUtc(input.generatedAt))} · case state: ${esc(s.state)} ·
${esc(s.sourceCount)} sources, ${esc(s.lineCount.toLocaleString('en-US'))} lines${
    s.firstTs !== null ? ` · log time span ${esc(formatUtc(s.firstTs))} – ${esc(formatUtc(s.lastTs))}` : ''
  }</div>
<h2>Appendix: sources</h2>
<table><thead><tr><th>Source</th><th>Kind</th><th>Size</th><th>Lines</th><th>Status</th></tr></thead>
<tbody>${rows}</tbody></table>
${errors}
</body></html>`;
}

export function pdfOptionsFor(summary: CaseSummary): PdfOptions {
  const small = 'font-family: sans-serif; font-size: 8px; color: #57606a; width: 100%; padding: 0 16mm;';
  return {
    format: 'A4',
    title: summary.title,
    headerTemplate: `<div style="${small}"><span class="title"></span></div>`,
    footerTemplate: `<div style="${small} text-align: right;"><span class="pageNumber"></span> / <span class="totalPages"></span></div>`,
  };
}
