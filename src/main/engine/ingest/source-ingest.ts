/**
 * Reads one input entry into one source: the first 64 KiB decide the encoding (or that it is
 * binary), the text goes through RowBuilder (TextSourceReader row by row, every row's printed
 * time to the source's clock), in this thread or, for a large source, in the parse worker,
 * and rows are written in batches with provisional times (kill-safe: the source stays
 * `indexing` until its times are final). Binary entries are tried as login
 * records (wtmp/utmp/btmp) before they are skipped with the reason.
 */
import { createHash } from 'node:crypto';
import type { CaseStore, LineRow, TimeRewrite } from '../store/case-store';
import { TIME_QUALITY_CODES } from '../store/schema';
import {
  type LoginRecordSource,
  MAX_UTMP_BYTES,
  mayBeLoginRecords,
  readLoginRecords,
} from './binary-records';
import { type Anchor, type ZoneSpec, parseZone } from './clock';
import { detectEncoding, type EncodingVerdict } from './decode';
import { IngestCancelled, type IngestOptions, type IngestOutcome, type IngestProgress } from './ingest-types';
import type { InputEntry } from './inputs';
import {
  type FastBuffer,
  finishRows,
  laterLevel,
  type ParsedSource,
  type ParseWorker,
  ROW_NUMS,
  textBlocksOf,
} from './parse-worker';
import { RowBuilder, type RowBuilderOptions } from './row-builder';

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
  /** The parse worker for large text sources (null: every source is parsed in this thread). */
  parser?: ParseWorker | null;
  /** The ingest's temporary folder (removed after it): a long source's clock spills its pending times there. */
  tempDir?: string;
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
  // Off once the parse worker hashes the source (it is sent every byte).
  let hashHere = true;
  const next = async (): Promise<Buffer | null> => {
    if (readError !== null) return null;
    try {
      const r = await iterator.next();
      if (r.done) return null;
      const chunk = r.value;
      if (options.isCancelled?.()) throw new IngestCancelled();
      if (hashHere) hash.update(chunk);
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
  return readText(
    store,
    ctx,
    verdict,
    head,
    ended,
    next,
    hash,
    () => readError,
    () => (hashHere = false),
  );
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
  stopHashing: () => void,
): Promise<string | null> {
  const { entry, outcome, progress, options } = ctx;
  const encoding = verdict.encoding!;
  const sourceId = store.beginSource(ctx.inputId, entry.path, entry.size, entry.mtimeMs, 'text');
  const toEngine = balanceToEngine(store);
  const opts: RowBuilderOptions = {
    encoding,
    fileName: entry.path,
    zone: caseZone(store),
    anchors: entryAnchors(entry),
    batchLines: options.batchLines ?? 10_000,
    spillDir: ctx.tempDir,
    // Packed headers leave the engine thread little to do per line: it compresses the texts and
    // hashes the bytes, and the parse worker (the busier thread) only parses.
    textBlocks: store.textInBlocks && !toEngine ? store.texts.codec : undefined,
    workerHashes: !toEngine,
  };
  let nextLineId = store.nextLineId();
  const firstLineId = nextLineId;
  let rowNo = 0;
  const committed = (n: number): void => {
    store.commitLines(sourceId, n);
    outcome.lines += n;
    progress.linesDone += n;
  };
  const rewrite = (quads: Float64Array): void => {
    store.rewriteTimes(firstLineId, rewritesOf(quads));
  };
  const nextAndEmit = async (): Promise<Buffer | null> => {
    const c = await next();
    if (c !== null) ctx.emit();
    return c;
  };

  let parsed: ParsedSource;
  try {
    const parser = ctx.parser;
    if (parser && useWorkerFor(entry, options)) {
      if (opts.workerHashes !== false) stopHashing();
      // The severity regex too: the engine thread infers the levels the lines do not print.
      parsed = await parser.run({ ...opts, inferLevelsLater: toEngine }, head, ended, nextAndEmit, {
        batch: (b) => {
          store.beginLines();
          const { nums, textEnds, hostIdx, hosts, progIdx, progs } = b;
          const bytes = Buffer.from(
            b.textBytes.buffer,
            b.textBytes.byteOffset,
            b.textBytes.byteLength,
          ) as unknown as FastBuffer;
          const odd = b.oddTexts.length > 0 ? new Map(b.oddTexts) : null;
          // Texts sent raw (balanceToEngine): compressed into blocks here.
          const blocks =
            b.blocks ??
            (store.textInBlocks
              ? textBlocksOf(b.textBytes, textEnds, b.n, odd, store.texts.codec)
              : undefined);
          // With blocks, the texts arrive compressed: the rows only carry their block's id.
          let block: number | null = null;
          let k = 0;
          let blockLeft = 0;
          let dataAt = 0;
          let start = 0;
          for (let i = 0; i < b.n; i++) {
            let text: string | null = null;
            if (blocks) {
              if (blockLeft === 0) {
                const size = blocks.sizes[k]!;
                blockLeft = blocks.rows[k++]!;
                block = store.insertTextBlock(
                  nextLineId,
                  blockLeft,
                  blocks.data.subarray(dataAt, dataAt + size),
                );
                dataAt += size;
              }
              blockLeft--;
            }
            const end = textEnds[i]!;
            if (!blocks) text = odd?.get(i) ?? bytes.utf8Slice(start, end);
            const j = i * ROW_NUMS;
            const ts = nums[j + 1]!;
            const pid = nums[j + 4]!;
            const sev = nums[j + 5]!;
            const level = laterLevel(nums[j + 6]!, bytes, start, end);
            start = end;
            const h = hostIdx[i]!;
            const g = progIdx[i]!;
            store.insertLineRow(
              nextLineId++,
              sourceId,
              ++rowNo,
              nums[j]!,
              Number.isNaN(ts) ? null : ts,
              TIME_QUALITY_CODES[nums[j + 2]!] ?? 'none',
              text,
              h < 0 ? null : hosts[h]!,
              g < 0 ? null : progs[g]!,
              Number.isNaN(pid) ? null : pid,
              Number.isNaN(sev) ? null : sev,
              nums[j + 3] === 1,
              level,
              block,
            );
          }
          committed(b.n);
        },
        rewrite,
      });
    } else {
      const builder = new RowBuilder(opts, {
        begin: () => store.beginLines(),
        row: (byteOffset, t, text, host, program, pid, severity, level) =>
          store.insertLineRow(
            nextLineId++,
            sourceId,
            ++rowNo,
            byteOffset,
            t.ts,
            t.quality,
            text,
            host,
            program,
            pid,
            severity,
            t.zoned,
            level,
          ),
        commit: committed,
      });
      builder.push(head);
      if (!ended) {
        for (;;) {
          const c = await nextAndEmit();
          if (c === null) break;
          builder.push(c);
        }
      }
      parsed = finishRows(builder, rewrite);
    }
  } finally {
    store.rollbackLines();
  }

  const lineNo = parsed.rows;
  const error = readError();
  const sha256 = error ? null : (parsed.sha256 ?? hash.digest('hex'));
  if (sha256 && dropIfDuplicate(store, ctx, sourceId, sha256, lineNo)) return null;
  const sniffed = parsed.sniff;
  const quirks = [...(verdict.quirks ?? []), ...parsed.quirks];
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
    timeAnchor: parsed.anchorText,
    zone: parsed.zone,
  });
  outcome.sources++;
  outcome.bytes += parsed.bytes;
  return error;
}

/**
 * Whether the engine thread compresses the parse worker's texts into blocks and hashes the
 * source (else the worker does both). POSTMORTEM_DEFLATE_IN=worker|engine overrides, for
 * measuring both.
 */
function balanceToEngine(store: CaseStore): boolean {
  const where = process.env.POSTMORTEM_DEFLATE_IN;
  if (where === 'worker') return false;
  if (where === 'engine') return true;
  return store.heads.packed;
}

/** Sources at least this large (as stored) are parsed in the parse worker when there is one. */
export const PARSE_WORKER_MIN_BYTES = 4 * 1024 * 1024;

function useWorkerFor(entry: InputEntry, options: IngestOptions): boolean {
  if (options.parseWorker === false) return false;
  if (options.parseWorker === true) return true;
  return entry.size >= PARSE_WORKER_MIN_BYTES;
}

/** [index, ts, quality code, zoned] quads as the store's rewrites. */
function* rewritesOf(quads: Float64Array): Generator<TimeRewrite> {
  for (let k = 0; k + 3 < quads.length; k += 4) {
    const ts = quads[k + 1]!;
    yield {
      index: quads[k]!,
      time: {
        ts: Number.isNaN(ts) ? null : ts,
        quality: TIME_QUALITY_CODES[quads[k + 2]!] ?? 'none',
        zoned: quads[k + 3] === 1,
      },
    };
  }
}
