import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { MIGRATIONS, SCHEMA_VERSION } from './schema';

export type Db = Database.Database;

/** Page size of cases created from now on (existing cases keep theirs). */
export const NEW_CASE_PAGE_SIZE = 16_384;

export class CaseFormatError extends Error {
  constructor(file: string, reason: string) {
    super(`${file}: ${reason}`);
    this.name = 'CaseFormatError';
  }
}

/**
 * Opens (or creates) a case database: WAL so readers never wait for the writer and a kill
 * at any moment leaves the last committed transaction intact; migrations applied in order.
 */
export function openCaseDb(file: string, options: { create: boolean }): Db {
  let db: Db;
  try {
    // Opening may write (migrations, repairs): wait briefly for another writer, not 5 s.
    db = new Database(file, { fileMustExist: !options.create, timeout: OPEN_BUSY_MS });
  } catch (err) {
    throw new CaseFormatError(file, `cannot open: ${(err as Error).message}`);
  }
  try {
    // A new case gets 16 KiB pages (set before anything is written): bulk inserts of ~130-byte
    // lines cost ~20 % less CPU than with 4 KiB pages, and whole-case scans read fewer pages.
    if (options.create && (db.pragma('page_count', { simple: true }) as number) === 0)
      db.pragma(`page_size = ${NEW_CASE_PAGE_SIZE}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('cache_size = -65536');
    // The WAL grows to ~64 MiB during a bulk load; once checkpointed, it shrinks back to this.
    db.pragma('journal_size_limit = 16777216');
    migrate(db, file);
  } catch (err) {
    db.close();
    if (err instanceof CaseFormatError || isBusy(err)) throw err;
    throw new CaseFormatError(file, `not a Postmortem case (${(err as Error).message})`);
  }
  return db;
}

function migrate(db: Db, file: string): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new CaseFormatError(
      file,
      `case schema version ${current} is newer than this Postmortem (${SCHEMA_VERSION}); update Postmortem`,
    );
  }
  if (current === 0) {
    const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as {
      n: number;
    };
    if (tables.n > 0) throw new CaseFormatError(file, 'an SQLite database, but not a Postmortem case');
  }
  const pending = MIGRATIONS.filter((m) => m.version > current);
  if (pending.length === 0) return;
  db.transaction(() => {
    for (const m of pending) {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }
  })();
}

/** Who is indexing into a case (meta `ingest_owner`), written when an ingest starts. */
export interface IngestOwner {
  pid: number;
  host: string;
  since: number;
}

export const INGEST_OWNER_KEY = 'ingest_owner';

/** How long opening a case waits for another writer before opening it read-only (ms). */
export const OPEN_BUSY_MS = 250;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether another live process on this machine is indexing into the case: read through a
 * read-only connection (WAL readers never wait). A killed ingest leaves its owner behind; a
 * dead pid (or another host's) is not busy, and the case opens writable for the re-run.
 */
export function liveIngestOwner(file: string): IngestOwner | null {
  if (!existsSync(file)) return null;
  let db: Db | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(INGEST_OWNER_KEY) as
      { value: string } | undefined;
    if (!row) return null;
    const owner = JSON.parse(row.value) as IngestOwner;
    return owner.host === os.hostname() && processAlive(owner.pid) ? owner : null;
  } catch {
    return null;
  } finally {
    db?.close();
  }
}

/** The SQLite error of a write that found the case locked by another connection. */
export function isBusy(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? '';
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED');
}

/**
 * Opens a case read-only (another process is writing to it): no migrations, no repairs. The
 * case must already be of this version's schema: a reader cannot upgrade it.
 */
export function openCaseDbReadOnly(file: string, why: string): Db {
  let db: Db;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new CaseFormatError(file, `cannot open: ${(err as Error).message}`);
  }
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version !== SCHEMA_VERSION) {
    db.close();
    throw new CaseFormatError(
      file,
      `${why}, and its schema (version ${version}) is not this Postmortem's (${SCHEMA_VERSION}): open it again when that ingest has finished`,
    );
  }
  db.pragma('cache_size = -65536');
  return db;
}

/**
 * Sets a connection's SQLite page cache (`size` as the pragma takes it: negative = KiB) and
 * returns what puts the previous size back. The bulk jobs (ingest, analysis) read or append
 * each page about once: their cache's pages would only add to their peak memory.
 */
export function usePageCache(db: Db, size: number): () => void {
  const before = db.pragma('cache_size', { simple: true }) as number;
  db.pragma(`cache_size = ${size}`);
  return () => {
    db.pragma(`cache_size = ${before}`);
  };
}
