/**
 * The severity the viewer colours a line by, from its words (pages carry no level: see the
 * report). Mirrors the kernel and syslog conventions the engine uses for `seekLine`.
 */
export type LineSeverity = 'crit' | 'err' | 'warn' | null;

const CRIT =
  /Kernel panic|not syncing|soft lockup|hard LOCKUP|\bOops\b|\bBUG:|general protection fault|Unable to handle kernel|Call Trace:|segfault at|Hardware Error|kernel BUG at|\b(?:emerg|alert|crit|critical)\b/i;
const ERR =
  /\berror|\bfail(?:ed|ure|s|ing)?\b|\bfatal\b|Out of memory|Killed process|I\/O error|blocked for more than|\bdenied\b|timed out|\bunable to\b/i;
const WARN = /\bwarn(?:ing|ings|ed)?\b|invoked oom-killer|\btaint|\bdeprecated\b/i;
const ANY =
  /err|fail|fatal|warn|panic|sync|lock|oops|bug|fault|handle|trace|segf|hardw|memory|kill|i\/o|block|denied|time|unable|taint|deprec|emerg|alert|crit/i;

export function lineSeverity(text: string): LineSeverity {
  if (!ANY.test(text)) return null;
  if (CRIT.test(text)) return 'crit';
  if (ERR.test(text)) return 'err';
  if (WARN.test(text)) return 'warn';
  return null;
}
