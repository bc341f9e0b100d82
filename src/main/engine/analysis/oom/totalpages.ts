/**
 * totalpages, the denominator of the badness score, per constraint: RAM + swap for a global
 * OOM, the cgroup limit (plus the swap it may use) for memcg, the allowed nodes for cpuset.
 */
import type { Evidence } from '../../../../shared/model/log';
import type { OomKind } from '../../../../shared/model/oom';
import type { ParsedReport } from './parsed';

export interface TotalPagesCandidate {
  pages: number;
  from: string;
  evidence: Evidence[];
  /** The memcg limit (pages) when host swap may be added but is not printed. */
  plusUnknownSwapOver: number | null;
}

const UNLIMITED_KB = 2 ** 50;

export function totalPagesCandidates(r: ParsedReport, kind: OomKind): TotalPagesCandidate[] {
  if (kind === 'memcg') return memcgCandidates(r);
  const ram = r.totals.pagesRam;
  const reserved = r.totals.pagesReserved;
  const swap = r.totals.totalSwapKb;
  const swapPages = swap ? Math.floor(swap.value / 4) : 0;
  const swapEv = swap ? [swap.evidence] : [];
  if ((kind === 'cpuset' || kind === 'mempolicy') && r.zones.length > 0) {
    const allowed = allowedNodes(r);
    const zones = r.zones.filter((z) => allowed === null || allowed.has(z.node ?? 0));
    const present = zones.reduce((a, z) => a + Math.floor((z.fields.present ?? 0) / 4), 0);
    if (present > 0)
      return [
        {
          pages: present + swapPages,
          from: `present pages of the allowed nodes (${present}) + swap pages (${swapPages})`,
          evidence: [...zones.flatMap((z) => z.evidence.slice(0, 1)), ...swapEv],
          plusUnknownSwapOver: null,
        },
      ];
  }
  if (ram && reserved) {
    const p = ram.value - reserved.value + swapPages;
    return [
      {
        pages: p,
        from: `pages RAM ${ram.value} − pages reserved ${reserved.value} + swap ${swapPages} pages (Total swap ${swap?.value ?? 0}kB)`,
        evidence: [ram.evidence, reserved.evidence, ...swapEv],
        plusUnknownSwapOver: null,
      },
    ];
  }
  const managed = r.zones.reduce((a, z) => a + Math.floor((z.fields.managed ?? 0) / 4), 0);
  if (managed > 0)
    return [
      {
        pages: managed + swapPages,
        from: `managed pages of all zones (${managed}) + swap pages (${swapPages})`,
        evidence: [...r.zones.flatMap((z) => z.evidence.slice(0, 1)), ...swapEv],
        plusUnknownSwapOver: null,
      },
    ];
  return [];
}

function allowedNodes(r: ParsedReport): Set<number> | null {
  const spec =
    r.summary?.nodemask && r.summary.nodemask !== '(null)'
      ? r.summary.nodemask
      : (r.trigger?.nodemask ?? r.cpuset?.memsAllowed ?? r.summary?.mems_allowed ?? null);
  if (!spec || spec === '(null)') return null;
  const out = new Set<number>();
  for (const part of spec.split(',')) {
    const [a, b] = part.split('-').map(Number);
    if (a === undefined || Number.isNaN(a)) continue;
    for (let n = a; n <= (b ?? a); n++) out.add(n);
  }
  return out.size > 0 ? out : null;
}

function memcgCandidates(r: ParsedReport): TotalPagesCandidate[] {
  const mem = r.memcg.counters.find((c) => c.name === 'memory');
  if (!mem) return [];
  const limit = Math.floor(mem.limitKb / 4) || 1;
  const memsw = r.memcg.counters.find((c) => c.name === 'memory+swap');
  const swap = r.memcg.counters.find((c) => c.name === 'swap');
  const out: TotalPagesCandidate[] = [];
  if (memsw && memsw.limitKb < UNLIMITED_KB) {
    const m = Math.floor(memsw.limitKb / 4);
    if (m !== limit)
      out.push({
        pages: m,
        from: `memory+swap limit ${memsw.limitKb}kB (the memory limit plus host swap reaches it)`,
        evidence: [mem.evidence, memsw.evidence],
        plusUnknownSwapOver: null,
      });
  } else if (swap && swap.limitKb < UNLIMITED_KB) {
    if (swap.limitKb > 0)
      out.push({
        pages: limit + Math.floor(swap.limitKb / 4),
        from: `memory limit ${mem.limitKb}kB + swap limit ${swap.limitKb}kB`,
        evidence: [mem.evidence, swap.evidence],
        plusUnknownSwapOver: null,
      });
  } else {
    out.push({
      pages: limit,
      from: `memory limit ${mem.limitKb}kB + host swap (not printed in a memcg report)`,
      evidence: [mem.evidence, ...(memsw ? [memsw.evidence] : [])],
      plusUnknownSwapOver: limit,
    });
  }
  out.push({
    pages: limit,
    from: `memory limit ${mem.limitKb}kB${swap?.limitKb === 0 ? ' (swap limit 0)' : ''}`,
    evidence: [mem.evidence, ...(swap ? [swap.evidence] : [])],
    plusUnknownSwapOver: null,
  });
  return out;
}
