/**
 * The ingest loop: every input is walked, every readable entry becomes a source (text through
 * the text layer in source-ingest.ts, binary login records through binary-records.ts). Sources
 * are written in their own transactions batch by batch, so a kill leaves a case that opens;
 * the re-run drops the interrupted source and skips the complete ones.
 *
 * Line ids are dense and follow ingest order, sources contiguous: the merged view is ingest
 * order. The time-ordered merge is a separate step over the finished sources (each row has
 * its final ts and quality once its source is complete); it does not belong in this loop.
 */
import { lstat, opendir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { CaseStore } from '../store/case-store';
import { usePageCache } from '../store/database';
import { IngestCancelled, type IngestOptions, type IngestOutcome, type IngestProgress } from './ingest-types';
import { finishInputWalk, type InputWalkRecord } from './input-marks';
import { DiskProgress, type InputEntry, walkInput } from './inputs';
import { CAPTURE_MAX_BYTES, SosTracker } from './sos';
import { chainRotationYears } from './rotation-years';
import { createParseWorker } from './parse-worker';
import { ingestEntry } from './source-ingest';

export { IngestCancelled, type IngestOptions, type IngestOutcome, type IngestProgress } from './ingest-types';

/** Page cache during the bulk load (negative: KiB). */
export const INGEST_CACHE_KIB = -16_384;

export async function ingestInputs(
  store: CaseStore,
  locations: readonly string[],
  options: IngestOptions = {},
): Promise<IngestOutcome> {
  const outcome: IngestOutcome = {
    sources: 0,
    lines: 0,
    bytes: 0,
    skipped: 0,
    duplicates: 0,
    errors: [],
    cancelled: false,
  };
  store.assertWritable('index into it');
  const interrupted = store.dropInterrupted();
  // Progress counts the bytes of the inputs read from disk (compressed bytes for an archive),
  // so the rate and ETA hold for compressed inputs too.
  let bytesTotal = 0;
  for (const loc of locations) bytesTotal += await diskSize(loc);
  const disk = new DiskProgress();
  const tempDir = options.tempDir ?? `${store.file}-tmp`;
  const progress: IngestProgress = {
    phase: 'reading',
    current: null,
    bytesDone: 0,
    bytesTotal: bytesTotal || null,
    linesDone: 0,
  };
  let lastEmit = 0;
  const emit = (force = false): void => {
    const now = Date.now();
    if (!force && now - lastEmit < 200) return;
    lastEmit = now;
    const done = progress.phase === 'done' ? bytesTotal : Math.min(disk.bytes, bytesTotal);
    options.onProgress?.({ ...progress, bytesDone: bytesTotal > 0 ? done : progress.bytesDone });
  };
  store.setState('indexing');
  // Other processes opening the case meanwhile open it read-only (CaseStore.open).
  store.claimIngest();
  // During ingest a power loss may cost the last batches (the re-run reads them again), but a
  // killed process loses nothing committed; fsync per checkpoint made ingest I/O-bound.
  store.db.pragma('synchronous = OFF');
  // Appends touch only the right edge of each b-tree: a small page cache keeps RSS down at no
  // cost in speed (the 64 MiB cache is for the viewer's reads, restored after).
  const restoreCache = usePageCache(store.db, INGEST_CACHE_KIB);
  // Checkpoint every ~64 MiB of WAL whatever the page size (4 KiB in old cases, 16 KiB now).
  const pageSize = store.db.pragma('page_size', { simple: true }) as number;
  store.db.pragma(`wal_autocheckpoint = ${Math.max(1000, Math.round((64 * 2 ** 20) / pageSize))}`);
  if (interrupted > 0)
    store.log(
      'warning',
      '',
      '',
      `${interrupted} source(s) left incomplete by an interrupted ingest were dropped and read again`,
    );

  // Large text sources are parsed in a second thread; this one inserts (both cores work).
  const parser = options.parseWorker === false ? null : createParseWorker();
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
      const inputId = store.addInput(
        inputName,
        path.resolve(location),
        st.isFile() ? st.size : null,
        st.mtimeMs,
      );
      let inputFailed = false;
      const rec: InputWalkRecord = {
        inputId,
        inputName,
        location: path.resolve(location),
        files: new Set(),
        links: [],
        containers: new Map(),
        sos: new SosTracker(inputName),
      };
      for await (const item of walkInput(location, { limits: options.limits, tempDir, disk })) {
        if (options.isCancelled?.()) throw new IngestCancelled();
        if (item.kind === 'note') {
          store.log('info', inputName, item.path, item.message);
          continue;
        }
        if (item.kind === 'link') {
          rec.links.push(item.link);
          rec.sos.see(item.link.path, item.link.mtimeMs);
          continue;
        }
        if (item.kind === 'problem') {
          const p = item.problem;
          rec.sos.see(p.path, p.mtimeMs);
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
        const entry = item.entry;
        rec.files.add(entry.path);
        rec.sos.see(entry.path, entry.mtimeMs);
        if (entry.container) rec.containers.set(entry.path, entry.container);
        if (rec.sos.wants(entry.path, entry.size)) await captureForSos(entry, rec.sos);
        progress.current = `${inputName}/${entry.path}`;
        emit();
        const err = await ingestEntry(store, {
          inputId,
          location: path.resolve(location),
          entry,
          outcome,
          progress,
          emit,
          options,
          parser,
          tempDir,
        });
        if (err) {
          const limit = BOMB_LIMIT.exec(err);
          // A member stopped by an archive limit is skipped whole: its first part is no evidence.
          const reason = limit ? `${limit[1]}; not indexed` : err;
          if (limit) dropStopped(store, outcome, progress, inputId, entry, reason);
          const message = `${inputName}: ${entry.path}: ${reason}`;
          outcome.errors.push({ input: inputName, path: entry.path, message });
          store.log('error', inputName, entry.path, message);
        }
      }
      const links = finishInputWalk(store, rec);
      for (const c of chainRotationYears(store, inputId))
        store.log(
          'info',
          inputName,
          c.path,
          `year re-inferred from its rotation family (it ends before ${c.boundBy} begins): ${c.anchor}`,
        );
      outcome.skipped += links.unresolved;
      store.finishInput(inputId, inputFailed ? 'failed' : 'complete');
    }
    store.setState('complete');
  } catch (err) {
    store.db.pragma('synchronous = NORMAL');
    restoreCache();
    if (err instanceof IngestCancelled) {
      outcome.cancelled = true;
      store.dropInterrupted();
      store.setState('incomplete');
      store.log('warning', '', '', 'ingest cancelled by the user; run it again to complete the case');
    } else {
      store.setState('incomplete');
      store.releaseIngest();
      await rm(tempDir, { recursive: true, force: true });
      throw err;
    }
  } finally {
    parser?.close();
  }
  store.db.pragma('synchronous = NORMAL');
  store.db.pragma('wal_autocheckpoint = 1000');
  restoreCache();
  store.releaseIngest();

  await rm(tempDir, { recursive: true, force: true });
  progress.phase = 'done';
  progress.current = null;
  emit(true);
  return outcome;
}

/** Bytes of the files under a location (a folder's files, not following links); 0 when unreadable. */
async function diskSize(location: string): Promise<number> {
  try {
    const st = await stat(location);
    if (st.isFile()) return st.size;
    if (!st.isDirectory()) return 0;
  } catch {
    return 0;
  }
  let total = 0;
  const stack = [location];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    try {
      for await (const d of await opendir(dir)) {
        const p = path.join(dir, d.name);
        if (d.isDirectory()) stack.push(p);
        else if (d.isFile()) total += (await lstat(p)).size;
      }
    } catch {
      /* unreadable folders are reported by the walk */
    }
  }
  return total;
}

/** Reads a small sos metadata file whole (manifest, version.txt, date) and hands it on unchanged. */
async function captureForSos(entry: InputEntry, sos: SosTracker): Promise<void> {
  const it = (entry.stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const parts: Buffer[] = [];
  let n = 0;
  let done = false;
  let error: unknown = null;
  try {
    while (n <= CAPTURE_MAX_BYTES) {
      const r = await it.next();
      if (r.done) {
        done = true;
        break;
      }
      parts.push(r.value);
      n += r.value.length;
    }
  } catch (err) {
    error = err;
  }
  if (done) sos.capture(entry.path, Buffer.concat(parts, n).toString('utf8'));
  entry.stream = Readable.from(
    (async function* () {
      yield* parts;
      if (error !== null) throw error instanceof Error ? error : new Error(String(error));
      if (done) return;
      for (;;) {
        const r = await it.next();
        if (r.done) return;
        yield r.value;
      }
    })(),
  );
}

/** source-ingest's read error when an archive limit stopped the member: `read failed after N bytes: <limit>; …`. */
const BOMB_LIMIT = /^read failed after \d+ bytes: (.*\(archive bomb limit \w+\))/;

/** Replaces the partly read source of a member stopped by a limit with a skipped one, keeping line ids dense. */
function dropStopped(
  store: CaseStore,
  outcome: IngestOutcome,
  progress: IngestProgress,
  inputId: number,
  entry: InputEntry,
  reason: string,
): void {
  const row = store.db
    .prepare(
      'SELECT source_id, line_count FROM sources WHERE input_id = ? AND path = ? ORDER BY source_id DESC LIMIT 1',
    )
    .get(inputId, entry.path) as { source_id: number; line_count: number } | undefined;
  if (!row) return;
  store.dropSource(row.source_id);
  outcome.lines -= row.line_count;
  progress.linesDone -= row.line_count;
  outcome.sources--;
  store.recordSkipped(inputId, entry.path, entry.size, entry.mtimeMs, 'skipped', reason);
  outcome.skipped++;
}
