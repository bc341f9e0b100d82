/**
 * What the viewer asks of the engine beyond plain pages: filtered views, the timeline's
 * histogram, facets for filter chips, and the per-case UI state that is restored on reopen.
 * Plain data only (shared by engine, services and renderer).
 */

/** Syslog severities 0 (emerg) … 7 (debug); the engine infers one from words when none was printed. */
export const SEVERITY_NAMES = [
  'emerg',
  'alert',
  'crit',
  'err',
  'warning',
  'notice',
  'info',
  'debug',
] as const;
export type SeverityName = (typeof SEVERITY_NAMES)[number];

/** One text condition of a filter or a search. */
export interface TextMatch {
  pattern: string;
  mode: 'text' | 'regex';
  caseSensitive: boolean;
}

/**
 * A filtered view: a line is kept when it matches every non-empty condition.
 * `include` keeps lines matching at least one pattern, `exclude` drops lines matching any.
 */
export interface LineFilter {
  include: TextMatch[];
  exclude: TextMatch[];
  /** UTC ms, inclusive; lines without a time are dropped when either bound is set. */
  from: number | null;
  to: number | null;
  hosts: string[];
  programs: string[];
  /** Keep lines whose (printed or inferred) severity is one of these. */
  severities: SeverityName[];
  sourceIds: number[];
}

export const EMPTY_FILTER: LineFilter = {
  include: [],
  exclude: [],
  from: null,
  to: null,
  hosts: [],
  programs: [],
  severities: [],
  sourceIds: [],
};

/** True when the filter keeps every line (the view is the merged view). */
export function isEmptyFilter(f: LineFilter): boolean {
  return (
    f.include.length === 0 &&
    f.exclude.length === 0 &&
    f.from === null &&
    f.to === null &&
    f.hosts.length === 0 &&
    f.programs.length === 0 &&
    f.severities.length === 0 &&
    f.sourceIds.length === 0
  );
}

export interface HistogramBucket {
  /** UTC ms of the bucket's start. */
  t: number;
  /** Lines per severity in SEVERITY_NAMES order, plus a last entry for lines with no severity. */
  counts: number[];
}

export interface TimeSpan {
  from: number;
  to: number;
}

export interface Histogram {
  from: number;
  to: number;
  bucketMs: number;
  buckets: HistogramBucket[];
  /** Gaps with no lines much longer than the case's usual gap (a hung or powered-off machine). */
  silences: (TimeSpan & { evidenceBefore: number | null; evidenceAfter: number | null })[];
  /** Lines with a time in the range (after the filter). */
  total: number;
}

export interface FacetValue {
  value: string;
  count: number;
}

export interface Facets {
  hosts: FacetValue[];
  programs: FacetValue[];
  /** Counts per severity in SEVERITY_NAMES order, plus a last entry for lines with none. */
  severities: number[];
}

/** What the case remembers of the workbench, restored on reopen. */
export interface CaseUiState {
  /** Global line id under the cursor. */
  cursorLineId: number | null;
  /** `merged`, or a source id for the one-source view. */
  viewSource: number | null;
  filter: LineFilter;
  /** Open panel tab id (`panel-oom`, `panel-reboots`, `panel-crash`, `panel-notes`). */
  openPanel: string | null;
  /** Pixel sizes of the resizable regions. */
  layout: { left: number; right: number; bottom: number };
  /** Bookmarked global line ids, in the order they were set. */
  bookmarks: number[];
}
