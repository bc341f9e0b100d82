import type { RecordLine } from '../../../src/shared/model/log';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * RecordLines from syslog / journalctl-short text, with the year given (as the ingest's year
 * inference would supply it) and wall-clock times taken as UTC. A month that lost leading
 * characters (the seed's `un  6`) is read from its suffix; lines without a header get no time.
 */
export function syslogLines(
  text: string | string[],
  opts: { year: number; sourcePath: string; sourceId: number; firstLineNo?: number },
): RecordLine[] {
  const parts = Array.isArray(text) ? text : text.split('\n');
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts.map((t, i) => {
    const m = /^([A-Za-z]{1,3})\s+(\d{1,2}) (\d\d):(\d\d):(\d\d)/.exec(t);
    const mon = m ? MONTHS.findIndex((x) => x.endsWith(m[1] ?? '?')) : -1;
    const ts =
      m && mon >= 0 ? Date.UTC(opts.year, mon, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])) : null;
    return {
      lineId: 0,
      sourceId: opts.sourceId,
      sourcePath: opts.sourcePath,
      lineNo: (opts.firstLineNo ?? 1) + i,
      ts,
      tsQuality: ts === null ? 'none' : 'year-inferred',
      text: t,
    };
  });
}

export function utc(s: string): number {
  return Date.parse(s.endsWith('Z') ? s : `${s}Z`);
}
