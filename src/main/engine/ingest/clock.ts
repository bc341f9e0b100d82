/**
 * Clock calibration: turns the time fields a source printed (TsParts) into UTC milliseconds,
 * saying how each time was obtained and from which anchor.
 *
 * Streaming in two steps so memory never grows with the source: `SourceClock.push` is called
 * per line and returns a small `PendingTime` the ingest stores with the line (wall time as
 * printed, year epoch, boot index); `finish()` decides years, zone and boot starts from the
 * anchors; `createResolver(resolution)` then maps each PendingTime to a `LineTime`. A changed
 * zone is a new resolution over the same PendingTimes: nothing is parsed again.
 *
 * Years: a year-less source is cut into epochs where the printed date jumps backwards by
 * more than `rolloverMs` (Dec→Jan); the newest epoch gets the anchor's year and each older
 * epoch one year less, i.e. we work backwards from the newest line. Smaller backward steps
 * (DST repeat hour, out-of-order writers, rsyslog repeat summaries) are jitter.
 */
import type { TimeQuality } from '../../../shared/model/log';
import type { TsParts } from '../formats/registry';

/** A zone for zone-less times: a fixed offset or an IANA name, and where it came from. */
export interface ZoneSpec {
  /** Minutes east of UTC, or an IANA name (`Asia/Shanghai`). */
  zone: number | string;
  /** Where the zone came from (`etc/localtime → Asia/Shanghai`, `case setting`). */
  source: string;
  /** True when no evidence in the archive gave it (a case default the user may change). */
  assumed: boolean;
}

export type PendingTime =
  | { k: 'none' }
  /** Printed wall time. `wall` = ms of that wall time read as if UTC, in the reference year when `year` is absent. */
  | {
      k: 'wall';
      wall: number;
      epoch: number;
      year?: number;
      offsetMin?: number;
      bootSecs?: number;
      note?: string;
    }
  | { k: 'epoch'; utc: number }
  | { k: 'boot'; boot: number; secs: number };

export interface LineTime {
  utcMs: number | null;
  quality: TimeQuality;
  /** The anchor (or assumption) the time rests on, in a few words. */
  anchor: string;
  /** For boot-relative lines: which boot of this source (0-based) and the seconds printed. */
  boot?: number;
  bootSecs?: number;
}

export interface Anchor {
  /**
   * `not-after`: the newest line cannot be later (file or archive-entry mtime, gzip mtime,
   * sos collection time); `not-before`: the oldest line cannot be earlier (`-- Logs begin at`).
   */
  role: 'not-after' | 'not-before';
  utcMs: number;
  description: string;
}

export interface ClockOptions {
  zone?: ZoneSpec;
  /** A backward step larger than this starts a new year (default 30 days). */
  rolloverMs?: number;
  /** Year to assume when no anchor exists (say so); default: none, lines stay without time. */
  fallbackYear?: number;
}

export interface ClockResolution {
  /** Year of each epoch (index = epoch), when known. */
  epochYears: number[];
  yearAnchor: string;
  yearInferred: boolean;
  zone: ZoneSpec;
  /** UTC ms of each boot's start (index = boot), null when no anchor converts it. */
  bootStarts: Array<number | null>;
  bootAnchors: string[];
}

const DAY = 86_400_000;
/** A leap year, so Feb 29 has its own slot in the year-less key. */
const REF_YEAR = 2000;
/** A dmesg stamp this much below the previous one, and near zero, is a new boot. */
const BOOT_RESET_DROP_S = 10;
const BOOT_RESET_MAX_S = 30;

function wallOf(p: TsParts, year: number): number {
  // Truncate to the ms the text shows (rounding would move .9996 into the next second).
  const ms = p.frac !== undefined ? Math.floor(p.frac * 1000 + 1e-6) : 0;
  return Date.UTC(year, (p.month ?? 1) - 1, p.day ?? 1, p.h ?? 0, p.m ?? 0, p.s ?? 0, ms);
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Wall ms in the reference year → the same wall time in year y (Feb 29 → Mar 1 in common years). */
function wallInYear(refWall: number, y: number): number {
  const d = new Date(refWall);
  return Date.UTC(
    y,
    d.getUTCMonth(),
    d.getUTCDate(),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
    d.getUTCMilliseconds(),
  );
}

const FEB29_REF = Date.UTC(REF_YEAR, 1, 29);
const MAR1_REF = Date.UTC(REF_YEAR, 2, 1);
const JAN1_REF = Date.UTC(REF_YEAR, 0, 1);
const JAN1_AFTER_REF = Date.UTC(REF_YEAR + 1, 0, 1);

function isFeb29(refWall: number): boolean {
  // Nearly every wall is in the reference year: two comparisons instead of a Date.
  if (refWall >= JAN1_REF && refWall < JAN1_AFTER_REF) return refWall >= FEB29_REF && refWall < MAR1_REF;
  const d = new Date(refWall);
  return d.getUTCMonth() === 1 && d.getUTCDate() === 29;
}

function fmtOffset(min: number): string {
  const sign = min < 0 ? '-' : '+';
  const a = Math.abs(min);
  return `${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

export function describeZone(z: ZoneSpec): string {
  return typeof z.zone === 'number' ? `UTC${fmtOffset(z.zone)}` : z.zone;
}

/** `+08:00`, `-0700`, `UTC`, `Z` or an IANA name → ZoneSpec. */
export function parseZone(text: string, source: string, assumed: boolean): ZoneSpec {
  const t = text.trim();
  if (t === 'UTC' || t === 'Z' || t === 'GMT' || t === 'Etc/UTC') return { zone: 0, source, assumed };
  const m = /^(?:UTC|GMT)?([+-])(\d\d):?(\d\d)?$/.exec(t);
  if (m) return { zone: (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0)), source, assumed };
  // Validates the name (throws RangeError for an unknown zone).
  new Intl.DateTimeFormat('en-US', { timeZone: t });
  return { zone: t, source, assumed };
}

/** Offsets of IANA zones, cached per quarter hour (transitions fall on quarter hours). */
class ZoneOffsets {
  private readonly cache = new Map<number, number>();
  private readonly dtf: Intl.DateTimeFormat;
  constructor(name: string) {
    this.dtf = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }
  /** Minutes east of UTC at the UTC instant t. */
  at(t: number): number {
    const key = Math.floor(t / 900_000);
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const base = key * 900_000;
    const parts = this.dtf.formatToParts(new Date(base));
    const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
    const local = Date.UTC(
      get('year'),
      get('month') - 1,
      get('day'),
      get('hour'),
      get('minute'),
      get('second'),
    );
    const off = Math.round((local - base) / 60_000);
    this.cache.set(key, off);
    return off;
  }
}

/** Minutes east of UTC of a zone (an offset or an IANA name) at the UTC instant t. */
export function offsetAt(zone: number | string, t: number): number {
  return typeof zone === 'number' ? zone : zoneOffsets(zone).at(t);
}

const zoneCache = new Map<string, ZoneOffsets>();
function zoneOffsets(name: string): ZoneOffsets {
  let z = zoneCache.get(name);
  if (!z) {
    z = new ZoneOffsets(name);
    zoneCache.set(name, z);
  }
  return z;
}

/**
 * Local wall time → UTC in a zone. In a repeated hour (DST fall-back) the earlier instant is
 * taken unless it would put the line more than `jitterMs` before `prevUtc`, which is how the
 * second pass through the hour shows in a log.
 */
export function localToUtc(wall: number, zone: number | string, prevUtc?: number, jitterMs = 60_000): number {
  if (typeof zone === 'number') return wall - zone * 60_000;
  const z = zoneOffsets(zone);
  const before = z.at(wall - DAY / 2);
  const after = z.at(wall + DAY / 2);
  const candidates: number[] = [];
  for (const off of before === after ? [before] : [before, after]) {
    const t = wall - off * 60_000;
    if (z.at(t) === off) candidates.push(t);
  }
  // In the gap of a spring-forward no reading exists: shift by the offset before the gap.
  if (candidates.length === 0) return wall - before * 60_000;
  candidates.sort((a, b) => a - b);
  if (candidates.length > 1 && prevUtc !== undefined && candidates[0]! < prevUtc - jitterMs)
    return candidates[1]!;
  return candidates[0]!;
}

/** An ISO 8601 time with an offset inside a message (containerd/dockerd `time="…"`, Go/JSON logs). */
const ISO_IN_MESSAGE = /(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,](\d{1,9}))?(Z|[+-]\d\d:?\d\d)\b/;

export interface IsoInMessage {
  parts: TsParts;
  utcMs: number;
  text: string;
}

export function isoInMessage(message: string): IsoInMessage | null {
  // Cheap prefilter: most lines carry no ISO date.
  if (!message.includes('-') || !message.includes(':')) return null;
  const m = ISO_IN_MESSAGE.exec(message);
  if (!m) return null;
  const z = m[8]!;
  const off = z === 'Z' ? 0 : (z[0] === '-' ? -1 : 1) * (Number(z.slice(1, 3)) * 60 + Number(z.slice(-2)));
  const parts: TsParts = {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    h: Number(m[4]),
    m: Number(m[5]),
    s: Number(m[6]),
    zoneOffsetMin: off,
  };
  if (m[7] !== undefined) parts.frac = Number('0.' + m[7]);
  const utcMs = wallOf(parts, parts.year!) - off * 60_000;
  return { parts, utcMs, text: m[0] };
}

interface InlineAnchor {
  epoch: number;
  /** Line's wall time in the reference year. */
  lineWall: number;
  iso: IsoInMessage;
  description: string;
}

interface YearLine {
  epoch: number;
  year: number;
  description: string;
}

/** Per-source calibration state. Push every line in source order, then finish(). */
export class SourceClock {
  private epoch = 0;
  private prevKey: number | undefined;
  private prev: PendingTime = { k: 'none' };
  private boot = 0;
  private prevBootSecs: number | undefined;
  private readonly rollover: number;
  private readonly inline: InlineAnchor[] = [];
  private readonly yearLines: YearLine[] = [];
  private readonly weekdays: Array<{ epoch: number; wall: number; weekday: number }> = [];
  private readonly feb29Epochs = new Set<number>();
  private readonly anchors: Anchor[] = [];
  private readonly bootSamples = new Map<number, number[]>();
  private newestWall: number | undefined;
  private oldestWall: number | undefined;
  private lineCount = 0;

  constructor(private readonly opts: ClockOptions = {}) {
    this.rollover = opts.rolloverMs ?? 30 * DAY;
  }

  /**
   * One line's printed time. `continuation` lines take their record's time; a line whose
   * header was damaged (`damaged`) takes the previous line's time, and a repaired header is
   * trusted only when it lands within the jitter of the previous line.
   */
  push(
    parts: TsParts | undefined | null,
    how: { continuation?: boolean; damaged?: string; repair?: string; message?: string } = {},
  ): PendingTime {
    this.lineCount++;
    if (how.continuation || (!parts && how.damaged === undefined))
      return how.continuation ? this.prev : { k: 'none' };
    if (how.damaged !== undefined || !parts)
      return this.inherit(`header damaged (${how.damaged ?? 'unreadable'}): time of the previous line`);
    let p: PendingTime;
    if (parts.epochMs !== undefined) p = { k: 'epoch', utc: parts.epochMs };
    else if (parts.month !== undefined && parts.day !== undefined) p = this.pushWall(parts, how);
    else if (parts.bootSecs !== undefined) p = this.pushBoot(parts.bootSecs);
    else return { k: 'none' };
    if (how.message !== undefined && p.k === 'wall') this.noteInline(p, how.message);
    this.prev = p;
    return p;
  }

  private inherit(note: string): PendingTime {
    const p = this.prev;
    if (p.k === 'wall') return { ...p, note };
    return p;
  }

  private pushWall(parts: TsParts, how: { repair?: string }): PendingTime {
    const refWall = wallOf(parts, parts.year ?? REF_YEAR);
    const key = parts.year !== undefined ? wallOf(parts, REF_YEAR) : refWall;
    if (how.repair !== undefined && this.prevKey !== undefined && Math.abs(key - this.prevKey) > 3_600_000) {
      return this.inherit(
        `header repaired (${how.repair}) but its time disagrees with the previous line: time of the previous line`,
      );
    }
    if (this.prevKey !== undefined && this.prevKey - key > this.rollover) this.epoch++;
    this.prevKey = key;
    const p: PendingTime = { k: 'wall', wall: refWall, epoch: this.epoch };
    if (parts.year !== undefined) {
      p.year = parts.year;
      this.yearLines.push({
        epoch: this.epoch,
        year: parts.year,
        description: `year ${parts.year} printed on line ${this.lineCount}`,
      });
    } else if (isFeb29(refWall)) this.feb29Epochs.add(this.epoch);
    if (parts.zoneOffsetMin !== undefined) p.offsetMin = parts.zoneOffsetMin;
    if (parts.bootSecs !== undefined) p.bootSecs = parts.bootSecs;
    if (parts.weekday !== undefined && parts.year === undefined)
      this.weekdays.push({ epoch: this.epoch, wall: refWall, weekday: parts.weekday });
    if (parts.year === undefined) {
      if (this.epoch === 0 && this.oldestWall === undefined) this.oldestWall = refWall;
      this.newestWall = refWall;
    }
    return p;
  }

  private pushBoot(secs: number): PendingTime {
    if (
      this.prevBootSecs !== undefined &&
      secs < this.prevBootSecs - BOOT_RESET_DROP_S &&
      secs < BOOT_RESET_MAX_S
    )
      this.boot++;
    this.prevBootSecs = secs;
    return { k: 'boot', boot: this.boot, secs };
  }

  private noteInline(p: Extract<PendingTime, { k: 'wall' }>, message: string): void {
    if (p.year !== undefined) return;
    const iso = isoInMessage(message);
    if (!iso) return;
    this.inline.push({
      epoch: p.epoch,
      lineWall: p.wall,
      iso,
      description: `ISO time "${iso.text}" inside line ${this.lineCount}`,
    });
  }

  addAnchor(a: Anchor): void {
    this.anchors.push(a);
  }

  /** A wall time and a boot time printed on one line (or twin lines): when this source's boot began. */
  addBootSample(boot: number, bootStartUtc: number): void {
    const arr = this.bootSamples.get(boot) ?? [];
    arr.push(bootStartUtc);
    this.bootSamples.set(boot, arr);
  }

  get boots(): number {
    return this.boot + 1;
  }

  finish(): ClockResolution {
    const zone = this.decideZone();
    const { years, anchor, inferred } = this.decideYears(zone);
    const bootStarts: Array<number | null> = [];
    const bootAnchors: string[] = [];
    for (let b = 0; b <= this.boot; b++) {
      const s = this.bootSamples.get(b);
      if (s && s.length > 0) {
        const sorted = [...s].sort((x, y) => x - y);
        bootStarts.push(sorted[Math.floor(sorted.length / 2)]!);
        bootAnchors.push(`boot start from ${s.length} line(s) with both wall and boot time (median)`);
      } else {
        bootStarts.push(null);
        bootAnchors.push('');
      }
    }
    return { epochYears: years, yearAnchor: anchor, yearInferred: inferred, zone, bootStarts, bootAnchors };
  }

  private decideZone(): ZoneSpec {
    if (this.opts.zone && !this.opts.zone.assumed) return this.opts.zone;
    // Learn the zone from ISO times in messages written in the same second as the header.
    const votes = new Map<number, number>();
    for (const a of this.inline) {
      const isoLocal = a.iso.utcMs + a.iso.parts.zoneOffsetMin! * 60_000;
      const lineWall = wallInYear(a.lineWall, a.iso.parts.year!);
      const diff = lineWall - isoLocal;
      const quarter = Math.round(diff / 900_000) * 900_000;
      if (Math.abs(diff - quarter) > 120_000 || Math.abs(quarter) > 14 * 3_600_000) continue;
      const off = a.iso.parts.zoneOffsetMin! + quarter / 60_000;
      votes.set(off, (votes.get(off) ?? 0) + 1);
    }
    let best: [number, number] | undefined;
    for (const v of votes) if (!best || v[1] > best[1]) best = v;
    if (best)
      return { zone: best[0], source: `learned from ${best[1]} ISO time(s) inside messages`, assumed: false };
    return this.opts.zone ?? { zone: 0, source: 'no zone known: UTC assumed', assumed: true };
  }

  private decideYears(zone: ZoneSpec): { years: number[]; anchor: string; inferred: boolean } {
    const last = this.epoch;
    const fill = (yLast: number): number[] => Array.from({ length: last + 1 }, (_, e) => yLast - (last - e));
    if (this.newestWall === undefined) {
      // No year-less lines: every wall line printed its year.
      return { years: [], anchor: 'year printed', inferred: false };
    }
    // 1. A year printed on a line of this source, or an ISO time inside a message.
    const inl = this.inline[this.inline.length - 1];
    if (inl) {
      let bestY = inl.iso.parts.year!;
      let bestD = Infinity;
      for (const y of [bestY - 1, bestY, bestY + 1]) {
        const utc = localToUtc(wallInYear(inl.lineWall, y), zone.zone);
        const d = Math.abs(utc - inl.iso.utcMs);
        if (d < bestD) {
          bestD = d;
          bestY = y;
        }
      }
      return { years: fill(bestY + (last - inl.epoch)), anchor: inl.description, inferred: true };
    }
    const yl = this.yearLines[this.yearLines.length - 1];
    if (yl) return { years: fill(yl.year + (last - yl.epoch)), anchor: yl.description, inferred: true };

    // 2. Bounds: the newest line is not after a file/collection time, the oldest not before a begin time.
    const notAfter = this.anchors.filter((a) => a.role === 'not-after').sort((a, b) => a.utcMs - b.utcMs)[0];
    const notBefore = this.anchors
      .filter((a) => a.role === 'not-before')
      .sort((a, b) => b.utcMs - a.utcMs)[0];
    const hi = notAfter
      ? new Date(notAfter.utcMs).getUTCFullYear() + 1
      : notBefore
        ? new Date(notBefore.utcMs).getUTCFullYear() + last + 1
        : this.opts.fallbackYear;
    if (hi === undefined) return { years: [], anchor: 'no anchor for the year', inferred: true };
    const why: string[] = [];
    for (let y = hi; y > hi - 60; y--) {
      const years = fill(y);
      if (notAfter && localToUtc(wallInYear(this.newestWall, y), zone.zone) > notAfter.utcMs + DAY) continue;
      if (
        notBefore &&
        this.oldestWall !== undefined &&
        localToUtc(wallInYear(this.oldestWall, years[0]!), zone.zone) < notBefore.utcMs - DAY
      )
        continue;
      if ([...this.feb29Epochs].some((e) => !isLeap(years[e]!))) continue;
      if (this.weekdays.some((w) => new Date(wallInYear(w.wall, years[w.epoch]!)).getUTCDay() !== w.weekday))
        continue;
      if (notAfter) why.push(`newest line not after ${notAfter.description}`);
      if (notBefore) why.push(`oldest line not before ${notBefore.description}`);
      if (!notAfter && !notBefore) why.push(`no anchor: fallback year ${this.opts.fallbackYear}`);
      if (this.feb29Epochs.size > 0) why.push('Feb 29 needs a leap year');
      if (this.weekdays.length > 0) why.push(`${this.weekdays.length} printed weekday(s) match`);
      if (last > 0) why.push(`${last} year rollover(s) in the file`);
      return { years, anchor: why.join('; '), inferred: true };
    }
    return { years: [], anchor: 'no year satisfies the anchors', inferred: true };
  }
}

/** Maps PendingTimes (in source order) to LineTimes under a resolution. */
export function createResolver(res: ClockResolution): (p: PendingTime) => LineTime {
  let prevUtc: number | undefined;
  const zoneText = `${describeZone(res.zone)} (${res.zone.source})`;
  return (p: PendingTime): LineTime => {
    switch (p.k) {
      case 'none':
        return { utcMs: null, quality: 'none', anchor: '' };
      case 'epoch':
        prevUtc = p.utc;
        return { utcMs: p.utc, quality: 'exact', anchor: 'epoch time printed' };
      case 'boot': {
        const start = res.bootStarts[p.boot];
        if (start === undefined || start === null)
          return {
            utcMs: null,
            quality: 'boot-relative',
            anchor: 'seconds since boot, no anchor for this boot',
            boot: p.boot,
            bootSecs: p.secs,
          };
        const utc = Math.round(start + p.secs * 1000);
        prevUtc = utc;
        return {
          utcMs: utc,
          quality: 'boot-relative-converted',
          anchor: res.bootAnchors[p.boot] ?? '',
          boot: p.boot,
          bootSecs: p.secs,
        };
      }
      case 'wall': {
        let wall = p.wall;
        let quality: TimeQuality;
        const parts: string[] = [];
        if (p.year === undefined) {
          const y = res.epochYears[p.epoch];
          if (y === undefined)
            return { utcMs: null, quality: 'none', anchor: `year unknown (${res.yearAnchor})` };
          wall = wallInYear(p.wall, y);
          quality = 'year-inferred';
          parts.push(`year ${y}: ${res.yearAnchor}`);
        } else quality = 'exact';
        let utc: number;
        if (p.offsetMin !== undefined) utc = wall - p.offsetMin * 60_000;
        else {
          utc = localToUtc(wall, res.zone.zone, prevUtc);
          parts.push(`zone ${zoneText}`);
          if (res.zone.assumed) quality = 'zone-assumed';
        }
        if (p.note) parts.push(p.note);
        prevUtc = utc;
        return { utcMs: utc, quality, anchor: parts.join('; ') };
      }
    }
  };
}

/** Convenience for sources read whole and for tests: calibrates a sequence of parsed lines. */
export function calibrate(
  lines: ReadonlyArray<{
    ts?: TsParts;
    continuation?: boolean;
    damaged?: string;
    repair?: string;
    message?: string;
  } | null>,
  opts: ClockOptions & { anchors?: Anchor[] } = {},
): { times: LineTime[]; resolution: ClockResolution; pending: PendingTime[] } {
  const clock = new SourceClock(opts);
  for (const a of opts.anchors ?? []) clock.addAnchor(a);
  const pending = lines.map((l) => (l ? clock.push(l.ts, l) : clock.push(null)));
  const resolution = clock.finish();
  // Lines carrying wall and boot time at once anchor their boot: a second pass adds them.
  const withBoot =
    pending.some((p) => p.k === 'wall' && p.bootSecs !== undefined) && pending.some((p) => p.k === 'boot');
  let res = resolution;
  if (withBoot) {
    const resolve = createResolver(resolution);
    let boot = 0;
    for (const p of pending) {
      if (p.k === 'boot') boot = p.boot;
      const t = resolve(p);
      if (p.k === 'wall' && p.bootSecs !== undefined && t.utcMs !== null)
        clock.addBootSample(boot, t.utcMs - p.bootSecs * 1000);
    }
    res = clock.finish();
  }
  const resolve = createResolver(res);
  return { times: pending.map((p) => resolve(p)), resolution: res, pending };
}

/** Same PendingTimes under another zone: the user changed the case zone, nothing is re-parsed. */
export function renormalise(
  pending: readonly PendingTime[],
  res: ClockResolution,
  zone: ZoneSpec,
): LineTime[] {
  const resolve = createResolver({ ...res, zone });
  return pending.map((p) => resolve(p));
}

/**
 * Boot start estimated from pairs of the same kernel line seen with seconds-since-boot (dmesg)
 * and with a wall time (syslog/journal, or a `dmesg -T` twin): the median of wall − secs.
 */
export function estimateBootStart(
  pairs: ReadonlyArray<{ bootSecs: number; utcMs: number }>,
): { utcMs: number; spreadMs: number } | null {
  if (pairs.length === 0) return null;
  const starts = pairs.map((p) => p.utcMs - p.bootSecs * 1000).sort((a, b) => a - b);
  const mid = starts[Math.floor(starts.length / 2)]!;
  return { utcMs: mid, spreadMs: starts[starts.length - 1]! - starts[0]! };
}
