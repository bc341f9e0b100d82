/**
 * Memory-cgroup lines of a report: `Task in A killed as a result of limit of B` (≤4.19),
 * usage/limit/failcnt for memory, memory+swap, kmem (v1) and swap (v2), the one-line
 * v1 stats and the memory.stat-style v2 stats, and memory.oom.group.
 */

const TASK_IN_RE = /^Task in (?<a>\S+) killed as a result of limit of (?<b>\S+)/;
const COUNTER_RE =
  /^(?<name>memory|memory\+swap|kmem|swap): usage (?<usage>\d+)kB, limit (?<limit>\d+)kB, failcnt (?<failcnt>\d+)/;
const STATS_RE = /^Memory cgroup stats for (?<path>\S*?):(?<rest>.*)$/;
const STAT_KV_RE = /([a-z_]+):(\d+)KB/g;
const STAT_LINE_RE = /^\s*(?<key>[a-z_]+) (?<value>\d+)\s*$/;
const GROUP_RE = /^Tasks in (?<path>\S+) are going to be killed due to memory\.oom\.group set/;

export function parseTaskIn(msg: string): { taskIn: string; limitOf: string } | null {
  const m = TASK_IN_RE.exec(msg);
  return m?.groups ? { taskIn: m.groups.a ?? '', limitOf: m.groups.b ?? '' } : null;
}

export function parseMemcgCounter(
  msg: string,
): { name: string; usageKb: number; limitKb: number; failcnt: number } | null {
  const m = COUNTER_RE.exec(msg);
  if (!m?.groups) return null;
  return {
    name: m.groups.name ?? '',
    usageKb: Number(m.groups.usage),
    limitKb: Number(m.groups.limit),
    failcnt: Number(m.groups.failcnt),
  };
}

/** The stats header; `inline` holds the v1 one-line values (kB), empty for v2 (values follow). */
export function parseStatsHeader(msg: string): { path: string; inline: Record<string, number> } | null {
  const m = STATS_RE.exec(msg);
  if (!m?.groups) return null;
  const inline: Record<string, number> = {};
  for (const kv of (m.groups.rest ?? '').matchAll(STAT_KV_RE)) inline[kv[1]!] = Number(kv[2]);
  return { path: m.groups.path ?? '', inline };
}

export function parseStatLine(msg: string): { key: string; value: number } | null {
  const m = STAT_LINE_RE.exec(msg);
  return m?.groups ? { key: m.groups.key ?? '', value: Number(m.groups.value) } : null;
}

export function parseOomGroup(msg: string): string | null {
  return GROUP_RE.exec(msg)?.groups?.path ?? null;
}
