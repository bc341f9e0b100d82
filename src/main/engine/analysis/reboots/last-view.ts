/**
 * What util-linux `last -x` would list as system entries (reboot, shutdown, runlevel) for a set
 * of wtmp records, with last's own pairing rules. It is both the oracle bridge (tests compare it
 * with the host's `last`) and the explanation of `still running`: last ends a reboot at the
 * newest shutdown record after it, so a boot with no shutdown record after it reads "still
 * running" even when later boots exist.
 */
import type { UtmpRecord } from '../../formats/wtmp';

export type LastSystemKind = 'reboot' | 'shutdown' | 'runlevel';

export interface LastSystemEntry {
  kind: LastSystemKind;
  record: UtmpRecord;
  /** Login column: the record's time (UTC ms, whole seconds as last prints them). */
  ts: number;
  /** Logout column: 'still running', or UTC ms (0 = the epoch, as last prints a shutdown with no later boot). */
  end: 'still running' | number;
  /** Runlevel character for `(to lvl X)` lines. */
  runlevel: string | null;
  /** Third column: the kernel release on reboot records. */
  host: string;
}

/** last's own type for a shutdown record (`shutdown` on a `~` line). */
export const SHUTDOWN_TIME = 254;

/**
 * The type last acts on: `~` system records are typed by their user name; other records by
 * their fields (old writers left ut_type wrong), so a BOOT_TIME record on a tty line is a login.
 */
export function effectiveUtType(r: UtmpRecord): number {
  if (r.line.startsWith('~')) {
    if (r.user.startsWith('shutdown')) return SHUTDOWN_TIME;
    if (r.user.startsWith('reboot')) return 2;
    if (r.user.startsWith('runlevel')) return 1;
    return r.type;
  }
  let t = r.type;
  if (t !== 8 && r.user !== '' && r.line !== '' && !r.user.startsWith('LOGIN')) t = 7;
  if (r.user === '') t = 8;
  return t;
}

/** Newest first, as `last -x` prints them. */
export function lastSystemEntries(records: readonly UtmpRecord[]): LastSystemEntry[] {
  const out: LastSystemEntry[] = [];
  const NOW = Number.POSITIVE_INFINITY;
  let lastDown = NOW;
  let lastRunlevelChange = NOW;
  let lastBoot = 0;
  for (let i = records.length - 1; i >= 0; i--) {
    const r = records[i];
    if (!r) continue;
    const ts = r.tvSec * 1000;
    const type = effectiveUtType(r);
    let down = false;
    if (type === SHUTDOWN_TIME) {
      out.push({ kind: 'shutdown', record: r, ts, end: lastBoot, runlevel: null, host: r.host });
      lastDown = lastRunlevelChange = ts;
      down = true;
    } else if (type === 2) {
      out.push({
        kind: 'reboot',
        record: r,
        ts,
        end: lastDown === NOW ? 'still running' : lastDown,
        runlevel: null,
        host: r.host,
      });
      down = true;
    } else if (type === 1) {
      const level = String.fromCharCode(r.pid & 255);
      out.push({
        kind: 'runlevel',
        record: r,
        ts,
        end: lastRunlevelChange === NOW ? 'still running' : lastRunlevelChange,
        runlevel: level,
        host: r.host,
      });
      if (level === '0' || level === '6') {
        lastDown = ts;
        down = true;
      }
      lastRunlevelChange = ts;
    }
    if (down) lastBoot = ts;
  }
  return out;
}
