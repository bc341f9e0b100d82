/**
 * Syslog header parsers: RFC3164 (BSD: `Mmm dd hh:mm:ss host tag[pid]: msg`, with or without
 * host, with `<PRI>`, French month names), RFC3339 (rsyslog high precision, ChromeOS's
 * severity-instead-of-host variant), RFC5424, and the rsyslog forward formats whose records
 * follow each other without a newline. Also the helpers the journal and dmesg parsers share.
 */
import type { ParsedLine, TsParts } from './registry';

const EN_MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

// Month words as locales print them in `%b` (glibc): English, French (with/without the dot).
const MONTH_WORDS = new Map<string, number>();
EN_MONTHS.forEach((m, i) => MONTH_WORDS.set(m, i + 1));
[
  ['janv', 1],
  ['févr', 2],
  ['fevr', 2],
  ['mars', 3],
  ['avr', 4],
  ['mai', 5],
  ['juin', 6],
  ['juil', 7],
  ['août', 8],
  ['aout', 8],
  ['sept', 9],
  ['oct', 10],
  ['nov', 11],
  ['déc', 12],
  ['dec', 12],
].forEach(([w, n]) => MONTH_WORDS.set(w as string, n as number));

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** Month number of a printed month word, 0 when unknown. */
export function monthOf(word: string): number {
  const w = word.toLowerCase();
  const direct = MONTH_WORDS.get(w.endsWith('.') ? w.slice(0, -1) : w);
  return direct ?? 0;
}

export function weekdayOf(word: string): number {
  return WEEKDAYS.indexOf(word.slice(0, 3).toLowerCase());
}

/**
 * A month word that lost leading characters (the seed's `un  6 21:33:14`): the English month
 * it can only be, or undefined when several fit (`n` is Jan or Jun).
 */
export function repairMonth(fragment: string): number | undefined {
  const hits = monthsEndingWith(fragment);
  return hits.length === 1 ? hits[0] : undefined;
}

/** English months whose name ends with the fragment. */
export function monthsEndingWith(fragment: string): number[] {
  const f = fragment.toLowerCase();
  const hits: number[] = [];
  EN_MONTHS.forEach((m, i) => {
    if (m.endsWith(f)) hits.push(i + 1);
  });
  return hits;
}

export function fracOf(digits: string | undefined): number | undefined {
  if (digits === undefined || digits === '') return undefined;
  return Number('0.' + digits);
}

/** `Z`, `+08:00`, `+0800`, `-07` → minutes east of UTC. */
export function zoneOffsetOf(z: string | undefined): number | undefined {
  if (z === undefined || z === '') return undefined;
  if (z === 'Z' || z === 'z') return 0;
  const sign = z[0] === '-' ? -1 : 1;
  const digits = z.slice(1).replace(':', '');
  const h = Number(digits.slice(0, 2));
  const m = digits.length >= 4 ? Number(digits.slice(2, 4)) : 0;
  return sign * (h * 60 + m);
}

const SEVERITY_WORDS = new Map<string, number>([
  ['EMERG', 0],
  ['ALERT', 1],
  ['CRIT', 2],
  ['ERR', 3],
  ['ERROR', 3],
  ['WARNING', 4],
  ['WARN', 4],
  ['NOTICE', 5],
  ['INFO', 6],
  ['DEBUG', 7],
]);

function applyPri(out: ParsedLine, pri: string | undefined): void {
  if (pri === undefined) return;
  const p = Number(pri);
  out.severity = p & 7;
  out.facility = p >> 3;
}

/**
 * Reads `host tag[pid]: msg` (or `tag: msg` with no host, or `host msg` with no tag) into out.
 * Tags may be paths or contain dots and parentheses; they never contain spaces here.
 */
export function parseHostTag(rest: string, out: ParsedLine, allowNoHost = true): void {
  if (rest.startsWith(': ') || rest.startsWith('--- ') || rest === '' || rest.startsWith('[')) {
    out.message = rest.startsWith(': ') ? rest.slice(2) : rest;
    return;
  }
  const sp1 = rest.indexOf(' ');
  const tok1 = sp1 < 0 ? rest : rest.slice(0, sp1);
  if (allowNoHost && tok1.endsWith(':') && tagInto(tok1.slice(0, -1), out)) {
    out.message = sp1 < 0 ? '' : rest.slice(sp1 + 1);
    return;
  }
  out.host = tok1;
  if (sp1 < 0) {
    out.message = '';
    return;
  }
  const rest2 = rest.slice(sp1 + 1);
  const sp2 = rest2.indexOf(' ');
  const tok2 = sp2 < 0 ? rest2 : rest2.slice(0, sp2);
  if (tok2.endsWith(':') && tagInto(tok2.slice(0, -1), out)) {
    out.message = sp2 < 0 ? '' : rest2.slice(sp2 + 1);
    return;
  }
  // macOS: `prog[pid] <Info>: msg`
  if (sp2 > 0 && rest2.charCodeAt(sp2 + 1) === 60 /* < */) {
    const close = rest2.indexOf('>: ', sp2);
    if (close > 0 && close - sp2 < 12 && tagInto(tok2, out)) {
      out.message = rest2.slice(close + 3);
      return;
    }
  }
  out.message = rest2;
}

/** `name` or `name[pid]`; false when the token is not tag-shaped. */
function tagInto(tok: string, out: ParsedLine): boolean {
  if (tok === '') return false;
  const br = tok.indexOf('[');
  if (br < 0) {
    if (tok.includes(']')) return false;
    out.program = tok;
    return true;
  }
  if (br === 0 || !tok.endsWith(']')) return false;
  // `[digits]`: read by hand (this runs for nearly every syslog line).
  const last = tok.length - 1;
  if (last === br + 1) return false;
  let pid = 0;
  for (let k = br + 1; k < last; k++) {
    const c = tok.charCodeAt(k);
    if (c < 48 || c > 57) return false;
    pid = pid * 10 + c - 48;
  }
  out.program = tok.slice(0, br);
  // Past 15 digits the sum above may round differently from Number().
  out.pid = last - br > 16 ? Number(tok.slice(br + 1, last)) : pid;
  return true;
}

// `<PRI>`? month day time(.frac)? [year]? `:`? rest. The month word may be French (`août`) or
// have lost letters (`un`); the day is space- or zero-padded (journalctl pads with 0).
// The reference form of the header: `scan3164` reads exactly what this regex would capture,
// by hand (the regex is only used by the tests that prove the two agree).
export const RFC3164 =
  /^(?:<(\d{1,3})>)?([A-Za-zÀ-ÿ]{1,5}\.?) {1,2}(\d{1,2}) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(?: (\d{4}))?(:?) ?(.*)$/s;

/** What RFC3164 captures, as positions and numbers (one object reused: nothing allocated per line). */
export interface Rfc3164Head {
  /** `<PRI>` value, -1 when absent. */
  pri: number;
  /** The month word `[wordStart, wordEnd)`, its trailing dot included. */
  wordStart: number;
  wordEnd: number;
  day: number;
  h: number;
  m: number;
  s: number;
  /** Fraction digits `[fracStart, fracEnd)`; fracStart -1 when absent. */
  fracStart: number;
  fracEnd: number;
  /** Four-digit year after the time, -1 when absent. */
  year: number;
  /** A `:` right after the stamp (`Feb 29 01:15:43: --- …`). */
  colon: boolean;
  /** Where the rest of the line starts. */
  rest: number;
}

const isDigitCode = (c: number): boolean => c >= 48 && c <= 57;
/** `[A-Za-zÀ-ÿ]` */
const isWordCode = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 0xc0 && c <= 0xff);

/**
 * The RFC3164 regex above read by hand: true when it matches, with its captures in `h`.
 * Every quantifier in the regex is followed by something it cannot also match, or by the
 * always-matching tail `(:?) ?(.*)$`, so the greedy reading is the regex's only reading.
 */
export function scan3164(line: string, h: Rfc3164Head): boolean {
  const n = line.length;
  let i = 0;
  h.pri = -1;
  if (line.charCodeAt(0) === 60 /* < */) {
    let v = 0;
    i = 1;
    while (i <= 3 && i < n && isDigitCode(line.charCodeAt(i))) v = v * 10 + line.charCodeAt(i++) - 48;
    // Without its PRI the line would start with `<`, which no month word does.
    if (i === 1 || line.charCodeAt(i) !== 62 /* > */) return false;
    h.pri = v;
    i++;
  }
  const w0 = i;
  while (i < n && i - w0 <= 5 && isWordCode(line.charCodeAt(i))) i++;
  if (i === w0 || i - w0 > 5) return false;
  if (line.charCodeAt(i) === 46 /* . */) i++;
  h.wordStart = w0;
  h.wordEnd = i;
  const sp0 = i;
  while (line.charCodeAt(i) === 32 && i - sp0 <= 2) i++;
  if (i === sp0 || i - sp0 > 2) return false;
  const d0 = i;
  let day = 0;
  while (i - d0 <= 2 && isDigitCode(line.charCodeAt(i))) day = day * 10 + line.charCodeAt(i++) - 48;
  if (i === d0 || i - d0 > 2 || line.charCodeAt(i) !== 32) return false;
  i++;
  if (i + 8 > n) return false;
  const c0 = line.charCodeAt(i);
  const c1 = line.charCodeAt(i + 1);
  const c3 = line.charCodeAt(i + 3);
  const c4 = line.charCodeAt(i + 4);
  const c6 = line.charCodeAt(i + 6);
  const c7 = line.charCodeAt(i + 7);
  if (
    !isDigitCode(c0) ||
    !isDigitCode(c1) ||
    line.charCodeAt(i + 2) !== 58 ||
    !isDigitCode(c3) ||
    !isDigitCode(c4) ||
    line.charCodeAt(i + 5) !== 58 ||
    !isDigitCode(c6) ||
    !isDigitCode(c7)
  )
    return false;
  h.day = day;
  h.h = (c0 - 48) * 10 + c1 - 48;
  h.m = (c3 - 48) * 10 + c4 - 48;
  h.s = (c6 - 48) * 10 + c7 - 48;
  i += 8;
  h.fracStart = -1;
  h.fracEnd = -1;
  if (line.charCodeAt(i) === 46 /* . */ && isDigitCode(line.charCodeAt(i + 1))) {
    const f0 = i + 1;
    i = f0;
    while (i - f0 < 9 && isDigitCode(line.charCodeAt(i))) i++;
    h.fracStart = f0;
    h.fracEnd = i;
  }
  h.year = -1;
  if (
    line.charCodeAt(i) === 32 &&
    isDigitCode(line.charCodeAt(i + 1)) &&
    isDigitCode(line.charCodeAt(i + 2)) &&
    isDigitCode(line.charCodeAt(i + 3)) &&
    isDigitCode(line.charCodeAt(i + 4))
  ) {
    h.year =
      (line.charCodeAt(i + 1) - 48) * 1000 +
      (line.charCodeAt(i + 2) - 48) * 100 +
      (line.charCodeAt(i + 3) - 48) * 10 +
      line.charCodeAt(i + 4) -
      48;
    i += 5;
  }
  h.colon = line.charCodeAt(i) === 58;
  if (h.colon) i++;
  if (line.charCodeAt(i) === 32) i++;
  h.rest = i;
  return true;
}

/** A header record for scan3164 to fill (reused across lines on the hot path). */
export function newRfc3164Head(): Rfc3164Head {
  return {
    pri: -1,
    wordStart: 0,
    wordEnd: 0,
    day: 0,
    h: 0,
    m: 0,
    s: 0,
    fracStart: -1,
    fracEnd: -1,
    year: -1,
    colon: false,
    rest: 0,
  };
}

const HEAD = newRfc3164Head();

/** Three ASCII letters, case folded, as one number: the month words of that shape without a slice. */
function code3(line: string, at: number): number {
  return (
    ((line.charCodeAt(at) | 32) << 16) |
    ((line.charCodeAt(at + 1) | 32) << 8) |
    (line.charCodeAt(at + 2) | 32)
  );
}
const MONTH3 = new Map<number, number>();
for (const [w, n] of MONTH_WORDS) if (/^[a-z]{3}$/.test(w)) MONTH3.set(code3(w, 0), n);

function isAsciiLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

/** RFC3164 / journal short / short-precise header. Null when the line has no such header. */
export function parseRfc3164(line: string): ParsedLine | null {
  const h = HEAD;
  if (!scan3164(line, h)) return null;
  const ws = h.wordStart;
  let month =
    h.wordEnd - ws === 3 &&
    isAsciiLetter(line.charCodeAt(ws)) &&
    isAsciiLetter(line.charCodeAt(ws + 1)) &&
    isAsciiLetter(line.charCodeAt(ws + 2))
      ? (MONTH3.get(code3(line, ws)) ?? 0)
      : -1;
  const word = month > 0 ? '' : line.slice(ws, h.wordEnd);
  if (month < 0) month = monthOf(word);
  const out: ParsedLine = { message: '' };
  if (month === 0) {
    const hits = word.length <= 2 ? monthsEndingWith(word) : [];
    if (hits.length === 0) return null;
    if (hits.length > 1) {
      out.damaged = `month "${word}" is the end of several month names`;
    } else {
      month = hits[0]!;
      out.repair = `month "${word}" repaired to "${EN_MONTHS[month - 1]}"`;
    }
  }
  const ts: TsParts = { day: h.day, h: h.h, m: h.m, s: h.s };
  if (month !== 0) ts.month = month;
  if (h.fracStart >= 0) ts.frac = Number('0.' + line.slice(h.fracStart, h.fracEnd));
  if (h.year >= 0) ts.year = h.year;
  if (h.day < 1 || h.day > 31 || h.h > 23 || h.m > 59 || h.s > 60) return null;
  out.ts = ts;
  if (h.pri >= 0) {
    out.severity = h.pri & 7;
    out.facility = h.pri >> 3;
  }
  const rest = line.slice(h.rest);
  if (h.colon)
    out.message = rest; // `Feb 29 01:15:43: --- …`: no host, no tag
  else parseHostTag(rest, out);
  kernelStampInto(out);
  return out;
}

/** A kernel line carried by syslog keeps its `[ secs]`: wall time and boot time together anchor the boot. */
export function kernelStampInto(out: ParsedLine): void {
  if (out.program !== 'kernel' || out.message.charCodeAt(0) !== 91 /* [ */) return;
  const m = /^\[\s*(\d+\.\d+)\]/.exec(out.message);
  if (m && out.ts) out.ts.bootSecs = Number(m[1]);
}

const RFC3339 =
  /^(?:<(\d{1,3})>)?(1 )?(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,](\d{1,9}))?(Z|[+-]\d\d(?::?\d\d)?)? (.*)$/s;

/** RFC3339-stamped syslog (rsyslog high precision, RFC5424, journal short-iso). */
export function parseRfc3339(line: string): ParsedLine | null {
  const m = RFC3339.exec(line);
  if (!m) return null;
  const ts: TsParts = {
    year: Number(m[3]),
    month: Number(m[4]),
    day: Number(m[5]),
    h: Number(m[6]),
    m: Number(m[7]),
    s: Number(m[8]),
  };
  if (
    ts.month! < 1 ||
    ts.month! > 12 ||
    ts.day! < 1 ||
    ts.day! > 31 ||
    ts.h! > 23 ||
    ts.m! > 59 ||
    ts.s! > 60
  )
    return null;
  const frac = fracOf(m[9]);
  if (frac !== undefined) ts.frac = frac;
  const z = zoneOffsetOf(m[10]);
  if (z !== undefined) ts.zoneOffsetMin = z;
  const out: ParsedLine = { message: '', ts };
  applyPri(out, m[1]);
  const rest = m[11]!;
  if (m[2] !== undefined || looksRfc5424(rest)) parseRfc5424Rest(rest, out);
  else {
    // ChromeOS writes a severity word where the host would be.
    const sp = rest.indexOf(' ');
    const sev = sp > 0 ? SEVERITY_WORDS.get(rest.slice(0, sp)) : undefined;
    if (sev !== undefined) {
      out.severity = sev;
      parseHostTag(rest.slice(sp + 1), out);
    } else parseHostTag(rest, out);
  }
  kernelStampInto(out);
  return out;
}

// host app procid msgid then `-` or `[` (structured data), fields separated by single spaces.
const RFC5424_REST = /^(\S+) (\S+) (\d+|-) (\S+) (-|\[)/;

function looksRfc5424(rest: string): boolean {
  return RFC5424_REST.test(rest);
}

function parseRfc5424Rest(rest: string, out: ParsedLine): void {
  const parts = rest.split(' ', 4);
  if (parts.length < 4) {
    parseHostTag(rest, out);
    return;
  }
  const [host, app, procid, msgid] = parts as [string, string, string, string];
  if (host !== '-') out.host = host;
  if (app !== '-') out.program = app;
  if (/^\d+$/.test(procid)) out.pid = Number(procid);
  let i = host.length + app.length + procid.length + msgid.length + 4;
  // Structured data: `-` or one or more `[id k="v" …]` (a `]` inside a value is escaped `\]`).
  if (rest[i] === '-') i += 1;
  else {
    while (rest[i] === '[') {
      let j = i + 1;
      let inQuote = false;
      for (; j < rest.length; j++) {
        const c = rest[j];
        if (c === '\\') j++;
        else if (c === '"') inQuote = !inQuote;
        else if (c === ']' && !inQuote) break;
      }
      i = j + 1;
    }
  }
  let msg = rest.slice(i);
  // One space separates SD from MSG; rsyslog's %msg% keeps the space that followed the tag.
  if (msg.startsWith(' ')) msg = msg.slice(1);
  if (msg.startsWith(' ')) msg = msg.slice(1);
  if (msg.charCodeAt(0) === 0xfeff) msg = msg.slice(1); // the BOM RFC5424 allows before UTF-8 text
  out.message = msg;
}

/** Either kind of syslog header; tab-indented or headerless lines are continuations. */
export function parseSyslog(line: string): ParsedLine | null {
  const c = line.charCodeAt(0);
  const parsed =
    c >= 48 && c <= 57 ? parseRfc3339(line) : (parseRfc3164(line) ?? (c === 60 ? parseRfc3339(line) : null));
  if (parsed) return parsed;
  return continuationOf(line);
}

/** A line without a header: a continuation when it is indented or plainly wrapped text. */
export function continuationOf(line: string): ParsedLine | null {
  if (line === '') return null;
  return { message: line, continuation: true };
}

// A record starts at `<PRI>` followed by an RFC3339 or RFC3164 stamp.
const FORWARD_START = /<\d{1,3}>(?:1 )?(?:\d{4}-\d\d-\d\dT\d\d:\d\d|[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d)/g;

/**
 * rsyslog forward formats write `<PRI>header msg<PRI>header msg` with no newline between
 * records. Returns the char offsets where records start in the line (0 may be absent: the
 * text before the first record is the tail of the previous record).
 */
export function forwardRecordStarts(line: string): number[] {
  const starts: number[] = [];
  FORWARD_START.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = FORWARD_START.exec(line)) !== null) starts.push(m.index);
  return starts;
}

/** One physical line of a forward-format file, as its records. */
export function splitForwardRecords(line: string): Array<{ start: number; parsed: ParsedLine }> {
  const starts = forwardRecordStarts(line);
  const out: Array<{ start: number; parsed: ParsedLine }> = [];
  if (starts.length === 0 || starts[0] !== 0) {
    const end = starts[0] ?? line.length;
    out.push({ start: 0, parsed: { message: line.slice(0, end), continuation: true } });
  }
  for (let k = 0; k < starts.length; k++) {
    const s = starts[k]!;
    const e = starts[k + 1] ?? line.length;
    const rec = line.slice(s, e);
    const parsed = rec.charCodeAt(rec.indexOf('>') + 1) <= 57 ? parseRfc3339(rec) : parseRfc3164(rec);
    out.push({ start: s, parsed: parsed ?? { message: rec, continuation: true } });
  }
  return out;
}
