/**
 * The minimal ingest: every readable text entry of every input becomes a source, every
 * line a row (source, line number, byte offset, raw text). Sources are written in their
 * own transactions batch by batch, so a kill leaves a case that opens; the re-run drops
 * the interrupted source and skips the complete ones.
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { CaseStore, LineRow } from '../store/case-store';
import { type InputEntry, walkInput } from './inputs';

export interface IngestProgress {
  phase: 'reading' | 'done';
  current: string | null;
  bytesDone: number;
  bytesTotal: number | null;
  linesDone: number;
}

export interface IngestOptions {
  onProgress?: (p: IngestProgress) => void;
  isCancelled?: () => boolean;
  batchLines?: number;
}

export interface IngestOutcome {
  sources: number;
  lines: number;
  bytes: number;
  skipped: number;
  duplicates: number;
  errors: { input: string; path: string; message: string }[];
  cancelled: boolean;
}

export class IngestCancelled extends Error {
  constructor() {
    super('ingest cancelled');
  }
}

const MAX_LINE_BYTES = 1024 * 1024;
const SNIFF_BYTES = 8192;

/** Text or binary, from the first bytes: NUL bytes and control characters mean binary. */
export function looksBinary(head: Buffer): string | null {
  if (head.length === 0) return null;
  let nul = 0;
  let ctrl = 0;
  for (let i = 0; i < head.length; i++) {
    const b = head[i]!;
    if (b === 0) nul++;
    else if (b < 9 || (b > 13 && b < 32 && b !== 27)) ctrl++;
  }
  // NUL padding after an unclean shutdown is text with a hole; a mostly-NUL head is binary.
  if (nul > head.length * 0.3 || (ctrl > 1 && ctrl > head.length * 0.01)) {
    return `binary content (${nul} NUL and ${ctrl} control bytes in the first ${head.length})`;
  }
  return null;
}

/** A first guess at the source kind from its first line; the full recogniser replaces it. */
export function sniffKind(firstLine: string): string {
  if (/^(?:<\d{1,3}>)?[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ \S+?(?:\[\d+\])?: /.test(firstLine)) return 'syslog';
  if (/^\S+\s+(?:system boot|pts\/\d+|tty\d*|:\d)\s/.test(firstLine)) return 'last';
  if (/^\[\s*\d+\.\d+\] /.test(firstLine)) return 'dmesg';
  return 'text';
}

export async function ingestInputs(store: CaseStore, locations: readonly string[], options: IngestOptions = {}): Promise<IngestOutcome> {
  const outcome: IngestOutcome = { sources: 0, lines: 0, bytes: 0, skipped: 0, duplicates: 0, errors: [], cancelled: false };
  const interrupted = store.dropInterrupted();
  // Progress counts bytes read (decompressed); a total is known only for plain files.
  let bytesTotal: number | null = 0;
  for (const loc of locations) {
    try {
      const st = await stat(loc);
      if (st.isFile() && !/\.(gz|tgz|tar)$/i.test(loc)) bytesTotal += st.size;
      else bytesTotal = null;
    } catch {
      /* reported below */
    }
    if (bytesTotal === null) break;
  }
  const progress: IngestProgress = { phase: 'reading', current: null, bytesDone: 0, bytesTotal: bytesTotal || null, linesDone: 0 };
  let lastEmit = 0;
  const emit = (force = false): void => {
    const now = Date.now();
    if (!force && now - lastEmit < 200) return;
    lastEmit = now;
    options.onProgress?.({ ...progress });
  };
  store.setState('indexing');
  // During ingest a power loss may cost the last batches (the re-run reads them again), but a
  // killed process loses nothing committed; fsync per checkpoint made ingest I/O-bound.
  store.db.pragma('synchronous = OFF');
  store.db.pragma('wal_autocheckpoint = 16384');
  if (interrupted > 0) store.log('warning', '', '', `${interrupted} source(s) left incomplete by an interrupted ingest were dropped and read again`);

  try {
    for (const location of locations) {
      const inputName = path.basename(location);
      let st;
      try {
        st = await stat(location);
      } catch (err) {
        const message = `cannot open ${location}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
        outcome.errors.push({ input: inputName, path: '', message });
        store.log('error', inputName, '', message);
        continue;
      }
      const inputId = store.addInput(inputName, path.resolve(location), st.isFile() ? st.size : null, st.mtimeMs);
      let inputFailed = false;
      for await (const item of walkInput(location)) {
        if (options.isCancelled?.()) throw new IngestCancelled();
        if (item.kind === 'problem') {
          const p = item.problem;
          if (p.level === 'error') {
            const message = `${inputName}: ${p.path}: ${p.reason}`;
            outcome.errors.push({ input: inputName, path: p.path, message });
            store.log('error', inputName, p.path, message);
            inputFailed = true;
          } else {
            store.recordSkipped(inputId, p.path, p.size, p.mtimeMs, 'skipped', p.reason);
            store.log('info', inputName, p.path, p.reason);
            outcome.skipped++;
          }
          continue;
        }
        progress.current = `${inputName}/${item.entry.path}`;
        emit();
        const err = await ingestEntry(store, inputId, path.resolve(location), item.entry, outcome, progress, emit, options);
        if (err) {
          const message = `${inputName}: ${item.entry.path}: ${err}`;
          outcome.errors.push({ input: inputName, path: item.entry.path, message });
          store.log('error', inputName, item.entry.path, message);
        }
      }
      store.finishInput(inputId, inputFailed ? 'failed' : 'complete');
    }
    store.setState('complete');
  } catch (err) {
    store.db.pragma('synchronous = NORMAL');
    if (err instanceof IngestCancelled) {
      outcome.cancelled = true;
      store.dropInterrupted();
      store.setState('incomplete');
      store.log('warning', '', '', 'ingest cancelled by the user; run it again to complete the case');
    } else {
      store.setState('incomplete');
      throw err;
    }
  }
  store.db.pragma('synchronous = NORMAL');
  store.db.pragma('wal_autocheckpoint = 1000');
  progress.phase = 'done';
  progress.current = null;
  emit(true);
  return outcome;
}

/** Reads one entry into a source. Returns an error message when the entry was damaged. */
async function ingestEntry(
  store: CaseStore,
  inputId: number,
  location: string,
  entry: InputEntry,
  outcome: IngestOutcome,
  progress: IngestProgress,
  emit: () => void,
  options: IngestOptions,
): Promise<string | null> {
  if (store.findCompleteSource(location, entry.path, entry.size) !== null) {
    entry.stream.resume();
    await new Promise<void>((resolve) => {
      entry.stream.once('end', resolve);
      entry.stream.once('error', () => resolve());
      entry.stream.once('close', resolve);
    });
    return null;
  }
  const batchLines = options.batchLines ?? 10_000;
  const hash = createHash('sha256');
  let sourceId: number | null = null;
  let kind = 'text';
  let nextLineId = 0;
  let lineNo = 0;
  let fileOffset = 0;
  let carry: Buffer | null = null;
  let carryOffset = 0;
  let batch: LineRow[] = [];
  let head: Buffer | null = Buffer.alloc(0);
  let error: string | null = null;

  const flush = (): void => {
    if (batch.length === 0 || sourceId === null) return;
    nextLineId = store.appendLines(nextLineId, batch);
    outcome.lines += batch.length;
    progress.linesDone += batch.length;
    batch = [];
  };
  const pushLine = (buf: Buffer, start: number, end: number, offset: number): void => {
    let e = end;
    if (e > start && buf[e - 1] === 13) e--; // CRLF
    lineNo++;
    if (sourceId === null) return;
    batch.push({ sourceId, lineNo, byteOffset: offset, ts: null, tsQuality: 'none', text: buf.toString('utf8', start, e) });
    if (batch.length >= batchLines) flush();
  };
  const startSource = (sniff: Buffer): string | null => {
    const binary = looksBinary(sniff);
    if (binary) return binary;
    const nl = sniff.indexOf(10);
    kind = sniffKind(sniff.toString('utf8', 0, nl === -1 ? sniff.length : nl));
    sourceId = store.beginSource(inputId, entry.path, entry.size, entry.mtimeMs, kind);
    nextLineId = store.nextLineId();
    return null;
  };

  let skippedReason: string | null = null;
  try {
    for await (const chunk of entry.stream as AsyncIterable<Buffer>) {
      if (options.isCancelled?.()) throw new IngestCancelled();
      hash.update(chunk);
      progress.bytesDone += chunk.length;
      if (head !== null) {
        // Hold the first bytes back until there are enough to tell text from binary.
        head = Buffer.concat([head, chunk]);
        if (head.length < SNIFF_BYTES) continue;
        skippedReason = startSource(head.subarray(0, SNIFF_BYTES));
        if (skippedReason) break;
        const h = head;
        head = null;
        ({ carry, carryOffset, fileOffset } = splitChunk(h, carry, carryOffset, fileOffset, pushLine));
      } else {
        ({ carry, carryOffset, fileOffset } = splitChunk(chunk, carry, carryOffset, fileOffset, pushLine));
      }
      emit();
    }
    if (!skippedReason && head !== null) {
      skippedReason = startSource(head);
      if (!skippedReason) {
        const h = head;
        head = null;
        ({ carry, carryOffset, fileOffset } = splitChunk(h, carry, carryOffset, fileOffset, pushLine));
      }
    }
  } catch (err) {
    if (err instanceof IngestCancelled) throw err;
    error = `read failed after ${fileOffset + (carry?.length ?? 0)} bytes: ${(err as Error).message}; the lines before that are indexed`;
  }
  if (skippedReason) {
    entry.stream.destroy();
    store.recordSkipped(inputId, entry.path, entry.size, entry.mtimeMs, 'binary', skippedReason);
    store.log('info', '', entry.path, skippedReason);
    outcome.skipped++;
    return null;
  }
  if (carry && carry.length > 0) pushLine(carry, 0, carry.length, carryOffset);
  flush();
  if (sourceId === null) return error;
  const sha256 = error ? null : hash.digest('hex');
  if (sha256) {
    const existing = store.findSourceBySha(sha256, sourceId);
    if (existing !== null) {
      // Identical content reached twice (a symlink, a copy): indexed once, every path recorded.
      outcome.lines -= lineNo;
      progress.linesDone -= lineNo;
      store.dropSource(sourceId);
      store.addSourcePath(existing, inputId, entry.path);
      outcome.duplicates++;
      return null;
    }
  }
  store.finishSource(sourceId, { sha256, encoding: 'utf-8', kind, status: error ? 'failed' : 'complete', error });
  outcome.sources++;
  outcome.bytes += fileOffset;
  return error;
}

/** Splits a chunk at LF; a line longer than 1 MiB is cut into 1 MiB pieces. */
function splitChunk(
  chunk: Buffer,
  carry: Buffer | null,
  carryOffset: number,
  fileOffset: number,
  pushLine: (buf: Buffer, start: number, end: number, offset: number) => void,
): { carry: Buffer | null; carryOffset: number; fileOffset: number } {
  let buf = chunk;
  let base = fileOffset;
  if (carry && carry.length > 0) {
    buf = Buffer.concat([carry, chunk]);
    base = carryOffset;
  }
  let start = 0;
  for (;;) {
    const nl = buf.indexOf(10, start);
    if (nl === -1) break;
    let s = start;
    while (nl - s > MAX_LINE_BYTES) {
      pushLine(buf, s, s + MAX_LINE_BYTES, base + s);
      s += MAX_LINE_BYTES;
    }
    pushLine(buf, s, nl, base + s);
    start = nl + 1;
  }
  let rest: Buffer | null = start < buf.length ? buf.subarray(start) : null;
  let restOffset = base + start;
  while (rest && rest.length > MAX_LINE_BYTES) {
    pushLine(rest, 0, MAX_LINE_BYTES, restOffset);
    rest = rest.subarray(MAX_LINE_BYTES);
    restOffset += MAX_LINE_BYTES;
  }
  return { carry: rest ? Buffer.from(rest) : null, carryOffset: restOffset, fileOffset: base + buf.length };
}
