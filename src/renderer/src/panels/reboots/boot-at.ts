/**
 * Which boot was running at a time (the Reboots panel marks the one under the viewer's cursor).
 * Structural (no imports) so tests under the node configuration can run it.
 */

/** What bootAt needs of a boot row (model.ts BootRow has these fields). */
export interface BootSpan {
  n: number;
  start: number | null;
  end: number | null;
  lsolTs: number | null;
  nextStart: number | null;
}

/**
 * The boot running at `ts`: the last one started at or before it, unless that boot is known to
 * have ended (its end, else its last sign of life) before `ts`, when the machine was down.
 */
export function bootAt(rows: readonly BootSpan[], ts: number | null): number | null {
  if (ts === null) return null;
  let found: BootSpan | null = null;
  for (const r of rows)
    if (r.start !== null && r.start <= ts && (found === null || r.start >= found.start!)) found = r;
  if (!found) return null;
  const over = found.end ?? (found.nextStart !== null ? found.lsolTs : null);
  return over !== null && ts > over ? null : found.n;
}
