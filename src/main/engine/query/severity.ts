/**
 * A severity for every line. A printed one (`<PRI>`, journal PRIORITY, dmesg `<N>`) is kept
 * as is; otherwise the message's words decide, by kernel and syslog conventions:
 *
 * - emerg (0): `Kernel panic - not syncing`, soft/hard lockups (printed at KERN_EMERG);
 * - crit (2): an Oops, `BUG:`, `general protection fault`, `Unable to handle kernel`,
 *   machine-check `Hardware Error`;
 * - err (3): error / failed / failure / fatal (not the ext2/3/4 mount option `errors=remount-ro`,
 *   `errors=continue`, `errors=panic`, which every mount of such a filesystem prints),
 *   `Out of memory`, `Killed process`, `I/O error`,
 *   `blocked for more than N seconds`, `segfault at` (printed at KERN_INFO, but a crashed
 *   process is what the engineer looks for), `denied`, `timed out`, `cannot`, `unable to`;
 * - warning (4): warn / warning, `invoked oom-killer`, `Call Trace:` (a stack comes with a
 *   WARN_ON, an OOM report or a hung task at warning or worse; the oops line itself says
 *   crit), `taint`, `deprecated`;
 * - notice / info / debug (5–7): only an explicit level token (`level=info`, `[DEBUG]`, `NOTICE`).
 *
 * A line with none of these has no severity (null): it is not guessed to be `info`.
 * The stored `level` column holds the result; `severity` keeps the printed one, so a row
 * whose severity is NULL and level is not has an inferred level.
 */

const LEVEL_WORDS: Record<string, number> = {
  emerg: 0,
  emergency: 0,
  alert: 1,
  crit: 2,
  critical: 2,
  fatal: 2,
  err: 3,
  error: 3,
  warn: 4,
  warning: 4,
  notice: 5,
  info: 6,
  debug: 7,
  trace: 7,
};

const TOKEN = 'emerg(?:ency)?|alert|crit(?:ical)?|fatal|err(?:or)?|warn(?:ing)?|notice|info|debug|trace';

/**
 * One pass over the message (one regex, global): the groups say which kind of evidence
 * matched. A level the program printed itself (`level=info`, `[ERROR]`, `<warn>`) is believed;
 * otherwise the worst word found wins. One scan keeps this cheap on the ingest hot path.
 */
const EVIDENCE = new RegExp(
  [
    `(?:\\b(?:level|lvl|severity|priority)=["']?|\\[|<)(${TOKEN})\\b`, // 1: printed token
    `(Kernel panic|not syncing|soft lockup|hard ?lockup)`, // 2: emerg
    `(\\bOops\\b|\\bBUG:|general protection fault|Unable to handle kernel|Hardware Error|Machine check|kernel BUG at)`, // 3: crit
    `(\\berror(?!s=(?:remount-ro|continue|panic)\\b)|\\bfail(?:ed|ure|s|ing)?\\b|\\bfatal\\b|Out of memory|Killed process|I/O error|blocked for more than|segfault at|\\bdenied\\b|timed out|\\bcannot\\b|\\bcan't\\b|\\bunable to\\b)`, // 4: err
    `(\\bwarn(?:ing|ings|ed)?\\b|invoked oom-killer|Call Trace:|\\btaint|\\bdeprecated\\b)`, // 5: warning
    `\\b(notice|info|debug)\\b`, // 6: a bare benign level word
  ].join('|'),
  'gi',
);

/** The level (0 emerg … 7 debug) the message's words imply, or null. */
export function inferLevel(message: string): number | null {
  EVIDENCE.lastIndex = 0;
  let worst: number | null = null;
  let benign: number | null = null;
  for (let m = EVIDENCE.exec(message); m !== null; m = EVIDENCE.exec(message)) {
    if (m[1] !== undefined) return LEVEL_WORDS[m[1].toLowerCase()] ?? null;
    const level =
      m[2] !== undefined
        ? 0
        : m[3] !== undefined
          ? 2
          : m[4] !== undefined
            ? 3
            : m[5] !== undefined
              ? 4
              : null;
    if (level !== null) worst = worst === null ? level : Math.min(worst, level);
    else if (m[6] !== undefined && benign === null) benign = LEVEL_WORDS[m[6].toLowerCase()] ?? null;
  }
  return worst ?? benign;
}

/** A printed severity that is a level (0 emerg … 7 debug), else null. */
export function printedLevel(printed: number | null | undefined): number | null {
  return printed !== null && printed !== undefined && printed >= 0 && printed <= 7 ? printed : null;
}

/** The stored level: the printed severity when there is one, else the inferred one. */
export function levelOf(printed: number | null | undefined, message: string): number | null {
  return printedLevel(printed) ?? inferLevel(message);
}
