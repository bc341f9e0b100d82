/**
 * One text source through the text layer, streaming: bytes → LineSplitter → decode → sniff
 * (on the first lines, file name as hint) → the format's header parse → rows. Pure: chunks
 * in, rows out through a callback; the ingest stores them.
 *
 * Row rules (what a row is, so byte offsets and line numbers mean the same everywhere):
 * - one row per physical line, in order; its byte offset is the line's first byte;
 * - a NUL run becomes one marker row at the run's offset (offsets still tile the file),
 *   except the single NUL record separators of kmsg dumps, which are dropped;
 * - a forward-format line holding several records (rsyslog with no newline between them)
 *   becomes one row per record, each at the byte offset where its record starts, so the
 *   records tile the physical line;
 * - a multi-line record (json-pretty, export) keeps one row per physical line; the record's
 *   header is given to its first line and its other lines are continuations of it.
 */
import {
  createRecordReader,
  formatOf,
  sniff,
  type FormatDef,
  type FormatKind,
  type ParsedLine,
  type RecordReader,
  type SniffResult,
} from '../formats/registry';
import { decodeBytes, type TextEncoding } from './decode';
import { LineSplitter, Term } from './lines';

export interface RowSink {
  /** `continuation`: the row belongs to the record of the previous row (its time is that record's). */
  row(byteOffset: number, text: string, parsed: ParsedLine | null, continuation: boolean): void;
}

/** Enough lines for `sniff` (it samples 200). */
const SNIFF_LINES = 200;
/** An open multi-line record longer than this is given up as plain lines. */
const MAX_OPEN_LINES = 50_000;

type Held =
  { nul: false; offset: number; text: string; term: Term } | { nul: true; offset: number; bytes: number };
interface OpenLine {
  offset: number;
  text: string;
  marker: boolean;
}

export function nulMarker(bytes: number): string {
  return `[NUL × ${bytes} bytes: unclean-shutdown padding]`;
}

export class TextSourceReader {
  private readonly splitter: LineSplitter;
  private held: Held[] | null = [];
  private heldLines = 0;
  private def: FormatDef = formatOf('plain');
  private reader: RecordReader | null = null;
  private open: OpenLine[] = [];
  private contNext = false;
  private sniffed: SniffResult | null = null;
  private readonly terms = [0, 0, 0, 0, 0, 0];
  private invalidLines = 0;
  private nulRuns = 0;
  private nulBytes = 0;
  private droppedSeparators = 0;

  constructor(
    private readonly encoding: TextEncoding,
    private readonly fileName: string,
    private readonly sink: RowSink,
  ) {
    this.splitter = new LineSplitter({
      line: (buf, start, end, offset, term) =>
        this.onLine(decodeBytes(buf, start, end, this.encoding), offset, term),
      nulRun: (offset, bytes) => this.onNul(offset, bytes),
    });
  }

  push(chunk: Buffer): void {
    this.splitter.push(chunk);
  }

  end(): void {
    this.splitter.end();
    if (this.held) this.decide();
    this.flushRecord(this.reader?.end());
    this.flushOpen();
  }

  /** Bytes consumed so far (all of them after end()). */
  get bytes(): number {
    return this.splitter.consumed;
  }

  get format(): FormatKind {
    return this.def.kind;
  }

  get sniffResult(): SniffResult {
    return this.sniffed ?? { format: 'plain', confidence: 0, reason: 'no text lines' };
  }

  /** Oddities found while reading, one short phrase each (stored as the source's quirks). */
  quirks(): string[] {
    const q: string[] = [];
    const [, lf, crlf, cr, split] = this.terms as [number, number, number, number, number, number];
    const kinds = [lf > 0 ? `LF ${lf}` : '', crlf > 0 ? `CRLF ${crlf}` : '', cr > 0 ? `CR ${cr}` : ''].filter(
      (s) => s !== '',
    );
    if (kinds.length > 1) q.push(`mixed line endings (${kinds.join(', ')})`);
    else if (crlf > 0) q.push('CRLF line endings');
    else if (cr > 0) q.push('CR line endings');
    if (this.nulRuns > 0)
      q.push(
        `nul-runs: ${this.nulRuns} run(s), ${this.nulBytes} bytes (unclean-shutdown padding, one marker line each)`,
      );
    if (this.droppedSeparators > 0) q.push(`${this.droppedSeparators} NUL record separators dropped`);
    if (this.invalidLines > 0)
      q.push(
        `invalid-utf8: ${this.invalidLines} line(s) with bytes shown as U+FFFD (originals kept by offset)`,
      );
    if (split > 0) q.push(`${split} line piece(s) cut at 1 MiB`);
    if (this.terms[Term.None]! > 0) q.push('no final newline');
    return q;
  }

  private onLine(text: string, offset: number, term: Term): void {
    this.terms[term]!++;
    if (this.encoding === 'utf-8' && text.indexOf('\uFFFD') !== -1) this.invalidLines++;
    if (this.held) {
      this.held.push({ nul: false, offset, text, term });
      if (text.trim() !== '' || this.heldLines > 0) this.heldLines++;
      if (this.heldLines >= SNIFF_LINES) this.decide();
      return;
    }
    this.line(text, offset, term);
  }

  private onNul(offset: number, bytes: number): void {
    if (this.held) {
      this.held.push({ nul: true, offset, bytes });
      return;
    }
    this.nul(offset, bytes);
  }

  /** Sniffs the held lines, then plays them through the chosen format. */
  private decide(): void {
    const held = this.held!;
    this.held = null;
    const sample: string[] = [];
    for (const h of held) if (!h.nul) sample.push(h.text);
    this.sniffed = sniff(sample, this.fileName);
    this.def = formatOf(this.sniffed.format);
    this.reader = this.def.createReader ? createRecordReader(this.def.kind) : null;
    for (const h of held) {
      if (h.nul) this.nul(h.offset, h.bytes);
      else this.line(h.text, h.offset, h.term);
    }
  }

  private nul(offset: number, bytes: number): void {
    if (this.def.nulSeparated && bytes === 1) {
      this.droppedSeparators++;
      return;
    }
    this.nulRuns++;
    this.nulBytes += bytes;
    const text = nulMarker(bytes);
    if (this.open.length > 0) this.open.push({ offset, text, marker: true });
    else this.sink.row(offset, text, null, false);
  }

  private line(text: string, offset: number, term: Term): void {
    // A piece after a 1 MiB cut continues the line before it.
    const cont = this.contNext;
    this.contNext = term === Term.Split;
    if (cont) {
      this.sink.row(offset, text, { message: text, continuation: true }, true);
      return;
    }
    if (this.reader) {
      this.open.push({ offset, text, marker: false });
      const rec = this.reader.push(text);
      if (rec) this.flushRecord(rec);
      else if (this.open.length > MAX_OPEN_LINES) this.flushOpen();
      return;
    }
    const def = this.def;
    if (def.splitRecords) {
      const recs = def.splitRecords(text);
      if (recs.length > 1) {
        this.records(text, offset, recs);
        return;
      }
      const r = recs[0];
      this.sink.row(offset, text, r ? r.parsed : def.parse(text), false);
      return;
    }
    this.sink.row(offset, text, def.parse(text), false);
  }

  private records(
    text: string,
    offset: number,
    recs: ReadonlyArray<{ start: number; parsed: ParsedLine }>,
  ): void {
    for (let k = 0; k < recs.length; k++) {
      const r = recs[k]!;
      const end = recs[k + 1]?.start ?? text.length;
      const before = text.slice(0, r.start);
      // GB18030 byte lengths are not cheap to recount: its records share the line's offset.
      const at =
        this.encoding === 'utf-8'
          ? offset + Buffer.byteLength(before, 'utf8')
          : this.encoding === 'latin1'
            ? offset + before.length
            : offset;
      this.sink.row(at, text.slice(r.start, end), r.parsed, r.parsed.continuation === true);
    }
  }

  /** Emits the open lines the completed record covers, its header on its first line. */
  private flushRecord(rec: { lineCount: number; parsed: ParsedLine | null } | undefined): void {
    if (!rec) return;
    let readerLines = 0;
    let first = this.open.length;
    while (first > 0 && readerLines < rec.lineCount) {
      first--;
      if (!this.open[first]!.marker) readerLines++;
    }
    for (let i = 0; i < first; i++) this.emitOpen(this.open[i]!, null, false);
    let started = false;
    for (let i = first; i < this.open.length; i++) {
      const o = this.open[i]!;
      if (o.marker) this.emitOpen(o, null, false);
      else {
        this.emitOpen(o, rec.parsed, started);
        started = true;
      }
    }
    this.open = [];
  }

  private flushOpen(): void {
    for (const o of this.open) this.emitOpen(o, null, false);
    this.open = [];
  }

  private emitOpen(o: OpenLine, parsed: ParsedLine | null, continuation: boolean): void {
    this.sink.row(o.offset, o.text, parsed, continuation);
  }
}
