/**
 * dmesg header parsers: raw `[ secs] msg`, `dmesg -r` `<N>[ secs] msg`, printk caller ids
 * (`[ secs][ T123]`, `[ secs] [ T123]`), `dmesg -T` `[Fri Feb 13 23:31:30 2009]`,
 * `dmesg --reltime` `[Feb13 23:31]` / `[  +7.000000]`, `dmesg -x` `kern  :err   : [ secs]`,
 * and kdump's vmcore-dmesg.txt (RHEL 6 writes `<N>` on each record and `<d>` on the lines a
 * KERN_DEFAULT printk continued).
 */
import type { ParsedLine, TsParts } from './registry';
import { monthOf, weekdayOf } from './syslog';

// <N> or <d>, then [ secs], then an optional caller id with or without a space before it.
const RAW = /^(?:<(\d{1,3}|d)>)?\[\s*(\d+)\.(\d+)\](?: ?\[\s*([TC]\d+)\])? ?(.*)$/s;
const CTIME =
  /^(?:<(\d{1,3})>)?\[(Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) +(\d{1,2}) (\d\d):(\d\d):(\d\d) (\d{4})\](?: ?\[\s*([TC]\d+)\])? ?(.*)$/s;
const RELTIME = /^\[([A-Z][a-z]{2})(\d\d) (\d\d):(\d\d)\] ?(.*)$/s;
const DELTA = /^\[\s*\+\d+\.\d+\] ?(.*)$/s;
const DECODE =
  /^(kern|user|mail|daemon|auth|syslog|lpr|news|uucp|cron|authpriv|ftp|res\d|local\d)\s*:(emerg|alert|crit|err|warn|notice|info|debug)\s*: ?(.*)$/s;
const LEVELS = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug'];
const FACILITIES = [
  'kern',
  'user',
  'mail',
  'daemon',
  'auth',
  'syslog',
  'lpr',
  'news',
  'uucp',
  'cron',
  'authpriv',
  'ftp',
];
const PRI_ONLY = /^<(\d{1,3}|d)>(.*)$/s;

function priInto(out: ParsedLine, pri: string | undefined): void {
  if (pri === undefined || pri === 'd') return;
  const p = Number(pri);
  out.severity = p & 7;
  out.facility = p >> 3;
}

/** One dmesg line in any of the forms above; headerless lines are continuations. */
export function parseDmesg(line: string): ParsedLine | null {
  const c = line.charCodeAt(0);
  if (c === 91 /* [ */ || c === 60 /* < */) {
    const m = RAW.exec(line);
    if (m) {
      const out: ParsedLine = { message: m[5]!, ts: { bootSecs: Number(m[2] + '.' + m[3]) } };
      priInto(out, m[1]);
      if (m[4] !== undefined) out.callerId = m[4];
      return out;
    }
    const t = CTIME.exec(line);
    if (t) {
      const ts: TsParts = {
        weekday: weekdayOf(t[2]!),
        month: monthOf(t[3]!),
        day: Number(t[4]),
        h: Number(t[5]),
        m: Number(t[6]),
        s: Number(t[7]),
        year: Number(t[8]),
      };
      const out: ParsedLine = { message: t[10]!, ts };
      priInto(out, t[1]);
      if (t[9] !== undefined) out.callerId = t[9];
      return out;
    }
    const r = RELTIME.exec(line);
    if (r && monthOf(r[1]!) > 0) {
      return {
        message: r[5]!,
        ts: { month: monthOf(r[1]!), day: Number(r[2]), h: Number(r[3]), m: Number(r[4]), s: 0 },
      };
    }
    const d = DELTA.exec(line);
    // A --reltime delta line: its minute is the previous header's, so it continues that time.
    if (d) return { message: d[1]!, continuation: false };
    const p = PRI_ONLY.exec(line);
    if (p) {
      // RHEL 6 vmcore-dmesg: `<d>` marks a KERN_DEFAULT continuation of the previous record.
      if (p[1] === 'd') return { message: p[2]!, continuation: true };
      const out: ParsedLine = { message: p[2]! };
      priInto(out, p[1]);
      return out;
    }
  }
  const x = DECODE.exec(line);
  if (x) {
    const inner = parseDmesg(x[3]!);
    const out: ParsedLine = inner && !inner.continuation ? inner : { message: x[3]! };
    out.severity = LEVELS.indexOf(x[2]!);
    const fac = FACILITIES.indexOf(x[1]!);
    if (fac >= 0) out.facility = fac;
    return out;
  }
  if (line === '') return null;
  return { message: line, continuation: true };
}
