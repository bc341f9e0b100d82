/**
 * bench:viewer waits for the case's phase-2 full-text index (built in the background by the
 * engine when a case is opened) before it measures, so the figures are not taken while that
 * build competes for the machine. Read-only, beside the running host (SQLite WAL).
 */
import Database from 'better-sqlite3';
import { fulltextStatus, type FulltextStatus } from '../../src/main/engine/search/fulltext';

export function fulltextOf(caseFile: string): FulltextStatus {
  const db = new Database(caseFile, { readonly: true, fileMustExist: true });
  try {
    return fulltextStatus(db);
  } finally {
    db.close();
  }
}

/** Resolves when the index is complete (how long it waited), or after `limitMs` (null). */
export async function waitForFulltext(
  caseFile: string,
  limitMs: number,
  onProgress: (s: FulltextStatus) => void,
): Promise<number | null> {
  const t0 = Date.now();
  let last = 0;
  for (;;) {
    const s = fulltextOf(caseFile);
    if (s.complete) return Date.now() - t0;
    if (Date.now() - t0 > limitMs) return null;
    if (Date.now() - last > 10_000) {
      onProgress(s);
      last = Date.now();
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}
