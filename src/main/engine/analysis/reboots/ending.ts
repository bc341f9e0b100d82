/**
 * How one boot ended, from the end points inside it and from which sources cover its end.
 * Crash evidence outranks a shutdown (a panic during shutdown is a crash); a shutdown counts only
 * near the boot's last sign of life (journald also stops on a restart, mid-boot); no shutdown
 * trace is `hard` only when some source that would have recorded one spans the boot's end.
 */
import type { BootEvidence, EndKind, EndWhy, SignOfLife } from '../../../../shared/model/boot';
import { isWtmpShutdown, wtmpEvidence, type BootHistoryInput, type Collected, type EndPoint } from './inputs';
import type { Cluster } from './clusters';

export interface Ending {
  endKind: EndKind;
  end: number | null;
  endReason: string;
  /** endReason as data, for the panel's other languages. */
  endWhy: EndWhy;
  evidence: BootEvidence[];
  /** True when wtmp (or last) shows a shutdown record for this boot. */
  wtmpShutdown: boolean;
  /** True when wtmp or last text covers the end and has no shutdown record for it. */
  wtmpNoShutdown: boolean;
  logsClean: boolean;
}

const NEAR_END = 15 * 60_000;
const AFTER_BOOT = 15 * 60_000;
const STORM = 8;
const STORM_WINDOW = 2 * 60_000;

export function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function cite(e: { evidence: BootEvidence }): string {
  return `${e.evidence.sourcePath}:${e.evidence.lineNo}`;
}

function storm(points: readonly EndPoint[]): EndPoint[] | null {
  const sorted = [...points].sort((a, b) => a.ts - b.ts);
  for (let i = 0; i + STORM - 1 < sorted.length; i++) {
    const a = sorted[i];
    const b = sorted[i + STORM - 1];
    if (a && b && b.ts - a.ts <= STORM_WINDOW) return sorted.slice(i);
  }
  return null;
}

export interface BootSpan {
  cluster: Cluster;
  start: number;
  /** Start of the next boot, null for the newest. */
  next: number | null;
  nextCluster: Cluster | null;
  lsol: SignOfLife | null;
}

/** End points belonging to this boot: inside it, or (kdump's "vmcore saved") early in the next. */
function pointsOf(span: BootSpan, c: Collected): EndPoint[] {
  const hi = span.next ?? Infinity;
  return c.ends.filter((e) => {
    const t = e.refTs ?? e.ts;
    if (e.kind === 'crash-after' && e.refTs === null && span.next !== null) {
      return t >= span.start && t < span.next + AFTER_BOOT;
    }
    return t >= span.start && t < hi;
  });
}

function wtmpCovers(
  span: BootSpan,
  input: BootHistoryInput,
): { covered: boolean; shutdown: BootEvidence | null; source: string | null } {
  if (span.next === null) return { covered: false, shutdown: null, source: null };
  const next = span.next;
  for (const w of input.wtmp ?? []) {
    let before = false;
    let after = false;
    let shutdown: BootEvidence | null = null;
    for (const r of w.records) {
      if (r.tvSec <= 0) continue;
      if (r.ts >= span.start - 60_000 && r.ts < next - 60_000) {
        before = true;
        if (isWtmpShutdown(r)) shutdown = wtmpEvidence(w, r, 'wtmp shutdown record');
      }
      if (r.ts >= next - 60_000) after = true;
    }
    if (before && after) return { covered: true, shutdown, source: w.sourcePath };
  }
  for (const l of input.last ?? []) {
    const inThis = span.cluster.points.find((p) => p.lastEntry && p.evidence.sourceId === l.sourceId);
    const inNext = span.nextCluster?.points.some((p) => p.lastEntry && p.evidence.sourceId === l.sourceId);
    if (inThis?.lastEntry && inNext) {
      const e = inThis.lastEntry;
      const ended = e.endKind === 'time' && e.end !== null && e.end < next - 60_000;
      return { covered: true, shutdown: ended ? inThis.evidence : null, source: l.sourcePath };
    }
  }
  return { covered: false, shutdown: null, source: null };
}

function logsCover(span: BootSpan, input: BootHistoryInput): string | null {
  if (span.next === null) return null;
  for (const s of input.scan?.spans ?? []) {
    if (!s.userspace) continue;
    if (s.first && s.last && s.first.ts < span.next && s.last.ts >= span.next && s.last.ts >= span.start)
      return s.sourcePath;
  }
  return null;
}

function hintsWhy(points: readonly EndPoint[]): EndWhy['hints'] {
  const hints = points.filter((p) => p.kind === 'hint');
  if (hints.length === 0) return null;
  return {
    whats: [...new Set(hints.map((h) => h.what))],
    lastCite: cite(hints[hints.length - 1] as EndPoint),
  };
}

function hintsText(points: readonly EndPoint[]): string {
  const hints = points.filter((p) => p.kind === 'hint');
  if (hints.length === 0) return '';
  const kinds = [...new Set(hints.map((h) => h.what))];
  return ` Before the end: ${kinds.join(', ')} (${cite(hints[hints.length - 1] as EndPoint)}).`;
}

export function classifyEnd(span: BootSpan, c: Collected, input: BootHistoryInput): Ending {
  const pts = pointsOf(span, c);
  const lsolTs = span.lsol?.ts ?? span.start;
  const crash = pts
    .filter((p) => p.kind === 'crash' || p.kind === 'crash-after')
    .sort((a, b) => (a.refTs ?? a.ts) - (b.refTs ?? b.ts));
  const nearEnd = (p: EndPoint): boolean => p.ts >= lsolTs - NEAR_END;
  const clean = pts.filter((p) => p.kind === 'clean' && nearEnd(p));
  const stopping = storm(pts.filter((p) => p.kind === 'stopping' && nearEnd(p)));
  const hints = pts.filter((p) => p.kind === 'hint');
  const wt = wtmpCovers(span, input);
  const wtmpShutdown = clean.some((p) => p.fromWtmp) || wt.shutdown !== null;
  const logsClean = clean.some((p) => !p.fromWtmp) || stopping !== null;
  const base = {
    wtmpShutdown,
    wtmpNoShutdown: wt.covered && wt.shutdown === null && !clean.some((p) => p.fromWtmp),
    logsClean,
  };
  if (crash.length > 0) {
    const panic = crash.find((p) => p.kind === 'crash' && p.what === 'kernel panic');
    const end = panic ? panic.ts : lsolTs;
    const whats = [...new Set(crash.map((p) => `${p.what} (${cite(p)})`))].join('; ');
    return {
      ...base,
      endKind: 'crash',
      end,
      endReason: `crash evidence: ${whats}.${hintsText(hints)}`,
      endWhy: {
        rule: 'crash',
        crash: [
          ...new Map(crash.map((p) => [`${p.what} (${cite(p)})`, { what: p.what, cite: cite(p) }])).values(),
        ],
        hints: hintsWhy(hints),
      },
      evidence: [...crash, ...hints].map((p) => p.evidence),
    };
  }
  if (clean.length > 0 || stopping) {
    // a storm is cited by its first and last lines, not by every unit it stopped
    const stormEnds = stopping ? [stopping[0] as EndPoint, stopping[stopping.length - 1] as EndPoint] : [];
    const order = (a: EndPoint, b: EndPoint): number => a.ts - b.ts || a.evidence.lineNo - b.evidence.lineNo;
    const lastPoint = [...(clean.length > 0 ? clean : stormEnds)].sort(order).pop() as EndPoint;
    const sources = [...new Set(clean.map((p) => p.what))];
    if (stopping) sources.push(`a storm of ${stopping.length} systemd "Stopping" lines`);
    return {
      ...base,
      endKind: 'clean',
      end: lastPoint.ts,
      endReason: `shutdown sequence: ${sources.join(', ')} (last at ${cite(lastPoint)}).`,
      endWhy: {
        rule: 'shutdown',
        shutdown: {
          whats: [...new Set(clean.map((p) => p.what))],
          storm: stopping ? stopping.length : null,
          lastCite: cite(lastPoint),
        },
      },
      evidence: [...clean, ...stormEnds].sort(order).map((p) => p.evidence),
    };
  }
  if (span.next === null) {
    const collected = input.collectedAt;
    const reason = collected
      ? `newest boot, no shutdown or crash evidence after it; the archive was collected during it (${collected.what}, ${iso(collected.ts)}).`
      : 'newest boot, no shutdown or crash evidence after it: taken as the boot the archive was collected in.';
    return {
      ...base,
      endKind: 'running',
      end: null,
      endReason: reason + hintsText(hints),
      endWhy: {
        rule: 'running',
        collected: collected ? { what: collected.what, ts: iso(collected.ts) } : null,
        hints: hintsWhy(hints),
      },
      evidence: hints.map((p) => p.evidence),
    };
  }
  const logSource = logsCover(span, input);
  const covering: string[] = [];
  if (wt.covered) covering.push(`${wt.source} has no shutdown record between this boot and the next`);
  if (logSource) covering.push(`${logSource} spans the reboot and shows no shutdown sequence`);
  if (covering.length > 0) {
    const lsol = span.lsol
      ? ` The last sign of life is ${span.lsol.source}:${span.lsol.line} at ${iso(span.lsol.ts)}.`
      : '';
    return {
      ...base,
      endKind: 'hard',
      end: lsolTs,
      endReason: `no shutdown trace and no crash evidence: ${covering.join('; ')}.${lsol}${hintsText(hints)}`,
      endWhy: {
        rule: 'hard',
        wtmpSource: wt.covered ? wt.source : null,
        logSource,
        lsol: span.lsol ? { cite: `${span.lsol.source}:${span.lsol.line}`, ts: iso(span.lsol.ts) } : null,
        hints: hintsWhy(hints),
      },
      evidence: hints.map((p) => p.evidence),
    };
  }
  return {
    ...base,
    endKind: 'unknown',
    end: span.lsol?.ts ?? null,
    endReason: `no source covers the end of this boot (no wtmp or log lines from both sides of the next boot).${hintsText(hints)}`,
    endWhy: { rule: 'unknown', hints: hintsWhy(hints) },
    evidence: hints.map((p) => p.evidence),
  };
}
