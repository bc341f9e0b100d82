/**
 * The task table of dump_tasks(). Columns are taken from the header line itself, never
 * from the kernel version: distributions backport layouts (RHEL 8's 4.18 prints 5.x's).
 */
import { HEADER_RE } from './recognize';

export interface TaskLayout {
  /** Numeric columns after pid, in order (without `name`). */
  columns: string[];
  pidHeader: string;
  inferred: boolean;
}

export interface TaskRow {
  pid: number;
  nums: number[];
  name: string;
}

export function parseTaskHeader(msg: string): TaskLayout | null {
  if (!HEADER_RE.test(msg)) return null;
  const close = msg.indexOf(']');
  const cols = msg
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  if (cols[cols.length - 1] === 'name') cols.pop();
  return { columns: cols, pidHeader: msg.slice(0, close + 1), inferred: false };
}

const ROW_HEAD_RE = /^\[\s*(-?\d+)\]\s+/;

/** Splits a row into pid, `n` numbers and the name (which may contain spaces). */
export function parseTaskRow(msg: string, n: number): TaskRow | null {
  const head = ROW_HEAD_RE.exec(msg);
  if (!head) return null;
  let i = head[0].length;
  const nums: number[] = [];
  for (let k = 0; k < n; k++) {
    let j = i;
    if (msg[j] === '-') j++;
    const start = j;
    while (j < msg.length && msg.charCodeAt(j) >= 48 && msg.charCodeAt(j) <= 57) j++;
    if (j === start) return null;
    nums.push(Number(msg.slice(i, j)));
    i = j;
    if (k < n - 1 || i < msg.length) {
      if (msg[i] !== ' ') return null;
      while (msg[i] === ' ') i++;
    }
  }
  return { pid: Number(head[1]), nums, name: msg.slice(i) };
}

export function rowValues(layout: TaskLayout, nums: number[]): Record<string, number> {
  const out: Record<string, number> = {};
  layout.columns.forEach((c, k) => {
    const v = nums[k];
    if (v !== undefined) out[c] = v;
  });
  return out;
}

/** The layouts dump_tasks() has printed, by number of numeric columns after pid. */
const KNOWN_LAYOUTS: string[][] = [
  ['uid', 'tgid', 'total_vm', 'rss', 'cpu', 'oom_adj'],
  ['uid', 'tgid', 'total_vm', 'rss', 'cpu', 'oom_adj', 'oom_score_adj'],
  ['uid', 'tgid', 'total_vm', 'rss', 'nr_ptes', 'swapents', 'oom_score_adj'],
  ['uid', 'tgid', 'total_vm', 'rss', 'pgtables_bytes', 'swapents', 'oom_score_adj'],
  ['uid', 'tgid', 'total_vm', 'rss', 'nr_ptes', 'nr_pmds', 'swapents', 'oom_score_adj'],
  ['uid', 'tgid', 'total_vm', 'rss', 'nr_ptes', 'nr_pmds', 'nr_puds', 'swapents', 'oom_score_adj'],
  [
    'uid',
    'tgid',
    'total_vm',
    'rss',
    'rss_anon',
    'rss_file',
    'rss_shmem',
    'pgtables_bytes',
    'swapents',
    'oom_score_adj',
  ],
];

function fits(col: string, v: number): boolean {
  switch (col) {
    case 'cpu':
      return v >= 0 && v < 8192;
    case 'oom_adj':
      return v >= -17 && v <= 15;
    case 'oom_score_adj':
      return v >= -1000 && v <= 1000;
    case 'pgtables_bytes':
      return v > 0 && v % 4096 === 0;
    default:
      return v >= 0;
  }
}

/**
 * Rows whose header line is missing (a log that starts mid-table): the layout is inferred
 * from the column count and the values' ranges, and only when exactly one layout fits.
 */
export function inferLayout(rows: number[][]): TaskLayout | null {
  const n = rows[0]?.length;
  if (n === undefined || rows.some((r) => r.length !== n)) return null;
  const fitting = KNOWN_LAYOUTS.filter(
    (l) => l.length === n && rows.every((r) => l.every((c, k) => fits(c, r[k] ?? 0))),
  );
  if (fitting.length !== 1) return null;
  return { columns: fitting[0]!, pidHeader: '', inferred: true };
}

/** Count of numeric tokens after `[pid]` in a row, for layout inference. */
export function rowNumbers(msg: string): number[] | null {
  const head = ROW_HEAD_RE.exec(msg);
  if (!head) return null;
  const toks = msg.slice(head[0].length).split(/\s+/);
  const nums: number[] = [];
  for (const t of toks) {
    if (!/^-?\d+$/.test(t)) break;
    nums.push(Number(t));
  }
  // the name is the last token and may itself be numeric; it is never part of the layout
  if (nums.length === toks.length) nums.pop();
  return nums;
}
