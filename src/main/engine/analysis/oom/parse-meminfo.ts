/**
 * show_mem()/show_free_areas(): Mem-Info counters, per-node and per-zone lines,
 * lowmem_reserve, buddy lists with migrate types, hugepages, swap and page totals.
 */

const ZONE_NAMES = 'DMA|DMA32|Normal|HighMem|Movable|Device';
const ZONE_RE = new RegExp(`^(?:Node (?<node>\\d+) )?(?<zone>${ZONE_NAMES}) free:`);
const NODE_RE = /^Node (?<node>\d+) (?<rest>active_anon:.*)$/;
const BUDDY_RE = new RegExp(`^(?:Node (?<node>\\d+) )?(?<zone>${ZONE_NAMES}): (?<rest>\\d+\\*.*)$`);
const BUDDY_TOKEN_RE = /(\d+)\*(\d+)kB(?: \(([A-Z]+)\))?/g;
const BUDDY_TOTAL_RE = /= (\d+)kB\s*$/;
const FIELD_RE = /([A-Za-z_()]+):\s?(\d+)([kK]B)?/g;
const UNRECLAIMABLE_RE = /all_unreclaimable\? (yes|no)/;
const COUNTERS_RE = /^\s*[a-z_]+:\d+(?:\s+[a-z_]+:\d+)*\s*$/;
const HUGE_RE =
  /^(?:Node (?<node>\d+) )?hugepages_total=(?<total>\d+) hugepages_free=(?<free>\d+) hugepages_surp=(?<surp>\d+) hugepages_size=(?<size>\d+)kB/;

export interface ZoneLine {
  node: number | null;
  zone: string;
  fields: Record<string, number>;
  allUnreclaimable: boolean | null;
}

export function parseFields(s: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of s.matchAll(FIELD_RE)) out[m[1]!] = Number(m[2]);
  return out;
}

export function parseZone(msg: string): ZoneLine | null {
  const m = ZONE_RE.exec(msg);
  if (!m?.groups) return null;
  const u = UNRECLAIMABLE_RE.exec(msg);
  return {
    node: m.groups.node !== undefined ? Number(m.groups.node) : null,
    zone: m.groups.zone ?? '',
    fields: parseFields(msg.slice(m[0].length - 'free:'.length)),
    allUnreclaimable: u ? u[1] === 'yes' : null,
  };
}

export function parseNode(
  msg: string,
): { node: number; fields: Record<string, number>; allUnreclaimable: boolean | null } | null {
  const m = NODE_RE.exec(msg);
  if (!m?.groups) return null;
  const u = UNRECLAIMABLE_RE.exec(msg);
  return {
    node: Number(m.groups.node),
    fields: parseFields(m.groups.rest ?? ''),
    allUnreclaimable: u ? u[1] === 'yes' : null,
  };
}

/** `active_anon:… inactive_anon:…` counter lines (pages, no unit). */
export function parseCounters(msg: string): Record<string, number> | null {
  if (!COUNTERS_RE.test(msg)) return null;
  return parseFields(msg);
}

export interface BuddyLine {
  node: number | null;
  zone: string;
  orders: { order: number; sizeKb: number; count: number; migrateTypes: string[] }[];
  totalKb: number | null;
}

export function parseBuddy(msg: string): BuddyLine | null {
  const m = BUDDY_RE.exec(msg);
  if (!m?.groups) return null;
  const rest = m.groups.rest ?? '';
  const orders: BuddyLine['orders'] = [];
  let smallest: number | null = null;
  for (const t of rest.matchAll(BUDDY_TOKEN_RE)) {
    const sizeKb = Number(t[2]);
    smallest ??= sizeKb;
    orders.push({
      order: Math.round(Math.log2(sizeKb / smallest)),
      sizeKb,
      count: Number(t[1]),
      migrateTypes: t[3] ? [...t[3]] : [],
    });
  }
  const total = BUDDY_TOTAL_RE.exec(rest);
  return {
    node: m.groups.node !== undefined ? Number(m.groups.node) : null,
    zone: m.groups.zone ?? '',
    orders,
    totalKb: total ? Number(total[1]) : null,
  };
}

export function buddyComplete(msg: string): boolean {
  return BUDDY_TOTAL_RE.test(msg);
}

export function parseLowmemReserve(msg: string): number[] | null {
  if (!msg.startsWith('lowmem_reserve[]:')) return null;
  return msg
    .slice('lowmem_reserve[]:'.length)
    .trim()
    .split(/\s+/)
    .filter((s) => s !== '')
    .map(Number);
}

export function parseHugepages(
  msg: string,
): { node: number | null; total: number; free: number; surp: number; sizeKb: number } | null {
  const m = HUGE_RE.exec(msg);
  if (!m?.groups) return null;
  const g = m.groups;
  return {
    node: g.node !== undefined ? Number(g.node) : null,
    total: Number(g.total),
    free: Number(g.free),
    surp: Number(g.surp),
    sizeKb: Number(g.size),
  };
}

/** Single-value lines of show_mem(): key → value (pages or kB as the name says). */
const TOTALS: [RegExp, string][] = [
  [/^(\d+) total pagecache pages/, 'pagecachePages'],
  [/^(\d+) pages in swap cache/, 'swapCachePages'],
  [/^Free swap\s*=\s*(\d+)kB/, 'freeSwapKb'],
  [/^Total swap\s*=\s*(\d+)kB/, 'totalSwapKb'],
  [/^(\d+) pages RAM/, 'pagesRam'],
  [/^(\d+) pages reserved/, 'pagesReserved'],
  [/^(\d+) pages HighMem/, 'pagesHighMem'],
  [/^(\d+) pages cma reserved/, 'pagesCmaReserved'],
  [/^(\d+) pages hwpoisoned/, 'pagesHwpoisoned'],
  [/^(\d+) pages shared/, 'pagesShared'],
  [/^(\d+) pages non-shared/, 'pagesNonShared'],
];

export function parseTotal(msg: string): { key: string; value: number } | null {
  for (const [re, key] of TOTALS) {
    const m = re.exec(msg);
    if (m) return { key, value: Number(m[1]) };
  }
  return null;
}

const SLAB_ROW_RE = /^(?<name>\S+)\s+(?<used>\d+)KB\s+(?<total>\d+)KB\s*$/;

export function parseSlabRow(msg: string): { name: string; usedKb: number; totalKb: number } | null {
  const m = SLAB_ROW_RE.exec(msg);
  if (!m?.groups) return null;
  return { name: m.groups.name ?? '', usedKb: Number(m.groups.used), totalKb: Number(m.groups.total) };
}

/** Is the text of a zone line complete? (It ends with its last field; a wrapped one does not.) */
export function zoneComplete(msg: string): boolean {
  return /all_unreclaimable\? (?:yes|no)\s*$/.test(msg) || /free_cma:\d+kB\s*$/.test(msg);
}
