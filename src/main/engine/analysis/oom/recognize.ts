/**
 * Which kernel messages belong to an OOM report, and which open or close one.
 * Kept as data (one pattern per part) so a new layout is one more line here.
 */

import { alternation } from '../words';

export const TRIGGER_RE = /^(?<comm>.*?) invoked oom-killer: (?<rest>.*)$/;
export const HEADER_RE = /^\[\s*pid\s*\]\s/;
export const SUMMARY_RE = /^oom-kill:constraint=/;
export const KILL_SCORE_RE =
  /^(?<prefix>[^:]*?): [Kk]ill process (?<pid>\d+) \((?<comm>.*)\) score (?<score>-?\d+) or (?:sacrifice child|a child)\s*$/;
export const KILLED_RE = /^(?:(?<prefix>[^:]*?): )?Killed process (?<pid>\d+)/;
export const REAPER_RE =
  /^oom_reaper: reaped process (?<pid>\d+) \((?<comm>.*)\), now anon-rss:(?<anon>\d+)kB, file-rss:(?<file>\d+)kB(?:, shmem-rss:(?<shmem>\d+)kB)?/;
export const SHARING_RE = /^(?:[^:]*: )?Kill(?:ed)? process (?<pid>\d+) \((?<comm>.*)\) sharing same memory/;
export const PANIC_RE = /^Kernel panic - not syncing: Out of memory/;

/** Lines a report is made of, besides the openers and closers above. */
const PART_PATTERNS: RegExp[] = [
  / cpuset=\S* mems_allowed=/,
  /^CPU: \d+ /,
  /^Pid: \d+, comm: /,
  /^Hardware name: /,
  /^Workqueue: /,
  /^Call Trace:/,
  /^\s*<\/?(?:TASK|IRQ|NMI|EOI)>/,
  /^\s*(?:\[<[0-9a-f]+>\]\s*)?(?:\? )?[\w.$]+\+0x[0-9a-f]+\/0x[0-9a-f]+/,
  /^\s*(?:[0-9a-f]{8,16}\s*)+$/,
  /^\s*(?:RIP|RSP|RAX|RDX|RBP|R\d\d|Code|FS|CS|CR2|EIP|EAX|ESI|ESP|DS|CR0|DR\d|PKRU|EFLAGS):/,
  /^Mem-Info:/,
  /^Node \d+ /,
  /^(?:DMA|DMA32|Normal|HighMem|Movable|Device)(?: per-cpu)?: /,
  /^(?:DMA|DMA32|Normal|HighMem|Movable) free:/,
  /^CPU\s+\d+: hi:/,
  /^\s*[a-z_]+:\d+(?:\s+[a-z_]+:\d+)*\s*$/,
  /^lowmem_reserve\[\]:/,
  /^\d+ total pagecache pages/,
  /^\d+ pages (?:in swap cache|RAM|reserved|shared|non-shared|HighMem|cma reserved|hwpoisoned)/,
  /^Swap cache stats:/,
  /^(?:Free|Total) swap\s*=/,
  /^Tasks state /,
  /^\[\s*-?\d+\]\s/,
  /^Unreclaimable slab info:/,
  /^Name\s+Used\s+Total/,
  /^\S+\s+\d+KB\s+\d+KB\s*$/,
  /^Task in \S+ killed as a result of limit of /,
  /^Tasks in \S+ are going to be killed/,
  /^(?:memory|memory\+swap|kmem|swap): usage /,
  /^Memory cgroup stats for /,
  /^\s*[a-z_]+ \d+\s*$/,
  /^Memory allocations:/,
  /^\s*\d+(?:\.\d+)? [KMGT]?i?B\s+\d+ \S+:\d+ func:\S+/,
  /^\s*$/,
];

export function isReportPart(msg: string): boolean {
  for (const re of PART_PATTERNS) if (re.test(msg)) return true;
  return (
    TRIGGER_RE.test(msg) ||
    HEADER_RE.test(msg) ||
    SUMMARY_RE.test(msg) ||
    KILL_SCORE_RE.test(msg) ||
    KILLED_RE.test(msg) ||
    REAPER_RE.test(msg) ||
    SHARING_RE.test(msg) ||
    PANIC_RE.test(msg)
  );
}

/** Lines that open a report when none is open in their stream (the trigger line was lost). */
export function isOrphanStart(msg: string): boolean {
  return (
    HEADER_RE.test(msg) ||
    SUMMARY_RE.test(msg) ||
    KILL_SCORE_RE.test(msg) ||
    KILLED_RE.test(msg) ||
    PANIC_RE.test(msg)
  );
}

/** Cheap test on raw text: can this line matter to OOM analysis at all? */
export function mayConcernOom(text: string): boolean {
  return MAY_CONCERN_OOM.test(text);
}

// One search for the three words rather than three searches (a third of the cost on a case).
export const OOM_KEYWORDS = ['oom', 'of memory', 'Killed process'];
const MAY_CONCERN_OOM = alternation(OOM_KEYWORDS);

/** Interleaved messages saying that lines were lost while the report was written. */
export const LOST_LINES_RE =
  /missed (\d+) messages|(\d+) (?:messages|callbacks) suppressed|printk: \d+ messages dropped/;
