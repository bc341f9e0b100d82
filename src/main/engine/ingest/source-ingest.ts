/**
 * Reads one input entry into one source: the first 64 KiB decide the encoding (or that it is
 * binary), the text goes through TextSourceReader row by row, every row's printed time goes
 * to the source's clock, and rows are written in batches with provisional times (kill-safe:
 * the source stays `indexing` until its times are final). Binary entries are tried as login
 * records (wtmp/utmp/btmp) before they are skipped with the reason.
 */
import { createHash } from 'node:crypto';
import type { ParsedLine } from '../formats/registry';
import type { CaseStore, LineRow } from '../store/case-store';
import {
  type LoginRecordSource,
  MAX_UTMP_BYTES,
  mayBeLoginRecords,
  readLoginRecords,
} from './binary-records';
import { type Anchor, type PendingTime, type ZoneSpec, isoInMessage, parseZone } from './clock';
import { levelOf } from '../query/severity';
import { detectEncoding, type EncodingVerdict } from './decode';
import { IngestCancelled, type IngestOptions, type IngestOutcome, type IngestProgress } from './ingest-types';
import type { InputEntry } from './inputs';
import { TextSourceReader } from './source-reader';
import { SourceTimes } from './source-times';

const NO_HEADER = {};
const ISO_SAMPLE = 256;
const ISO_STRIDE = 1024;
const ISO_SEARCH_ALL = 50_000;

/** Bytes sampled for the encoding decision. */
const HEAD_BYTES = 64 * 1024;

export interface EntryContext {
  inputId: number;
  location: string;
  entry: InputEntry;
  outcome: IngestOutcome;
  progress: IngestProgress;
  emit: () => void;
  options: IngestOptions;
}

/** sos command outputs are written at collection time: their mtime says nothing about their lines. */
const SOS_COMMAND_OUTPUT = /(?:^|\/)sos_commands\//;
const TAILED = /(?:^|\/)sos_strings\/.*tailed|\.tailed$/;

/** What bounds the newest line of this entry, known before its first line is read. */
export function entryAnchors(entry: Pick<InputEntry, 'path' | 'mtimeMs' | 'gzip'>): Anchor[] {
  const anchors: Anchor[] = [];
  if (entry.mtimeMs !== null && entry.mtimeMs > 0 && !SOS_COMMAND_OUTPUT.test(entry.path)) {
    anchors.push({
      role: 'not-after',
      utcMs: entry.mtimeMs,
      description: `the file's modification time ${new Date(entry.mtimeMs).toISOString()}`,
    });
  }
  const gz = entry.gzip?.mtimeMs;
  if (gz !== null && gz !== undefined) {
    anchors.push({
      role: 'not-after',
      utcMs: gz,
      description: `the gzip header's MTIME ${new Date(gz).toISOString()}`,
    });
  }
  return anchors;
}

/** The case's zone setting; unset = UTC assumed (said so in every affected line's quality). */
export function caseZone(store: CaseStore): ZoneSpec | undefined {
  const z = store.meta('zone');
  if (z === undefined || z === '') return undefined;
  try {
    return parseZone(z, `case setting ${z}`, true);
  } catch {
    return undefined;
  }
}

async function drain(entry: InputEntry): Promise<void> {
  entry.stream.resume();
  await new Promise<void>((resolve) => {
    entry.stream.once('end', resolve);
    entry.stream.once('error', () => resolve());
    entry.stream.once('close', resolve);
  });
}

/** Reads one entry into a source. Returns an error message when the entry was damaged. */
export async function ingestEntry(store: CaseStore, ctx: EntryContext): Promise<string | null> {
  const { entry, progress, options } = ctx;
  if (store.findCompleteSource(ctx.location, entry.path, entry.size) !== null) {
    await drain(entry);
    return null;
  }
  const hash = createHash('sha256');
  const chunks = entry.stream as AsyncIterable<Buffer>;
  const iterator = chunks[Symbol.asyncIterator]();
  let bytesRead = 0;
  let readError: string | null = null;
  const next = async (): Promise<Buffer | null> => {
    if (readError !== null) return null;
    try {
      const r = await iterator.next();
      if (r.done) return null;
      const chunk = r.value;
      if (options.isCancelled?.()) throw new IngestCancelled();
      hash.update(chunk);
      bytesRead += chunk.length;
      progress.bytesDone += chunk.length;
      return chunk;
    } catch (err) {
      if (err instanceof IngestCancelled) throw err;
      readError = `read failed after ${bytesRead} bytes: ${(err as Error).message}; the lines before that are indexed`;
      return null;
    }
  };

  // The head: enough bytes to tell the encoding, or the whole entry.
  const headChunks: Buffer[] = [];
  let headLen = 0;
  let ended = false;
  while (headLen < HEAD_BYTES) {
    const c = await next();
    if (c === null) {
      ended = true;
      break;
    }
    headChunks.push(c);
    headLen += c.length;
  }
  const head = Buffer.concat(headChunks, headLen);
  const verdict = detectEncoding(head.subarray(0, HEAD_BYTES), ended && headLen <= HEAD_BYTES);

  if (verdict.encoding === null) {
    const reason = verdict.binary?.reason ?? verdict.reason;
    if (readError === null && mayBeLoginRecords(entry.path, entry.size)) {
      const parts: Buffer[] = [head];
      let total = headLen;
      while (!ended && total <= MAX_UTMP_BYTES) {
        const c = await next();
        if (c === null) break;
        parts.push(c);
        total += c.length;
      }
      if (total <= MAX_UTMP_BYTES && readError === null) {
        const records = readLoginRecords(Buffer.concat(parts, total), entry.path);
        if (records.ok) return writeLoginRecords(store, ctx, records, hash.digest('hex'), total);
        return skip(
          store,
          ctx,
          `binary content, not text (${reason}); not login records either: ${records.reason}`,
        );
      }
    }
    entry.stream.destroy();
    return readError ?? skip(store, ctx, `binary content, not text: ${reason}`);
  }
  return readText(store, ctx, verdict, head, ended, next, hash, () => readError);
}

function skip(store: CaseStore, ctx: EntryContext, reason: string): null {
  const { entry } = ctx;
  store.recordSkipped(ctx.inputId, entry.path, entry.size, entry.mtimeMs, 'binary', reason);
  store.log('info', '', entry.path, reason);
  ctx.outcome.skipped++;
  return null;
}

/** Identical content reached twice (a symlink, a copy): indexed once, every path recorded. */
function dropIfDuplicate(
  store: CaseStore,
  ctx: EntryContext,
  sourceId: number,
  sha256: string,
  lines: number,
): boolean {
  const existing = store.findSourceBySha(sha256, sourceId);
  if (existing === null) return false;
  ctx.outcome.lines -= lines;
  ctx.progress.linesDone -= lines;
  store.dropSource(sourceId);
  store.addSourcePath(existing, ctx.inputId, ctx.entry.path);
  ctx.outcome.duplicates++;
  return true;
}

function writeLoginRecords(
  store: CaseStore,
  ctx: EntryContext,
  rec: Extract<LoginRecordSource, { ok: true }>,
  sha256: string,
  bytes: number,
): string | null {
  const { entry } = ctx;
  const sourceId = store.beginSource(ctx.inputId, entry.path, entry.size, entry.mtimeMs, rec.kind);
  const rows: LineRow[] = rec.rows.map((r, i) => ({
    sourceId,
    lineNo: i + 1,
    byteOffset: r.byteOffset,
    ts: r.ts,
    tsQuality: r.ts === null ? 'none' : 'exact',
    text: r.text,
    pid: r.pid,
  }));
  if (rows.length > 0) store.appendLines(store.nextLineId(), rows);
  ctx.outcome.lines += rows.length;
  ctx.progress.linesDone += rows.length;
  if (dropIfDuplicate(store, ctx, sourceId, sha256, rows.length)) return null;
  store.finishSource(sourceId, {
    sha256,
    encoding: null,
    kind: rec.kind,
    status: 'complete',
    error: rec.error,
    format: rec.kind,
    formatReason: rec.formatReason,
    quirks: rec.quirks,
    timeAnchor: 'exact UTC times recorded in each binary record (ut_tv)',
    zone: null,
  });
  ctx.outcome.sources++;
  ctx.outcome.bytes += bytes;
  return null;
}

async function readText(
  store: CaseStore,
  ctx: EntryContext,
  verdict: EncodingVerdict,
  head: Buffer,
  ended: boolean,
  next: () => Promise<Buffer | null>,
  hash: ReturnType<typeof createHash>,
  readError: () => string | null,
): Promise<string | null> {
  const { entry, outcome, progress, options } = ctx;
  const batchLines = options.batchLines ?? 10_000;
  const encoding = verdict.encoding!;
  const sourceId = store.beginSource(ctx.inputId, entry.path, entry.size, entry.mtimeMs, 'text');
  const times = new SourceTimes({ zone: caseZone(store) }, entryAnchors(entry));
  let nextLineId = store.nextLineId();
  const firstLineId = nextLineId;
  let lineNo = 0;
  let inBatch = 0;

  const commit = (): void => {
    if (inBatch === 0) return;
    store.commitLines(sourceId, inBatch);
    outcome.lines += inBatch;
    progress.linesDone += inBatch;
    inBatch = 0;
  };
  // One object reused for every row: the clock reads it during push and keeps none of it.
  const how: { continuation?: boolean; damaged?: string; repair?: string; message?: string } = {};
  // The clock keeps every ISO-in-message anchor it is shown and re-reads them all on each
  // finish(); a containerd-heavy log has hundreds of thousands. A sample decides the zone as
  // well (votes) and the year as well (any anchor plus the rollovers counted after it), so
  // every line is searched only until ISO_SAMPLE anchors are found or ISO_SEARCH_ALL lines
  // are seen; after that one line in ISO_STRIDE is, which keeps the search off the hot path.
  let isoLines = 0;
  let searched = 0;
  const isoSample = (message: string): string | undefined => {
    searched++;
    if ((isoLines >= ISO_SAMPLE || searched > ISO_SEARCH_ALL) && searched % ISO_STRIDE !== 0)
      return undefined;
    if (isoInMessage(message) === null) return undefined;
    isoLines++;
    return message;
  };
  const insert = (p: PendingTime, byteOffset: number, text: string, parsed: ParsedLine | null): void => {
    const t = times.resolveOne(p);
    store.insertLineRow(
      nextLineId++,
      sourceId,
      ++inBatch + committed,
      byteOffset,
      t.ts,
      t.quality,
      text,
      parsed?.host ?? null,
      parsed?.program ?? null,
      parsed?.pid ?? null,
      parsed?.severity ?? null,
      t.zoned,
      levelOf(parsed?.severity, parsed?.message ?? text),
    );
  };
  // The first batch is held until it is full (or the source ends): its provisional times then
  // rest on what its own lines taught the clock, so a small file is written once, right.
  // Later rows go to SQLite as they come (nothing held, so nothing for the GC to promote).
  let early: Array<{ p: PendingTime; byteOffset: number; text: string; parsed: ParsedLine | null }> | null =
    [];
  let committed = 0;
  const flushEarly = (): void => {
    const rows = early!;
    early = null;
    if (rows.length === 0) return;
    store.beginLines();
    times.startBatch(0);
    for (const r of rows) insert(r.p, r.byteOffset, r.text, r.parsed);
    commitBatch();
  };
  const commitBatch = (): void => {
    if (inBatch === 0) return;
    committed += inBatch;
    commit();
  };
  const reader = new TextSourceReader(encoding, entry.path, {
    row: (byteOffset: number, text: string, parsed: ParsedLine | null, continuation: boolean) => {
      lineNo++;
      let p: PendingTime;
      if (parsed) {
        how.continuation = continuation || parsed.continuation === true;
        how.damaged = parsed.damaged;
        how.repair = parsed.repair;
        how.message = isoSample(parsed.message);
        p = times.push(parsed.ts, how);
      } else p = times.push(undefined, NO_HEADER);
      if (early !== null) {
        early.push({ p, byteOffset, text, parsed });
        if (early.length >= batchLines) flushEarly();
        return;
      }
      if (inBatch === 0) {
        store.beginLines();
        times.startBatch(lineNo - 1);
      }
      insert(p, byteOffset, text, parsed);
      if (inBatch >= batchLines) commitBatch();
    },
  });

  try {
    reader.push(head);
    if (!ended) {
      for (;;) {
        const c = await next();
        if (c === null) break;
        reader.push(c);
        ctx.emit();
      }
    }
    reader.end();
    if (early !== null) flushEarly();
    commitBatch();
  } finally {
    store.rollbackLines();
  }

  const { resolution, stale } = times.finish();
  if (stale.length > 0) store.rewriteTimes(firstLineId, times.finalTimes(stale));
  const error = readError();
  const sha256 = error ? null : hash.digest('hex');
  if (sha256 && dropIfDuplicate(store, ctx, sourceId, sha256, lineNo)) return null;
  const sniffed = reader.sniffResult;
  const quirks = [...(verdict.quirks ?? []), ...reader.quirks()];
  if (encoding !== 'utf-8' || (verdict.invalidUtf8 ?? 0) > 0) quirks.unshift(`encoding: ${verdict.reason}`);
  if (TAILED.test(entry.path))
    quirks.unshift('tailed: sos kept only the newest part of this log (the start is missing)');
  const kind = sniffed.format === 'plain' ? 'text' : sniffed.format;
  store.finishSource(sourceId, {
    sha256,
    encoding,
    kind,
    status: error ? 'failed' : 'complete',
    error,
    format: sniffed.format,
    formatReason: sniffed.reason,
    quirks,
    timeAnchor: times.anchorText(resolution),
    zone: times.usesZone ? JSON.stringify(resolution.zone) : null,
  });
  outcome.sources++;
  outcome.bytes += reader.bytes;
  return error;
}
