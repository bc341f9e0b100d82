/**
 * Zone verdict: which zones the allocation could use, whether their free pages were below
 * min plus the lowmem_reserve held back from allocations of this class, and whether any free
 * block of the requested order was left (fragmentation).
 */
import type { OomFinding, OomZone } from '../../../../shared/model/oom';
import type { ParsedReport } from './parsed';
import { humanKb } from './units';

// Zone indices as the kernel numbers them: DMA32 exists only on 64-bit, HighMem only on 32-bit.
const ORDER = ['DMA', 'DMA32', 'Normal', 'HighMem', 'Movable', 'Device'];

function zoneIndex(present: Set<string>): Map<string, number> {
  const cfg = ORDER.filter((z) =>
    z === 'DMA32' ? present.has('DMA32') : z === 'HighMem' ? present.has('HighMem') : true,
  );
  return new Map(cfg.map((z, i) => [z, i]));
}

export interface ZoneVerdict {
  zones: OomZone[];
  findings: OomFinding[];
}

export function zoneVerdict(r: ParsedReport, usableZones: string[], order: number | null): ZoneVerdict {
  const present = new Set(r.zones.map((z) => z.zone));
  const index = zoneIndex(present);
  const usable = new Set(usableZones.filter((z) => present.has(z)));
  const classZone = usableZones.find((z) => present.has(z)) ?? null;
  const classIdx = classZone !== null ? (index.get(classZone) ?? null) : null;
  const findings: OomFinding[] = [];

  const zones: OomZone[] = r.zones.map((z) => {
    const f = z.fields;
    const freeKb = f.free ?? null;
    const minKb = f.min ?? null;
    const reservePages = classIdx !== null && z.lowmemReserve ? (z.lowmemReserve[classIdx] ?? 0) : 0;
    const isUsable = usable.has(z.zone);
    const requiredKb = minKb !== null && isUsable ? minKb + reservePages * 4 : null;
    const largest = z.buddy
      ? z.buddy.orders
          .filter((o) => o.count > 0)
          .reduce<number | null>((a, o) => (a === null || o.order > a ? o.order : a), null)
      : null;
    return {
      node: z.node,
      zone: z.zone,
      freeKb,
      minKb,
      lowKb: f.low ?? null,
      highKb: f.high ?? null,
      boostKb: f.boost ?? null,
      reservedHighatomicKb: f.reserved_highatomic ?? null,
      presentKb: f.present ?? null,
      managedKb: f.managed ?? null,
      fields: f,
      allUnreclaimable: z.allUnreclaimable,
      lowmemReserve: z.lowmemReserve,
      buddy: z.buddy
        ? {
            orders: z.buddy.orders,
            totalKb: z.buddy.totalKb,
            computedTotalKb: z.buddy.orders.reduce((a, o) => a + o.count * o.sizeKb, 0),
            evidence: z.buddy.evidence,
          }
        : null,
      belowMin: freeKb !== null && minKb !== null ? freeKb < minKb : null,
      usable: isUsable,
      requiredKb,
      largestFreeOrder: largest,
      evidence: z.evidence,
    };
  });

  const name = (z: OomZone): string => (z.node !== null ? `Node ${z.node} ${z.zone}` : z.zone);
  for (const z of zones) {
    if (z.belowMin && z.freeKb !== null && z.minKb !== null)
      findings.push({
        code: 'zone-below-min',
        severity: z.usable ? 'error' : 'warning',
        text: `${name(z)} zone: free ${z.freeKb}kB is below its min watermark ${z.minKb}kB (${humanKb(z.minKb - z.freeKb)} short)${z.usable ? '' : '; the allocation could not use this zone anyway'}.`,
        evidence: z.evidence.slice(0, 1),
      });
    else if (
      z.usable &&
      z.requiredKb !== null &&
      z.freeKb !== null &&
      z.minKb !== null &&
      z.requiredKb > z.minKb
    ) {
      const short = z.freeKb < z.requiredKb;
      findings.push({
        code: short ? 'zone-reserve-short' : 'zone-reserve-ok',
        severity: short ? 'warning' : 'info',
        text: `${name(z)} zone: free ${z.freeKb}kB against min ${z.minKb}kB + lowmem_reserve ${z.requiredKb - z.minKb}kB held back from ${classZone}-class allocations = ${z.requiredKb}kB: ${short ? `short by ${humanKb(z.requiredKb - z.freeKb)}, so the free memory there was out of reach` : `above it by ${humanKb(z.freeKb - z.requiredKb)} when the report was printed (free counts are read after the allocation failed)`}.`,
        evidence: z.evidence,
      });
    }
  }

  if (order !== null && order > 0) {
    // Enough free pages above the watermark, but no block of the order asked for: fragmentation.
    const usableZones = zones.filter((z) => z.usable && z.buddy);
    const roomy = usableZones.filter(
      (z) => z.freeKb !== null && z.requiredKb !== null && z.freeKb >= z.requiredKb,
    );
    if (
      roomy.length > 0 &&
      usableZones.every((z) => (z.largestFreeOrder ?? -1) < order || !roomy.includes(z))
    )
      findings.push({
        code: 'fragmentation',
        severity: 'error',
        text: `${roomy.map((z) => `${name(z)} had ${z.freeKb}kB free (above its watermark) but no free block larger than order ${z.largestFreeOrder ?? 'none'}`).join('; ')}: the order-${order} allocation (${2 ** order * 4}kB contiguous) failed on fragmentation, not on total free memory.`,
        evidence: roomy.flatMap((z) => z.buddy?.evidence ?? []),
      });
  }

  const high = zones.filter((z) => z.zone === 'HighMem' && !z.usable);
  const highFree = high.reduce((a, z) => a + (z.freeKb ?? 0), 0);
  if (
    high.length > 0 &&
    highFree > 0 &&
    zones.some((z) => z.usable && (z.belowMin || (z.requiredKb !== null && (z.freeKb ?? 0) < z.requiredKb)))
  )
    findings.push({
      code: 'lowmem-exhausted',
      severity: 'error',
      text: `Low memory is exhausted while HighMem still has ${humanKb(highFree)} free: this allocation cannot use HighMem (32-bit lowmem exhaustion).`,
      evidence: high.flatMap((z) => z.evidence.slice(0, 1)),
    });
  return { zones, findings };
}
