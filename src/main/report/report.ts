/**
 * The incident report from a case snapshot: drafted (draft.ts) in the requested language with
 * the engineer's edits over it, rendered to self-contained HTML and Markdown (render.ts), and
 * redacted on request (redact.ts). The PDF is the HTML printed by Chromium (a PdfPrinter).
 */
import type { Redaction, ReportDraft, ReportOptions } from '../../shared/model/report';
import type { PdfOptions } from '../services/ports';
import { reportDraft } from './draft';
import type { ReportData } from './model';
import { Redactor } from './redact';
import { headerFooter, renderHtml, renderMarkdown } from './render';

export interface BuiltReport {
  draft: ReportDraft;
  html: string;
  markdown: string;
  title: string;
  pdf: PdfOptions;
  /** What redaction replaced (empty when not redacted); for the case, never for the report. */
  replacements: Redaction[];
}

export function redactorFor(data: ReportData): Redactor {
  return new Redactor(data.redaction, { hosts: data.knownHosts, users: data.knownUsers });
}

export function buildReport(
  data: ReportData,
  options: ReportOptions,
  meta: { appVersion: string; generatedAt: number },
): BuiltReport {
  return renderDraft(reportDraft(data, options.lang), data, options, meta);
}

/** The rendering half of buildReport (HTML, Markdown, redaction), for callers that report progress between the halves. */
export function renderDraft(
  draft: ReportDraft,
  data: ReportData,
  options: ReportOptions,
  meta: { appVersion: string; generatedAt: number },
): BuiltReport {
  const ro = {
    lang: options.lang,
    paper: options.paper,
    appVersion: meta.appVersion,
    generatedAt: meta.generatedAt,
  };
  let html = renderHtml(draft, data, ro);
  let markdown = renderMarkdown(draft, data, ro);
  let title = draft.title;
  let replacements: Redaction[] = [];
  if (options.redact) {
    const r = redactorFor(data);
    // Markdown first: pseudonyms are numbered in reading order, the same for every format.
    markdown = r.document(markdown);
    title = r.text(title);
    html = r.html(html);
    replacements = r.replacements();
  }
  const hf = headerFooter(title, options.lang);
  return {
    draft,
    html,
    markdown,
    title,
    pdf: { format: options.paper, title, ...hf },
    replacements,
  };
}

/** A file name for an export: the case title as a slug. */
export function reportFileBase(title: string): string {
  return (
    title
      .toLowerCase()
      .replace(/[^a-z0-9\u4e00-\u9fff]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'postmortem-report'
  );
}
