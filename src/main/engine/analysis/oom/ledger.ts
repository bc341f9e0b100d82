/**
 * Memory ledger: RAM split into what the counters account for, and what is left that no
 * counter explains (tmpfs outside the LRU, hugetlb pools, driver allocations, leaks).
 */
import type { OomKind, OomLedger, OomLedgerItem } from '../../../../shared/model/oom';
import type { ParsedReport } from './parsed';
import { humanKb } from './units';

function item(key: string, label: string, kb: number, from: string): OomLedgerItem {
  return { key, label, kb, human: humanKb(kb), from };
}

function sumZones(r: ParsedReport, field: string): number | null {
  const nodes = r.nodes.filter((n) => n.fields[field] !== undefined);
  if (nodes.length > 0) return nodes.reduce((a, n) => a + (n.fields[field] ?? 0), 0);
  const zones = r.zones.filter((z) => z.fields[field] !== undefined);
  return zones.length > 0 ? zones.reduce((a, z) => a + (z.fields[field] ?? 0), 0) : null;
}

export function swapStatement(r: ParsedReport): OomLedger['swap'] {
  const total = r.totals.totalSwapKb?.value ?? null;
  const free = r.totals.freeSwapKb?.value ?? null;
  if (total === 0)
    return {
      configured: false,
      totalKb: 0,
      freeKb: free,
      statement:
        'No swap configured (Total swap = 0kB): nothing could be swapped out, so anonymous memory could only be freed by killing.',
    };
  if (total !== null) {
    const used = free !== null ? total - free : null;
    if (free !== null && free <= total / 100)
      return {
        configured: true,
        totalKb: total,
        freeKb: free,
        statement: `Swap exhausted: Free swap ${free}kB of Total swap ${total}kB (${humanKb(total)}).`,
      };
    return {
      configured: true,
      totalKb: total,
      freeKb: free,
      statement: `Swap configured: ${humanKb(total)}${used !== null ? `, ${humanKb(used)} used, ${humanKb(free ?? 0)} free` : ''}.`,
    };
  }
  const swap = r.memcg.counters.find((c) => c.name === 'swap');
  const memsw = r.memcg.counters.find((c) => c.name === 'memory+swap');
  if (swap && swap.limitKb === 0)
    return {
      configured: null,
      totalKb: null,
      freeKb: null,
      statement: 'The cgroup may not swap (swap limit 0kB); host swap is not printed in a memcg report.',
    };
  if (swap)
    return {
      configured: null,
      totalKb: null,
      freeKb: null,
      statement: `The cgroup used ${humanKb(swap.usageKb)} of swap (limit ${swap.limitKb}kB); host swap is not printed in a memcg report.`,
    };
  if (memsw) {
    const mem = r.memcg.counters.find((c) => c.name === 'memory');
    const swapped = mem ? memsw.usageKb - mem.usageKb : null;
    return {
      configured: null,
      totalKb: null,
      freeKb: null,
      statement: `The cgroup's memory+swap usage is ${memsw.usageKb}kB${swapped !== null ? ` (about ${humanKb(Math.max(swapped, 0))} in swap)` : ''}; host swap is not printed in a memcg report.`,
    };
  }
  return {
    configured: null,
    totalKb: null,
    freeKb: null,
    statement: 'Swap is not stated in this report (the Free swap / Total swap lines are missing).',
  };
}

export function buildLedger(r: ParsedReport, kind: OomKind): OomLedger {
  const c = r.counters;
  const items: OomLedgerItem[] = [];
  const rowsRss = r.rows.filter((x) => x.values.rss !== undefined);
  const taskRssSumKb = rowsRss.length > 0 ? rowsRss.reduce((a, x) => a + (x.values.rss ?? 0) * 4, 0) : null;
  const swap = swapStatement(r);
  if (kind === 'memcg' && c.active_anon === undefined) return memcgLedger(r, taskRssSumKb, swap);

  const ramPages = r.totals.pagesRam?.value ?? null;
  const totalRamKb =
    ramPages !== null
      ? ramPages * 4
      : r.zones.length > 0
        ? r.zones.reduce((a, z) => a + (z.fields.present ?? 0), 0)
        : null;
  const pages = (k: string): number => c[k] ?? 0;
  const anonLru =
    c.active_anon !== undefined
      ? (pages('active_anon') + pages('inactive_anon') + pages('isolated_anon')) * 4
      : null;
  if (c.free !== undefined) items.push(item('free', 'free', pages('free') * 4, 'free'));
  if (anonLru !== null) {
    const shmem = pages('shmem') * 4;
    items.push(
      item(
        'anon',
        'anonymous (process memory)',
        Math.max(anonLru - shmem, 0),
        'active_anon + inactive_anon + isolated_anon − shmem',
      ),
    );
    if (c.shmem !== undefined) items.push(item('shmem', 'shmem / tmpfs', shmem, 'shmem'));
  }
  if (c.active_file !== undefined)
    items.push(
      item(
        'file',
        'file cache',
        (pages('active_file') + pages('inactive_file') + pages('isolated_file')) * 4,
        'active_file + inactive_file + isolated_file',
      ),
    );
  if (c.unevictable !== undefined)
    items.push(item('unevictable', 'unevictable (mlocked, ramfs)', pages('unevictable') * 4, 'unevictable'));
  if (c.slab_reclaimable !== undefined)
    items.push(
      item('slabReclaimable', 'slab, reclaimable', pages('slab_reclaimable') * 4, 'slab_reclaimable'),
    );
  if (c.slab_unreclaimable !== undefined)
    items.push(
      item('slabUnreclaimable', 'slab, unreclaimable', pages('slab_unreclaimable') * 4, 'slab_unreclaimable'),
    );
  if (c.pagetables !== undefined)
    items.push(item('pagetables', 'page tables', pages('pagetables') * 4, 'pagetables'));
  const stacks = sumZones(r, 'kernel_stack');
  if (stacks !== null)
    items.push(item('kernelStack', 'kernel stacks', stacks, 'kernel_stack (per node/zone)'));
  const huge = r.hugepages.reduce((a, h) => a + h.total * h.sizeKb, 0);
  if (r.hugepages.length > 0)
    items.push(item('hugetlb', 'hugetlb pool', huge, 'hugepages_total × hugepages_size'));
  const reserved = r.totals.pagesReserved?.value;
  if (reserved !== undefined)
    items.push(item('reserved', 'reserved (kernel image, memmap, firmware)', reserved * 4, 'pages reserved'));
  const accounted = items.reduce((a, i) => a + i.kb, 0);
  const unaccountedKb = totalRamKb !== null && items.length > 0 ? totalRamKb - accounted : null;
  return {
    totalRamKb,
    totalRamHuman: totalRamKb !== null ? humanKb(totalRamKb) : null,
    items,
    unaccountedKb,
    unaccountedHuman: unaccountedKb !== null ? humanKb(unaccountedKb) : null,
    taskRssSumKb,
    anonLruKb: anonLru,
    swap,
  };
}

/** A memcg report prints the cgroup's own counters instead of show_mem(). */
function memcgLedger(r: ParsedReport, taskRssSumKb: number | null, swap: OomLedger['swap']): OomLedger {
  const mem = r.memcg.counters.find((x) => x.name === 'memory');
  const s = r.memcg.stats;
  const toKb = (v: number): number => (r.memcg.statsUnit === 'bytes' ? Math.round(v / 1024) : v);
  const items: OomLedgerItem[] = [];
  const add = (key: string, label: string, stat: string): void => {
    const v = s[stat];
    if (v !== undefined) items.push(item(key, label, toKb(v), `memcg ${stat}`));
  };
  if (r.memcg.statsUnit === 'bytes') {
    add('anon', 'anonymous (process memory)', 'anon');
    add('file', 'file cache (incl. shmem)', 'file');
    add('kernelStack', 'kernel stacks', 'kernel_stack');
    add('pagetables', 'page tables', 'pagetables');
    add('slab', 'slab', 'slab');
    add('percpu', 'per-cpu', 'percpu');
    add('sock', 'socket buffers', 'sock');
  } else {
    add('anon', 'anonymous (process memory)', 'rss');
    add('file', 'page cache', 'cache');
  }
  const totalKb = mem ? mem.limitKb : null;
  const accounted = items.reduce((a, i) => a + i.kb, 0);
  const unaccountedKb = mem && items.length > 0 ? mem.usageKb - accounted : null;
  const anon = items.find((i) => i.key === 'anon');
  return {
    totalRamKb: totalKb,
    totalRamHuman: totalKb !== null ? `${humanKb(totalKb)} (memcg limit)` : null,
    items,
    unaccountedKb,
    unaccountedHuman: unaccountedKb !== null ? humanKb(unaccountedKb) : null,
    taskRssSumKb,
    anonLruKb: anon ? anon.kb : null,
    swap,
  };
}
