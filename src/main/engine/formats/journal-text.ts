/**
 * journalctl text outputs: short (the default, what sos collects), short-precise, short-iso,
 * short-monotonic, with the `-- Logs begin at … --` / `-- Journal begins at … --` header,
 * `-- Reboot --` / `-- Boot <id> --` separators, `-- No entries --`, and `--catalog` blocks
 * (`-- Subject: …` lines explaining the record above).
 */
import type { ParsedLine, TsParts } from './registry';
import { parseHostTag, parseRfc3164, parseRfc3339, weekdayOf } from './syslog';

// Abbreviations journalctl prints in headers that name one offset only; ambiguous ones
// (CST, IST, …) are left unmapped so the clock asks for the zone instead of guessing.
const ZONE_ABBREV = new Map<string, number>([
  ['UTC', 0],
  ['GMT', 0],
  ['BST', 60],
  ['CET', 60],
  ['CEST', 120],
  ['EET', 120],
  ['EEST', 180],
  ['MSK', 180],
  ['HKT', 480],
  ['SGT', 480],
  ['JST', 540],
  ['KST', 540],
  ['AEST', 600],
  ['AEDT', 660],
  ['EST', -300],
  ['EDT', -240],
  ['MDT', -360],
  ['MST', -420],
  ['PDT', -420],
  ['PST', -480],
]);

export function zoneAbbrevOffset(name: string): number | undefined {
  return ZONE_ABBREV.get(name);
}

// `Fri 2022-02-04 09:34:04 UTC`
const HEADER_TIME =
  /(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?: ([A-Za-z][A-Za-z0-9+\-/_]*))?/;

function headerTime(s: string | undefined): TsParts | undefined {
  if (s === undefined) return undefined;
  const m = HEADER_TIME.exec(s);
  if (!m) return undefined;
  const ts: TsParts = {
    weekday: weekdayOf(m[1]!),
    year: Number(m[2]),
    month: Number(m[3]),
    day: Number(m[4]),
    h: Number(m[5]),
    m: Number(m[6]),
    s: Number(m[7]),
  };
  if (m[8] !== undefined) {
    ts.zoneName = m[8];
    const off = ZONE_ABBREV.get(m[8]);
    if (off !== undefined) ts.zoneOffsetMin = off;
  }
  return ts;
}

const BEGIN = /^-- (?:Logs begin at|Journal begins at) (.+?), (?:end at|ends at) (.+?)\. --$/;
const BOOT = /^-- Boot ([0-9a-f]{32}) --$/;

/** A journalctl marker line, or null when the line is not one. */
export function parseJournalMarker(line: string): ParsedLine | null {
  if (!line.startsWith('-- ')) return null;
  if (line === '-- Reboot --') return { message: line, marker: 'reboot' };
  if (line === '-- No entries --') return { message: line, marker: 'no-entries' };
  const b = BOOT.exec(line);
  if (b) return { message: line, marker: 'boot', bootId: b[1]! };
  const h = BEGIN.exec(line);
  if (h) {
    const out: ParsedLine = { message: line, marker: 'logs-begin' };
    const begin = headerTime(h[1]);
    const end = headerTime(h[2]);
    if (begin) out.ts = begin;
    if (end) out.endTs = end;
    return out;
  }
  // Anything else starting `-- ` is catalog text explaining the record above.
  return { message: line, continuation: true };
}

/** journalctl short / short-precise / short-iso line. */
export function parseJournalShort(line: string): ParsedLine | null {
  if (line.charCodeAt(0) === 45 /* - */ && line.startsWith('-- ')) return parseJournalMarker(line);
  const c = line.charCodeAt(0);
  const p = c >= 48 && c <= 57 ? parseRfc3339(line) : parseRfc3164(line);
  if (p) return p;
  if (line === '') return null;
  return { message: line, continuation: true };
}

const MONO = /^\[\s*(\d+)\.(\d+)\] (.*)$/s;

/** journalctl -o short-monotonic: `[    0.000000] host kernel: msg` (host absent in /var/log/dmesg). */
export function parseJournalMonotonic(line: string): ParsedLine | null {
  if (line.startsWith('-- ')) return parseJournalMarker(line);
  const m = MONO.exec(line);
  if (!m) return line === '' ? null : { message: line, continuation: true };
  const out: ParsedLine = { message: '', ts: { bootSecs: Number(m[1] + '.' + m[2]) } };
  parseHostTag(m[3]!, out);
  return out;
}
