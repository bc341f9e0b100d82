/**
 * Times as the engineer reads and types them. Lines carry UTC ms; the case's zone is read back
 * from a line whose printed wall-clock time the engine converted (the offset between what the
 * line says and its UTC time), so times are shown as the machine printed them. When no line
 * tells, times are shown in UTC and labelled so. Pure functions (no DOM): unit-tested in Node.
 */
import type { TimeQuality } from '../../shared/model/log';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MINUTE = 60_000;

/** The case's zone as an offset from UTC in minutes, and the line it was read from. */
export interface CaseZone {
  offsetMin: number;
  fromLineId: number;
}

const SYSLOG_HEAD = /^([A-Z][a-z]{2})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})/;
const ISO_HEAD = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,]\d+)?(Z|[+-]\d{2}:?\d{2})?/;

/**
 * The zone offset a line implies: its printed local time minus its UTC time, rounded to the
 * quarter hour. Only lines whose time was printed on the line itself (not converted from
 * seconds since boot) say anything about the zone.
 */
export function zoneFromLine(text: string, ts: number | null, quality: TimeQuality): number | null {
  if (ts === null || (quality !== 'exact' && quality !== 'year-inferred' && quality !== 'zone-assumed'))
    return null;
  const iso = ISO_HEAD.exec(text);
  if (iso) {
    const zone = iso[7];
    if (zone && zone !== 'Z') {
      const sign = zone.startsWith('-') ? -1 : 1;
      const digits = zone.slice(1).replace(':', '');
      return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
    }
    const wall = Date.UTC(+iso[1]!, +iso[2]! - 1, +iso[3]!, +iso[4]!, +iso[5]!, +iso[6]!);
    return roundQuarter((wall - Math.floor(ts / 1000) * 1000) / MINUTE);
  }
  const sys = SYSLOG_HEAD.exec(text);
  if (!sys) return null;
  const month = MONTHS.indexOf(sys[1]!.toLowerCase());
  if (month < 0) return null;
  // The printed line has no year: take the one of the UTC time (a day either side covers New Year).
  const year = new Date(ts).getUTCFullYear();
  let best: number | null = null;
  for (const y of [year - 1, year, year + 1]) {
    const wall = Date.UTC(y, month, +sys[2]!, +sys[3]!, +sys[4]!, +sys[5]!);
    const diff = (wall - Math.floor(ts / 1000) * 1000) / MINUTE;
    if (Math.abs(diff) <= 14 * 60 && (best === null || Math.abs(diff) < Math.abs(best))) best = diff;
  }
  return best === null ? null : roundQuarter(best);
}

function roundQuarter(min: number): number | null {
  const r = Math.round(min / 15) * 15;
  return Math.abs(r) <= 14 * 60 ? r : null;
}

/** `UTC`, `UTC+08:00`, `UTC-05:30`. */
export function zoneLabel(offsetMin: number | null): string {
  if (!offsetMin) return 'UTC';
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

// Building an Intl.DateTimeFormat costs far more than formatting with one (a list of thousands of
// findings spent seconds constructing them): one formatter per language and form, kept.
const FULL: Intl.DateTimeFormatOptions = {
  timeZone: 'UTC',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
};
const SHORT: Intl.DateTimeFormatOptions = {
  timeZone: 'UTC',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
};
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(lang: string, form: 'full' | 'short'): Intl.DateTimeFormat {
  const key = `${form}\u0000${lang}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(lang, form === 'full' ? FULL : SHORT);
    formatters.set(key, f);
  }
  return f;
}

/** A time in the case's zone, formatted for the UI language: date and time to the second. */
export function formatTime(ts: number, lang: string, offsetMin: number | null, withZone = true): string {
  const text = formatter(lang, 'full').format(new Date(ts + (offsetMin ?? 0) * MINUTE));
  return withZone ? `${text} ${zoneLabel(offsetMin)}` : text;
}

/** Short form for axes: month, day, hour and minute. */
export function formatShort(ts: number, lang: string, offsetMin: number | null): string {
  return formatter(lang, 'short').format(new Date(ts + (offsetMin ?? 0) * MINUTE));
}

export type GotoTarget =
  | { kind: 'line'; lineId: number }
  | { kind: 'time'; ts: number; yearFrom: 'typed' | 'case' }
  | { kind: 'invalid' };

export interface GotoContext {
  /** UTC ms range of the case, for year-less times. */
  firstTs: number | null;
  lastTs: number | null;
  /** Case zone offset (minutes); typed times without a zone are read in it. */
  offsetMin: number | null;
}

const LINE_INPUT = /^(?:#|l|line\s*)?(\d+)$/i;
const ISO_INPUT =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,3}))?)?)?\s*(Z|UTC|[+-]\d{2}:?\d{2})?$/i;
const SYSLOG_INPUT =
  /^([a-z]{3})[a-z]*\.?\s+(\d{1,2})(?:,?\s+(\d{4}))?(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/i;
const ZH_INPUT = /^(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日?(?:\s*(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?)?$/;

/**
 * What the go-to box was given: a line number (`12345`, `#12345`), an ISO time
 * (`2024-06-06 21:33`, `2024-06-06T21:33:01Z`), a syslog time (`Jun 6 21:33`) or a Chinese date
 * (`6月6日 21:33`). Times without a zone are in the case's zone; times without a year take the
 * case's year (the last one when the case spans New Year and the first does not fit).
 */
export function parseGoto(input: string, ctx: GotoContext): GotoTarget {
  const s = input.trim();
  const line = LINE_INPUT.exec(s);
  if (line) return { kind: 'line', lineId: Number(line[1]) };

  const iso = ISO_INPUT.exec(s);
  if (iso) {
    const zone = iso[8];
    const offset = zone === undefined ? (ctx.offsetMin ?? 0) : zoneOffset(zone);
    const ts = wallToUtc(+iso[1]!, +iso[2]!, +iso[3]!, iso[4], iso[5], iso[6], offset, iso[7]);
    return ts === null ? { kind: 'invalid' } : { kind: 'time', ts, yearFrom: 'typed' };
  }

  let parts: {
    year: number | null;
    month: number;
    day: number;
    h?: string;
    m?: string;
    sec?: string;
  } | null = null;
  const sys = SYSLOG_INPUT.exec(s);
  if (sys) {
    const month = MONTHS.indexOf(sys[1]!.toLowerCase()) + 1;
    if (month > 0)
      parts = { year: sys[3] ? +sys[3] : null, month, day: +sys[2]!, h: sys[4], m: sys[5], sec: sys[6] };
  }
  const zh = ZH_INPUT.exec(s);
  if (zh)
    parts = { year: zh[1] ? +zh[1] : null, month: +zh[2]!, day: +zh[3]!, h: zh[4], m: zh[5], sec: zh[6] };
  if (!parts) return { kind: 'invalid' };

  const offset = ctx.offsetMin ?? 0;
  if (parts.year !== null) {
    const ts = wallToUtc(parts.year, parts.month, parts.day, parts.h, parts.m, parts.sec, offset);
    return ts === null ? { kind: 'invalid' } : { kind: 'time', ts, yearFrom: 'typed' };
  }
  const years = caseYears(ctx);
  let fallback: number | null = null;
  for (const year of years) {
    const ts = wallToUtc(year, parts.month, parts.day, parts.h, parts.m, parts.sec, offset);
    if (ts === null) continue;
    fallback ??= ts;
    const inCase =
      ctx.firstTs !== null &&
      ctx.lastTs !== null &&
      ts >= ctx.firstTs - 86_400_000 &&
      ts <= ctx.lastTs + 86_400_000;
    if (inCase) return { kind: 'time', ts, yearFrom: 'case' };
  }
  return fallback === null ? { kind: 'invalid' } : { kind: 'time', ts: fallback, yearFrom: 'case' };
}

function caseYears(ctx: GotoContext): number[] {
  const shift = (ctx.offsetMin ?? 0) * MINUTE;
  const years: number[] = [];
  if (ctx.firstTs !== null) years.push(new Date(ctx.firstTs + shift).getUTCFullYear());
  if (ctx.lastTs !== null) {
    const y = new Date(ctx.lastTs + shift).getUTCFullYear();
    if (!years.includes(y)) years.push(y);
  }
  if (years.length === 0) years.push(new Date().getUTCFullYear());
  return years;
}

function zoneOffset(zone: string): number {
  if (/^(z|utc)$/i.test(zone)) return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
}

function wallToUtc(
  year: number,
  month: number,
  day: number,
  h: string | undefined,
  m: string | undefined,
  sec: string | undefined,
  offsetMin: number,
  ms?: string,
): number | null {
  const hour = h === undefined ? 0 : +h;
  const minute = m === undefined ? 0 : +m;
  const second = sec === undefined ? 0 : +sec;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
  const wall = Date.UTC(
    year,
    month - 1,
    day,
    hour,
    minute,
    second,
    ms === undefined ? 0 : +ms.padEnd(3, '0'),
  );
  const d = new Date(wall);
  // Reject dates Date.UTC rolled over (Feb 30 → Mar 2).
  if (d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return wall - offsetMin * MINUTE;
}
