/**
 * What the report is drafted from: one plain, structured-cloneable snapshot of a case that
 * the engine worker assembles (engine/report-data.ts) and the main side drafts and renders.
 */
import type { CaseAnalysis } from '../../shared/model/analysis';
import type { Annotation } from '../../shared/model/annotation';
import type { CaseSummary } from '../../shared/model/case';
import type { Finding } from '../../shared/model/finding';
import type { TimeQuality } from '../../shared/model/log';
import type { Redaction, RedactionSettings, ReportEdits } from '../../shared/model/report';

/** One quoted line of an annotated excerpt. */
export interface ExcerptLine {
  lineId: number;
  sourcePath: string;
  lineNo: number;
  ts: number | null;
  tsQuality: TimeQuality;
  text: string;
}

export interface ReportAnnotation extends Annotation {
  /** The anchored lines as they read now (empty when orphaned or not anchored to lines). */
  lines: ExcerptLine[];
  /** True when the excerpt was cut to `EXCERPT_MAX_LINES`. */
  truncated: boolean;
}

/** The machine's time zone as the ingest learnt it; null when no source told it. */
export interface ReportZone {
  /** Fixed offset east of UTC in minutes, when the zone is an offset. */
  offsetMinutes: number | null;
  /** IANA name, when the zone is a named one. */
  name: string | null;
  /** How it was learnt (the ingest's words, e.g. "learned from 3 ISO time(s) inside messages"). */
  from: string;
  /** The source it came from. */
  sourcePath: string;
}

export interface ReportData {
  summary: CaseSummary;
  /** The analysis; incidents carry their header line only (engine/report-data.ts reportAnalysis). */
  analysis: CaseAnalysis;
  /** The findings the notes are about (by `findingKey`), not every finding of the case. */
  findings: Finding[];
  annotations: ReportAnnotation[];
  /** UTC time and its quality of every line the analysis cites (by global line id). */
  lineTimes: Record<number, { ts: number | null; tsQuality: TimeQuality }>;
  zone: ReportZone | null;
  edits: ReportEdits | null;
  editsSavedAt: number | null;
  redaction: RedactionSettings;
  replacements: Redaction[];
  /** Host names the case knows (syslog headers, hostname/uname files, the analysis), most lines first. */
  knownHosts: string[];
  /** Login names from wtmp/`last` (system accounts left out). */
  knownUsers: string[];
}

export const EXCERPT_MAX_LINES = 40;

export const DEFAULT_REDACTION: RedactionSettings = {
  hostnames: true,
  ips: true,
  users: true,
  terms: [],
};
