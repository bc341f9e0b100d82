import { create } from 'zustand';
import type { JobProgress } from '../../../shared/model/case';

/** Progress of long jobs (ingest, report), fed by the host's ingestProgress events. */
interface JobsState {
  jobs: Record<string, JobProgress>;
  update: (progress: JobProgress) => void;
}

export const useJobs = create<JobsState>((set) => ({
  jobs: {},
  update: (progress) => set((s) => ({ jobs: { ...s.jobs, [progress.jobId]: progress } })),
}));

/** The job to show for a case: a running one first, else the most recent that did not finish well. */
export function jobForCase(jobs: Record<string, JobProgress>, caseId: string | null): JobProgress | null {
  if (!caseId) return null;
  let shown: JobProgress | null = null;
  for (const job of Object.values(jobs)) {
    if (job.caseId !== caseId) continue;
    if (job.state === 'running') return job;
    if (job.state === 'failed' || job.state === 'cancelled') shown = job;
  }
  return shown;
}
