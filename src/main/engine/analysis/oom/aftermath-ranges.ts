/**
 * Where to look for the lines after an OOM kill without reading the case again: the first pass
 * keeps, per source, a sparse index of the running maximum of its times (a sample every `stride`
 * lines, at most MAX_SAMPLES of them, the stride doubling when full) and the largest step back
 * in time seen (jitter). After that pass, each kill's window is turned into line ranges that
 * are certain to hold every line the full read would have linked to it.
 *
 * Why it is exact: let M(n) be the newest time among lines 1..n of a source and J the largest
 * amount a line's time was behind the newest before it. M never decreases, and a line with time
 * t in [a, b] has a ≤ t ≤ M(n) ≤ t + J ≤ b + J. So every such line lies after the last sample
 * with M < a and before the first sample with M > b + J.
 */
import type { RecordLine } from '../../../../shared/model/log';

/** Samples kept per source; the stride doubles each time they fill up. */
const MAX_SAMPLES = 4096;
const FIRST_STRIDE = 256;

interface SourceIndex {
  sourceId: number;
  stride: number;
  seen: number;
  /** Newest time so far (null until a timed line). */
  max: number | null;
  jitter: number;
  lastLineNo: number;
  lineNos: number[];
  /** M at each sampled line; -Infinity before the first timed line. */
  maxes: number[];
}

/** Inclusive line-number range of one source. */
export interface LineRange {
  from: number;
  to: number;
}

export class SourceTimeIndex {
  private readonly sources = new Map<number, SourceIndex>();
  private last: SourceIndex | null = null;

  /** The defaults suit a case; tests pass small ones to exercise the stride doubling. */
  constructor(
    private readonly maxSamples = MAX_SAMPLES,
    private readonly firstStride = FIRST_STRIDE,
  ) {}

  /** Feeds one line of the first pass; lines of a source come in line order. */
  push(line: RecordLine): void {
    // Lines come source by source: the previous line's index, unless the source changed.
    let s = this.last?.sourceId === line.sourceId ? this.last : this.sources.get(line.sourceId);
    if (!s) {
      s = {
        sourceId: line.sourceId,
        stride: this.firstStride,
        seen: 0,
        max: null,
        jitter: 0,
        lastLineNo: 0,
        lineNos: [],
        maxes: [],
      };
      this.sources.set(line.sourceId, s);
    }
    this.last = s;
    const ts = line.ts;
    if (ts !== null) {
      if (s.max === null || ts > s.max) s.max = ts;
      else if (s.max - ts > s.jitter) s.jitter = s.max - ts;
    }
    if (line.lineNo > s.lastLineNo) s.lastLineNo = line.lineNo;
    if (++s.seen % s.stride === 0) {
      s.lineNos.push(line.lineNo);
      s.maxes.push(s.max ?? -Infinity);
      if (s.lineNos.length >= this.maxSamples) {
        // keep every other sample: still a valid (coarser) index
        s.lineNos = s.lineNos.filter((_, i) => i % 2 === 1);
        s.maxes = s.maxes.filter((_, i) => i % 2 === 1);
        s.stride *= 2;
      }
    }
  }

  /** The sources seen, in the order the first pass read them. */
  sourceIds(): number[] {
    return [...this.sources.keys()];
  }

  /**
   * Line ranges of a source (merged, ascending) that hold every line whose time is within
   * [from, to] ms, plus the given line-number ranges.
   */
  ranges(sourceId: number, windows: readonly LineRangeOrTime[]): LineRange[] {
    const s = this.sources.get(sourceId);
    if (!s) return [];
    const out: LineRange[] = [];
    for (const w of windows) {
      if (w.kind === 'lines') {
        const from = Math.max(1, w.from);
        const to = Math.min(s.lastLineNo, w.to);
        if (from <= to) out.push({ from, to });
        continue;
      }
      if (s.max === null) continue; // no timed line: only line-number windows apply
      const lo = w.from;
      const hi = w.to + s.jitter;
      let from = 1;
      let to = s.lastLineNo;
      for (let i = 0; i < s.lineNos.length; i++) {
        const m = s.maxes[i]!;
        if (m < lo) from = s.lineNos[i]! + 1;
        else if (m > hi) {
          to = s.lineNos[i]! - 1;
          break;
        }
      }
      if (from <= to) out.push({ from, to });
    }
    out.sort((a, b) => a.from - b.from);
    const merged: LineRange[] = [];
    for (const r of out) {
      const last = merged[merged.length - 1];
      if (last && r.from <= last.to + 1) last.to = Math.max(last.to, r.to);
      else merged.push({ ...r });
    }
    return merged;
  }
}

export type LineRangeOrTime =
  { kind: 'lines'; from: number; to: number } | { kind: 'time'; from: number; to: number };
