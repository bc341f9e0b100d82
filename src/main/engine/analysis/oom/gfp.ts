/**
 * GFP mask decoding per kernel generation (include/linux/gfp.h and gfp_types.h). Bit values
 * moved in 4.4, 4.10, 4.15 and 5.1; from 6.x the high bits depend on the build, so unknown
 * bits are reported rather than guessed, and the kernel's own symbolic print (4.6+) wins.
 */
import { atLeast, type KernelVersion } from './kernel-version';

interface GfpTable {
  name: string;
  bits: Record<string, number>;
}

const ZONE_BITS = { __GFP_DMA: 0x01, __GFP_HIGHMEM: 0x02, __GFP_DMA32: 0x04, __GFP_MOVABLE: 0x08 };

// prettier-ignore
const T_OLD: GfpTable = {
  name: '2.6.x–4.3',
  bits: {
    ...ZONE_BITS,
    __GFP_WAIT: 0x10, __GFP_HIGH: 0x20, __GFP_IO: 0x40, __GFP_FS: 0x80, __GFP_COLD: 0x100, __GFP_NOWARN: 0x200,
    __GFP_REPEAT: 0x400, __GFP_NOFAIL: 0x800, __GFP_NORETRY: 0x1000, __GFP_MEMALLOC: 0x2000, __GFP_COMP: 0x4000,
    __GFP_ZERO: 0x8000, __GFP_NOMEMALLOC: 0x10000, __GFP_HARDWALL: 0x20000, __GFP_THISNODE: 0x40000,
    __GFP_RECLAIMABLE: 0x80000, __GFP_KMEMCG: 0x100000, __GFP_NOTRACK: 0x200000, __GFP_NO_KSWAPD: 0x400000,
    __GFP_OTHER_NODE: 0x800000, __GFP_WRITE: 0x1000000,
  },
};

// prettier-ignore
const T_44: GfpTable = {
  name: '4.4–4.9',
  bits: {
    ...ZONE_BITS,
    __GFP_RECLAIMABLE: 0x10, __GFP_HIGH: 0x20, __GFP_IO: 0x40, __GFP_FS: 0x80, __GFP_COLD: 0x100, __GFP_NOWARN: 0x200,
    __GFP_REPEAT: 0x400, __GFP_NOFAIL: 0x800, __GFP_NORETRY: 0x1000, __GFP_MEMALLOC: 0x2000, __GFP_COMP: 0x4000,
    __GFP_ZERO: 0x8000, __GFP_NOMEMALLOC: 0x10000, __GFP_HARDWALL: 0x20000, __GFP_THISNODE: 0x40000,
    __GFP_ATOMIC: 0x80000, __GFP_ACCOUNT: 0x100000, __GFP_NOTRACK: 0x200000, __GFP_DIRECT_RECLAIM: 0x400000,
    __GFP_OTHER_NODE: 0x800000, __GFP_WRITE: 0x1000000, __GFP_KSWAPD_RECLAIM: 0x2000000,
  },
};

// prettier-ignore
const T_410: GfpTable = {
  name: '4.10–4.14',
  bits: {
    ...ZONE_BITS,
    __GFP_RECLAIMABLE: 0x10, __GFP_HIGH: 0x20, __GFP_IO: 0x40, __GFP_FS: 0x80, __GFP_COLD: 0x100, __GFP_NOWARN: 0x200,
    __GFP_RETRY_MAYFAIL: 0x400, __GFP_NOFAIL: 0x800, __GFP_NORETRY: 0x1000, __GFP_MEMALLOC: 0x2000, __GFP_COMP: 0x4000,
    __GFP_ZERO: 0x8000, __GFP_NOMEMALLOC: 0x10000, __GFP_HARDWALL: 0x20000, __GFP_THISNODE: 0x40000,
    __GFP_ATOMIC: 0x80000, __GFP_ACCOUNT: 0x100000, __GFP_NOTRACK: 0x200000, __GFP_DIRECT_RECLAIM: 0x400000,
    __GFP_WRITE: 0x800000, __GFP_KSWAPD_RECLAIM: 0x1000000, __GFP_NOLOCKDEP: 0x2000000,
  },
};

// prettier-ignore
const T_415: GfpTable = {
  name: '4.15–5.0',
  bits: {
    ...ZONE_BITS,
    __GFP_RECLAIMABLE: 0x10, __GFP_HIGH: 0x20, __GFP_IO: 0x40, __GFP_FS: 0x80, __GFP_WRITE: 0x100, __GFP_NOWARN: 0x200,
    __GFP_RETRY_MAYFAIL: 0x400, __GFP_NOFAIL: 0x800, __GFP_NORETRY: 0x1000, __GFP_MEMALLOC: 0x2000, __GFP_COMP: 0x4000,
    __GFP_ZERO: 0x8000, __GFP_NOMEMALLOC: 0x10000, __GFP_HARDWALL: 0x20000, __GFP_THISNODE: 0x40000,
    __GFP_ATOMIC: 0x80000, __GFP_ACCOUNT: 0x100000, __GFP_DIRECT_RECLAIM: 0x200000, __GFP_KSWAPD_RECLAIM: 0x400000,
  },
};

// prettier-ignore
const T_51: GfpTable = {
  name: '5.1+',
  bits: {
    ...ZONE_BITS,
    __GFP_RECLAIMABLE: 0x10, __GFP_HIGH: 0x20, __GFP_IO: 0x40, __GFP_FS: 0x80, __GFP_ZERO: 0x100, __GFP_ATOMIC: 0x200,
    __GFP_DIRECT_RECLAIM: 0x400, __GFP_KSWAPD_RECLAIM: 0x800, __GFP_WRITE: 0x1000, __GFP_NOWARN: 0x2000,
    __GFP_RETRY_MAYFAIL: 0x4000, __GFP_NOFAIL: 0x8000, __GFP_NORETRY: 0x10000, __GFP_MEMALLOC: 0x20000,
    __GFP_COMP: 0x40000, __GFP_NOMEMALLOC: 0x80000, __GFP_HARDWALL: 0x100000, __GFP_THISNODE: 0x200000,
    __GFP_ACCOUNT: 0x400000,
  },
};

const TABLES = [T_OLD, T_44, T_410, T_415, T_51];

/** Composite names in the order the kernel's `%pGg` tries them (largest first). */
function composites(b: Record<string, number>): [string, number][] {
  const reclaim = b.__GFP_WAIT ?? (b.__GFP_DIRECT_RECLAIM ?? 0) | (b.__GFP_KSWAPD_RECLAIM ?? 0);
  const io = b.__GFP_IO ?? 0;
  const fs = b.__GFP_FS ?? 0;
  const kernel = reclaim | io | fs;
  const user = kernel | (b.__GFP_HARDWALL ?? 0);
  const highuser = user | (b.__GFP_HIGHMEM ?? 0);
  const atomic = (b.__GFP_HIGH ?? 0) | (b.__GFP_ATOMIC ?? 0) | (b.__GFP_KSWAPD_RECLAIM ?? 0);
  const list: [string, number][] = [
    ['GFP_HIGHUSER_MOVABLE', highuser | (b.__GFP_MOVABLE ?? 0)],
    ['GFP_HIGHUSER', highuser],
    ['GFP_USER', user],
  ];
  if (b.__GFP_ACCOUNT) list.push(['GFP_KERNEL_ACCOUNT', kernel | b.__GFP_ACCOUNT]);
  list.push(['GFP_KERNEL', kernel], ['GFP_NOFS', reclaim | io]);
  if (b.__GFP_ATOMIC) list.push(['GFP_ATOMIC', atomic]);
  list.push(['GFP_NOIO', reclaim]);
  if (b.__GFP_KSWAPD_RECLAIM) list.push(['GFP_NOWAIT', b.__GFP_KSWAPD_RECLAIM]);
  return list;
}

export interface GfpDecode {
  flags: string[];
  table: string;
  unknownBits: number;
  zones: string[];
  /** True when the decode agrees with what the kernel printed (or nothing was printed). */
  agreesWithPrinted: boolean | null;
}

function decodeWith(mask: number, t: GfpTable): { flags: string[]; unknown: number } {
  let rest = mask;
  const flags: string[] = [];
  for (const [name, bits] of composites(t.bits)) {
    if (bits !== 0 && (rest & bits) === bits) {
      flags.push(name);
      rest &= ~bits;
    }
  }
  for (const [name, bit] of Object.entries(t.bits)) {
    if (rest & bit) {
      flags.push(name);
      rest &= ~bit;
    }
  }
  return { flags, unknown: rest };
}

function tableFor(v: KernelVersion | null): GfpTable | null {
  if (!v) return null;
  if (atLeast(v, 5, 1)) return T_51;
  if (atLeast(v, 4, 15) || (v.rhel !== null && v.rhel >= 8)) return T_415;
  if (atLeast(v, 4, 10)) return T_410;
  if (atLeast(v, 4, 4)) return T_44;
  return T_OLD;
}

/** Zones an allocation with these zone-modifier bits may be served from, highest first. */
export function gfpZones(mask: number): string[] {
  if (mask & ZONE_BITS.__GFP_DMA) return ['DMA'];
  if (mask & ZONE_BITS.__GFP_DMA32) return ['DMA32', 'DMA'];
  if (mask & ZONE_BITS.__GFP_HIGHMEM)
    return mask & ZONE_BITS.__GFP_MOVABLE
      ? ['Movable', 'HighMem', 'Normal', 'DMA32', 'DMA']
      : ['HighMem', 'Normal', 'DMA32', 'DMA'];
  return ['Normal', 'DMA32', 'DMA'];
}

function sameNames(a: string[], printed: string): boolean {
  const p = printed.split('|').filter((s) => s !== '');
  return p.length === a.length && p.every((n) => a.includes(n));
}

/**
 * Decodes `mask` for the kernel `version`. When the kernel printed the names, the table that
 * reproduces them is preferred (distro kernels backport gfp.h changes); their names are kept.
 */
export function decodeGfp(
  maskText: string,
  version: KernelVersion | null,
  printed: string | null,
): GfpDecode {
  const mask = parseInt(maskText, 16);
  const zones = gfpZones(mask);
  if (printed !== null && printed !== '') {
    const agreeing = TABLES.filter((t) => {
      const d = decodeWith(mask, t);
      return d.unknown === 0 && sameNames(d.flags, printed);
    });
    const t = agreeing.find((x) => x === tableFor(version)) ?? agreeing[0];
    const names = printed.split('|').filter((s) => s !== '');
    const base = t ?? tableFor(version) ?? T_51;
    const known = Object.values(base.bits).reduce((a, b) => a | b, 0);
    return {
      flags: names,
      table: t ? t.name : `${base.name} (names as printed by the kernel)`,
      unknownBits: t ? 0 : mask & ~known,
      zones,
      agreesWithPrinted: t !== undefined,
    };
  }
  const t = tableFor(version);
  if (!t) {
    const d = decodeWith(mask, T_51);
    return {
      flags: [],
      table: 'unknown kernel generation',
      unknownBits: d.unknown | mask,
      zones,
      agreesWithPrinted: null,
    };
  }
  const d = decodeWith(mask, t);
  return { flags: d.flags, table: t.name, unknownBits: d.unknown, zones, agreesWithPrinted: null };
}
