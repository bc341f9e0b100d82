/**
 * Peels whatever a log writer put in front of a kernel message: mail quoting, a syslog
 * header (RFC3164 with or without <PRI>, RFC3339, journalctl short/-iso/-precise), a
 * dmesg `[ secs]`, `<N>`, `[Tue Aug 12 03:54:03 2025]` stamp and a printk caller id.
 * Every analyser that reads kernel reports starts here, so repairs are made once.
 */

export interface KernelMessage {
  /** The message with every recognised prefix removed. */
  message: string;
  /** True when the line comes from the kernel (program `kernel`, or a dmesg-style line). */
  isKernel: boolean;
  host?: string;
  program?: string;
  /** dmesg seconds since boot, when the line carries `[ secs]`. */
  bootSecs?: number;
  /** printk caller id (`T123` or `C2`). */
  callerId?: string;
  /** syslog priority `<N>` when present. */
  priority?: number;
  /** A repair that was needed to read the line (e.g. a syslog month that lost characters). */
  repair?: string;
}

const MONTHS = 'Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec';
// RFC3164 header. The month may have lost leading characters (the seed's `un  6 21:33:14`),
// which we accept only when the rest of the header is intact.
const RFC3164 = new RegExp(
  `^(?:(?<mon>${MONTHS})|(?<dmg>[A-Za-z]{0,2}))\\s{1,2}(?<day>\\d{1,2}) (?<time>\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?) (?<rest>.*)$`,
);
// RFC3339 / journalctl short-iso: 2022-06-06T21:33:13.123+08:00 or +0800 or Z
const ISO = /^(?<ts>\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?) (?<rest>.*)$/;
// host and tag: `host prog[pid]: msg`, `host kernel: msg`; the tag may contain / . - ( ) @
const HOST_TAG = /^(?<host>[^\s:[\]]+) (?<tag>[^\s:[]+)(?:\[(?<pid>\d+)\])?: ?(?<msg>.*)$/;
const TAG_ONLY = /^(?<tag>kernel)(?:\[\d+\])?: ?(?<msg>.*)$/;
const PRI = /^<(?<pri>\d{1,3})>/;
const DMESG_SECS = /^\[\s*(?<secs>\d+\.\d+)\]\s?/;
// `dmesg -T` prints the day and month names of the reader's locale (`[Di Aug 12 03:54:03 2025]`,
// `[mar. août 12 …]`), so only the digits are trusted.
const DMESG_CTIME = /^\[[^\]\d]{3,24}?\s\d{1,2} \d\d:\d\d:\d\d \d{4}\]\s?/;
const CALLER = /^\[\s*(?<cid>[TC]\d+)\]\s?/;

const MONTH_NAMES = MONTHS.split('|');

function repairMonth(fragment: string): string | undefined {
  const hits = MONTH_NAMES.filter((m) => m.endsWith(fragment));
  return hits.length === 1 ? hits[0] : undefined;
}

// ---- Fast path -------------------------------------------------------------------------
// Every analyser peels every line of a case, so the common shape `Mmm dd hh:mm:ss host tag[pid]: msg`
// is read by a scanner; anything it is unsure of (damaged month, tabs or other whitespace, non-ASCII
// in the header) goes to the regexes above, whose result the scanner reproduces exactly.

/**
 * `.` in the regexes does not match \n, \r, U+2028 or U+2029, so a line holding one never
 * matches them. Four searches for one character each cost half a character-class regex.
 */
function hasLineTerminator(s: string): boolean {
  return s.includes('\n') || s.includes('\r') || s.includes('\u2028') || s.includes('\u2029');
}
/** The month names as numbers (three char codes), so a line's first three characters are looked up without slicing them. */
const MONTH_CODES = new Set(
  MONTH_NAMES.map((m) => (m.charCodeAt(0) << 16) | (m.charCodeAt(1) << 8) | m.charCodeAt(2)),
);

/** Whether s starts with a month name (Jan…Dec); codes above 0xff never form one. */
function startsWithMonth(s: string): boolean {
  const a = s.charCodeAt(0);
  const b = s.charCodeAt(1);
  const c = s.charCodeAt(2);
  return (a | b | c) <= 0xff && MONTH_CODES.has((a << 16) | (b << 8) | c);
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** Where the text after an intact RFC3164 time starts; -1 when the regex must decide (a damaged month, other whitespace). */
function scan3164(s: string): number {
  if (s.length < 16 || !startsWithMonth(s)) return -1;
  let i = 3;
  if (s.charCodeAt(i) !== 32) return -1;
  i++;
  if (s.charCodeAt(i) === 32) i++;
  const d0 = i;
  while (i < s.length && isDigit(s.charCodeAt(i)) && i - d0 < 2) i++;
  if (i === d0 || s.charCodeAt(i) !== 32) return -1;
  i++;
  // hh:mm:ss
  if (s.charCodeAt(i + 2) !== 58 || s.charCodeAt(i + 5) !== 58) return -1;
  if (!isDigit(s.charCodeAt(i)) || !isDigit(s.charCodeAt(i + 1))) return -1;
  if (!isDigit(s.charCodeAt(i + 3)) || !isDigit(s.charCodeAt(i + 4))) return -1;
  if (!isDigit(s.charCodeAt(i + 6)) || !isDigit(s.charCodeAt(i + 7))) return -1;
  i += 8;
  if (s.charCodeAt(i) === 46) {
    const f0 = ++i;
    while (isDigit(s.charCodeAt(i))) i++;
    if (i === f0) return -1;
  }
  if (s.charCodeAt(i) !== 32) return -1;
  return i + 1;
}

/** True for the characters `\s` matches that a header scan cannot judge by itself. */
function unsureChar(c: number): boolean {
  return c < 32 || c >= 127;
}

/**
 * `host tag[pid]: msg` read by hand. Returns the message start and fills host/program, -1 when
 * HOST_TAG cannot match, -2 when the regex must decide.
 */
function scanHostTag(rest: string, out: KernelMessage): number {
  let i = 0;
  const n = rest.length;
  // host: [^\s:[\]]+ then one space
  while (i < n) {
    const c = rest.charCodeAt(i);
    if (c === 32 || c === 58 || c === 91 || c === 93) break;
    if (unsureChar(c)) return -2;
    i++;
  }
  if (i === 0 || rest.charCodeAt(i) !== 32) return i < n && unsureChar(rest.charCodeAt(i)) ? -2 : -1;
  const hostEnd = i++;
  const t0 = i;
  // tag: [^\s:[]+
  while (i < n) {
    const c = rest.charCodeAt(i);
    if (c === 32 || c === 58 || c === 91) break;
    if (unsureChar(c)) return -2;
    i++;
  }
  if (i === t0) return -1;
  const tagEnd = i;
  if (rest.charCodeAt(i) === 91) {
    i++;
    const p0 = i;
    while (isDigit(rest.charCodeAt(i))) i++;
    if (i === p0 || rest.charCodeAt(i) !== 93) return -1;
    i++;
  }
  if (rest.charCodeAt(i) !== 58) return -1;
  i++;
  if (rest.charCodeAt(i) === 32) i++;
  out.host = rest.slice(0, hostEnd);
  out.program = rest.slice(t0, tagEnd);
  out.isKernel = out.program === 'kernel';
  return i;
}

const UNSURE = -2;

/** \s characters below 127: space, tab, newline, vertical tab, form feed, carriage return. */
function asciiSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/**
 * DMESG_SECS (`[ secs]` and one optional blank) read by hand: the end of the match, with
 * out.bootSecs set; -1 when the regex cannot match; UNSURE when a character outside ASCII
 * (which \s may match) leaves it to the regex.
 */
function scanDmesgSecs(s: string, out: KernelMessage): number {
  if (s.charCodeAt(0) !== 91) return -1;
  let i = 1;
  for (;;) {
    const c = s.charCodeAt(i);
    if (asciiSpace(c)) i++;
    else if (c >= 127) return UNSURE;
    else break;
  }
  const d0 = i;
  while (isDigit(s.charCodeAt(i))) i++;
  if (i === d0 || s.charCodeAt(i) !== 46) return -1;
  i++;
  const f0 = i;
  while (isDigit(s.charCodeAt(i))) i++;
  if (i === f0 || s.charCodeAt(i) !== 93) return -1;
  const secsEnd = i++;
  const next = s.charCodeAt(i);
  if (asciiSpace(next)) i++;
  else if (next >= 127) return UNSURE;
  out.bootSecs = Number(s.slice(d0, secsEnd));
  return i;
}

function peelKernelStamps(s: string, out: KernelMessage): string {
  // Every stamp starts with `<` or `[`.
  const c0 = s.charCodeAt(0);
  if (c0 !== 60 && c0 !== 91) return s;
  let rest = s;
  // Each regex is anchored on its first character: a call is saved on lines that cannot match.
  const pri = c0 === 60 ? PRI.exec(rest) : null;
  if (pri?.groups) {
    out.priority = Number(pri.groups.pri);
    rest = rest.slice(pri[0].length);
  }
  const end = scanDmesgSecs(rest, out);
  const secs = end === UNSURE ? DMESG_SECS.exec(rest) : null;
  if (end >= 0) {
    rest = rest.slice(end);
    out.isKernel = true;
  } else if (secs?.groups) {
    out.bootSecs = Number(secs.groups.secs);
    rest = rest.slice(secs[0].length);
    out.isKernel = true;
  } else {
    const ctime = rest.charCodeAt(0) === 91 ? DMESG_CTIME.exec(rest) : null;
    if (ctime) {
      rest = rest.slice(ctime[0].length);
      out.isKernel = true;
    }
  }
  const cid = rest.charCodeAt(0) === 91 ? CALLER.exec(rest) : null;
  if (cid?.groups) {
    out.callerId = cid.groups.cid;
    rest = rest.slice(cid[0].length);
  }
  return rest;
}

function applyHostTag(rest: string, out: KernelMessage): string | undefined {
  const ht = HOST_TAG.exec(rest);
  if (ht?.groups) {
    out.host = ht.groups.host;
    out.program = ht.groups.tag;
    out.isKernel = ht.groups.tag === 'kernel';
    return ht.groups.msg ?? '';
  }
  const t = TAG_ONLY.exec(rest);
  if (t?.groups) {
    out.program = 'kernel';
    out.isKernel = true;
    return t.groups.msg ?? '';
  }
  return undefined;
}

/** Splits one line into its kernel message and the prefixes around it. Never throws. */
export function kernelMessage(line: string): KernelMessage {
  const out: KernelMessage = { message: line, isKernel: false };
  let s = line;
  // mail / forum quoting
  while (s.startsWith('> ') || s === '>') s = s.slice(2);
  const priFirst = s.charCodeAt(0) === 60 ? PRI.exec(s) : null;
  if (priFirst?.groups && !DMESG_SECS.test(s.slice(priFirst[0].length))) {
    out.priority = Number(priFirst.groups.pri);
    s = s.slice(priFirst[0].length);
  }

  if (!hasLineTerminator(s)) {
    const at = scan3164(s);
    if (at >= 0) {
      const rest = s.slice(at);
      const start = scanHostTag(rest, out);
      if (start >= 0) {
        const msg = rest.slice(start);
        out.message = out.isKernel ? peelKernelStamps(msg, out) : msg;
        return out;
      }
    }
  }

  const m3164 = RFC3164.exec(s);
  if (m3164?.groups) {
    const g = m3164.groups;
    if (g.dmg !== undefined) {
      const month = repairMonth(g.dmg);
      if (month) out.repair = `syslog month "${g.dmg}" repaired to "${month}"`;
      // The month cannot be restored, but the host and tag after it are intact, so the
      // message itself is still read (the caller learns the time is unknown).
      else
        out.repair = `syslog month "${g.dmg}" damaged beyond repair; message read after the intact host and tag`;
    }
    const msg = applyHostTag(g.rest ?? '', out);
    if (msg !== undefined) {
      out.message = out.isKernel ? peelKernelStamps(msg, out) : msg;
      return out;
    }
    delete out.repair;
  }
  const iso = ISO.exec(s);
  if (iso?.groups) {
    const msg = applyHostTag(iso.groups.rest ?? '', out);
    if (msg !== undefined) {
      out.message = out.isKernel ? peelKernelStamps(msg, out) : msg;
      return out;
    }
  }
  // dmesg family: [ secs], <N>[ secs], [ctime], caller ids
  const before = s;
  s = peelKernelStamps(s, out);
  if (s !== before) {
    // journalctl -o short-monotonic without a hostname: `[    2.58] kernel: msg`
    if (s.startsWith('kernel: ')) {
      out.program = 'kernel';
      s = s.slice('kernel: '.length);
    }
    out.message = s;
    return out;
  }
  out.message = s;
  return out;
}

/** rsyslog escapes control characters as #NNN (octal); `#012` is a newline folded into one line. */
export function splitRsyslogEscapes(message: string): string[] {
  if (!message.includes('#0')) return [message];
  return message.split('#012').map((part) => part.replace(/#011/g, '\t'));
}
