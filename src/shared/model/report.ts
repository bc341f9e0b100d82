/** The incident report a case drafts and the engineer edits; plain data. */

export type ReportLang = 'en' | 'zh-CN';

export const REPORT_SECTION_IDS = [
  'summary',
  'timeline',
  'oom',
  'reboots',
  'crash',
  'system',
  'excerpts',
  'appendix',
] as const;
export type ReportSectionId = (typeof REPORT_SECTION_IDS)[number];

export interface ReportSection {
  id: ReportSectionId;
  /** Title in the draft's language (the engineer may rename it). */
  title: string;
  /** Markdown the analysers drafted, in the draft's language; citations as `source:line`. */
  generated: string;
  /** The engineer's markdown; null means "use the generated text". */
  body: string | null;
  enabled: boolean;
}

export interface ReportDraft {
  lang: ReportLang;
  title: string;
  customer: string;
  host: string;
  /** UTC ms of the incident window (drafted from the findings; editable). */
  windowFrom: number | null;
  windowTo: number | null;
  /** In the order they are printed. */
  sections: ReportSection[];
  /** Annotations quoted under Evidence excerpts (all annotated lines when null). */
  excerptAnnotationIds: number[] | null;
  updatedAt: number;
}

/** The engineer's edits saved in the case (everything else is re-drafted from the analysis). */
export type ReportEdits = Omit<ReportDraft, 'sections' | 'updatedAt'> & {
  sections: Pick<ReportSection, 'id' | 'title' | 'body' | 'enabled'>[];
};

export interface RedactionSettings {
  hostnames: boolean;
  ips: boolean;
  users: boolean;
  /** Custom terms, replaced case-insensitively. */
  terms: string[];
}

/** One replacement made by the last redacted export, kept in the case (never in the report). */
export interface Redaction {
  kind: 'hostname' | 'ip' | 'user' | 'term';
  original: string;
  pseudonym: string;
}

export type ReportFormat = 'pdf' | 'html' | 'md' | 'jsonl' | 'timesketch';

export interface ReportOptions {
  lang: ReportLang;
  redact: boolean;
  paper: 'A4' | 'Letter';
}
