/**
 * The running boot's start from sosreport's `uptime` output: the time of collection minus the
 * time since boot. The collection time comes from `date` output when the archive has it (exact,
 * with its zone), else from the uptime file's archive mtime; the clock `uptime` printed (local
 * hh:mm:ss) refines it when the zone is known.
 */
import type { RecordLine } from '../../../../shared/model/log';
import { clockSeconds, parseDateOutput, parseUptime, type UptimeParse } from '../../formats/uptime';
import { bootEvidence, type BootPoint } from './inputs';

export const UPTIME_FILE =
  /(?:^|\/)(?:sos_commands\/(?:general|host)\/uptime(?:_-[a-z]+)?|proc\/uptime|uptime)$/;
export const DATE_FILE = /(?:^|\/)(?:sos_commands\/(?:date|general)\/date(?:_--utc)?|date)$/;

export interface UptimeAnchor {
  /** The boot point the fusion clusters (kind `uptime`, strong, time inferred). */
  point: BootPoint;
  parse: UptimeParse;
  /** UTC ms the uptime output was taken at. */
  now: number;
  /** How `now` was obtained, as a sentence fragment. */
  nowFrom: string;
}

export interface CollectionDate {
  ts: number;
  offsetMin: number;
  what: string;
  line: RecordLine;
}

/** The collection time from `date` / `date --utc` / timedatectl output, when one parses. */
export function collectionDate(
  files: readonly { path: string; lines: readonly RecordLine[] }[],
): CollectionDate | null {
  for (const f of files) {
    const d = parseDateOutput(f.lines.map((l) => l.text));
    const line = d ? f.lines[d.lineNo - 1] : undefined;
    if (d && line)
      return { ts: d.ts, offsetMin: d.offsetMin, what: `\`date\` output in ${f.path} (${d.zone})`, line };
  }
  return null;
}

/**
 * The boot point for the running boot, or null when the file holds no uptime line or no time of
 * collection is known. `offsetMin` is the machine's zone when known (from `date`, or learned by
 * the ingest); without it the printed clock cannot be placed and `mtimeMs` is used as is.
 */
export function uptimeAnchor(
  file: { path: string; lines: readonly RecordLine[]; mtimeMs: number | null },
  date: CollectionDate | null,
  zoneOffsetMin: number | undefined,
): UptimeAnchor | null {
  const parse = parseUptime(file.lines.map((l) => l.text));
  if (!parse) return null;
  const line = file.lines[parse.lineNo - 1];
  if (!line) return null;
  const base = date?.ts ?? file.mtimeMs;
  if (base === null) return null;
  let now = base;
  let nowFrom = date ? date.what : `the archive mtime of ${file.path}`;
  const offset = date?.offsetMin ?? zoneOffsetMin;
  if (parse.clock !== null && offset !== undefined) {
    // the printed clock is local time: the moment nearest the base that reads that clock
    const local = base + offset * 60_000;
    const midnight = Math.floor(local / 86_400_000) * 86_400_000;
    const at = clockSeconds(parse.clock) * 1000;
    const candidates = [midnight - 86_400_000 + at, midnight + at, midnight + 86_400_000 + at];
    const best = candidates.reduce((a, b) => (Math.abs(b - local) < Math.abs(a - local) ? b : a));
    if (Math.abs(best - local) <= 30 * 60_000) {
      now = best - offset * 60_000;
      nowFrom = `the clock uptime printed (${parse.clock}, UTC${offset >= 0 ? '+' : '−'}${fmtOffset(Math.abs(offset))}) near ${nowFrom}`;
    }
  }
  const ts = now - parse.upSeconds * 1000;
  const precision = parse.precision === 'minute' ? 'to the minute' : 'to the second';
  const what = `sosreport uptime: up ${formatUp(parse.upSeconds)} at ${new Date(now).toISOString()} (boot ${precision}; collection time from ${nowFrom})`;
  const point: BootPoint = {
    ts,
    kind: 'uptime',
    // a boot certainly happened then (strong); its time is inferred (exactTime false → medium confidence)
    strength: 'strong',
    sourceKey: 'uptime',
    exactTime: false,
    evidence: bootEvidence(
      { sourceId: line.sourceId, sourcePath: line.sourcePath, lineNo: line.lineNo, lineId: line.lineId },
      ts,
      what,
    ),
  };
  return { point, parse, now, nowFrom };
}

function fmtOffset(min: number): string {
  return `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;
}

function formatUp(s: number): string {
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${d > 0 ? `${d} d ` : ''}${h} h ${m} min`;
}
