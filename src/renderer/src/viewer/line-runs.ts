/**
 * The whole-line colours of a window of lines, as runs: consecutive lines with the same severity
 * colour are one run, and so are consecutive lines whose time has the same inferred or converted
 * mark. Monaco paints a whole-line decoration on every line of its range, so one decoration per run
 * paints the same as one per line. A generated syslog window of 3,000 lines had 3,000 time marks
 * (every line's year is inferred): one decoration now instead of 3,000 on each window swap.
 */
import type { ViewLine } from '../../../shared/model/case';
import type { TimeQuality } from '../../../shared/model/log';
import { severityOfLevel } from './severity';

/** Lines `first`..`last` (0-based indexes into the window, inclusive) take `className`. */
export interface LineRun {
  first: number;
  last: number;
  className: string;
}

/** The times the viewer marks in the line-decorations gutter, and how (hover says why: time.how.*). */
const MARKED: ReadonlySet<TimeQuality> = new Set<TimeQuality>([
  'year-inferred',
  'zone-assumed',
  'boot-relative-converted',
  'boot-relative',
]);

export function severityClass(line: ViewLine): string | null {
  const sev = severityOfLevel(line.level);
  return sev ? `sev-line sev-${sev}` : null;
}

export function timeMarkClass(line: ViewLine): string | null {
  return MARKED.has(line.tsQuality) ? `ts-mark ts-${line.tsQuality}` : null;
}

/** The runs of `lines` that `classOf` gives a class, each as long as the class stays the same. */
export function runsOf(lines: readonly ViewLine[], classOf: (line: ViewLine) => string | null): LineRun[] {
  const runs: LineRun[] = [];
  let open: LineRun | null = null;
  lines.forEach((line, i) => {
    const cls = classOf(line);
    if (open && cls === open.className) {
      open.last = i;
      return;
    }
    open = cls === null ? null : { first: i, last: i, className: cls };
    if (open) runs.push(open);
  });
  return runs;
}
