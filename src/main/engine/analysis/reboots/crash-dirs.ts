/**
 * kdump names its dump directory after the crash time: RHEL `/var/crash/<ip>-YYYY-MM-DD-HH:MM:SS/`,
 * Ubuntu kdump-tools `/var/crash/YYYYMMDDHHMM/`. The stamp is the capture kernel's wall clock
 * (local time, no zone), so it is a crash time for the boot that was running then.
 */

export interface CrashDir {
  /** The directory as found (`/var/crash/127.0.0.1-2022-06-08-10:05:12`). */
  dir: string;
  /** Wall-clock time of the stamp, as UTC ms (zone not known). */
  ts: number;
  layout: 'rhel' | 'ubuntu';
}

const RHEL =
  /(?:^|\/)var\/crash\/((?:[\w.:-]+?-)?(\d{4})-(\d\d)-(\d\d)-(\d\d):(\d\d):(\d\d))(?=\/|\s|$|['"])/;
const UBUNTU = /(?:^|\/)var\/crash\/((\d{4})(\d\d)(\d\d)(\d\d)(\d\d))(?=\/|\s|$|['"])/;

function valid(y: number, mo: number, d: number, h: number, mi: number, s: number): number | null {
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const t = new Date(ms);
  if (t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return null;
  return ms;
}

/** The crash directory named in a path or a line, with its stamp, or null. */
export function crashDirTime(s: string): CrashDir | null {
  if (!s.includes('var/crash/')) return null;
  const r = RHEL.exec(s);
  if (r) {
    const ts = valid(Number(r[2]), Number(r[3]), Number(r[4]), Number(r[5]), Number(r[6]), Number(r[7]));
    if (ts !== null) return { dir: `/var/crash/${r[1]}`, ts, layout: 'rhel' };
  }
  const u = UBUNTU.exec(s);
  if (u) {
    const ts = valid(Number(u[2]), Number(u[3]), Number(u[4]), Number(u[5]), Number(u[6]), 0);
    if (ts !== null) return { dir: `/var/crash/${u[1]}`, ts, layout: 'ubuntu' };
  }
  return null;
}
