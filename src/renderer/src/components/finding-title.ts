/**
 * The title a finding shows in the findings list, built in the user's language from the
 * analysis the finding came from. The engine stores one English sentence per finding (boot
 * titles in UTC); the analysis holds the data behind it: the OOM report (kind, victim), the
 * incident (kind, repeats, summary), the boot (start, how it ended) and the recommendation
 * (titled in both languages). A finding the analysis does not explain keeps the engine's title.
 * Pure (no stores, no i18n instance) so unit tests can run it.
 */
import type { CaseAnalysis } from '../../../shared/model/analysis';
import type { BootJson, EndKind } from '../../../shared/model/boot';
import type { Finding } from '../../../shared/model/finding';
import type { Incident } from '../../../shared/model/incident';
import type { OomFinding, OomReport } from '../../../shared/model/oom';

/** What the analysis says about the findings, found by their evidence lines and times. */
export interface TitleIndex {
  oom: OomReport[];
  /** The cross-report sentences (repeat victims, cadence, aftermath) by the engine's text. */
  cross: Map<string, OomFinding>;
  incidentsByLine: Map<number, Incident>;
  bootsByStart: Map<number, BootJson>;
  recommendations: Map<string, { en: string; zh: string }>;
}

export function titleIndex(a: CaseAnalysis | null): TitleIndex {
  const index: TitleIndex = {
    oom: a?.oom ?? [],
    cross: new Map(),
    incidentsByLine: new Map(),
    bootsByStart: new Map(),
    recommendations: new Map(),
  };
  if (!a) return index;
  for (const f of a.oomCross.findings) index.cross.set(f.text, f);
  for (const i of a.incidents) if (i.line.lineId > 0) index.incidentsByLine.set(i.line.lineId, i);
  for (const b of a.boots) {
    const start = Date.parse(b.start);
    if (Number.isFinite(start)) index.bootsByStart.set(start, b);
  }
  for (const r of a.system.recommendations) {
    index.recommendations.set(r.title.en, r.title);
    index.recommendations.set(r.title.zh, r.title);
  }
  return index;
}

/** The words a title is made of, in the user's language. */
export interface TitleWords {
  zh: boolean;
  /** A time in the machine's zone (with the zone), as the rest of the UI shows times. */
  time: (ts: number) => string;
  oomKill: (kind: OomReport['kind'], comm: string, pid: number) => string;
  oomNoKill: () => string;
  /** A cross-report sentence rebuilt from the data behind it (panels/oom/sentences.ts). */
  oomCross: (f: OomFinding) => string;
  incident: (kindName: string, count: number, summary: string) => string;
  incidentKind: (kind: Incident['kind']) => string;
  /** What the incident was, in the user's language (the analysis's summary is English). */
  incidentSummary: (i: Incident) => string;
  boot: (time: string, end: string) => string;
  endKind: (kind: EndKind) => string;
}

function reportOf(f: Finding, reports: readonly OomReport[]): OomReport | null {
  for (const r of reports) {
    const last = r.lineId + (r.lastLine - r.line);
    if (r.ts === f.ts && f.evidence.some((e) => e.lineId >= r.lineId && e.lineId <= last)) return r;
  }
  return null;
}

/** The finding's title in the user's language, or the engine's when the analysis has no match. */
export function findingTitle(f: Finding, index: TitleIndex, w: TitleWords): string {
  switch (f.kind) {
    case 'oom': {
      // Cross-report sentences have no time; they are found by the engine's text.
      if (f.ts === null) {
        const c = index.cross.get(f.title);
        return c ? w.oomCross(c) : f.title;
      }
      const r = reportOf(f, index.oom);
      if (!r) return f.title;
      return r.victim ? w.oomKill(r.kind, r.victim.comm, r.victim.pid) : w.oomNoKill();
    }
    case 'incident':
    case 'flood': {
      const first = f.evidence[0];
      const i = first ? index.incidentsByLine.get(first.lineId) : undefined;
      if (!i) return f.title;
      return w.incident(w.incidentKind(i.kind), i.count, w.incidentSummary(i));
    }
    case 'boot': {
      const b = f.ts === null ? undefined : index.bootsByStart.get(f.ts);
      if (!b || f.ts === null) return f.title;
      return w.boot(w.time(f.ts), w.endKind(b.endKind));
    }
    case 'system': {
      const r = index.recommendations.get(f.title);
      return r ? (w.zh ? r.zh : r.en) : f.title;
    }
  }
}
