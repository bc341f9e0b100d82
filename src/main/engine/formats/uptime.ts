/**
 * `uptime` output as sosreport collects it (`sos_commands/general/uptime`,
 * `sos_commands/host/uptime`, a top-level `uptime` link), `/proc/uptime`, and `date` output
 * (`sos_commands/date/date`, `date_--utc`): together they give the running boot's start time.
 *
 * procps prints the local time of day, then the time since boot:
 *   ` 16:19:19 up 17:41,  2 users,  load average: 3.58, 3.27, 2.58`
 *   ` 10:30:01 up 20 min,  1 user, …` / `up 3 days,  4:05,` / `up 1 day, 20 min,` / `up 12 sec,`
 *   `up 2 weeks, 3 days, 2 hours, 5 minutes` (uptime -p)
 * The clock is minute-precise (hh:mm), so a boot time from it is good to a minute.
 */
import { zoneAbbrevOffset } from './journal-text';

export interface UptimeParse {
  /** Seconds since boot as printed. */
  upSeconds: number;
  /** Granularity of upSeconds: `second` for /proc/uptime and `up N sec`, `minute` otherwise. */
  precision: 'second' | 'minute';
  /** Local time of day printed before `up` (`HH:MM:SS`), when printed. */
  clock: string | null;
  users: number | null;
  load: [number, number, number] | null;
  /** 1-based line the values came from. */
  lineNo: number;
  form: 'uptime' | 'uptime-pretty' | 'proc-uptime';
}

const UPTIME =
  /^\s*(?:(\d\d:\d\d:\d\d)\s+)?up\s+(.+?)(?:,\s+(\d+)\s+users?)?(?:,\s+load averages?:\s*(.+))?\s*$/;
const PROC_UPTIME = /^\s*(\d+(?:\.\d+)?)\s+\d+(?:\.\d+)?\s*$/;
const UNIT_SECONDS: Record<string, number> = {
  year: 365 * 86400,
  week: 7 * 86400,
  day: 86400,
  hour: 3600,
  min: 60,
  minute: 60,
  sec: 1,
  second: 1,
};

/** The time-since-boot part (`3 days,  4:05` / `17:41` / `20 min` / `2 hours, 5 minutes`). */
function durationOf(s: string): { seconds: number; precision: 'second' | 'minute'; pretty: boolean } | null {
  let seconds = 0;
  let any = false;
  let precision: 'second' | 'minute' = 'minute';
  let pretty = false;
  for (const raw of s.split(',')) {
    const part = raw.trim();
    if (part === '') continue;
    const hm = /^(\d+):(\d\d)$/.exec(part);
    if (hm) {
      seconds += Number(hm[1]) * 3600 + Number(hm[2]) * 60;
      any = true;
      continue;
    }
    const u = /^(\d+)\s+(years?|weeks?|days?|hours?|min|minutes?|sec|seconds?)$/.exec(part);
    if (!u) return null;
    const word = u[2]!;
    const per = UNIT_SECONDS[word] ?? UNIT_SECONDS[word.replace(/s$/, '')];
    if (per === undefined) return null;
    if (per === 1) precision = 'second';
    // `uptime -p` spells units out (hours, minutes); plain uptime prints `min` / `sec` / `day(s)`
    if (/^(?:years?|weeks?|hours?|minutes?)$/.test(word)) pretty = true;
    seconds += Number(u[1]) * per;
    any = true;
  }
  return any ? { seconds, precision, pretty } : null;
}

/** The first `uptime` or `/proc/uptime` line of a file, or null when none parses. */
export function parseUptime(lines: readonly string[]): UptimeParse | null {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const proc = PROC_UPTIME.exec(line);
    if (proc) {
      return {
        upSeconds: Number(proc[1]),
        precision: 'second',
        clock: null,
        users: null,
        load: null,
        lineNo: i + 1,
        form: 'proc-uptime',
      };
    }
    const m = UPTIME.exec(line);
    if (!m) continue;
    const d = durationOf(m[2]!);
    if (!d) continue;
    const load = m[4]?.split(/,\s*|\s+/).map(Number);
    return {
      upSeconds: d.seconds,
      precision: d.precision,
      clock: m[1] ?? null,
      users: m[3] !== undefined ? Number(m[3]) : null,
      load:
        load && load.length === 3 && load.every((n) => Number.isFinite(n))
          ? (load as [number, number, number])
          : null,
      lineNo: i + 1,
      form: d.pretty ? 'uptime-pretty' : 'uptime',
    };
  }
  return null;
}

export interface DateParse {
  /** UTC ms. */
  ts: number;
  /** Offset of the printed zone, minutes east of UTC. */
  offsetMin: number;
  zone: string;
  lineNo: number;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
// `Thu Feb 10 16:19:17 UTC 2022` (C locale), `Wed Jun  8 10:30:01 +0800 2022`
const DATE_C =
  /^\s*(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\s+([A-Z][a-z]{2})\s+(\d{1,2})\s+(\d\d):(\d\d):(\d\d)\s+([A-Z]{2,5}|[+-]\d{4})\s+(\d{4})\s*$/;
// zh_CN: `2022年 06月 08日 星期三 10:30:01 CST`
const DATE_ZH =
  /^\s*(\d{4})年\s*(\d{1,2})月\s*(\d{1,2})日\s+星期.\s+(\d\d):(\d\d):(\d\d)\s+([A-Z]{2,5}|[+-]\d{4})\s*$/;

function zoneOffset(zone: string, chinese: boolean): number | undefined {
  const num = /^([+-])(\d\d)(\d\d)$/.exec(zone);
  if (num) return (num[1] === '-' ? -1 : 1) * (Number(num[2]) * 60 + Number(num[3]));
  // CST is ambiguous (US Central, China); a Chinese-locale date means China Standard Time
  if (zone === 'CST' && chinese) return 480;
  return zoneAbbrevOffset(zone);
}

// timedatectl: `Universal time: Thu 2022-02-10 16:19:48 UTC`
const TIMEDATECTL = /^\s*Universal time: \w{3} (\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d) UTC\s*$/;

/** `date` output with a zone the offset of which is known; null otherwise (a zone is never guessed). */
export function parseDateOutput(lines: readonly string[]): DateParse | null {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    let y: number, mo: number, d: number, h: number, mi: number, s: number, zone: string;
    let chinese = false;
    const t = TIMEDATECTL.exec(line);
    if (t) {
      const [ty, tmo, td, th, tmi, ts] = [t[1], t[2], t[3], t[4], t[5], t[6]].map(Number) as number[];
      return { ts: Date.UTC(ty!, tmo! - 1, td!, th!, tmi!, ts!), offsetMin: 0, zone: 'UTC', lineNo: i + 1 };
    }
    const c = DATE_C.exec(line);
    const z = c ? null : DATE_ZH.exec(line);
    if (c) {
      mo = MONTHS.indexOf(c[1]!.toLowerCase()) + 1;
      [d, h, mi, s, y] = [Number(c[2]), Number(c[3]), Number(c[4]), Number(c[5]), Number(c[7])];
      zone = c[6]!;
    } else if (z) {
      [y, mo, d, h, mi, s] = [z[1], z[2], z[3], z[4], z[5], z[6]].map(Number) as [
        number,
        number,
        number,
        number,
        number,
        number,
      ];
      zone = z[7]!;
      chinese = true;
    } else continue;
    if (mo < 1) continue;
    const off = zoneOffset(zone, chinese);
    if (off === undefined) continue;
    return { ts: Date.UTC(y, mo - 1, d, h, mi, s) - off * 60_000, offsetMin: off, zone, lineNo: i + 1 };
  }
  return null;
}

/** Seconds of a `HH:MM:SS` clock. */
export function clockSeconds(clock: string): number {
  const [h, m, s] = clock.split(':').map(Number) as [number, number, number];
  return h * 3600 + m * 60 + s;
}
