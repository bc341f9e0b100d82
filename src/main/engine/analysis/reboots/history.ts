/**
 * The reboot history: every boot the archive shows, fused from wtmp, `last` text and log
 * markers, with how each one ended, its last sign of life, downtime and uptime, and what is
 * odd about it (kernel change, wtmp and logs disagreeing, `still running` on an old boot).
 */
import type {
  Boot,
  BootEvidence,
  BootFlag,
  BootHistory,
  SignOfLife,
  StartConfidence,
} from '../../../../shared/model/boot';
import { collect, type BootHistoryInput, type BootPoint, type Collected } from './inputs';
import { clusterBoots, type Cluster } from './clusters';
import { classifyEnd, iso, type BootSpan } from './ending';
import { lastSystemEntries } from './last-view';

// Which point gives the start time, best first: exact UTC records, then the kernel's own lines.
const START_ORDER: readonly BootPoint['kind'][] = [
  'wtmp-boot',
  'kernel-banner',
  'kernel-cmdline',
  'kernel-time-zero',
  'journal-boot-id',
  'list-boots',
  'last-reboot',
  'uptime',
  'journal-boundary',
  'kernel-boot-msg',
  'systemd-startup',
  'syslog-start',
];
const START_FROM: Record<string, string> = {
  'wtmp-boot': 'wtmp boot record',
  'kernel-banner': 'kernel banner (Linux version)',
  'kernel-cmdline': 'kernel command line',
  'kernel-time-zero': 'dmesg time 0.000000',
  'journal-boot-id': 'journal _BOOT_ID change',
  'journal-boundary': 'journal boot boundary',
  'list-boots': 'journalctl --list-boots',
  'last-reboot': '`last` reboot line',
  uptime: 'sosreport `uptime` (collection time − time since boot)',
  'kernel-boot-msg': 'kernel boot message',
  'systemd-startup': 'systemd "Startup finished" (after boot)',
  'syslog-start': 'syslog daemon start (after boot)',
};
const SHORT_BOOT_S = 600;
const EARLY = 60_000;

function startPoint(c: Cluster): BootPoint {
  for (const kind of START_ORDER) {
    const p = c.points.find((q) => q.kind === kind);
    if (p) return p;
  }
  return c.points[0] as BootPoint;
}

function confidence(p: BootPoint): StartConfidence {
  if (p.strength !== 'strong') return 'low';
  return p.exactTime ? 'high' : 'medium';
}

function keyOf(ev: { sourceId: number; lineNo: number }): string {
  return `${ev.sourceId}:${ev.lineNo}`;
}

function lastSignOfLife(
  c: Collected,
  lo: number,
  hi: number,
  exclude: Set<string>,
  input: BootHistoryInput,
): SignOfLife | null {
  let best: SignOfLife | null = null;
  for (const l of c.life) {
    if (l.ts < lo || l.ts >= hi || exclude.has(keyOf(l.evidence))) continue;
    if (
      !best ||
      l.ts > best.ts ||
      (l.ts === best.ts && l.evidence.sourceId === best.evidence.sourceId && l.line > best.line)
    )
      best = l;
  }
  if (input.lastLineBefore && Number.isFinite(hi)) {
    const q = input.lastLineBefore(hi);
    if (q && q.ts >= lo && q.ts < hi && !exclude.has(keyOf(q.evidence)) && (!best || q.ts > best.ts))
      best = q;
  }
  return best;
}

function kernelOf(c: Cluster): { kernel: string | null; truncated: boolean } {
  const full = c.points.find((p) => p.kernel && !p.kernelTruncated);
  if (full?.kernel) return { kernel: full.kernel, truncated: false };
  const cut = c.points.find((p) => p.kernel);
  return { kernel: cut?.kernel ?? null, truncated: cut !== undefined };
}

function sameKernel(
  a: { kernel: string | null; kernelTruncated: boolean },
  b: { kernel: string | null; kernelTruncated: boolean },
): boolean | null {
  if (!a.kernel || !b.kernel) return null;
  if (a.kernelTruncated || b.kernelTruncated) {
    const n = Math.min(a.kernel.length, b.kernel.length);
    return a.kernel.slice(0, n) === b.kernel.slice(0, n);
  }
  return a.kernel === b.kernel;
}

/** Reboot lines that `last` would end with "still running": from wtmp records and from `last` text. */
function stillRunningKeys(input: BootHistoryInput): Set<string> {
  const keys = new Set<string>();
  for (const w of input.wtmp ?? []) {
    for (const e of lastSystemEntries(w.records)) {
      if (e.kind === 'reboot' && e.end === 'still running') keys.add(`${w.sourceId}:${e.record.index + 1}`);
    }
  }
  for (const l of input.last ?? []) {
    for (const e of l.parse.entries)
      if (e.kind === 'reboot' && e.endKind === 'still-running') keys.add(`${l.sourceId}:${e.lineNo}`);
  }
  return keys;
}

/** The wtmp file whose records span `ts` (records before and after it), or null. */
function coversWtmp(input: BootHistoryInput, ts: number): string | null {
  for (const w of input.wtmp ?? []) {
    if (w.role === 'btmp') continue;
    let before = false;
    let after = false;
    for (const r of w.records) {
      if (r.tvSec <= 0) continue;
      if (r.ts < ts - EARLY) before = true;
      if (r.ts > ts + EARLY) after = true;
    }
    if (before && after) return w.sourcePath;
  }
  return null;
}

function coversLogs(input: BootHistoryInput, ts: number): string | null {
  for (const s of input.scan?.spans ?? []) {
    if (s.first && s.last && s.first.ts < ts - EARLY && s.last.ts > ts + 5 * EARLY) return s.sourcePath;
  }
  return null;
}

// dmesg prints dozens of lines at 0.000000 and a shutdown many lines of one kind: one of each is enough to cite
function firstOfEachKind(points: readonly BootPoint[]): BootEvidence[] {
  const seen = new Set<string>();
  const out: BootEvidence[] = [];
  for (const p of points) {
    const key = `${p.sourceKey}|${p.kind}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p.evidence);
  }
  return out;
}

function lastOfEachWhat(evidence: readonly BootEvidence[]): BootEvidence[] {
  const byKey = new Map<string, BootEvidence>();
  for (const e of evidence) byKey.set(`${e.sourceId}|${e.what}`, e);
  return [...byKey.values()];
}

/** Builds the history from everything the archive holds about boots. Pure; never throws on odd input. */
export function buildBootHistory(input: BootHistoryInput): BootHistory {
  const c = collect(input);
  const { clusters, orphans, captureKernels } = clusterBoots(c.boots, c.ends);
  const notes: string[] = [];
  for (const o of orphans) {
    notes.push(
      `${o.evidence.what} at ${iso(o.ts)} (${o.evidence.sourcePath}:${o.evidence.lineNo}) has no boot near it: a daemon restart, not counted as a boot.`,
    );
  }
  for (const k of captureKernels) {
    const p = k.points[0];
    if (p)
      notes.push(
        `kernel lines at ${iso(p.ts)} (${p.evidence.sourcePath}:${p.evidence.lineNo}) are a kdump capture kernel booting, counted as crash evidence, not as a boot.`,
      );
  }
  if (c.unplaced > 0)
    notes.push(
      `${c.unplaced} boot-related lines carry no usable time (dmesg seconds since boot, or a year that could not be inferred) and were not placed.`,
    );

  const starts = clusters.map(startPoint);
  const stillRunning = stillRunningKeys(input);
  const boots: Boot[] = [];
  for (let k = 0; k < clusters.length; k++) {
    const cluster = clusters[k] as Cluster;
    const sp = starts[k] as BootPoint;
    const nextCluster = clusters[k + 1] ?? null;
    const nextStart = starts[k + 1]?.ts ?? null;
    const exclude = new Set((nextCluster?.points ?? []).map((p) => keyOf(p.evidence)));
    const hi = nextCluster ? Math.min(nextCluster.firstTs, nextStart ?? Infinity) : Infinity;
    const lsol = lastSignOfLife(c, cluster.firstTs - EARLY, hi, exclude, input);
    const span: BootSpan = { cluster, start: sp.ts, next: nextStart, nextCluster, lsol };
    const ending = classifyEnd(span, c, input);
    // a boot seen only through its own boot lines: it ended, but nothing says when
    const onlyOwnLines =
      lsol !== null &&
      cluster.points.some((p) => keyOf(p.evidence) === keyOf(lsol.evidence)) &&
      lsol.ts <= sp.ts + EARLY;
    if (onlyOwnLines && ending.endKind === 'hard') {
      ending.end = null;
      ending.endReason += ' Nothing after its boot lines is known, so its end time is not known.';
      ending.endWhy.noLifeAfterStart = true;
    }
    const { kernel, truncated } = kernelOf(cluster);
    const cmd = cluster.points.find((p) => p.commandLine !== undefined)?.commandLine ?? null;
    const bootId = cluster.points.find((p) => p.bootId !== undefined)?.bootId ?? null;
    const flags: BootFlag[] = [];
    let explanation: string | null = null;
    const srPoint = cluster.points.find((p) => stillRunning.has(keyOf(p.evidence)));
    if (srPoint && nextStart !== null) {
      explanation =
        `\`last\` prints "still running" for this boot because wtmp holds no shutdown record after it; ` +
        `a later boot started at ${iso(nextStart)}, so this boot is not running: it ended without a shutdown record (${ending.endKind}).`;
      flags.push({ kind: 'still-running-old', message: explanation, evidence: [srPoint.evidence] });
    }
    const uptimeEnd =
      ending.endKind === 'running'
        ? (input.collectedAt?.ts ?? (onlyOwnLines ? null : (lsol?.ts ?? null)))
        : ending.end;
    const uptimeS = uptimeEnd !== null ? Math.round((uptimeEnd - sp.ts) / 1000) : null;
    const downtimeS =
      nextStart !== null && ending.end !== null ? Math.round((nextStart - ending.end) / 1000) : null;
    if (uptimeS !== null && uptimeS < SHORT_BOOT_S && ending.endKind !== 'running') {
      flags.push({ kind: 'short-boot', message: `up for ${uptimeS} s only.`, evidence: [sp.evidence] });
    }
    if (!sp.exactTime) {
      flags.push({
        kind: 'time-inferred',
        message: `start time from ${START_FROM[sp.kind] ?? sp.kind}: ${sp.evidence.what}; its year or zone is inferred.`,
        evidence: [sp.evidence],
      });
    }
    const inWtmp = cluster.points.some((p) => p.kind === 'wtmp-boot' || p.kind === 'last-reboot');
    const inLogs = cluster.points.some(
      (p) => p.kind !== 'wtmp-boot' && p.kind !== 'last-reboot' && p.kind !== 'uptime',
    );
    const wtmpSrc = inWtmp ? null : coversWtmp(input, sp.ts);
    if (wtmpSrc !== null) {
      flags.push({
        kind: 'not-in-wtmp',
        message: `the logs show this boot but wtmp (${wtmpSrc}), which covers the time, has no boot record for it.`,
        source: wtmpSrc,
        evidence: [sp.evidence],
      });
    }
    const logSrc = inLogs ? null : coversLogs(input, sp.ts);
    if (logSrc) {
      flags.push({
        kind: 'not-in-logs',
        message: `wtmp shows this boot but ${logSrc}, which covers the time, has no boot lines for it.`,
        source: logSrc,
        evidence: [sp.evidence],
      });
    }
    if (ending.wtmpShutdown && ending.endKind === 'crash') {
      flags.push({
        kind: 'wtmp-logs-disagree',
        message: 'wtmp records a shutdown but the logs show a crash.',
        evidence: ending.evidence,
      });
    } else if (ending.wtmpNoShutdown && ending.logsClean) {
      flags.push({
        kind: 'wtmp-logs-disagree',
        message: 'the logs show a shutdown sequence but wtmp has no shutdown record for this boot.',
        evidence: ending.evidence,
      });
    }
    const evidence: BootEvidence[] = [...firstOfEachKind(cluster.points), ...lastOfEachWhat(ending.evidence)];
    if (lsol) evidence.push({ ...lsol.evidence, ts: lsol.ts, what: `last sign of life: ${lsol.what}` });
    evidence.sort((a, b) => (a.ts ?? 0) - (b.ts ?? 0));
    boots.push({
      index: k,
      start: sp.ts,
      startConfidence: confidence(sp),
      startFrom: START_FROM[sp.kind] ?? sp.kind,
      kernel,
      kernelTruncated: truncated,
      commandLine: cmd,
      bootId,
      end: ending.end,
      endKind: ending.endKind,
      endReason: ending.endReason,
      endWhy: ending.endWhy,
      lastSignOfLife: lsol,
      downtimeS,
      uptimeS,
      explanation,
      flags,
      evidence,
    });
  }
  for (let k = 1; k < boots.length; k++) {
    const a = boots[k - 1] as Boot;
    const b = boots[k] as Boot;
    if (sameKernel(a, b) === false) {
      b.flags.unshift({
        kind: 'kernel-changed',
        message: `kernel ${a.kernel} → ${b.kernel}.`,
        evidence: b.evidence.filter((e) => /kernel|boot/.test(e.what)).slice(0, 2),
      });
    }
  }
  const first = boots[0];
  const last = boots[boots.length - 1];
  const days = first && last ? (last.start - first.start) / 86_400_000 : 0;
  const rebootsPerDay =
    boots.length >= 2 && days > 0 ? Math.round(((boots.length - 1) / days) * 100) / 100 : null;
  return { boots, rebootsPerDay, notes };
}
