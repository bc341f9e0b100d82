/**
 * Streaming line splitter over Buffer chunks. Pure: bytes in, callbacks out, no I/O.
 *
 * Every input byte belongs to exactly one emitted item (a line with its terminator, or a
 * NUL-run marker), in order, so `[offset, offset + length + termLen)` of every item tiles
 * the input: the raw bytes behind any line can be re-read by offset.
 *
 * The hot path finds terminators with Buffer.indexOf (memchr in C++); CR and NUL are
 * looked up once per chunk and then only when the scan passes their position, so a
 * chunk of plain LF text costs one indexOf per line.
 */

/** How a line ended. `split` = cut at maxLineBytes; the next line continues it. */
export const enum Term {
  None = 0,
  LF = 1,
  CRLF = 2,
  CR = 3,
  Split = 4,
  /** Ended by a NUL run (the marker follows). */
  Nul = 5,
}

export const TERM_LEN: readonly number[] = [0, 1, 2, 1, 0, 0];

export interface LineSink {
  /**
   * One line: its bytes are `buf[start, end)`; `offset` is the absolute byte offset of
   * `buf[start]` in the input. `buf` is only valid during the call (copy what you keep).
   */
  line(buf: Buffer, start: number, end: number, offset: number, term: Term): void;
  /** A run of NUL bytes (unclean-shutdown padding, kmsg record separators). */
  nulRun(offset: number, bytes: number): void;
}

export interface SplitterOptions {
  /** Lines longer than this are cut into pieces (Term.Split). Default 1 MiB. */
  maxLineBytes?: number;
}

export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

const LF = 10;
const CR = 13;
const NUL = 0;

export class LineSplitter {
  private readonly max: number;
  /** Bytes of the current unfinished line, kept across chunks. */
  private pending: Buffer[] = [];
  private pendingLen = 0;
  /** Absolute offset of the first pending byte (or of the next byte when none pending). */
  private lineOffset = 0;
  /** The previous chunk ended in CR: an LF at the start of the next chunk makes it CRLF. */
  private crPending = false;
  /** Length of a NUL run still open at the end of the previous chunk. */
  private nulPending = 0;
  private ended = false;

  constructor(
    private readonly sink: LineSink,
    opts: SplitterOptions = {},
  ) {
    this.max = Math.max(1, opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
  }

  /** Splits the next chunk. Its memory may be reused once this returns (nothing keeps a view). */
  push(chunk: Buffer): void {
    if (this.ended) throw new Error('LineSplitter: push after end');
    const n = chunk.length;
    if (n === 0) return;
    let pos = 0;

    if (this.nulPending > 0) {
      while (pos < n && chunk[pos] === NUL) pos++;
      this.nulPending += pos;
      if (pos === n) return;
      this.flushNul();
    }
    if (this.crPending) {
      this.crPending = false;
      if (chunk[0] === LF) {
        this.emitPending(Term.CRLF);
        pos = 1;
      } else {
        this.emitPending(Term.CR);
      }
    }

    // Positions of the next CR / NUL at or after `pos` (n when none): refreshed lazily.
    let nextCR = chunk.indexOf(CR, pos);
    if (nextCR < 0) nextCR = n;
    let nextNul = chunk.indexOf(NUL, pos);
    if (nextNul < 0) nextNul = n;

    while (pos < n) {
      let lf = chunk.indexOf(LF, pos);
      if (lf < 0) lf = n;
      if (nextCR < pos) {
        nextCR = chunk.indexOf(CR, pos);
        if (nextCR < 0) nextCR = n;
      }
      if (nextNul < pos) {
        nextNul = chunk.indexOf(NUL, pos);
        if (nextNul < 0) nextNul = n;
      }
      const stop = Math.min(lf, nextCR, nextNul);

      if (stop === n) {
        this.keep(chunk, pos, n);
        return;
      }
      const b = chunk[stop];
      if (b === LF) {
        this.emit(chunk, pos, stop, Term.LF);
        pos = stop + 1;
      } else if (b === CR) {
        if (stop + 1 < n) {
          if (chunk[stop + 1] === LF) {
            this.emit(chunk, pos, stop, Term.CRLF);
            pos = stop + 2;
          } else {
            this.emit(chunk, pos, stop, Term.CR);
            pos = stop + 1;
          }
        } else {
          // CR at the end of the chunk: wait for the next byte.
          this.keep(chunk, pos, stop);
          this.crPending = true;
          return;
        }
      } else {
        // NUL run: the text before it is a line of its own.
        if (stop > pos || this.pendingLen > 0) this.emit(chunk, pos, stop, Term.Nul);
        let end = stop + 1;
        while (end < n && chunk[end] === NUL) end++;
        this.nulPending = end - stop;
        if (end === n) return;
        this.flushNul();
        pos = end;
      }
    }
  }

  /** Flushes the last line (no final newline) and any open NUL run. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.nulPending > 0) this.flushNul();
    if (this.crPending) {
      this.crPending = false;
      this.emitPending(Term.CR);
    } else if (this.pendingLen > 0) {
      this.emitPending(Term.None);
    }
  }

  /** Absolute offset of the next byte not yet emitted. */
  get consumed(): number {
    return this.lineOffset + this.pendingLen + (this.crPending ? 1 : 0) + this.nulPending;
  }

  private flushNul(): void {
    const bytes = this.nulPending;
    this.nulPending = 0;
    this.sink.nulRun(this.lineOffset, bytes);
    this.lineOffset += bytes;
  }

  /** Keeps chunk[start, end) as part of the unfinished line, cutting it at max bytes. */
  private keep(chunk: Buffer, start: number, end: number): void {
    let s = start;
    while (end - s > 0) {
      const room = this.max - this.pendingLen;
      // Copies, not views: the caller may reuse the chunk's memory once push returns (the
      // parse worker hands its chunk buffers back), and a view would pin the whole chunk.
      if (end - s <= room) {
        this.pending.push(Buffer.from(chunk.subarray(s, end)));
        this.pendingLen += end - s;
        return;
      }
      this.pending.push(Buffer.from(chunk.subarray(s, s + room)));
      this.pendingLen += room;
      s += room;
      this.emitPending(Term.Split);
    }
  }

  private emit(chunk: Buffer, start: number, end: number, term: Term): void {
    if (this.pendingLen === 0) {
      let s = start;
      while (end - s > this.max) {
        this.sink.line(chunk, s, s + this.max, this.lineOffset, Term.Split);
        this.lineOffset += this.max;
        s += this.max;
      }
      this.sink.line(chunk, s, end, this.lineOffset, term);
      this.lineOffset += end - s + TERM_LEN[term]!;
      return;
    }
    this.keep(chunk, start, end);
    this.emitPending(term);
  }

  private emitPending(term: Term): void {
    const buf = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingLen);
    const len = this.pendingLen;
    this.pending = [];
    this.pendingLen = 0;
    this.sink.line(buf, 0, len, this.lineOffset, term);
    this.lineOffset += len + TERM_LEN[term]!;
  }
}

/** One item of `splitAll`: convenient for tests and small sources read whole. */
export type SplitItem =
  | { kind: 'line'; offset: number; bytes: Buffer; term: Term }
  | { kind: 'nul-run'; offset: number; bytes: number };

export function splitAll(chunks: Iterable<Buffer>, opts?: SplitterOptions): SplitItem[] {
  const out: SplitItem[] = [];
  const sp = new LineSplitter(
    {
      line: (buf, start, end, offset, term) =>
        out.push({ kind: 'line', offset, bytes: Buffer.from(buf.subarray(start, end)), term }),
      nulRun: (offset, bytes) => out.push({ kind: 'nul-run', offset, bytes }),
    },
    opts,
  );
  for (const c of chunks) sp.push(c);
  sp.end();
  return out;
}
