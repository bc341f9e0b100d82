/**
 * Output of crash(8) run on a vmcore, as engineers paste it or as tools batch it: sections
 * start at a `crash> cmd` prompt or an `Output of 'cmd'` banner (hotkdump). Decodes `sys`,
 * `bt`, `ps`, `log` and `kmem -i`.
 */

export interface CrashSection {
  command: string;
  /** 1-based line of the first output line. */
  startLine: number;
  lines: string[];
}

export interface CrashBtFrame {
  index: number;
  fn: string;
  address: string;
}

export interface CrashBt {
  pid: number;
  task: string;
  cpu: number;
  command: string;
  frames: CrashBtFrame[];
}

export interface CrashPsTask {
  pid: number;
  ppid: number;
  cpu: number;
  task: string;
  state: string;
  mem: string;
  vsz: number;
  rss: number;
  comm: string;
  /** `>` marks the task active on its CPU when the dump was taken. */
  active: boolean;
}

export interface CrashKmemRow {
  pages: number;
  total: string;
  percentage?: string;
}

export interface CrashSession {
  sections: CrashSection[];
  /** `sys` fields: KERNEL, DUMPFILE, CPUS, DATE, UPTIME, LOAD AVERAGE, TASKS, NODENAME, RELEASE, VERSION, MACHINE, MEMORY, PANIC. */
  sys: Record<string, string>;
  /** The PANIC string without quotes. */
  panic?: string;
  /** True when DUMPFILE says `[PARTIAL DUMP]`. */
  partialDump?: boolean;
  bt: CrashBt[];
  ps: CrashPsTask[];
  /** Lines of the `log` command (the kernel ring buffer at crash time). */
  log: string[];
  /** `kmem -i` rows by label (TOTAL MEM, FREE, USED, … TOTAL SWAP, COMMIT LIMIT). */
  kmem: Record<string, CrashKmemRow>;
}

const PROMPT = /^crash> (\S.*?)\s*$/;
const BANNER = /^Output of '([^']+)'/;
const SYS_FIELD = /^\s*([A-Z][A-Z ]*[A-Z]): (.*)$/;
const BT_HEAD = /^PID: (\d+)\s+TASK: ([0-9a-f]+)\s+CPU: (\d+)\s+COMMAND: "(.*)"/;
const BT_FRAME = /^\s*#(\d+) \[[0-9a-f]+\] (\S+) at ([0-9a-f]+)/;
const PS_ROW = /^(>?)\s*(\d+)\s+(\d+)\s+(\d+)\s+([0-9a-f]{8,})\s+(\S+)\s+(\S+)\s+(\d+)\s+(\d+)\s+(.*)$/;
const KMEM_ROW = /^\s*([A-Z][A-Z ]*[A-Z])\s+(\d+)\s+(\S+(?: [KMGT]?B)?)\s*(?:(\d+% of [A-Z ]+[A-Z])|-+)?\s*$/;

export function splitCrashSections(text: string): CrashSection[] {
  const sections: CrashSection[] = [];
  let cur: CrashSection | null = null;
  text.split(/\r?\n/).forEach((line, i) => {
    const m = PROMPT.exec(line) ?? BANNER.exec(line);
    if (m) {
      cur = { command: m[1]!.replace(/ with .*$/, '').trim(), startLine: i + 2, lines: [] };
      sections.push(cur);
      return;
    }
    if (cur && !/^-{10,}$/.test(line)) cur.lines.push(line);
  });
  return sections;
}

export function parseCrashSession(text: string): CrashSession {
  const sections = splitCrashSections(text);
  const out: CrashSession = { sections, sys: {}, bt: [], ps: [], log: [], kmem: {} };
  for (const s of sections) {
    const cmd = s.command.split(/\s+/)[0];
    if (s.command === 'sys' || s.command.startsWith('sys ')) {
      for (const l of s.lines) {
        const m = SYS_FIELD.exec(l);
        if (m) out.sys[m[1]!] = m[2]!.trim();
      }
    } else if (cmd === 'bt') {
      let cur: CrashBt | null = null;
      for (const l of s.lines) {
        const h = BT_HEAD.exec(l);
        if (h) {
          cur = { pid: Number(h[1]), task: h[2]!, cpu: Number(h[3]), command: h[4]!, frames: [] };
          out.bt.push(cur);
          continue;
        }
        const f = BT_FRAME.exec(l);
        if (f && cur) cur.frames.push({ index: Number(f[1]), fn: f[2]!, address: f[3]! });
      }
    } else if (cmd === 'ps') {
      for (const l of s.lines) {
        const m = PS_ROW.exec(l);
        if (m) {
          out.ps.push({
            active: m[1] === '>',
            pid: Number(m[2]),
            ppid: Number(m[3]),
            cpu: Number(m[4]),
            task: m[5]!,
            state: m[6]!,
            mem: m[7]!,
            vsz: Number(m[8]),
            rss: Number(m[9]),
            comm: m[10]!.trim(),
          });
        }
      }
    } else if (cmd === 'log' || cmd === 'dmesg') {
      for (const l of s.lines) if (l !== '') out.log.push(l);
    } else if (s.command === 'kmem -i') {
      for (const l of s.lines) {
        const m = KMEM_ROW.exec(l);
        if (m) {
          const row: CrashKmemRow = { pages: Number(m[2]), total: m[3]! };
          if (m[4]) row.percentage = m[4];
          out.kmem[m[1]!] = row;
        }
      }
    }
  }
  const panic = out.sys.PANIC;
  if (panic !== undefined) out.panic = panic.replace(/^"|"$/g, '');
  const dump = out.sys.DUMPFILE;
  if (dump !== undefined) out.partialDump = dump.includes('[PARTIAL DUMP]');
  return out;
}
