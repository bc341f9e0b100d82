/**
 * The table of text log formats (lnav-style: what a header looks like is data) and content
 * sniffing: given a source's first lines, which format it is, how sure, and why. Each format
 * exposes `parse(line)` for its per-line header; formats whose records span lines
 * (json-pretty, export) also give a `RecordReader`.
 */
import { parseDmesg } from './dmesg';
import { createJournalExportReader, parseJournalExportLine } from './journal-export';
import { createJsonPrettyReader, parseJournalJson, parseJsonPrettyLine } from './journal-json';
import { parseJournalMonotonic, parseJournalShort } from './journal-text';
import { parseKmsg } from './kmsg';
import { continuationOf, parseRfc3339, parseSyslog, splitForwardRecords } from './syslog';

/** The time fields a line printed, exactly as printed: nothing inferred here. */
export interface TsParts {
  year?: number;
  /** 1–12 */
  month?: number;
  day?: number;
  h?: number;
  m?: number;
  s?: number;
  /** Fraction of a second, 0 ≤ frac < 1, as printed (µs/ns precision kept as far as a double allows). */
  frac?: number;
  /** Printed UTC offset in minutes (`Z` → 0, `+08:00` → 480). Absent: the line has no zone. */
  zoneOffsetMin?: number;
  /** A zone abbreviation printed instead of an offset (`UTC`, `CEST` in journal headers). */
  zoneName?: string;
  /** Weekday printed with the date, 0 = Sunday: pins the year of a year-less date. */
  weekday?: number;
  /** Seconds since boot (dmesg `[ secs]`, kmsg usec, journal __MONOTONIC_TIMESTAMP). */
  bootSecs?: number;
  /** An absolute time printed as an epoch (journal __REALTIME_TIMESTAMP), in ms. */
  epochMs?: number;
}

/** Journal text markers that are not log records but still say something about time or boots. */
export type JournalMarker = 'logs-begin' | 'reboot' | 'boot' | 'no-entries';

/** One physical line's header, as a format understood it. */
export interface ParsedLine {
  ts?: TsParts;
  host?: string;
  program?: string;
  pid?: number;
  /** syslog severity 0 (emerg) … 7 (debug). */
  severity?: number;
  /** syslog facility number (0 kern … 23 local7). */
  facility?: number;
  /** The message after the header (the whole line for continuations). */
  message: string;
  /** A headerless line that belongs to the previous record (tab-indented, wrapped, catalog text, `<d>`). */
  continuation?: boolean;
  marker?: JournalMarker;
  /** Journal boot id (`-- Boot <id> --`, `_BOOT_ID`). */
  bootId?: string;
  /** printk caller id (`T123`, `C2`). */
  callerId?: string;
  /** The header was damaged and repaired; what was done (shown to the user). */
  repair?: string;
  /** The header was damaged beyond repair; the clock should take the neighbour's time. */
  damaged?: string;
  /** For `-- Logs begin at … end at … --`: the printed end time. */
  endTs?: TsParts;
}

export type FormatKind =
  | 'syslog' // RFC3164 (with/without host, <PRI>, French months), also kern.log
  | 'syslog-rfc3339' // rsyslog high-precision / ISO timestamps, ChromeOS variant
  | 'syslog-rfc5424' // <PRI>1 ts host app procid msgid sd msg, and its PRI-less cousin
  | 'syslog-forward' // rsyslog forward formats: records with no newline between them
  | 'journal-short' // journalctl default (and -short-precise) with markers and catalog
  | 'journal-short-iso'
  | 'journal-short-monotonic'
  | 'journal-json'
  | 'journal-json-pretty'
  | 'journal-export'
  | 'dmesg' // [ secs] msg, with or without caller ids
  | 'dmesg-raw' // dmesg -r: <N>[ secs] msg, and RHEL 6 vmcore-dmesg <N>/<d>
  | 'dmesg-ctime' // dmesg -T / --reltime
  | 'dmesg-decode' // dmesg -x: `kern  :err   : [ secs] msg`
  | 'kmsg' // /dev/kmsg dump: prio,seq,usec,flags;msg NUL-separated
  | 'last' // recognised here, parsed by formats/last-text.ts
  | 'utmpdump' // recognised here, parsed by the wtmp text reader
  | 'plain';

/** A stateful reader for formats whose records span several lines (json-pretty, export). */
export interface RecordReader {
  /**
   * Feeds the next physical line. Returns the record completed by this line, which covers
   * the `lineCount` most recent lines including this one, or undefined while it is open.
   */
  push(line: string): RecordOut | undefined;
  /** Closes an unfinished record at end of input (a file cut mid-record). */
  end(): RecordOut | undefined;
}

export interface RecordOut {
  lineCount: number;
  parsed: ParsedLine | null;
}

export interface FormatDef {
  kind: FormatKind;
  description: string;
  /** A line that carries this format's header. Sniffing counts these. */
  header: RegExp;
  /** At least one of the sampled lines must match this for the format to be considered. */
  requires?: RegExp;
  /** File names that make this format likelier (a hint only: content decides). */
  nameHint?: RegExp;
  /** Per-line header parse; null = not a line of this format (kept as a plain line). */
  parse(line: string): ParsedLine | null;
  /** For formats whose records span lines. */
  createReader?: () => RecordReader;
  /** Records follow each other inside one physical line (rsyslog forward formats). */
  splitRecords?: (line: string) => Array<{ start: number; parsed: ParsedLine }>;
  /** NUL bytes separate records (kmsg): the splitter's NUL-run markers are not padding here. */
  nulSeparated?: boolean;
  /** Recognised here but parsed by another module (named), e.g. `last` output. */
  parsedBy?: string;
}

const MON = '[A-Za-zÀ-ÿ]{3,5}\\.?';
const WD = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';

const plainParse = (line: string): ParsedLine | null => (line === '' ? null : { message: line });

/** Ordered from the most specific to the most general: on equal scores the earlier wins. */
export const FORMATS: readonly FormatDef[] = [
  {
    kind: 'kmsg',
    description: '/dev/kmsg dump: prio,seq,usec,flags;msg records separated by NUL',
    header: /^\d{1,3},\d+,\d+,[-cx+]?[^;]*;/,
    parse: parseKmsg,
    nulSeparated: true,
  },
  {
    kind: 'journal-json',
    description: 'journalctl -o json: one entry object per line',
    header: /^\s*\{\s*"[A-Za-z_]+"\s*:.*\}\s*$/,
    requires: /"(?:__REALTIME_TIMESTAMP|__CURSOR|MESSAGE|_BOOT_ID)"\s*:/,
    parse: (line) => parseJournalJson(line) ?? continuationOf(line),
  },
  {
    kind: 'journal-json-pretty',
    description: 'journalctl -o json-pretty: one entry over many lines',
    header: /^\s*(?:[[\]{}],?|"[A-Za-z0-9_]+"\s*:.*)$/,
    requires: /^\s*"(?:__REALTIME_TIMESTAMP|__CURSOR|MESSAGE|_BOOT_ID)"\s*:/,
    nameHint: /\.json$/i,
    parse: parseJsonPrettyLine,
    createReader: createJsonPrettyReader,
  },
  {
    kind: 'journal-export',
    description: 'journalctl -o export: FIELD=value lines, entries separated by a blank line',
    header: /^(?:[A-Z0-9_]+=.*|[A-Z0-9_]+|)$/,
    requires: /^(?:__CURSOR|__REALTIME_TIMESTAMP)=/,
    parse: parseJournalExportLine,
    createReader: createJournalExportReader,
  },
  {
    kind: 'syslog-rfc5424',
    description: 'RFC5424: <PRI>1 timestamp host app procid msgid structured-data msg',
    header: /^(?:<\d{1,3}>1 \d{4}-\d\d-\d\dT|\d{4}-\d\d-\d\dT\S+ \S+ \S+ (?:\d+|-) \S+ (?:-|\[))/,
    parse: (line) => parseRfc3339(line) ?? continuationOf(line),
  },
  {
    kind: 'syslog-forward',
    description: 'rsyslog forward format: <PRI>timestamp records with no newline between them',
    header: /^<\d{1,3}>(?:\d{4}-\d\d-\d\dT|[A-Z][a-z]{2} [ \d]\d \d\d:)/,
    requires: /.<\d{1,3}>(?:\d{4}-\d\d-\d\dT\d\d:|[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d)/,
    parse: parseSyslog,
    splitRecords: splitForwardRecords,
  },
  {
    kind: 'journal-short-iso',
    description: 'journalctl -o short-iso: 2022-02-04T09:34:07+0000 host prog[pid]: msg',
    header: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:[.,]\d+)?[+-]\d{4} /,
    parse: parseJournalShort,
  },
  {
    kind: 'dmesg-decode',
    description: 'dmesg -x: facility:level prefix',
    header:
      /^(?:kern|user|mail|daemon|auth|syslog|lpr|news|uucp|cron|authpriv|ftp|local\d)\s*:(?:emerg|alert|crit|err|warn|notice|info|debug)\s*:/,
    parse: parseDmesg,
  },
  {
    kind: 'dmesg-raw',
    description: 'dmesg -r / vmcore-dmesg: <N>[ secs] msg, RHEL 6 <d> continuations',
    header: /^<(?:\d{1,3}|d)>/,
    nameHint: /vmcore-dmesg/,
    parse: parseDmesg,
  },
  {
    kind: 'dmesg-ctime',
    description: 'dmesg -T / --reltime: wall-clock stamps computed from boot time',
    header: new RegExp(
      `^(?:\\[${WD} [A-Z][a-z]{2} [ \\d]?\\d \\d\\d:\\d\\d:\\d\\d \\d{4}\\]|\\[[A-Z][a-z]{2}\\d\\d \\d\\d:\\d\\d\\]|\\[\\s*\\+\\d+\\.\\d+\\])`,
    ),
    parse: parseDmesg,
  },
  {
    kind: 'journal-short-monotonic',
    description: 'journalctl -o short-monotonic (also /var/log/dmesg on Ubuntu): [ secs] host prog: msg',
    header: /^\[\s*\d+\.\d+\] (?:\S+ )?(?:kernel|[^\s[\]:]+\[\d+\]): /,
    parse: parseJournalMonotonic,
  },
  {
    kind: 'dmesg',
    description: 'dmesg: [ secs] msg, printk caller ids, kdump vmcore-dmesg.txt',
    header: /^\[\s*\d+\.\d+\]/,
    nameHint: /dmesg/,
    parse: parseDmesg,
  },
  {
    kind: 'journal-short',
    description: 'journalctl short / short-precise with Logs-begin, Reboot, Boot markers and catalog text',
    header: new RegExp(`^(?:${MON} {1,2}\\d{1,2} \\d\\d:\\d\\d:\\d\\d|-- )`),
    requires: /^-- (?:Logs begin at|Journal begins at|Reboot --|Boot [0-9a-f]{32} --|No entries --)/,
    nameHint: /journalctl|journal/,
    parse: parseJournalShort,
  },
  {
    kind: 'syslog-rfc3339',
    description: 'rsyslog high-precision RFC3339 timestamps',
    header: /^(?:<\d{1,3}>)?\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)? \S/,
    parse: parseSyslog,
  },
  {
    kind: 'syslog',
    description: 'RFC3164 syslog (messages, syslog, kern.log): Mmm dd hh:mm:ss host tag[pid]: msg',
    header: new RegExp(`^(?:<\\d{1,3}>)?${MON} {1,2}\\d{1,2} \\d\\d:\\d\\d:\\d\\d`),
    nameHint: /messages|syslog|kern\.log|auth\.log|secure|cron|daemon/,
    parse: parseSyslog,
  },
  {
    kind: 'last',
    description: 'last / last -x / last -F output',
    // user, tty, host, login time, then what ended the session: `- 13:51`, `still …`, `gone …`, `(00:04)`.
    header: new RegExp(
      `^\\S+\\s+\\S.*?(?:${WD} [A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d(?::\\d\\d \\d{4})?|\\d{4}-\\d\\d-\\d\\dT\\S+) +(?:- |still |gone |\\()|^\\s*wtmp begins `,
    ),
    nameHint: /(?:^|\/)last/,
    parse: plainParse,
    parsedBy: 'formats/last-text.ts',
  },
  {
    kind: 'utmpdump',
    description: 'utmpdump text: [type] [pid] [id] [user] [line] [host] [addr] [time]',
    header: /^\[\d+\] \[\d{5}\] \[/,
    parse: plainParse,
    parsedBy: 'formats/wtmp.ts',
  },
];

const PLAIN: FormatDef = {
  kind: 'plain',
  description: 'text without a recognised log header: indexed as plain lines',
  header: /^/,
  parse: plainParse,
};

const BY_KIND = new Map<FormatKind, FormatDef>([
  ...FORMATS.map((f) => [f.kind, f] as const),
  ['plain', PLAIN],
]);

export function formatOf(kind: FormatKind): FormatDef {
  return BY_KIND.get(kind) ?? PLAIN;
}

export interface SniffResult {
  format: FormatKind;
  /** 0–1: the share of sampled lines that carry this format's header (plus a name hint). */
  confidence: number;
  reason: string;
}

const SAMPLE_LINES = 200;
/** Below this share of header lines a source is plain text with the odd stamped line. */
const MIN_SHARE = 0.2;

/**
 * Recognises a source from its first lines (decoded, terminators removed; NUL runs already
 * taken out by the splitter). The file name is a hint worth a small bonus, never decisive.
 */
export function sniff(firstLines: readonly string[], fileName?: string): SniffResult {
  const sample: string[] = [];
  for (const l of firstLines) {
    if (sample.length >= SAMPLE_LINES) break;
    if (l.trim() !== '' || sample.length > 0) sample.push(l);
  }
  while (sample.length > 0 && sample[sample.length - 1]!.trim() === '') sample.pop();
  if (sample.length === 0) return { format: 'plain', confidence: 0, reason: 'no text lines' };
  const base = fileName ? fileName.replace(/^.*[\\/]/, '') : '';

  const scored: Array<{ def: FormatDef; score: number; hits: number }> = [];
  for (const def of FORMATS) {
    if (def.requires && !sample.some((l) => def.requires!.test(l))) continue;
    let hits = 0;
    for (const l of sample) if (def.header.test(l)) hits++;
    if (hits === 0) continue;
    let score = hits / sample.length;
    if (def.nameHint && base !== '' && def.nameHint.test(base)) score += 0.05;
    scored.push({ def, score, hits });
  }
  const top = Math.max(0, ...scored.map((c) => c.score));
  // The table runs from specific to general: a specific header that explains nearly as many
  // lines as the best general one is the better description (short-monotonic over dmesg).
  const best = scored.find((c) => c.score >= top * 0.9);
  if (!best || best.score < MIN_SHARE) {
    const why = best
      ? `best candidate ${best.def.kind} matched only ${best.hits} of ${sample.length} lines`
      : 'no line matched a known header';
    return { format: 'plain', confidence: best ? 1 - best.score : 1, reason: why };
  }
  const { def, hits } = best;
  const parts = [`${hits} of ${sample.length} sampled lines match the ${def.kind} header`];
  if (def.requires) parts.push(`required line present (${def.requires.source.slice(0, 40)}…)`);
  if (def.nameHint && base !== '' && def.nameHint.test(base)) parts.push(`file name ${base} agrees`);
  if (def.kind === 'syslog' && allKernel(sample)) parts.push('every line is from the kernel (kern.log)');
  if (def.parsedBy) parts.push(`parsed by ${def.parsedBy}`);
  return { format: def.kind, confidence: Math.min(1, best.score), reason: parts.join('; ') };
}

function allKernel(sample: readonly string[]): boolean {
  return sample.every((l) => l.trim() === '' || l.startsWith('\t') || / kernel: /.test(l));
}

/** A RecordReader for any format: line formats complete one record per line. */
export function createRecordReader(kind: FormatKind): RecordReader {
  const def = formatOf(kind);
  if (def.createReader) return def.createReader();
  return {
    push: (line: string): RecordOut => ({ lineCount: 1, parsed: def.parse(line) }),
    end: (): undefined => undefined,
  };
}
