import type { ReportFormat } from '../../../shared/model/report';

/** The export format a job's file name is for (`….pdf`, `…-timeline.csv`). */
export function formatOfFile(name: string | null): ReportFormat | null {
  if (!name) return null;
  if (name.endsWith('-timeline.jsonl')) return 'jsonl';
  if (name.endsWith('-timeline.csv')) return 'timesketch';
  const ext = /\.(pdf|html|md)$/.exec(name)?.[1];
  return ext === 'pdf' || ext === 'html' || ext === 'md' ? ext : null;
}
