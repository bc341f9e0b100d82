/**
 * Across reports: every OOM kill of a case on one timeline, repeat victims, kill cadence per
 * host, and what restarted the victim afterwards, linked to those lines.
 */
import type {
  OomAftermath,
  OomCrossReport,
  OomFinding,
  OomReport,
  OomTimelineEntry,
} from '../../../../shared/model/oom';
import type { AftermathCandidate } from './aftermath';

const WINDOW_MS = 10 * 60_000;
const WINDOW_LINES = 500;
const TIME_ONLY_MS = 60_000;
const TIME_ONLY_LINES = 20;

/** Where the kill happened: the report's last line. */
export interface KillPoint {
  ts: number | null;
  sourceId: number;
  lineNo: number;
}

function killPoint(r: OomReport): KillPoint {
  const last = r.victim?.evidence[0];
  return { ts: r.ts, sourceId: last?.sourceId ?? r.sourceId, lineNo: last?.lineNo ?? r.lastLine };
}

function identity(r: OomReport): { ids: string[]; units: string[] } {
  const paths = [
    r.trigger?.cpuset,
    r.taskMemcg,
    r.memcg?.taskMemcg,
    r.memcg?.oomMemcg,
    r.memcg?.taskIn,
    r.memcg?.limitOf,
    r.memcg?.statsPath,
  ].filter((s): s is string => !!s);
  const ids = paths.flatMap((p) => [...p.matchAll(/[0-9a-f]{64}/g)].map((m) => m[0]));
  const units = paths.flatMap((p) => p.split('/')).filter((s) => /\.(?:service|scope)$/.test(s));
  return { ids, units };
}

/** The candidate comes after the kill and near it (by time, or by line when there is no time). */
function near(
  c: AftermathCandidate,
  k: KillPoint,
  r: OomReport,
  ms: number,
  lines: number,
): number | null | false {
  if (r.host !== null && c.host !== null && r.host !== c.host) return false;
  if (k.ts !== null && c.ts !== null) {
    const d = c.ts - k.ts;
    return d >= -1000 && d <= ms ? d / 1000 : false;
  }
  if (c.sourceId === k.sourceId) return c.lineNo > k.lineNo && c.lineNo - k.lineNo <= lines ? null : false;
  return false;
}

export function linkAftermath(reports: OomReport[], candidates: AftermathCandidate[]): OomAftermath[] {
  const out: OomAftermath[] = [];
  for (const c of candidates) {
    let best: OomAftermath | null = null;
    for (const r of reports) {
      if (!r.victim) continue;
      const k = killPoint(r);
      const id = identity(r);
      const sharedId = c.ids.find((x) => id.ids.some((y) => y.startsWith(x) || x.startsWith(y)));
      const unit =
        c.unit !== null &&
        (id.units.includes(c.unit) || c.unit.replace(/\.(service|scope)$/, '') === r.victim.comm)
          ? c.unit
          : null;
      let link: string | null = null;
      let d: number | null | false = false;
      if (sharedId) {
        d = near(c, k, r, WINDOW_MS, WINDOW_LINES);
        link = `container ${sharedId.slice(0, 12)}`;
      } else if (unit) {
        d = near(c, k, r, WINDOW_MS, WINDOW_LINES);
        link = `unit ${unit}`;
      } else if (c.text.includes(r.victim.comm) && new RegExp(`\\b${r.victim.pid}\\b`).test(c.text)) {
        d = near(c, k, r, WINDOW_MS, WINDOW_LINES);
        link = `process ${r.victim.pid} (${r.victim.comm}) named`;
      } else if (c.kind === 'docker-task-delete' && c.ids.length === 0 && id.ids.length > 0) {
        d = near(c, k, r, TIME_ONLY_MS, TIME_ONLY_LINES);
        link = 'time only (this dockerd line names no container)';
      }
      if (d === false || link === null) continue;
      best = { kind: c.kind, reportId: r.id, text: c.text, afterSecs: d, link, evidence: c.evidence };
    }
    if (best) out.push(best);
  }
  return out;
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function crossReport(reports: OomReport[], candidates: AftermathCandidate[]): OomCrossReport {
  const ordered = [...reports].sort(
    (a, b) => (a.ts ?? Infinity) - (b.ts ?? Infinity) || a.sourceId - b.sourceId || a.line - b.line,
  );
  const lastByHost = new Map<string, number>();
  const timeline: OomTimelineEntry[] = ordered.map((r) => {
    const key = r.host ?? `source ${r.sourceId}`;
    const prev = lastByHost.get(key);
    if (r.ts !== null) lastByHost.set(key, r.ts);
    return {
      reportId: r.id,
      ts: r.ts,
      host: r.host,
      victimPid: r.victim?.pid ?? null,
      victimComm: r.victim?.comm ?? null,
      kind: r.kind,
      sincePreviousSecs: prev !== undefined && r.ts !== null ? (r.ts - prev) / 1000 : null,
    };
  });
  const byComm = new Map<string, string[]>();
  for (const r of ordered)
    if (r.victim) byComm.set(r.victim.comm, [...(byComm.get(r.victim.comm) ?? []), r.id]);
  const repeatVictims = [...byComm.entries()]
    .filter(([, ids]) => ids.length > 1)
    .map(([comm, ids]) => ({ comm, count: ids.length, reportIds: ids }));
  const hosts = [...new Set(timeline.map((t) => t.host))];
  const cadence = hosts.map((host) => {
    const mine = timeline.filter((t) => t.host === host);
    const times = mine.map((t) => t.ts).filter((x): x is number => x !== null);
    const gaps = mine.map((t) => t.sincePreviousSecs).filter((x): x is number => x !== null);
    return {
      host,
      kills: mine.length,
      firstTs: times[0] ?? null,
      lastTs: times[times.length - 1] ?? null,
      medianIntervalSecs: median(gaps),
    };
  });
  const aftermath = linkAftermath(ordered, candidates);
  const findings: OomFinding[] = [];
  for (const rv of repeatVictims) {
    const ev = ordered.filter((r) => rv.reportIds.includes(r.id)).flatMap((r) => r.victim?.evidence ?? []);
    findings.push({
      code: 'repeat-victim',
      severity: 'warning',
      text: `${rv.comm} was killed ${rv.count} times.`,
      evidence: ev,
    });
  }
  for (const c of cadence)
    if (c.kills > 1)
      findings.push({
        code: 'cadence',
        severity: 'info',
        text: `${c.kills} OOM kills${c.host ? ` on ${c.host}` : ''}${c.medianIntervalSecs !== null ? `, a median ${Math.round(c.medianIntervalSecs)} s apart` : ''}.`,
        evidence: ordered.filter((r) => r.host === c.host).flatMap((r) => r.victim?.evidence ?? []),
      });
  for (const r of ordered) {
    const mine = aftermath.filter((a) => a.reportId === r.id);
    if (mine.length === 0 || !r.victim) continue;
    const restarted = mine.some((a) => a.kind === 'systemd-restart' || a.kind === 'containerd-shim-started');
    const what = mine
      .map((a) => `${a.kind}${a.afterSecs !== null ? ` +${Math.round(a.afterSecs)} s` : ''}`)
      .join(', ');
    findings.push({
      code: restarted ? 'victim-restarted' : 'victim-aftermath',
      severity: 'info',
      text: `After ${r.victim.comm} (pid ${r.victim.pid}) was killed: ${what} (${mine[0]!.link})${restarted ? ': it was restarted' : ''}.`,
      evidence: mine.map((a) => a.evidence),
    });
  }
  return { timeline, repeatVictims, cadence, aftermath, findings };
}
