/** The parts of one report as read from its lines, before anything is computed. */
import type { Evidence } from '../../../../shared/model/log';
import type { OomDamage } from '../../../../shared/model/oom';
import type { RawReport } from './assemble';
import type { BuddyLine, ZoneLine } from './parse-meminfo';
import type { DumpStackLine, TriggerLine } from './parse-header';
import type { KilledLine } from './parse-kill';
import type { TaskLayout } from './parse-tasks';

export interface ParsedZone extends ZoneLine {
  evidence: Evidence[];
  lowmemReserve: number[] | null;
  buddy: (BuddyLine & { evidence: Evidence[] }) | null;
}

export interface ParsedRow {
  pid: number;
  values: Record<string, number>;
  name: string;
  repaired: string | null;
  evidence: Evidence;
}

export interface ParsedReport {
  raw: RawReport;
  trigger: (TriggerLine & { evidence: Evidence }) | null;
  cpuset: { comm: string; cpuset: string; memsAllowed: string; evidence: Evidence } | null;
  dump: (DumpStackLine & { evidence: Evidence }) | null;
  hardware: { name: string; evidence: Evidence } | null;
  trace: string[];
  traceEvidence: Evidence[];
  counters: Record<string, number>;
  countersEvidence: Evidence | null;
  nodes: {
    node: number;
    fields: Record<string, number>;
    allUnreclaimable: boolean | null;
    evidence: Evidence[];
  }[];
  zones: ParsedZone[];
  hugepages: {
    node: number | null;
    total: number;
    free: number;
    surp: number;
    sizeKb: number;
    evidence: Evidence[];
  }[];
  totals: Record<string, { value: number; evidence: Evidence }>;
  slab: { name: string; usedKb: number; totalKb: number }[];
  slabEvidence: Evidence | null;
  layout: TaskLayout | null;
  layoutEvidence: Evidence | null;
  rows: ParsedRow[];
  memcg: {
    taskIn: string | null;
    limitOf: string | null;
    counters: { name: string; usageKb: number; limitKb: number; failcnt: number; evidence: Evidence }[];
    statsPath: string | null;
    stats: Record<string, number>;
    statsUnit: 'kB' | 'bytes' | null;
    oomGroup: string | null;
    evidence: Evidence[];
  };
  summary: Record<string, string> | null;
  summaryEvidence: Evidence | null;
  killScore: { prefix: string; pid: number; comm: string; score: number; evidence: Evidence } | null;
  killed: (KilledLine & { evidence: Evidence }) | null;
  reaper: {
    pid: number;
    comm: string;
    anonRssKb: number;
    fileRssKb: number;
    shmemRssKb: number | null;
    evidence: Evidence;
  } | null;
  sharing: { pid: number; comm: string; evidence: Evidence }[];
  panic: Evidence | null;
  damage: OomDamage[];
  evidence: Evidence[];
}
