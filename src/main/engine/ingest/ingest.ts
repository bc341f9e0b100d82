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
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { CaseStore } from '../store/case-store';
import { walkInput } from './inputs';
import { IngestCancelled, type IngestOptions, type IngestOutcome, type IngestProgress } from './ingest-types';
import { ingestEntry } from './source-ingest';

export { IngestCancelled, type IngestOptions, type IngestOutcome, type IngestProgress } from './ingest-types';

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
    options.onProgress?.({ ...progress });
  };
  store.setState('indexing');
  // During ingest a power loss may cost the last batches (the re-run reads them again), but a
  // killed process loses nothing committed; fsync per checkpoint made ingest I/O-bound.
  store.db.pragma('synchronous = OFF');
  store.db.pragma('wal_autocheckpoint = 16384');
  if (interrupted > 0)
    store.log(
      'warning',
      '',
      '',
      `${interrupted} source(s) left incomplete by an interrupted ingest were dropped and read again`,
    );

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
        const err = await ingestEntry(store, {
          inputId,
          location: path.resolve(location),
          entry: item.entry,
          outcome,
          progress,
          emit,
          options,
        });
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
