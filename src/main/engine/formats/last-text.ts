/**
 * Text printed by util-linux `last` (`last`, `-x`, `-F`, `reboot`, `-x shutdown`,
 * `--time-format iso`). The default format has no year (`Wed Jun  8 10:10`); the weekday pins
 * it: the year is the one, near an anchor, in which that date falls on that weekday. Every
 * inferred year says so and from what.
 */
import type { TimeQuality } from '../../../shared/model/log';

export type LastEntryKind = 'reboot' | 'shutdown' | 'runlevel' | 'timechange' | 'session';
/** How the entry's second column ended: an explicit time, or one of last's words. */
export type LastEndKind =
  'time' | 'still-running' | 'still-logged-in' | 'gone-no-logout' | 'crash' | 'down' | 'none';
export type LastTimeFormat = 'short' | 'full' | 'iso';

export interface LastLine {
  lineNo: number;
  text: string;
  lineId?: number;
}

export interface LastEntry {
  lineNo: number;
  lineId: number;
  text: string;
  kind: LastEntryKind;
  user: string;
  /** Second column: tty, `system boot`, `system down`, `(to lvl 3)`. */
  tty: string;
  /** Third column: remote host, or the kernel release (cut at 16 characters) on reboot lines. */
  host: string;
  /** True when `last` cut a column and marked it with `*`. */
  truncated: boolean;
  runlevel: string | null;
  timeFormat: LastTimeFormat;
  loginText: string;
  /** UTC ms of the login (wall clock as UTC unless the line had a zone); null when the year could not be inferred. */
  login: number | null;
  endKind: LastEndKind;
  endText: string;
  end: number | null;
  /** Seconds from the `(d+hh:mm)` column (minute precision; negative when last printed one). */
  durationS: number | null;
  tsQuality: TimeQuality;
  /** How the year was obtained, when it was inferred. */
  yearFrom: string | null;
  /** Weekday-consistent years considered, when the year was inferred. */
  yearCandidates: number[];
}

export interface LastFooter {
  lineNo: number;
  lineId: number;
  /** File name as printed (`wtmp`, `wtmp.1`, ...). */
  file: string;
  text: string;
  /** UTC ms of the first record in that file. */
  ts: number | null;
}

export interface LastParse {
  entries: LastEntry[];
  footers: LastFooter[];
  /** Non-blank lines that are neither entries nor footers. */
  unparsed: { lineNo: number; text: string }[];
  notes: string[];
}

export interface LastParseOptions {
  /** A UTC ms known to be near the newest entry (collection time, a dated log line) and what it is. */
  anchor?: { ts: number; what: string };
  /** Minutes east of UTC of the machine that ran `last`; wall clock is taken as UTC when absent. */
  utcOffsetMinutes?: number;
}

const WDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WD = 'Mon|Tue|Wed|Thu|Fri|Sat|Sun';
const MO = 'Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec';
const FULL_SRC = `(?:${WD}) (?:${MO}) [ \\d]\\d \\d\\d:\\d\\d:\\d\\d -?\\d{4}`;
const SHORT_SRC = `(?:${WD}) (?:${MO}) [ \\d]\\d \\d\\d:\\d\\d(?!:)`;
const ISO_SRC = `-?\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:,\\d+)?(?:Z|[+-]\\d\\d:\\d\\d)`;
const LOGIN_RE = new RegExp(` (${FULL_SRC}|${ISO_SRC}|${SHORT_SRC})`);
const FULL_RE = new RegExp(`^(${WD}) (${MO}) [ ]?(\\d{1,2}) (\\d\\d):(\\d\\d):(\\d\\d) (-?\\d{4})$`);
const SHORT_RE = new RegExp(`^(${WD}) (${MO}) [ ]?(\\d{1,2}) (\\d\\d):(\\d\\d)$`);
const ISO_RE = /^(-?\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:,\d+)?(Z|[+-]\d\d:\d\d)$/;
const END_TIME_RE = new RegExp(`^- (${FULL_SRC}|${ISO_SRC}|\\d\\d:\\d\\d)`);
const DURATION_RE = /\((-?\d+\+)?(-?\d+):(\d\d)\)\s*$/;
const FOOTER_RE = new RegExp(`^(\\S+) begins (${FULL_SRC}|${ISO_SRC})\\s*$`);
const RUNLEVEL_RE = /^\(to lvl (.)\)$/;
// No year is searched further than this from its anchor.
const YEAR_SPAN = 40;
const MINUTE = 60_000;
const DAY = 86_400_000;

interface Wall {
  wday: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

function parseFull(s: string, offsetMin: number): number | null {
  const m = FULL_RE.exec(s);
  if (!m) return null;
  const ms = Date.UTC(
    Number(m[7]),
    MONTHS.indexOf(m[2] ?? ''),
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6]),
  );
  return ms - offsetMin * MINUTE;
}

function parseIso(s: string): number | null {
  const m = ISO_RE.exec(s);
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  const z = m[7] ?? 'Z';
  if (z === 'Z') return ms;
  const sign = z.startsWith('-') ? -1 : 1;
  return ms - sign * (Number(z.slice(1, 3)) * 60 + Number(z.slice(4, 6))) * MINUTE;
}

function parseShort(s: string): Wall | null {
  const m = SHORT_RE.exec(s);
  if (!m) return null;
  return {
    wday: WDAYS.indexOf(m[1] ?? ''),
    month: MONTHS.indexOf(m[2] ?? ''),
    day: Number(m[3]),
    hour: Number(m[4]),
    minute: Number(m[5]),
  };
}

function wallMs(w: Wall, year: number, offsetMin: number): number {
  return Date.UTC(year, w.month, w.day, w.hour, w.minute) - offsetMin * MINUTE;
}

/** Years in [lo, hi] in which the date exists and falls on the printed weekday. */
export function weekdayYears(wday: number, month: number, day: number, lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let y = lo; y <= hi; y++) {
    const d = new Date(Date.UTC(y, month, day));
    if (d.getUTCMonth() === month && d.getUTCDay() === wday) out.push(y);
  }
  return out;
}

function parseDuration(s: string): number | null {
  const m = DURATION_RE.exec(s);
  if (!m) return null;
  const days = m[1] ? Number(m[1].slice(0, -1)) : 0;
  const hours = Number(m[2]);
  const mins = Number(m[3]);
  // last prints hours and minutes without their sign when the total is negative
  const negative = days < 0 || (m[1] ?? '').startsWith('-') || (m[2] ?? '').startsWith('-');
  const magnitude = Math.abs(days) * 86_400 + Math.abs(hours) * 3600 + mins * 60;
  return negative ? -magnitude : magnitude;
}

function splitColumns(prefix: string): { user: string; tty: string; host: string } {
  // user is %-8.8s unless -w widened it; tty is %-12.12s
  const userEnd = prefix.length > 8 && prefix[8] === ' ' ? 8 : Math.max(prefix.indexOf(' '), 0);
  const user = prefix.slice(0, userEnd).trim();
  const rest = prefix.slice(userEnd + 1);
  return { user, tty: rest.slice(0, 12).trim(), host: rest.slice(13).trim() };
}

function kindOf(user: string, tty: string): { kind: LastEntryKind; runlevel: string | null } {
  if (user === 'reboot' && tty === 'system boot') return { kind: 'reboot', runlevel: null };
  if (user === 'shutdown' && tty === 'system down') return { kind: 'shutdown', runlevel: null };
  const rl = RUNLEVEL_RE.exec(tty);
  if (user === 'runlevel' && rl) return { kind: 'runlevel', runlevel: rl[1] ?? null };
  if (user === 'date' && (tty === 'new time' || tty === 'old time'))
    return { kind: 'timechange', runlevel: null };
  return { kind: 'session', runlevel: null };
}

interface Pending {
  entry: LastEntry;
  wall: Wall | null;
  endHhmm: { hour: number; minute: number } | null;
}

function parseEntry(line: LastLine, offsetMin: number): Pending | null {
  const text = line.text.replace(/\s+$/, '');
  const m = LOGIN_RE.exec(text);
  if (!m || m.index < 8) return null;
  const loginText = m[1] ?? '';
  const cols = splitColumns(text.slice(0, m.index));
  if (cols.user === '') return null;
  const after = text.slice(m.index + m[0].length).trim();
  const { kind, runlevel } = kindOf(cols.user, cols.tty);
  let timeFormat: LastTimeFormat;
  let login: number | null = null;
  let wall: Wall | null = null;
  let tsQuality: TimeQuality;
  if (ISO_RE.test(loginText)) {
    timeFormat = 'iso';
    login = parseIso(loginText);
    tsQuality = 'exact';
  } else if (FULL_RE.test(loginText)) {
    timeFormat = 'full';
    login = parseFull(loginText, offsetMin);
    tsQuality = 'zone-assumed';
  } else {
    timeFormat = 'short';
    wall = parseShort(loginText);
    tsQuality = 'year-inferred';
  }
  let endKind: LastEndKind = 'none';
  let endText = '';
  let end: number | null = null;
  let endHhmm: Pending['endHhmm'] = null;
  const et = END_TIME_RE.exec(after);
  if (after.startsWith('still running') || after === 'running') endKind = 'still-running';
  else if (after.startsWith('still logged in') || after === 'logged in') endKind = 'still-logged-in';
  else if (after.startsWith('gone - no logout')) endKind = 'gone-no-logout';
  else if (/^- crash\b/.test(after)) endKind = 'crash';
  else if (/^- down\b/.test(after)) endKind = 'down';
  else if (et) {
    endKind = 'time';
    endText = et[1] ?? '';
    if (timeFormat === 'iso') end = parseIso(endText);
    else if (timeFormat === 'full') end = parseFull(endText, offsetMin);
    else endHhmm = { hour: Number(endText.slice(0, 2)), minute: Number(endText.slice(3, 5)) };
  }
  if (endKind !== 'time' && endKind !== 'none') endText = endKind.replace(/-/g, ' ');
  // last prints these words only for sessions: a "reboot / system boot" record that ends so was
  // a login-type record (its ut_line was not `~`), listed as a session
  const sessionOnly =
    endKind === 'gone-no-logout' ||
    endKind === 'still-logged-in' ||
    endKind === 'crash' ||
    endKind === 'down';
  const listedKind: LastEntryKind = sessionOnly && kind !== 'session' ? 'session' : kind;
  const entry: LastEntry = {
    lineNo: line.lineNo,
    lineId: line.lineId ?? 0,
    text: line.text,
    kind: listedKind,
    user: cols.user.replace(/\*$/, ''),
    tty: cols.tty,
    host: cols.host.replace(/\*$/, ''),
    truncated: cols.user.endsWith('*') || cols.host.endsWith('*'),
    runlevel: listedKind === 'runlevel' ? runlevel : null,
    timeFormat,
    loginText,
    login,
    endKind,
    endText,
    end,
    durationS: parseDuration(after),
    tsQuality,
    yearFrom: null,
    yearCandidates: [],
  };
  return { entry, wall, endHhmm };
}

function resolveShortEnd(p: Pending, offsetMin: number): void {
  const { entry, endHhmm } = p;
  if (!endHhmm || entry.login === null) return;
  const localLogin = entry.login + offsetMin * MINUTE;
  const days = entry.durationS !== null && entry.durationS > 0 ? Math.floor(entry.durationS / 86_400) : 0;
  const dayStart = Math.floor(localLogin / DAY) * DAY + days * DAY;
  let local = dayStart + (endHhmm.hour * 60 + endHhmm.minute) * MINUTE;
  if (local < localLogin - MINUTE) local += DAY;
  entry.end = local - offsetMin * MINUTE;
}

function yearOfMs(ms: number): number {
  return new Date(ms).getUTCFullYear();
}

/** Oldest to newest from the footer: each entry takes the first weekday-consistent date not before the previous. */
function inferFromFooter(short: Pending[], footer: LastFooter, offsetMin: number): void {
  let prev = (footer.ts ?? 0) - MINUTE;
  for (let i = short.length - 1; i >= 0; i--) {
    const p = short[i];
    if (!p?.wall) continue;
    const w = p.wall;
    const y0 = yearOfMs(prev);
    const years = weekdayYears(w.wday, w.month, w.day, y0, y0 + YEAR_SPAN);
    const year = years.find((y) => wallMs(w, y, offsetMin) >= prev);
    p.entry.yearCandidates = years.slice(0, 3);
    if (year === undefined) {
      p.entry.yearFrom = `no year from ${y0} on has ${WDAYS[w.wday]} ${MONTHS[w.month]} ${w.day}; year not inferred`;
      continue;
    }
    p.entry.login = wallMs(w, year, offsetMin);
    p.entry.yearFrom = `inferred: ${WDAYS[w.wday]} ${MONTHS[w.month]} ${w.day} falls in ${year}, the first year with that weekday not before "${footer.text.trim()}" (line ${footer.lineNo})`;
    prev = p.entry.login;
  }
}

/** Newest to oldest from an anchor: the newest takes the weekday-consistent year nearest the anchor, each older one the latest date not after it. */
function inferFromAnchor(short: Pending[], anchor: { ts: number; what: string }, offsetMin: number): void {
  let prev: number | null = null;
  for (const p of short) {
    if (!p.wall) continue;
    const w = p.wall;
    const ay = yearOfMs(prev ?? anchor.ts);
    const years = weekdayYears(w.wday, w.month, w.day, ay - YEAR_SPAN, ay + 1);
    let year: number | undefined;
    if (prev === null) {
      let bestDist = Infinity;
      for (const y of years) {
        const d = Math.abs(wallMs(w, y, offsetMin) - anchor.ts);
        if (d < bestDist) {
          bestDist = d;
          year = y;
        }
      }
    } else {
      const limit: number = prev + MINUTE;
      for (const y of years) if (wallMs(w, y, offsetMin) <= limit) year = y;
    }
    p.entry.yearCandidates = years.filter((y) => Math.abs(y - ay) <= 11);
    if (year === undefined) {
      p.entry.yearFrom = `no year near ${ay} has ${WDAYS[w.wday]} ${MONTHS[w.month]} ${w.day}; year not inferred`;
      continue;
    }
    p.entry.login = wallMs(w, year, offsetMin);
    p.entry.yearFrom =
      prev === null
        ? `inferred: ${WDAYS[w.wday]} ${MONTHS[w.month]} ${w.day} falls in ${year}, of the years with that weekday the nearest to the anchor (${anchor.what})`
        : `inferred: ${WDAYS[w.wday]} ${MONTHS[w.month]} ${w.day} falls in ${year}, the latest year with that weekday not after the entry above`;
    prev = p.entry.login;
  }
}

function toLines(input: string | readonly LastLine[]): readonly LastLine[] {
  if (typeof input !== 'string') return input;
  const parts = input.split(/\r?\n/);
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts.map((text, i) => ({ lineNo: i + 1, text }));
}

/**
 * Parses `last` output. Entries keep last's order (newest first). Years of year-less lines are
 * inferred from the weekday, anchored on the `… begins …` footer of the same listing, else on
 * `options.anchor`; without either the year stays unknown (login null) and the candidates are listed.
 */
export function parseLastText(
  input: string | readonly LastLine[],
  options: LastParseOptions = {},
): LastParse {
  const offsetMin = options.utcOffsetMinutes ?? 0;
  const entries: LastEntry[] = [];
  const footers: LastFooter[] = [];
  const unparsed: LastParse['unparsed'] = [];
  const notes: string[] = [];
  // Footers close a listing; short entries are resolved per listing against its own footer.
  let listing: Pending[] = [];
  const flush = (footer: LastFooter | null): void => {
    const short = listing.filter((p) => p.wall !== null);
    if (short.length > 0) {
      if (footer && footer.ts !== null) inferFromFooter(short, footer, offsetMin);
      else if (options.anchor) inferFromAnchor(short, options.anchor, offsetMin);
      else {
        for (const p of short) {
          const w = p.wall as Wall;
          p.entry.yearCandidates = weekdayYears(w.wday, w.month, w.day, 1990, 2040);
          p.entry.yearFrom = 'no footer and no anchor: year not inferred';
        }
        notes.push(
          `lines ${short[0]?.entry.lineNo}-${short[short.length - 1]?.entry.lineNo}: no year and no anchor; times left unresolved`,
        );
      }
      for (const p of short) resolveShortEnd(p, offsetMin);
    }
    listing = [];
  };
  for (const line of toLines(input)) {
    const text = line.text;
    if (text.trim() === '') continue;
    const f = FOOTER_RE.exec(text);
    if (f) {
      const t = f[2] ?? '';
      const footer: LastFooter = {
        lineNo: line.lineNo,
        lineId: line.lineId ?? 0,
        file: f[1] ?? '',
        text,
        ts: ISO_RE.test(t) ? parseIso(t) : parseFull(t, offsetMin),
      };
      footers.push(footer);
      flush(footer);
      continue;
    }
    const p = parseEntry(line, offsetMin);
    if (!p) {
      unparsed.push({ lineNo: line.lineNo, text });
      continue;
    }
    entries.push(p.entry);
    listing.push(p);
  }
  flush(null);
  return { entries, footers, unparsed, notes };
}
