import type { Evidence } from './log';

export type FindingKind = 'oom' | 'boot' | 'incident' | 'system' | 'flood';

/** A finding stored in the case: what the analysers concluded, with its evidence. */
export interface Finding {
  findingId: number;
  kind: FindingKind;
  /** UTC ms of the event, when it has one. */
  ts: number | null;
  title: string;
  summary: string;
  severity: 'info' | 'warning' | 'error' | 'critical';
  evidence: Evidence[];
}
