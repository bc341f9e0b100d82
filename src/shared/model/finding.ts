import type { Evidence } from './log';

export type FindingKind = 'oom' | 'boot' | 'incident' | 'system' | 'flood';

/** A finding stored in the case: what the analysers concluded, with its evidence. */
export interface Finding {
  findingId: number;
  /**
   * Stable across re-analysis and re-ingest (the id is not): kind, the first evidence's source
   * path and line number, and the finding's time. Notes made from a finding keep this key.
   */
  findingKey: string;
  kind: FindingKind;
  /** UTC ms of the event, when it has one. */
  ts: number | null;
  title: string;
  summary: string;
  severity: 'info' | 'warning' | 'error' | 'critical';
  evidence: Evidence[];
}

/** The stable key of a finding (see `Finding.findingKey`). */
export function findingKeyOf(f: Pick<Finding, 'kind' | 'ts' | 'evidence'>): string {
  const ev = f.evidence[0];
  return `${f.kind}:${ev ? `${ev.sourcePath}:${ev.lineNo}` : '-'}:${f.ts ?? '-'}`;
}
