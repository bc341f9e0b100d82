/**
 * Binary utmp / wtmp / btmp (glibc `struct utmp`). The record size and byte order depend on the
 * machine that wrote the file, not on the one reading it, so the layout is chosen by which one
 * makes the records look valid: 384 bytes with 32-bit times (x86-64, i386, and 32-bit big-endian
 * machines), 400 bytes with 64-bit session and times (aarch64 little-endian, s390x/ppc64
 * big-endian). A partial tail and corrupt records are reported, not fatal.
 */

export type UtmpLayoutName = 'x86-64' | 'be-384' | 'aarch64' | 's390x';

interface Layout {
  name: UtmpLayoutName;
  size: number;
  littleEndian: boolean;
  /** Offset of ut_session; the times and the address follow it. */
  session: number;
  wide: boolean;
  describe: string;
}

const LAYOUTS: readonly Layout[] = [
  {
    name: 'x86-64',
    size: 384,
    littleEndian: true,
    session: 336,
    wide: false,
    describe: '384-byte little-endian records (x86-64/i386)',
  },
  {
    name: 'aarch64',
    size: 400,
    littleEndian: true,
    session: 336,
    wide: true,
    describe: '400-byte little-endian records (aarch64)',
  },
  {
    name: 's390x',
    size: 400,
    littleEndian: false,
    session: 336,
    wide: true,
    describe: '400-byte big-endian records (s390x/ppc64)',
  },
  {
    name: 'be-384',
    size: 384,
    littleEndian: false,
    session: 336,
    wide: false,
    describe: '384-byte big-endian records (32-bit big-endian)',
  },
];

export const UT_TYPE_NAMES = [
  'EMPTY',
  'RUN_LVL',
  'BOOT_TIME',
  'NEW_TIME',
  'OLD_TIME',
  'INIT_PROCESS',
  'LOGIN_PROCESS',
  'USER_PROCESS',
  'DEAD_PROCESS',
  'ACCOUNTING',
] as const;
export type UtTypeName = (typeof UT_TYPE_NAMES)[number];

export interface UtmpRecord {
  /** Record number in the file, 0-based; the viewer's line number is index + 1. */
  index: number;
  offset: number;
  type: number;
  typeName: UtTypeName;
  pid: number;
  /** ut_line: tty, or `~` for system records. */
  line: string;
  id: string;
  user: string;
  /** ut_host: remote host, or the kernel release on BOOT_TIME / RUN_LVL records. */
  host: string;
  /** ut_addr_v6 as text; IPv4 when only the first four bytes are set. */
  addr: string;
  /** ut_tv as UTC milliseconds (microseconds truncated). */
  ts: number;
  tvSec: number;
  tvUsec: number;
  exit: { termination: number; exit: number };
  session: number;
}

export interface UtmpCorruptRecord {
  index: number;
  offset: number;
  reason: string;
}

export type UtmpParse =
  | {
      ok: true;
      layout: UtmpLayoutName;
      layoutDescription: string;
      recordSize: number;
      records: UtmpRecord[];
      corrupt: UtmpCorruptRecord[];
      /** Bytes after the last whole record (a write cut short, or a stray byte). */
      tailBytes: number;
      /** One sentence per oddity (corrupt records, partial tail, layout ambiguity). */
      notes: string[];
    }
  | { ok: false; reason: string };

// Linux PID_MAX_LIMIT (4M); anything above is a misread field.
const PID_MAX = 4_194_304;
// Records scored when choosing the layout: enough to outvote a few corrupt ones.
const SCORE_RECORDS = 64;
const MAC_UTMPX_SIGNATURE = 'utmpx-1.00';

interface RawFields {
  type: number;
  pid: number;
  tvSec: number;
  tvUsec: number;
  session: number;
}

function readFields(view: DataView, base: number, l: Layout): RawFields {
  const le = l.littleEndian;
  const type = view.getInt16(base, le);
  const pid = view.getInt32(base + 4, le);
  if (l.wide) {
    return {
      type,
      pid,
      session: Number(view.getBigInt64(base + l.session, le)),
      tvSec: Number(view.getBigInt64(base + l.session + 8, le)),
      tvUsec: Number(view.getBigInt64(base + l.session + 16, le)),
    };
  }
  return {
    type,
    pid,
    session: view.getInt32(base + l.session, le),
    tvSec: view.getInt32(base + l.session + 4, le),
    tvUsec: view.getInt32(base + l.session + 8, le),
  };
}

/** A NUL-terminated field must hold text: no control bytes before the NUL. */
function textFieldProblem(bytes: Uint8Array, start: number, len: number): boolean {
  for (let i = start; i < start + len; i++) {
    const b = bytes[i] ?? 0;
    if (b === 0) return false;
    if (b < 0x20 || b === 0x7f) return true;
  }
  return false;
}

function recordProblem(bytes: Uint8Array, view: DataView, base: number, l: Layout): string | null {
  const f = readFields(view, base, l);
  if (f.type < 0 || f.type > 9) return `ut_type ${f.type} out of range 0-9`;
  if (view.getUint16(base + 2) !== 0) return 'padding after ut_type is not zero';
  if (f.pid < 0 || f.pid > PID_MAX) return `ut_pid ${f.pid} out of range`;
  if (f.tvUsec < 0 || f.tvUsec > 999_999) return `tv_usec ${f.tvUsec} out of range`;
  if (f.tvSec < 0 || f.tvSec > 0xffff_ffff) return `tv_sec ${f.tvSec} out of range`;
  if (textFieldProblem(bytes, base + 8, 32)) return 'ut_line holds control bytes';
  if (textFieldProblem(bytes, base + 40, 4)) return 'ut_id holds control bytes';
  if (textFieldProblem(bytes, base + 44, 32)) return 'ut_user holds control bytes';
  if (textFieldProblem(bytes, base + 76, 256)) return 'ut_host holds control bytes';
  return null;
}

// A misaligned read lands on zeros often enough to look valid; only a typed record with a
// time counts for a layout, and a corrupt one counts half against it.
function isMeaningful(view: DataView, base: number, l: Layout): boolean {
  const f = readFields(view, base, l);
  return f.type !== 0 && f.tvSec > 0;
}

function scoreLayout(bytes: Uint8Array, view: DataView, l: Layout): { score: number; meaningful: number } {
  const n = Math.min(Math.floor(bytes.length / l.size), SCORE_RECORDS);
  let score = 0;
  let meaningful = 0;
  for (let i = 0; i < n; i++) {
    const base = i * l.size;
    if (recordProblem(bytes, view, base, l) !== null) score -= 0.5;
    else if (isMeaningful(view, base, l)) meaningful++;
  }
  score += meaningful;
  if (n > 0 && bytes.length % l.size === 0) score += 0.25;
  return { score, meaningful };
}

function looksLikeText(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 512);
  for (let i = 0; i < n; i++) {
    const b = bytes[i] ?? 0;
    if (b < 0x09 || (b > 0x0d && b < 0x20)) return false;
  }
  return true;
}

const decoder = new TextDecoder('utf-8', { fatal: false });

function cString(bytes: Uint8Array, start: number, len: number): string {
  let end = start;
  const stop = start + len;
  while (end < stop && bytes[end] !== 0) end++;
  return decoder.decode(bytes.subarray(start, end));
}

function hex4(bytes: Uint8Array, at: number): string {
  return (((bytes[at] ?? 0) << 8) | (bytes[at + 1] ?? 0)).toString(16);
}

/** ut_addr_v6 is in network byte order whatever the machine; IPv4 when bytes 4..15 are zero or it is v4-mapped. */
export function formatUtAddr(bytes: Uint8Array, at: number): string {
  let tailZero = true;
  for (let i = 4; i < 16; i++) if (bytes[at + i] !== 0) tailZero = false;
  let mapped = true;
  for (let i = 0; i < 10; i++) if (bytes[at + i] !== 0) mapped = false;
  if (bytes[at + 10] !== 0xff || bytes[at + 11] !== 0xff) mapped = false;
  if (tailZero || mapped) {
    const o = mapped ? at + 12 : at;
    return `${bytes[o] ?? 0}.${bytes[o + 1] ?? 0}.${bytes[o + 2] ?? 0}.${bytes[o + 3] ?? 0}`;
  }
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(hex4(bytes, at + i));
  // compress the longest run of zero groups (RFC 5952)
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

function decodeRecord(bytes: Uint8Array, view: DataView, index: number, l: Layout): UtmpRecord {
  const base = index * l.size;
  const f = readFields(view, base, l);
  const addrAt = base + l.session + (l.wide ? 24 : 12);
  return {
    index,
    offset: base,
    type: f.type,
    typeName: UT_TYPE_NAMES[f.type] ?? 'EMPTY',
    pid: f.pid,
    line: cString(bytes, base + 8, 32),
    id: cString(bytes, base + 40, 4),
    user: cString(bytes, base + 44, 32),
    host: cString(bytes, base + 76, 256),
    addr: formatUtAddr(bytes, addrAt),
    ts: f.tvSec * 1000 + Math.floor(f.tvUsec / 1000),
    tvSec: f.tvSec,
    tvUsec: f.tvUsec,
    exit: {
      termination: view.getInt16(base + 332, l.littleEndian),
      exit: view.getInt16(base + 334, l.littleEndian),
    },
    session: f.session,
  };
}

function startsWithAscii(bytes: Uint8Array, s: string): boolean {
  for (let i = 0; i < s.length; i++) if (bytes[i] !== s.charCodeAt(i)) return false;
  return true;
}

/** Parses a whole utmp/wtmp/btmp file. Never throws; a file that is not one gets `ok: false` and the reason. */
export function parseUtmp(bytes: Uint8Array): UtmpParse {
  if (bytes.length === 0) return { ok: false, reason: 'empty file: no utmp records' };
  if (startsWithAscii(bytes, MAC_UTMPX_SIGNATURE)) {
    return {
      ok: false,
      reason:
        'macOS utmpx (signature "utmpx-1.00", 628-byte records): not a Linux utmp/wtmp; its layout is not read',
    };
  }
  if (looksLikeText(bytes))
    return { ok: false, reason: 'text, not binary utmp records (utmpdump or last output?)' };
  if (bytes.length < 384)
    return { ok: false, reason: `${bytes.length} bytes: shorter than one utmp record (384 bytes)` };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const scored = LAYOUTS.map((l) => ({ l, ...scoreLayout(bytes, view, l) }));
  let best = scored[0];
  for (const s of scored) if (best === undefined || s.score > best.score) best = s;
  if (best === undefined || best.score <= 0 || best.meaningful === 0) {
    return {
      ok: false,
      reason: 'no utmp layout (384/400 bytes, little/big-endian) gives valid records: not a utmp/wtmp file',
    };
  }
  const l = best.l;
  const count = Math.floor(bytes.length / l.size);
  const records: UtmpRecord[] = [];
  const corrupt: UtmpCorruptRecord[] = [];
  for (let i = 0; i < count; i++) {
    const problem = recordProblem(bytes, view, i * l.size, l);
    if (problem === null) records.push(decodeRecord(bytes, view, i, l));
    else corrupt.push({ index: i, offset: i * l.size, reason: problem });
  }
  const tailBytes = bytes.length - count * l.size;
  const notes: string[] = [];
  if (corrupt.length > 0) notes.push(`${corrupt.length} of ${count} records are corrupt and were skipped`);
  if (tailBytes > 0) {
    notes.push(
      `${tailBytes} bytes after the last whole record (a record is ${l.size} bytes): a partial record, ignored`,
    );
  }
  const close = scored.filter((s) => s !== best && s.score === best.score);
  if (close.length > 0)
    notes.push(
      `layouts ${[l, ...close.map((s) => s.l)].map((x) => x.name).join(', ')} fit equally; ${l.name} chosen`,
    );
  return {
    ok: true,
    layout: l.name,
    layoutDescription: l.describe,
    recordSize: l.size,
    records,
    corrupt,
    tailBytes,
    notes,
  };
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/** UTC time with microseconds, `2013-08-28T16:00:00,000000+00:00` as utmpdump prints it. */
export function utmpTimeText(r: Pick<UtmpRecord, 'tvSec' | 'tvUsec'>): string {
  const iso = new Date(r.tvSec * 1000).toISOString().slice(0, 19);
  return `${iso},${String(r.tvUsec).padStart(6, '0')}+00:00`;
}

/** One record as one line for the log viewer: the type name, then utmpdump's bracketed columns. */
export function utmpRecordText(r: UtmpRecord): string {
  return (
    `${pad(r.typeName, 13)} [${r.type}] [${String(r.pid).padStart(5, '0')}] [${pad(r.id, 4)}] [${pad(r.user, 8)}] ` +
    `[${pad(r.line, 12)}] [${pad(r.host, 20)}] [${pad(r.addr, 15)}] [${utmpTimeText(r)}]`
  );
}

/** Every record slot as a viewer line (line n = record n-1), corrupt ones and the partial tail included. */
export function utmpLines(parse: Extract<UtmpParse, { ok: true }>): string[] {
  const out: string[] = [];
  const byIndex = new Map<number, UtmpRecord>();
  for (const r of parse.records) byIndex.set(r.index, r);
  const bad = new Map<number, UtmpCorruptRecord>();
  for (const c of parse.corrupt) bad.set(c.index, c);
  const count = parse.records.length + parse.corrupt.length;
  for (let i = 0; i < count; i++) {
    const r = byIndex.get(i);
    if (r) out.push(utmpRecordText(r));
    else
      out.push(
        `CORRUPT record #${i} at byte ${bad.get(i)?.offset ?? i * parse.recordSize}: ${bad.get(i)?.reason ?? 'unreadable'}`,
      );
  }
  if (parse.tailBytes > 0)
    out.push(`PARTIAL record: ${parse.tailBytes} trailing bytes (a record is ${parse.recordSize})`);
  return out;
}

const DUMP_LINE =
  /^\[(\d+)\] \[(-?\d+)\] \[([^\]]*)\] \[([^\]]*)\] \[([^\]]*)\] \[([^\]]*)\] \[([^\]]*)\] \[([^\]]*)\]\s*$/;
const DUMP_ISO = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:[,.](\d{1,6}))?(Z|[+-]\d\d:?\d\d)?$/;

function dumpTime(s: string): { tvSec: number; tvUsec: number } | null {
  const m = DUMP_ISO.exec(s.trim());
  if (!m) return null;
  let sec =
    Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) / 1000;
  const zone = m[8];
  if (zone && zone !== 'Z') {
    const z = zone.replace(':', '');
    sec -= (z.startsWith('-') ? -1 : 1) * (Number(z.slice(1, 3)) * 3600 + Number(z.slice(3, 5)) * 60);
  }
  return { tvSec: sec, tvUsec: Number((m[7] ?? '0').padEnd(6, '0')) };
}

export interface UtmpdumpParse {
  records: UtmpRecord[];
  /** Lines that are not utmpdump records, 1-based. */
  unparsed: { lineNo: number; text: string }[];
}

/**
 * utmpdump's text form (`[7] [00010] [ipv6] [IPv6    ] [root        ] [host] [addr] [2013-08-28T20:30:40,000000+00:00]`):
 * the same records as the binary file. A record's index is its line number - 1.
 */
export function parseUtmpdumpText(text: string): UtmpdumpParse {
  const records: UtmpRecord[] = [];
  const unparsed: UtmpdumpParse['unparsed'] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    const m = DUMP_LINE.exec(line);
    const t = m ? dumpTime(m[8] ?? '') : null;
    const type = Number(m?.[1]);
    if (!m || !t || type > 9) {
      unparsed.push({ lineNo: i + 1, text: line });
      continue;
    }
    records.push({
      index: i,
      offset: -1,
      type,
      typeName: UT_TYPE_NAMES[type] ?? 'EMPTY',
      pid: Number(m[2]),
      id: (m[3] ?? '').trimEnd(),
      user: (m[4] ?? '').trimEnd(),
      line: (m[5] ?? '').trimEnd(),
      host: (m[6] ?? '').trimEnd(),
      addr: (m[7] ?? '').trim(),
      ts: t.tvSec * 1000 + Math.floor(t.tvUsec / 1000),
      tvSec: t.tvSec,
      tvUsec: t.tvUsec,
      exit: { termination: 0, exit: 0 },
      session: 0,
    });
  }
  return { records, unparsed };
}

const ROW_PREFIX = /^[A-Z_]+\s+(?=\[)/;

/**
 * One viewer row written by `utmpRecordText` (`BOOT_TIME     [2] [00000] …`) back into its
 * record: the ingest stores wtmp/utmp/btmp as such rows, and the boot history reads them.
 * `index` is the record slot (the row's line number − 1). Null for CORRUPT/PARTIAL rows.
 */
export function parseUtmpRowText(text: string, index: number): UtmpRecord | null {
  const p = ROW_PREFIX.exec(text);
  if (!p) return null;
  const parsed = parseUtmpdumpText(text.slice(p[0].length));
  const r = parsed.records[0];
  if (!r || parsed.unparsed.length > 0) return null;
  return { ...r, index };
}
