/**
 * The CPU side of reading one text source, with no store: bytes → TextSourceReader (split,
 * decode, sniff, header parse) → the source's clock (SourceTimes) → level → rows, handed to
 * a sink in batches. The ingest runs it in its own thread for small sources and in the parse
 * worker (parse-worker.ts) for large ones, where the engine thread only inserts the rows;
 * both give the sink the same rows in the same batches.
 */
import type { ParsedLine } from '../formats/registry';
import { inferLevel, printedLevel } from '../query/severity';
import { type Anchor, type PendingTime, type ZoneSpec, isoInMessage } from './clock';
import type { EncodingVerdict } from './decode';
import type { TextCodec } from '../store/text-blocks';
import { TextSourceReader } from './source-reader';
import { type ResolvedTime, SourceTimes } from './source-times';

const NO_HEADER = {};
const ISO_SAMPLE = 256;
const ISO_STRIDE = 1024;
const ISO_SEARCH_ALL = 50_000;

/** Where the rows of one source go. Batches are begun, filled and committed in order. */
export interface RowSink {
  begin(): void;
  row(
    byteOffset: number,
    time: ResolvedTime,
    text: string,
    host: string | null,
    program: string | null,
    pid: number | null,
    severity: number | null,
    /** The level, or LEVEL_LATER (with `inferLevelsLater`): the sink infers it from `message`. */
    level: number | null,
    /** What the level is inferred from: the parsed message, else the text. */
    message: string,
  ): void;
  /** Ends the batch of `count` rows (its transaction). */
  commit(count: number): void;
}

export interface RowBuilderOptions {
  encoding: NonNullable<EncodingVerdict['encoding']>;
  fileName: string;
  zone: ZoneSpec | undefined;
  anchors: Anchor[];
  batchLines: number;
  /** Where the clock may spill its per-line pending times (none: kept in memory). */
  spillDir?: string;
  /** The parse worker also compresses each batch's texts into blocks with this codec (store/text-blocks.ts). */
  textBlocks?: TextCodec;
  /** The parse worker also computes the source's sha256 (else the engine thread does). */
  workerHashes?: boolean;
  /**
   * Levels the lines do not print are left to the sink (LEVEL_LATER): the parse worker has the
   * engine thread infer them, when that thread has time to spare (see parse-worker.ts).
   */
  inferLevelsLater?: boolean;
}

/** RowSink.row's level when the sink is to infer it from the message (inferLevelsLater). */
export const LEVEL_LATER = -1;

interface Early {
  p: PendingTime;
  byteOffset: number;
  text: string;
  parsed: ParsedLine | null;
}

export class RowBuilder {
  readonly reader: TextSourceReader;
  readonly times: SourceTimes;
  /** Rows pushed so far. */
  lineNo = 0;
  private inBatch = 0;
  private committed = 0;
  // The first batch is held until it is full (or the source ends): its provisional times then
  // rest on what its own lines taught the clock, so a small file is written once, right.
  // Later rows go to the sink as they come (nothing held, so nothing for the GC to promote).
  private early: Early[] | null = [];
  // One object reused for every row: the clock reads it during push and keeps none of it.
  private readonly how: { continuation?: boolean; damaged?: string; repair?: string; message?: string } = {};
  // The clock keeps every ISO-in-message anchor it is shown and re-reads them all on each
  // finish(); a containerd-heavy log has hundreds of thousands. A sample decides the zone as
  // well (votes) and the year as well (any anchor plus the rollovers counted after it), so
  // every line is searched only until ISO_SAMPLE anchors are found or ISO_SEARCH_ALL lines
  // are seen; after that one line in ISO_STRIDE is, which keeps the search off the hot path.
  private isoLines = 0;
  private searched = 0;
  private readonly batchLines: number;
  private readonly inferLater: boolean;

  constructor(
    opts: RowBuilderOptions,
    private readonly sink: RowSink,
  ) {
    this.batchLines = opts.batchLines;
    this.inferLater = opts.inferLevelsLater === true;
    this.times = new SourceTimes({ zone: opts.zone }, opts.anchors, opts.spillDir);
    this.reader = new TextSourceReader(opts.encoding, opts.fileName, {
      row: (byteOffset, text, parsed, continuation) => this.row(byteOffset, text, parsed, continuation),
    });
  }

  push(chunk: Buffer): void {
    this.reader.push(chunk);
  }

  /** Ends the source: the rows still held or open are given to the sink and committed. */
  end(): void {
    this.reader.end();
    if (this.early !== null) this.flushEarly();
    this.commitBatch();
  }

  private isoSample(message: string): string | undefined {
    this.searched++;
    if ((this.isoLines >= ISO_SAMPLE || this.searched > ISO_SEARCH_ALL) && this.searched % ISO_STRIDE !== 0)
      return undefined;
    if (isoInMessage(message) === null) return undefined;
    this.isoLines++;
    return message;
  }

  private row(byteOffset: number, text: string, parsed: ParsedLine | null, continuation: boolean): void {
    this.lineNo++;
    let p: PendingTime;
    if (parsed) {
      const how = this.how;
      how.continuation = continuation || parsed.continuation === true;
      how.damaged = parsed.damaged;
      how.repair = parsed.repair;
      how.message = this.isoSample(parsed.message);
      p = this.times.push(parsed.ts, how);
    } else p = this.times.push(undefined, NO_HEADER);
    if (this.early !== null) {
      this.early.push({ p, byteOffset, text, parsed });
      if (this.early.length >= this.batchLines) this.flushEarly();
      return;
    }
    if (this.inBatch === 0) {
      this.sink.begin();
      this.times.startBatch(this.lineNo - 1);
    }
    this.insert(p, byteOffset, text, parsed);
    if (this.inBatch >= this.batchLines) this.commitBatch();
  }

  private insert(p: PendingTime, byteOffset: number, text: string, parsed: ParsedLine | null): void {
    const t = this.times.resolveOne(p);
    this.inBatch++;
    const severity = parsed?.severity ?? null;
    const message = parsed?.message ?? text;
    this.sink.row(
      byteOffset,
      t,
      text,
      parsed?.host ?? null,
      parsed?.program ?? null,
      parsed?.pid ?? null,
      severity,
      // A printed severity is the level (levelOf); only the inference may be left to the sink.
      printedLevel(severity) ?? (this.inferLater ? LEVEL_LATER : inferLevel(message)),
      message,
    );
  }

  private flushEarly(): void {
    const rows = this.early!;
    this.early = null;
    if (rows.length === 0) return;
    this.sink.begin();
    this.times.startBatch(0);
    for (const r of rows) this.insert(r.p, r.byteOffset, r.text, r.parsed);
    this.commitBatch();
  }

  private commitBatch(): void {
    if (this.inBatch === 0) return;
    const n = this.inBatch;
    this.committed += n;
    this.inBatch = 0;
    this.sink.commit(n);
  }

  /** Rows handed to the sink so far (its line numbers run 1…). */
  get rowsOut(): number {
    return this.committed + this.inBatch;
  }
}
