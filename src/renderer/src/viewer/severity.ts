/**
 * The severity the viewer colours a line by: the line's `level` as the engine stored it (the
 * printed `<PRI>` / PRIORITY, else inferred from the words by the engine's rules in
 * src/main/engine/query/severity.ts), so the colours agree with next / previous error
 * (`seekLine`), the severity filter chips and the timeline's stacks.
 */
export type LineSeverity = 'crit' | 'err' | 'warn' | null;

/** Syslog levels: 0 emerg, 1 alert, 2 crit → crit; 3 err → err; 4 warning → warn; 5–7 and none → no colour. */
export function severityOfLevel(level: number | null): LineSeverity {
  if (level === null || !Number.isInteger(level) || level < 0) return null;
  if (level <= 2) return 'crit';
  if (level === 3) return 'err';
  if (level === 4) return 'warn';
  return null;
}
