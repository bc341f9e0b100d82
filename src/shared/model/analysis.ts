import type { BootJson } from './boot';
import type { CrashArtefact, Incident, Recommendation, SystemFact } from './incident';
import type { OomCrossReport, OomReport } from './oom';

/** Everything the analysers concluded about a case: the models behind the findings. */
export interface CaseAnalysis {
  /** Analyser version that made it; an older one is redone on read. */
  version: number;
  oom: OomReport[];
  oomCross: OomCrossReport;
  incidents: Incident[];
  /** Crash artefacts: kdump directories and vmcores, core files, coredumpctl, apport, ABRT (issue 6). */
  crashes: CrashArtefact[];
  boots: BootJson[];
  bootNotes: string[];
  rebootsPerDay: number | null;
  system: { facts: SystemFact[]; recommendations: Recommendation[] };
  timingsMs: Record<string, number>;
}
