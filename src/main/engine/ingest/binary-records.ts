/**
 * Binary login records (utmp / wtmp / btmp) as a source: one row per record slot, each with
 * its exact UTC time. Recognised by `parseUtmp` succeeding, never by name alone; the name only
 * decides whether a binary file is worth holding in memory to try (lastlog is a different
 * structure and is never tried).
 */
import { parseUtmp, utmpLines } from '../formats/wtmp';

export type LoginRecordKind = 'wtmp' | 'utmp' | 'btmp';

/** Whole-file read limit for a login-record candidate: far above any real wtmp. */
export const MAX_UTMP_BYTES = 256 * 1024 * 1024;

const NAME = /(?:^|[^a-z])([wub]tmp)(?:x)?(?:$|[^a-z])/i;

/** The kind the file name suggests, null when it suggests none (lastlog included). */
export function loginRecordKindOf(memberPath: string): LoginRecordKind | null {
  const base = memberPath.replace(/^.*\//, '');
  if (/lastlog/i.test(base)) return null;
  const m = NAME.exec(base);
  return m ? (m[1]!.toLowerCase() as LoginRecordKind) : null;
}

/** Worth reading whole and trying as records: named like one, or sized in whole records. */
export function mayBeLoginRecords(memberPath: string, size: number): boolean {
  if (/lastlog/i.test(memberPath.replace(/^.*\//, ''))) return false;
  if (loginRecordKindOf(memberPath) !== null) return size <= MAX_UTMP_BYTES;
  return size > 0 && size <= 16 * 1024 * 1024 && (size % 384 === 0 || size % 400 === 0);
}

export interface LoginRecordRow {
  byteOffset: number;
  text: string;
  /** Exact UTC ms of the record; null for corrupt slots and the partial tail. */
  ts: number | null;
  /** ut_pid. ut_host is not the logging machine (a remote peer, or the kernel release) so it stays in the text. */
  pid: number | null;
}

export type LoginRecordSource =
  | {
      ok: true;
      kind: LoginRecordKind;
      formatReason: string;
      rows: LoginRecordRow[];
      quirks: string[];
      error: string | null;
    }
  | { ok: false; reason: string };

export function readLoginRecords(bytes: Uint8Array, memberPath: string): LoginRecordSource {
  const parse = parseUtmp(bytes);
  if (!parse.ok) return { ok: false, reason: parse.reason };
  const kind = loginRecordKindOf(memberPath) ?? 'wtmp';
  const texts = utmpLines(parse);
  const byIndex = new Map(parse.records.map((r) => [r.index, r]));
  const rows: LoginRecordRow[] = texts.map((text, i) => {
    const r = byIndex.get(i);
    return {
      byteOffset: i * parse.recordSize,
      text,
      ts: r ? r.ts : null,
      pid: r && r.pid > 0 ? r.pid : null,
    };
  });
  const quirks = [...parse.notes];
  const problems: string[] = [];
  if (parse.corrupt.length > 0)
    problems.push(
      `${parse.corrupt.length} corrupt record(s) (first at byte ${parse.corrupt[0]!.offset}: ${parse.corrupt[0]!.reason})`,
    );
  if (parse.tailBytes > 0)
    problems.push(
      `partial record of ${parse.tailBytes} bytes at the end (byte ${bytes.length - parse.tailBytes})`,
    );
  return {
    ok: true,
    kind,
    formatReason: `binary ${kind}: ${parse.records.length} valid record(s) in ${parse.layoutDescription}`,
    rows,
    quirks,
    error: problems.length > 0 ? problems.join('; ') : null,
  };
}
