/**
 * The clock's per-line PendingTimes of one source, kept compact (about 4 bytes a line) instead
 * of as objects: read back only for the batches whose provisional times turn out wrong when
 * the source ends, so memory, not speed, is what counts here.
 *
 * Layout: runs of consecutive lines sharing one kind/epoch/boot/offset word (`bits`) and one
 * base value; per line, an Int32 offset from the run's base in the kind's unit (ms for wall
 * and epoch times, µs for boot seconds). A value that does not fit (a jump of more than 24
 * days, a non-integral unit) starts a new run, so every value is stored exactly.
 * The boot seconds some wall lines also print (`kernel: [ 12.345678] …` in syslog) are kept
 * aside, sparse (line index, value) in chunks, about 12 bytes per such line: they do not
 * split runs, so a syslog mixing kernel and other lines keeps a few runs, not one per switch.
 *
 * Given a spill folder, full chunks (65 536 lines) are appended to a file there and read back
 * one at a time when asked for, so memory stays flat whatever the source's length (the file
 * costs 4 bytes a line plus 12 per boot-seconds line; `dispose` deletes it, and the ingest
 * removes its folder).
 */
import { appendFileSync, closeSync, mkdirSync, openSync, readSync, rmSync } from 'node:fs';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import type { PendingTime } from './clock';

const CHUNK = 1 << 16;

const K_NONE = 0;
const K_WALL = 1;
const K_EPOCH = 2;
const K_BOOT = 3;
const F_YEAR = 1 << 2;
const F_OFFSET = 1 << 3;
const F_NOTE = 1 << 4;
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

/** Spill files made by this thread (their names must not collide across sources and threads). */
let spills = 0;

/** Chunks appended to one file, read back one at a time (a cache of the last one read). */
class ChunkFile {
  private readonly cache: Uint8Array;
  private cached = -1;
  private chunks = 0;

  constructor(
    private readonly file: string,
    private readonly bytes: number,
  ) {
    this.cache = new Uint8Array(bytes);
  }

  /** Appends chunk number `chunks` (its bytes). */
  append(a: Int32Array | Float64Array): void {
    if (this.chunks === 0) mkdirSync(path.dirname(this.file), { recursive: true });
    appendFileSync(this.file, new Uint8Array(a.buffer, a.byteOffset, this.bytes));
    this.chunks++;
  }

  /** Chunk k's bytes (valid until the next read). */
  read(k: number): Uint8Array {
    if (k !== this.cached) {
      const fd = openSync(this.file, 'r');
      try {
        let at = 0;
        while (at < this.bytes) {
          const n = readSync(fd, this.cache, at, this.bytes - at, k * this.bytes + at);
          if (n === 0)
            throw new Error(`${this.file}: chunk ${k} is cut short (${at} of ${this.bytes} bytes)`);
          at += n;
        }
      } finally {
        closeSync(fd);
      }
      this.cached = k;
    }
    return this.cache;
  }

  dispose(): void {
    if (this.chunks > 0) rmSync(this.file, { force: true });
    this.chunks = 0;
    this.cached = -1;
  }
}

export class PendingTimes {
  /** Per-line values, CHUNK a chunk; null once spilled. */
  private readonly d: Array<Int32Array | null> = [];
  private runStart = new Int32Array(1024);
  private runBits = new Int32Array(1024);
  private runBase = new Float64Array(1024);
  private runs = 0;
  /** Rare per-line extras, by line index. */
  private readonly notes = new Map<number, string>();
  /** Boot seconds of wall lines: line indexes (ascending) and values, CHUNK per array. */
  private readonly bsIdx: Array<Int32Array | null> = [];
  private readonly bsVal: Array<Float64Array | null> = [];
  /** The first line index of each boot-seconds chunk. */
  private readonly bsFirst: number[] = [];
  private bsN = 0;
  private n = 0;
  private last: PendingTime | null = null;
  /** The value stored for the previous line (its chunk may be spilled). */
  private lastD = 0;
  private lastRun = 0;
  private readonly spill: { d: ChunkFile; idx: ChunkFile; val: ChunkFile } | null = null;

  /** `spillDir`: where full chunks go (none: all are kept in memory). */
  constructor(spillDir?: string) {
    if (spillDir === undefined) return;
    const base = path.join(spillDir, `times-${process.pid}-${threadId}-${spills++}`);
    this.spill = {
      d: new ChunkFile(`${base}.d`, CHUNK * 4),
      idx: new ChunkFile(`${base}.bi`, CHUNK * 4),
      val: new ChunkFile(`${base}.bv`, CHUNK * 8),
    };
  }

  /** Deletes the spill files (the times can no longer be read). */
  dispose(): void {
    if (!this.spill) return;
    this.spill.d.dispose();
    this.spill.idx.dispose();
    this.spill.val.dispose();
  }

  get length(): number {
    return this.n;
  }

  /** Runs stored so far (their arrays cost 16 bytes a run). */
  get runCount(): number {
    return this.runs;
  }

  push(p: PendingTime): void {
    const i = this.n++;
    const j = i & (CHUNK - 1);
    if (j === 0) {
      let next: Int32Array | null = null;
      if (i > 0 && this.spill) {
        // The spilled chunk's array is the next chunk's (every entry is written before read).
        const k = (i >>> 16) - 1;
        next = this.d[k]!;
        this.spill.d.append(next);
        this.d[k] = null;
      }
      this.d.push(next ?? new Int32Array(CHUNK));
    }
    const d = this.d[i >>> 16]!;
    // The clock answers lines repeating the previous time with the very same object.
    if (p === this.last && i > 0) {
      const prev = i - 1;
      d[j] = this.lastD;
      const bits = this.runBits[this.runs - 1]!;
      if (bits & F_NOTE) this.notes.set(i, this.notes.get(prev)!);
      if (p.k === 'wall' && p.bootSecs !== undefined) this.pushBootSecs(i, p.bootSecs);
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
        if (p.bootSecs !== undefined) this.pushBootSecs(i, p.bootSecs);
        v = p.wall;
    }
    const r = this.runs - 1;
    if (r >= 0 && this.runBits[r] === bits) {
      const scale = scaleOf(bits);
      const delta = Math.round((v - this.runBase[r]!) * scale);
      if (Math.abs(delta) <= INT32_MAX && this.runBase[r]! + delta / scale === v) {
        d[j] = this.lastD = delta;
        return;
      }
    }
    this.newRun(i, bits, v);
    d[j] = this.lastD = 0;
  }

  private pushBootSecs(i: number, secs: number): void {
    const j = this.bsN & (CHUNK - 1);
    if (j === 0) {
      const k = this.bsIdx.length - 1;
      let idx: Int32Array | null = null;
      let val: Float64Array | null = null;
      if (k >= 0 && this.spill) {
        idx = this.bsIdx[k]!;
        val = this.bsVal[k]!;
        this.spill.idx.append(idx);
        this.spill.val.append(val);
        this.bsIdx[k] = null;
        this.bsVal[k] = null;
      }
      this.bsIdx.push(idx ?? new Int32Array(CHUNK));
      this.bsVal.push(val ?? new Float64Array(CHUNK));
      this.bsFirst.push(i);
    }
    const c = this.bsN >>> 16;
    this.bsIdx[c]![j] = i;
    this.bsVal[c]![j] = secs;
    this.bsN++;
  }

  /** The boot seconds stored for line i, if any. */
  private bootSecsOf(i: number): number | undefined {
    // The last chunk whose first line is at or before i.
    const first = this.bsFirst;
    let lo = 0;
    let hi = first.length - 1;
    if (hi < 0 || first[0]! > i) return undefined;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (first[mid]! <= i) lo = mid;
      else hi = mid - 1;
    }
    const c = lo;
    const idx = this.bsIdx[c] ?? new Int32Array(this.spill!.idx.read(c).buffer);
    let a = 0;
    let b = Math.min(CHUNK, this.bsN - c * CHUNK) - 1;
    while (a <= b) {
      const mid = (a + b) >>> 1;
      const v = idx[mid]!;
      if (v === i) {
        const val = this.bsVal[c] ?? new Float64Array(this.spill!.val.read(c).buffer);
        return val[mid]!;
      }
      if (v < i) a = mid + 1;
      else b = mid - 1;
    }
    return undefined;
  }

  private newRun(start: number, bits: number, base: number): void {
    if (this.runs === this.runStart.length) {
      this.runStart = doubled(this.runStart, (n) => new Int32Array(n));
      this.runBits = doubled(this.runBits, (n) => new Int32Array(n));
      this.runBase = doubled(this.runBase, (n) => new Float64Array(n));
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
    const k = i >>> 16;
    const d = this.d[k] ?? new Int32Array(this.spill!.d.read(k).buffer);
    const v = this.runBase[r]! + d[i & (CHUNK - 1)]! / scaleOf(bits);
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
        const secs = this.bootSecsOf(i);
        if (secs !== undefined) p.bootSecs = secs;
        return p;
      }
    }
  }
}

/** A typed array twice as long holding `a`'s values (for arrays that grow by doubling). */
export function doubled<T extends Int32Array | Float64Array>(a: T, make: (n: number) => T): T {
  const b = make(a.length * 2);
  b.set(a);
  return b;
}
