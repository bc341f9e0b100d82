/**
 * The clock of one source during ingest. Rows are written batch by batch with a provisional
 * time: the resolution the clock gives from the lines seen so far (its anchors are mostly
 * known up front: archive mtime, gzip mtime). When the source ends, the final resolution is
 * compared with each batch's; only the batches it changed are rewritten, from the compact
 * PendingTimes (nothing is parsed again). A plain syslog with a file-mtime anchor rewrites
 * nothing; a file whose year or zone is learned late (an ISO time inside a message near the
 * end) rewrites the rows before it.
 */
import type { TsParts } from '../formats/registry';
import {
  type Anchor,
  type ClockOptions,
  type ClockResolution,
  type LineTime,
  type PendingTime,
  SourceClock,
  createResolver,
  describeZone,
} from './clock';
import { PendingTimes } from './pending-times';

export interface ResolvedTime {
  ts: number | null;
  quality: LineTime['quality'];
  /** The time is a local wall time resolved through the zone: it moves when the zone changes. */
  zoned: boolean;
}

export interface StaleRange {
  /** Source-relative row indices [from, to). */
  from: number;
  to: number;
}

/** Boot-start samples kept per boot (lines carrying wall and boot time); the median is used. */
const BOOT_SAMPLES = 64;

const AS_CONTINUATION = { continuation: true };

function sameParts(a: TsParts, b: TsParts): boolean {
  return (
    a.s === b.s &&
    a.m === b.m &&
    a.h === b.h &&
    a.day === b.day &&
    a.month === b.month &&
    a.frac === b.frac &&
    a.year === b.year &&
    a.zoneOffsetMin === b.zoneOffsetMin &&
    a.zoneName === b.zoneName &&
    a.weekday === b.weekday &&
    a.bootSecs === b.bootSecs &&
    a.epochMs === b.epochMs
  );
}

function keyOf(r: ClockResolution): string {
  return JSON.stringify([r.epochYears, r.zone.zone, r.bootStarts]);
}

function resolved(p: PendingTime, t: LineTime): ResolvedTime {
  // Whole ms as the column's INTEGER (journal µs timestamps would otherwise be stored as REAL).
  const ts = t.utcMs === null ? null : Math.floor(t.utcMs);
  return { ts, quality: t.quality, zoned: p.k === 'wall' && p.offsetMin === undefined && ts !== null };
}

export class SourceTimes {
  private readonly clock: SourceClock;
  private readonly pending: PendingTimes;
  /** Consecutive rows resolved under one provisional resolution. */
  private readonly ranges: Array<{ from: number; to: number; key: string }> = [];
  private resolve: ((p: PendingTime) => LineTime) | null = null;
  private key = '';
  private prev: PendingTime | null = null;
  private lastParts: TsParts | undefined;
  private batches = 0;
  private nextDecision = 0;
  private prevOut: ResolvedTime | null = null;
  private readonly bootSamples: Array<{ boot: number; index: number; secs: number }> = [];
  private readonly bootSampleCount = new Map<number, number>();
  private timed = 0;
  private yearless = 0;
  private zoneless = 0;
  private bootLines = 0;
  private final: ClockResolution | null = null;

  /** `spillDir`: where the per-line pending times may go once there are many (see PendingTimes). */
  constructor(opts: ClockOptions, anchors: readonly Anchor[], spillDir?: string) {
    this.pending = new PendingTimes(spillDir);
    this.clock = new SourceClock(opts);
    for (const a of anchors) this.clock.addAnchor(a);
  }

  get length(): number {
    return this.pending.length;
  }

  /** One row's printed time, in row order. */
  push(
    parts: TsParts | undefined,
    how: { continuation?: boolean; damaged?: string; repair?: string; message?: string },
  ): PendingTime {
    // Lines come several to a second: a clean line printing exactly the previous clean line's
    // time is pushed as a continuation, which the clock answers with that same PendingTime
    // (it still counts the line) instead of deciding it again.
    const plain =
      parts !== undefined && !how.continuation && how.damaged === undefined && how.repair === undefined;
    const same =
      plain && how.message === undefined && this.lastParts !== undefined && sameParts(parts, this.lastParts);
    const p = this.clock.push(same ? undefined : parts, same ? AS_CONTINUATION : how);
    this.lastParts = plain && p.k === 'wall' && p.note === undefined ? parts : undefined;
    const index = this.pending.length;
    this.pending.push(p);
    if (p.k !== 'none') this.timed++;
    if (p.k === 'wall') {
      if (p.year === undefined) this.yearless++;
      if (p.offsetMin === undefined) this.zoneless++;
      if (p.bootSecs !== undefined) {
        const boot = this.clock.boots - 1;
        const n = this.bootSampleCount.get(boot) ?? 0;
        if (n < BOOT_SAMPLES) {
          this.bootSampleCount.set(boot, n + 1);
          this.bootSamples.push({ boot, index, secs: p.bootSecs });
        }
      }
    } else if (p.k === 'boot') this.bootLines++;
    return p;
  }

  /**
   * Starts a written batch at row `from`: its rows are resolved with what the clock knows
   * now. Rows must then be resolved one by one, in order, with `resolveOne`.
   */
  startBatch(from: number): void {
    // finish() re-reads the clock's anchors: re-decide on a geometric schedule (batches 1, 2,
    // 3, 4, 6, 8, 11, …), often early while the clock learns, rarely once it has settled.
    this.batches++;
    if (this.resolve && this.batches < this.nextDecision) {
      const last = this.ranges[this.ranges.length - 1]!;
      if (last.to === from) return;
      this.ranges.push({ from, to: from, key: this.key });
      return;
    }
    this.nextDecision = Math.floor(this.batches * 1.35) + 1;
    const res = this.clock.finish();
    const key = keyOf(res);
    if (key !== this.key || !this.resolve) {
      this.key = key;
      this.resolve = createResolver(res);
      this.prev = null;
    }
    const last = this.ranges[this.ranges.length - 1];
    if (!last || last.key !== key || last.to !== from) this.ranges.push({ from, to: from, key });
  }

  /** The provisional time of the next row of the current batch. */
  resolveOne(p: PendingTime): ResolvedTime {
    this.ranges[this.ranges.length - 1]!.to++;
    // Log lines come several to a second: a wall time equal to the previous one (same epoch,
    // offset, no note) resolves the same, so the resolver (which builds its anchor text per
    // call) runs once per distinct time.
    const prev = this.prev;
    if (p === prev) return this.prevOut!;
    if (
      prev !== null &&
      p.k === 'wall' &&
      prev.k === 'wall' &&
      p.wall === prev.wall &&
      p.epoch === prev.epoch &&
      p.offsetMin === prev.offsetMin &&
      p.year === prev.year &&
      p.note === undefined &&
      prev.note === undefined
    ) {
      return this.prevOut!;
    }
    this.prevOut = resolved(p, this.resolve!(p));
    this.prev = p;
    return this.prevOut;
  }

  /** Decides the source's clock; returns the row ranges whose provisional times were wrong. */
  finish(): { resolution: ClockResolution; stale: StaleRange[] } {
    let res = this.clock.finish();
    if (this.bootSamples.length > 0 && this.bootLines > 0) {
      // Lines printing both a wall and a boot time say when their boot began.
      const r = createResolver(res);
      for (const s of this.bootSamples) {
        const t = r(this.pending.get(s.index));
        if (t.utcMs !== null) this.clock.addBootSample(s.boot, t.utcMs - s.secs * 1000);
      }
      res = this.clock.finish();
    }
    this.final = res;
    const key = keyOf(res);
    return {
      resolution: res,
      stale: this.ranges.filter((r) => r.key !== key).map((r) => ({ from: r.from, to: r.to })),
    };
  }

  /** Final times of the rows [from, to), for rewriting stale ranges (call after finish). */
  *finalTimes(ranges: readonly StaleRange[]): Generator<{ index: number; time: ResolvedTime }> {
    if (!this.final) throw new Error('SourceTimes.finalTimes before finish');
    const resolve = createResolver(this.final);
    for (const r of ranges) {
      for (let i = r.from; i < r.to; i++) {
        const p = this.pending.get(i);
        yield { index: i, time: resolved(p, resolve(p)) };
      }
    }
  }

  /** Frees the pending times (their spill file): finalTimes can no longer be read. */
  dispose(): void {
    this.pending.dispose();
  }

  /** Some rows printed a local time without an offset: the zone matters to this source. */
  get usesZone(): boolean {
    return this.zoneless > 0;
  }

  /** How this source's times were obtained, in a sentence or two (sources.time_anchor). */
  anchorText(res: ClockResolution): string {
    const parts: string[] = [];
    if (this.yearless > 0) {
      const years = [...new Set(res.epochYears)];
      parts.push(
        years.length > 0
          ? `year ${years.join('/')} inferred (year-inferred) for ${this.yearless} year-less line(s): ${res.yearAnchor}`
          : `year unknown for ${this.yearless} year-less line(s): ${res.yearAnchor}`,
      );
    }
    if (this.zoneless > 0)
      parts.push(
        `zone ${describeZone(res.zone)}: ${res.zone.source}${res.zone.assumed ? ' (zone-assumed)' : ''}`,
      );
    if (this.bootLines > 0) {
      const converted = res.bootStarts.filter((b) => b !== null).length;
      parts.push(
        converted > 0
          ? `${converted} of ${res.bootStarts.length} boot(s) converted to wall clock: ${res.bootAnchors.filter((a) => a !== '').join('; ')}`
          : `${res.bootStarts.length} boot(s) kept as seconds since boot (no wall-clock anchor)`,
      );
    }
    if (parts.length > 0) return parts.join('. ');
    return this.timed > 0 ? 'times printed in full (year and zone, or epoch)' : 'no line carries a time';
  }
}
