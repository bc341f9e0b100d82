/**
 * `coredumpctl list` and `coredumpctl info` output (sos: coredumpctl_list_--reverse,
 * coredumpctl_info_<PID>). `Storage:` says whether the core was present on the customer's disk.
 */

export interface CoredumpListRow {
  /** As printed, e.g. `Tue 2024-06-11 14:39:28 CEST`. */
  time: string;
  pid: number;
  uid: number;
  gid: number;
  signal: string;
  corefile: string;
  exe: string;
  size?: string;
  lineNo: number;
}

export interface CoredumpInfoFrame {
  address: string;
  /** `n/a` when the object has no symbols. */
  fn: string;
  object?: string;
  /** Offset in the object (`+ 0x…`), for `addr2line -e OBJECT OFFSET`. */
  offset?: string;
}

export interface CoredumpInfoThread {
  thread: number;
  frames: CoredumpInfoFrame[];
}

export interface CoredumpInfo {
  pid?: number;
  comm?: string;
  uid?: number;
  gid?: number;
  signal?: number;
  signalName?: string;
  timestamp?: string;
  commandLine?: string;
  executable?: string;
  unit?: string;
  bootId?: string;
  hostname?: string;
  /** `Disk Size:` (systemd ≤ 250) or `Size on Disk:`, as printed. */
  sizeOnDisk?: string;
  storage?: string;
  storageState?: 'present' | 'missing' | 'inaccessible' | 'truncated' | 'journal' | 'none' | 'unknown';
  package?: string;
  message?: string;
  threads: CoredumpInfoThread[];
  fields: Record<string, string>;
  lineNo: number;
}

const LIST_ROW =
  /^((?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?: \S+)?)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(\S+)\s+(\S+)(?:\s+(\S+))?\s*$/;

export function parseCoredumpList(text: string): CoredumpListRow[] {
  const rows: CoredumpListRow[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const m = LIST_ROW.exec(line.trim());
    if (!m) return;
    const row: CoredumpListRow = {
      time: m[1]!,
      pid: Number(m[2]),
      uid: Number(m[3]),
      gid: Number(m[4]),
      signal: m[5]!,
      corefile: m[6]!,
      exe: m[7]!,
      lineNo: i + 1,
    };
    if (m[8] && m[8] !== '-') row.size = m[8];
    rows.push(row);
  });
  return rows;
}

/**
 * A field line: right-aligned names end at column 14 (`           PID: `, `  Command Line: `), so
 * a field starts within 13 spaces; the Message's continuation lines are indented 16 and are
 * never fields (`ELF object binary architecture: AMD x86-64` is part of the message).
 */
const INFO_FIELD = /^ {0,13}([A-Z][\w -]*?): (.*)$/;
const STACK_HEAD = /Stack trace of thread (\d+):/;
/** `#0  0x00007f3a5d91e7ea epoll_wait (libc.so.6 + 0x11e7ea)`; systemd < 244 printed no `+ 0x…`. */
const STACK_FRAME = /^\s*#\d+\s+0x([0-9a-f]+) (\S+)(?: \((\S+?)(?: \+ (0x[0-9a-f]+))?\))?/;

/** Parses one or more `coredumpctl info` records (each starts at its `PID:` line). */
export function parseCoredumpInfo(text: string): CoredumpInfo[] {
  const out: CoredumpInfo[] = [];
  let cur: CoredumpInfo | null = null;
  let thread: CoredumpInfoThread | null = null;
  let inMessage = false;
  text.split(/\r?\n/).forEach((line, i) => {
    const f = INFO_FIELD.exec(line);
    if (f && !/^\s*#\d/.test(line) && (f[1] === 'PID' || cur)) {
      const key = f[1]!;
      const value = f[2]!.trim();
      if (key === 'PID') {
        cur = { threads: [], fields: {}, lineNo: i + 1 };
        out.push(cur);
        thread = null;
        const m = /^(\d+) \((.*)\)$/.exec(value);
        if (m) {
          cur.pid = Number(m[1]);
          cur.comm = m[2]!;
        }
      }
      if (!cur) return;
      inMessage = key === 'Message';
      cur.fields[key] = value;
      applyField(cur, key, value);
      return;
    }
    if (!cur) return;
    const c: CoredumpInfo = cur;
    const h = STACK_HEAD.exec(line);
    if (h) {
      thread = { thread: Number(h[1]), frames: [] };
      c.threads.push(thread);
      return;
    }
    const fr = STACK_FRAME.exec(line);
    if (fr && thread) {
      const frame: CoredumpInfoFrame = { address: fr[1]!, fn: fr[2]! };
      if (fr[3]) frame.object = fr[3];
      if (fr[4]) frame.offset = fr[4];
      thread.frames.push(frame);
      return;
    }
    if (inMessage && line.trim() !== '') c.message = `${c.message ?? ''}\n${line.trim()}`.trim();
  });
  return out;
}

function applyField(c: CoredumpInfo, key: string, value: string): void {
  switch (key) {
    case 'UID':
    case 'GID': {
      const n = Number(/^(\d+)/.exec(value)?.[1]);
      if (Number.isFinite(n)) {
        if (key === 'UID') c.uid = n;
        else c.gid = n;
      }
      break;
    }
    case 'Signal':
    case 'Reason': {
      const m = /^(\d+)(?: \((\w+)\))?/.exec(value);
      if (m) {
        c.signal = Number(m[1]);
        if (m[2]) c.signalName = m[2];
      }
      break;
    }
    case 'Timestamp':
      c.timestamp = value;
      break;
    case 'Command Line':
      c.commandLine = value;
      break;
    case 'Executable':
      c.executable = value;
      break;
    case 'Unit':
      c.unit = value;
      break;
    case 'Boot ID':
      c.bootId = value;
      break;
    case 'Hostname':
      c.hostname = value;
      break;
    case 'Disk Size':
    case 'Size on Disk':
      c.sizeOnDisk = value;
      break;
    case 'Package':
      c.package = value;
      break;
    case 'Message':
      c.message = value;
      break;
    case 'Storage': {
      c.storage = value;
      const m = /\((present|missing|inaccessible|truncated)\)\s*$/.exec(value);
      c.storageState = m
        ? (m[1] as CoredumpInfo['storageState'])
        : value === 'journal'
          ? 'journal'
          : value === 'none'
            ? 'none'
            : 'unknown';
      break;
    }
    default:
      break;
  }
}
