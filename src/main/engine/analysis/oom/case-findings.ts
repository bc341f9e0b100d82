/**
 * The case-level findings the store keeps for the OOM analysis (kind `oom`): one per kill,
 * with the score and zone verdicts in its summary, plus the cross-report sentences.
 */
import type { Finding } from '../../../../shared/model/finding';
import type { OomAnalysis, OomReport } from '../../../../shared/model/oom';

export type NewFinding = Omit<Finding, 'findingId' | 'findingKey'>;

function reportFinding(r: OomReport): NewFinding {
  const who = r.victim ? `${r.victim.comm} (pid ${r.victim.pid})` : 'no process';
  const title =
    r.kind === 'manual'
      ? `Manual OOM kill of ${who}`
      : r.kind === 'memcg'
        ? `Memory cgroup OOM killed ${who}`
        : r.victim
          ? `OOM killer killed ${who}`
          : 'Kernel OOM report without a kill';
  const pick = [
    'zone-below-min',
    'fragmentation',
    'lowmem-exhausted',
    'memcg-limit',
    'no-swap',
    'swap-exhausted',
    'panic-on-oom',
  ];
  const key = r.findings.filter((f) => pick.includes(f.code)).map((f) => f.text);
  return {
    kind: 'oom',
    ts: r.ts,
    title,
    summary: [...key, r.score.verdict].join(' '),
    severity: r.findings.some((f) => f.code === 'panic-on-oom') ? 'critical' : 'error',
    evidence: [
      ...(r.victim?.evidence ?? []),
      ...(r.trigger?.evidence.slice(0, 1) ?? []),
      ...r.score.evidence.slice(0, 2),
    ],
  };
}

export function oomCaseFindings(a: OomAnalysis): NewFinding[] {
  const out = a.reports.map(reportFinding);
  for (const f of a.cross.findings)
    out.push({
      kind: 'oom',
      ts: null,
      title: f.text,
      summary: f.text,
      severity: f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'info',
      evidence: f.evidence,
    });
  return out;
}
