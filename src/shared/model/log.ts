/**
 * Plain data types for log lines and the evidence every finding cites.
 * Shared by the engine, the services and the renderer: no node:, no DOM.
 */

/** How a line's UTC timestamp was obtained (ARCHITECTURE decision 4: inferred is never shown as fact). */
export type TimeQuality =
  | 'exact' // printed with year and zone
  | 'year-inferred' // printed without a year; the year came from an anchor
  | 'zone-assumed' // printed without a zone; the case's zone was assumed
  | 'boot-relative-converted' // seconds since boot, converted to wall clock with an anchor
  | 'boot-relative' // seconds since boot, not (yet) converted
  | 'none'; // no time on this line

/** One line of one source, as the analysers see it. */
export interface RecordLine {
  /** Global line id in the case (1-based); 0 when the line is not in a case (pure tests). */
  lineId: number;
  sourceId: number;
  /** Path of the source inside the input (archive member path or file name). */
  sourcePath: string;
  /** 1-based line number within the source. */
  lineNo: number;
  /** UTC milliseconds, or null when the line carries no usable time. */
  ts: number | null;
  tsQuality: TimeQuality;
  /** The line exactly as printed (decoded to text, without the line terminator). */
  text: string;
  /** Parsed header fields when the ingest recognised the line's format. */
  host?: string;
  program?: string;
  pid?: number;
  /** The message after the header, when recognised. */
  message?: string;
}

/** Where a value came from: every finding carries at least one of these. */
export interface Evidence {
  sourceId: number;
  sourcePath: string;
  lineNo: number;
  /** Global line id when known (0 otherwise). */
  lineId: number;
  /** What this line shows, in a few words (e.g. "trigger line", "Normal zone"). */
  what?: string;
}

/** Where a line is and when: what evidence and ordering need, without its text. */
export type LineRef = Pick<RecordLine, 'lineId' | 'sourceId' | 'sourcePath' | 'lineNo' | 'ts' | 'tsQuality'>;

export function evidenceOf(line: LineRef, what?: string): Evidence {
  const ev: Evidence = {
    sourceId: line.sourceId,
    sourcePath: line.sourcePath,
    lineNo: line.lineNo,
    lineId: line.lineId,
  };
  if (what !== undefined) ev.what = what;
  return ev;
}

/** Builds RecordLines from plain text, for pure tests and for sources read whole. */
export function linesFromText(text: string, sourcePath = 'input', sourceId = 0): RecordLine[] {
  const parts = text.split(/\r?\n/);
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts.map((t, i) => ({
    lineId: 0,
    sourceId,
    sourcePath,
    lineNo: i + 1,
    ts: null,
    tsQuality: 'none' as const,
    text: t,
  }));
}
