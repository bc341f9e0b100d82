/**
 * Groups boot points into boots. A kernel banner, its command line, the wtmp boot record, the
 * `last` reboot line and the journal boundary of one boot come within minutes of each other;
 * the same kind of point from the same source never appears twice in one boot (a reboot loop
 * prints a banner per boot), except as a duplicate a few seconds apart.
 */
import type { BootPoint, EndPoint } from './inputs';

export interface Cluster {
  firstTs: number;
  points: BootPoint[];
}

const STRONG_WINDOW = 5 * 60_000;
// systemd's "Startup finished" and syslog daemons come up to several minutes after the kernel
const LATE_WINDOW = 15 * 60_000;
const EARLY_SLACK = 60_000;
const DUPLICATE = 5_000;
const CAPTURE_KERNEL = 60_000;

function conflicts(c: Cluster, p: BootPoint): boolean {
  return c.points.some(
    (q) => q.sourceKey === p.sourceKey && q.kind === p.kind && Math.abs(q.ts - p.ts) > DUPLICATE,
  );
}

function findCluster(clusters: Cluster[], p: BootPoint, before: number, after: number): Cluster | undefined {
  let best: Cluster | undefined;
  let bestDist = Infinity;
  for (const c of clusters) {
    const d = p.ts - c.firstTs;
    if (d < -before || d > after || conflicts(c, p)) continue;
    if (Math.abs(d) < bestDist) {
      bestDist = Math.abs(d);
      best = c;
    }
  }
  return best;
}

export interface Clustering {
  clusters: Cluster[];
  /** Weak points (rsyslogd start, ...) with no boot near them: a daemon restart, not a boot. */
  orphans: BootPoint[];
  /** Clusters dropped because they were a kdump capture kernel booting. */
  captureKernels: Cluster[];
}

export function clusterBoots(points: readonly BootPoint[], ends: readonly EndPoint[]): Clustering {
  const sorted = [...points].sort((a, b) => a.ts - b.ts);
  const clusters: Cluster[] = [];
  for (const p of sorted) {
    if (p.strength !== 'strong') continue;
    const last = clusters[clusters.length - 1];
    if (last && p.ts - last.firstTs <= STRONG_WINDOW && !conflicts(last, p)) last.points.push(p);
    else clusters.push({ firstTs: p.ts, points: [p] });
  }
  for (const p of sorted) {
    if (p.strength !== 'medium') continue;
    // a journal boundary's time is its next line's: the boot lies between the lines around it
    const c =
      p.notBefore !== undefined
        ? clusters
            .filter(
              (q) =>
                q.firstTs > (p.notBefore as number) && q.firstTs <= p.ts + EARLY_SLACK && !conflicts(q, p),
            )
            .sort((a, b) => a.firstTs - b.firstTs)
            .pop()
        : findCluster(clusters, p, EARLY_SLACK, LATE_WINDOW);
    if (c) c.points.push(p);
    else clusters.push({ firstTs: p.ts, points: [p] });
  }
  clusters.sort((a, b) => a.firstTs - b.firstTs);
  const orphans: BootPoint[] = [];
  for (const p of sorted) {
    if (p.strength !== 'weak') continue;
    const c = findCluster(clusters, p, EARLY_SLACK, LATE_WINDOW);
    if (c) c.points.push(p);
    else orphans.push(p);
  }
  const capture = ends.filter((e) => e.kind === 'crash' && e.what.startsWith('capture kernel'));
  const kept: Cluster[] = [];
  const captureKernels: Cluster[] = [];
  for (const c of clusters) {
    const onlyLogs = c.points.every((p) => p.kind !== 'wtmp-boot' && p.kind !== 'last-reboot');
    const isCapture =
      onlyLogs &&
      capture.some((e) =>
        c.points.some(
          (p) => p.evidence.sourceId === e.evidence.sourceId && Math.abs(p.ts - e.ts) <= CAPTURE_KERNEL,
        ),
      );
    (isCapture ? captureKernels : kept).push(c);
  }
  for (const c of kept) c.points.sort((a, b) => a.ts - b.ts);
  return { clusters: kept, orphans, captureKernels };
}
