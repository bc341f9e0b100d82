import Database from 'better-sqlite3';
import { MIGRATIONS, SCHEMA_VERSION } from './schema';

export type Db = Database.Database;

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
    db = new Database(file, { fileMustExist: !options.create });
  } catch (err) {
    throw new CaseFormatError(file, `cannot open: ${(err as Error).message}`);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('cache_size = -65536');
    migrate(db, file);
  } catch (err) {
    db.close();
    if (err instanceof CaseFormatError) throw err;
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
