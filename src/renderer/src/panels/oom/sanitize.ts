import type { CaseAnalysis } from '../../../../shared/model/analysis';
import type { Evidence } from '../../../../shared/model/log';
import type { OomFinding } from '../../../../shared/model/oom';

const real = (list: ReadonlyArray<Evidence | null>): Evidence[] =>
  list.filter((e): e is Evidence => e !== null && e !== undefined);

const cleanFindings = (list: OomFinding[]): OomFinding[] =>
  list.map((f) => ({ ...f, evidence: real(f.evidence) }));

/**
 * The analyser's JSON has carried null entries in evidence lists (the memcg ledger finding);
 * the panel drops them once here so every citation below is a real line.
 */
export function oomOf(analysis: CaseAnalysis): Pick<CaseAnalysis, 'oom' | 'oomCross'> {
  return {
    oom: analysis.oom.map((r) => ({
      ...r,
      findings: cleanFindings(r.findings),
      damage: r.damage.map((d) => ({ ...d, evidence: real(d.evidence) })),
    })),
    oomCross: { ...analysis.oomCross, findings: cleanFindings(analysis.oomCross.findings) },
  };
}
