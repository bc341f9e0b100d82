/**
 * The clock's per-line PendingTimes of one source, kept compact (about 4 bytes a line) instead
 * of as objects: read back only for the batches whose provisional times turn out wrong when
 * the source ends, so memory, not speed, is what counts here.
 *
 * Layout: runs of consecutive lines sharing one kind/epoch/boot/offset word (`bits`) and one
 * base value; per line, an Int32 offset from the run's base in the kind's unit (ms for wall
 * and epoch times, µs for boot seconds). A value that does not fit (a jump of more than 24
 * days, a non-integral unit) starts a new run, so every value is stored exactly.
 */
import type { PendingTime } from './clock';

const CHUNK = 1 << 16;

const K_NONE = 0;
const K_WALL = 1;
const K_EPOCH = 2;
const K_BOOT = 3;
const F_YEAR = 1 << 2;
const F_OFFSET = 1 << 3;
const F_NOTE = 1 << 4;
const F_BOOTSECS = 1 << 5;
const OFFSET_SHIFT = 6;
const OFFSET_BIAS = 2048;
const INDEX_SHIFT = 18;
/** Epochs and boots beyond this share the last slot (13 bits); no real log has that many. */
const INDEX_MAX = (1 << 13) - 1;
const INT32_MAX = 2 ** 31 - 1;

/** Stored units per value unit: boot seconds are kept in µs, times in ms. */
function scaleOf(bits: number): number {
  return (bits & 3) === K_BOOT ? 1e6 : 1;
}

export class PendingTimes {
  private readonly d: Int32Array[] = [];
  private runStart = new Int32Array(1024);
  private runBits = new Int32Array(1024);
  private runBase = new Float64Array(1024);
  private runs = 0;
  /** Rare per-line extras, by line index. */
  private readonly notes = new Map<number, string>();
  private readonly bootSecs = new Map<number, number>();
  private n = 0;
  private last: PendingTime | null = null;
  private lastRun = 0;

  get length(): number {
    return this.n;
  }

  push(p: PendingTime): void {
    const i = this.n++;
    const j = i & (CHUNK - 1);
    if (j === 0) this.d.push(new Int32Array(CHUNK));
    const d = this.d[i >>> 16]!;
    // The clock answers lines repeating the previous time with the very same object.
    if (p === this.last && i > 0) {
      const prev = i - 1;
      d[j] = this.d[prev >>> 16]![prev & (CHUNK - 1)]!;
      const bits = this.runBits[this.runs - 1]!;
      if (bits & F_NOTE) this.notes.set(i, this.notes.get(prev)!);
      if (bits & F_BOOTSECS) this.bootSecs.set(i, this.bootSecs.get(prev)!);
      return;
    }
    this.last = p;
    let bits: number;
    let v = 0;
    switch (p.k) {
      case 'none':
        bits = K_NONE;
        break;
      case 'epoch':
        bits = K_EPOCH;
        v = p.utc;
        break;
      case 'boot':
        bits = K_BOOT | (Math.min(p.boot, INDEX_MAX) << INDEX_SHIFT);
        v = p.secs;
        break;
      case 'wall':
        bits = K_WALL | (Math.min(p.epoch, INDEX_MAX) << INDEX_SHIFT);
        if (p.year !== undefined) bits |= F_YEAR;
        if (p.offsetMin !== undefined) bits |= F_OFFSET | ((p.offsetMin + OFFSET_BIAS) << OFFSET_SHIFT);
        if (p.note !== undefined) {
          bits |= F_NOTE;
          this.notes.set(i, p.note);
        }
        if (p.bootSecs !== undefined) {
          bits |= F_BOOTSECS;
          this.bootSecs.set(i, p.bootSecs);
        }
        v = p.wall;
    }
    const r = this.runs - 1;
    if (r >= 0 && this.runBits[r] === bits) {
      const scale = scaleOf(bits);
      const delta = Math.round((v - this.runBase[r]!) * scale);
      if (Math.abs(delta) <= INT32_MAX && this.runBase[r]! + delta / scale === v) {
        d[j] = delta;
        return;
      }
    }
    this.newRun(i, bits, v);
    d[j] = 0;
  }

  private newRun(start: number, bits: number, base: number): void {
    if (this.runs === this.runStart.length) {
      const grow = <T extends Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.runStart = grow(this.runStart, (n) => new Int32Array(n));
      this.runBits = grow(this.runBits, (n) => new Int32Array(n));
      this.runBase = grow(this.runBase, (n) => new Float64Array(n));
    }
    this.runStart[this.runs] = start;
    this.runBits[this.runs] = bits;
    this.runBase[this.runs] = base;
    this.runs++;
  }

  /** The run holding line i: sequential reads walk forward from the last one. */
  private runOf(i: number): number {
    let r = this.lastRun;
    if (r < this.runs && this.runStart[r]! <= i && (r + 1 === this.runs || this.runStart[r + 1]! > i))
      return r;
    let lo = 0;
    let hi = this.runs - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.runStart[mid]! <= i) lo = mid;
      else hi = mid - 1;
    }
    r = lo;
    this.lastRun = r;
    return r;
  }

  get(i: number): PendingTime {
    const r = this.runOf(i);
    const bits = this.runBits[r]!;
    const v = this.runBase[r]! + this.d[i >>> 16]![i & (CHUNK - 1)]! / scaleOf(bits);
    switch (bits & 3) {
      case K_NONE:
        return { k: 'none' };
      case K_EPOCH:
        return { k: 'epoch', utc: v };
      case K_BOOT:
        return { k: 'boot', boot: bits >>> INDEX_SHIFT, secs: v };
      default: {
        const p: Extract<PendingTime, { k: 'wall' }> = { k: 'wall', wall: v, epoch: bits >>> INDEX_SHIFT };
        // The clock only asks whether a year was printed; the wall already sits in that year.
        if (bits & F_YEAR) p.year = new Date(v).getUTCFullYear();
        if (bits & F_OFFSET) p.offsetMin = ((bits >>> OFFSET_SHIFT) & 0xfff) - OFFSET_BIAS;
        if (bits & F_NOTE) p.note = this.notes.get(i);
        if (bits & F_BOOTSECS) p.bootSecs = this.bootSecs.get(i);
        return p;
      }
    }
  }
}
