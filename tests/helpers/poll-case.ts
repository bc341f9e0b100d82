/**
 * Waits, beside a child process writing a case, until the case shows what a test needs (lines
 * committed, an index half built): polled every `everyMs` through a plain read-only connection
 * (opening the case as the app does may write, and so wait on the child's lock). Rejects when the
 * child exits first, naming `what` it was waiting for.
 */
import type { ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';

export function whenCaseShows<T>(
  caseFile: string,
  child: ChildProcess,
  what: string,
  probe: (db: Database.Database) => T | undefined,
  everyMs = 20,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setInterval(() => {
      let found: T | undefined;
      try {
        const db = new Database(caseFile, { readonly: true, fileMustExist: true });
        try {
          found = probe(db);
        } finally {
          db.close();
        }
      } catch {
        return; // not created yet, or its tables not yet
      }
      if (found !== undefined) {
        clearInterval(timer);
        resolve(found);
      }
    }, everyMs);
    child.once('exit', () => {
      clearInterval(timer);
      reject(new Error(`the child exited before ${what}`));
    });
  });
}
