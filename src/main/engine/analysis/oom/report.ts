/** Builds the OomReport of one parsed report: kind, trigger, victim, score, zones, ledger, audit. */
import type { Evidence } from '../../../../shared/model/log';
import type {
  OomDamage,
  OomKind,
  OomMemcg,
  OomMemInfo,
  OomReport,
  OomTaint,
  OomTrigger,
  OomVictim,
} from '../../../../shared/model/oom';
import { decodeTaintLetters } from '../kernel/taint';
import { auditVictim } from './audit';
import { decodeGfp } from './gfp';
import { parseKernelVersion } from './kernel-version';
import { buildLedger } from './ledger';
import type { ParsedReport } from './parsed';
import { reportFindings } from './findings';
import { checkScore } from './score';
import { zoneVerdict } from './zones';

function kindOf(p: ParsedReport): OomKind {
  const trace = p.trace.join(' ');
  if (p.trigger?.order === -1 || /moom_callback|sysrq/.test(trace)) return 'manual';
  switch (p.summary?.constraint) {
    case 'CONSTRAINT_MEMCG':
      return 'memcg';
    case 'CONSTRAINT_CPUSET':
      return 'cpuset';
    case 'CONSTRAINT_MEMORY_POLICY':
      return 'mempolicy';
    case 'CONSTRAINT_NONE':
      return 'global';
  }
  const prefix = p.killScore?.prefix ?? p.killed?.prefix ?? '';
  if (prefix.startsWith('Memory cgroup') || p.memcg.taskIn !== null || p.memcg.counters.length > 0)
    return 'memcg';
  if (/mem_cgroup_out_of_memory|mem_cgroup_oom/.test(trace)) return 'memcg';
  return 'global';
}

function trigger(p: ParsedReport, version: ReturnType<typeof parseKernelVersion>): OomTrigger | null {
  const t = p.trigger;
  if (!t && !p.dump) return null;
  const gfp = t?.gfpMask ? decodeGfp(t.gfpMask, version, t.gfpPrinted) : null;
  const evidence: Evidence[] = [t?.evidence, p.cpuset?.evidence, p.dump?.evidence].filter(
    (e): e is Evidence => e !== undefined,
  );
  return {
    pid: p.dump?.pid ?? null,
    comm: t?.comm ?? p.dump?.comm ?? '',
    gfpMask: t?.gfpMask ?? null,
    gfpFlags: gfp?.flags ?? [],
    gfpPrinted: t?.gfpPrinted ?? null,
    gfpTable: gfp?.table ?? null,
    gfpUnknownBits: gfp && gfp.unknownBits !== 0 ? `0x${gfp.unknownBits.toString(16)}` : null,
    gfpZones: t?.order === -1 ? [] : usableZones(gfp?.zones ?? [], p),
    order: t?.order ?? null,
    oomScoreAdj: t?.oomScoreAdj ?? null,
    oomAdj: t?.oomAdj ?? null,
    nodemask:
      t?.nodemask ?? (p.summary?.nodemask && p.summary.nodemask !== '(null)' ? p.summary.nodemask : null),
    cpuset: p.cpuset?.cpuset ?? p.summary?.cpuset ?? null,
    memsAllowed: p.cpuset?.memsAllowed ?? p.summary?.mems_allowed ?? null,
    evidence,
  };
}

/** The zones the GFP bits allow, narrowed to those this machine has when its zones are printed. */
function usableZones(zones: string[], p: ParsedReport): string[] {
  const present = new Set(p.zones.map((z) => z.zone));
  return present.size > 0 ? zones.filter((z) => present.has(z)) : zones;
}

function victim(p: ParsedReport): OomVictim | null {
  const k = p.killed;
  if (k)
    return {
      pid: k.pid,
      comm: k.comm,
      totalVmKb: k.totalVmKb,
      anonRssKb: k.anonRssKb,
      fileRssKb: k.fileRssKb,
      shmemRssKb: k.shmemRssKb,
      uid: k.uid ?? p.rows.find((r) => r.pid === k.pid)?.values.uid ?? null,
      pgtablesKb: k.pgtablesKb,
      oomScoreAdj: k.oomScoreAdj ?? p.rows.find((r) => r.pid === k.pid)?.values.oom_score_adj ?? null,
      form: k.form,
      evidence: [k.evidence],
    };
  const s = p.summary;
  const pid = s?.pid ? Number(s.pid) : (p.killScore?.pid ?? null);
  if (pid === null) return null;
  const row = p.rows.find((r) => r.pid === pid);
  return {
    pid,
    comm: s?.task ?? p.killScore?.comm ?? row?.name ?? '',
    totalVmKb: row?.values.total_vm !== undefined ? row.values.total_vm * 4 : null,
    anonRssKb: row?.values.rss_anon !== undefined ? row.values.rss_anon * 4 : null,
    fileRssKb: row?.values.rss_file !== undefined ? row.values.rss_file * 4 : null,
    shmemRssKb: row?.values.rss_shmem !== undefined ? row.values.rss_shmem * 4 : null,
    uid: s?.uid !== undefined ? Number(s.uid) : (row?.values.uid ?? null),
    pgtablesKb: null,
    oomScoreAdj: row?.values.oom_score_adj ?? null,
    form: 'inferred: no kill line (from the selection/summary line and the task row)',
    evidence: [p.summaryEvidence ?? p.killScore?.evidence, row?.evidence].filter(
      (e): e is Evidence => e !== undefined,
    ),
  };
}

function memInfo(p: ParsedReport): OomMemInfo {
  const v = (k: string): number | null => p.totals[k]?.value ?? null;
  const evidence: Record<string, Evidence> = {};
  for (const [k, t] of Object.entries(p.totals)) evidence[k] = t.evidence;
  if (p.countersEvidence) evidence.counters = p.countersEvidence;
  if (p.slabEvidence) evidence.unreclaimableSlab = p.slabEvidence;
  return {
    counters: p.counters,
    nodes: p.nodes,
    hugepages: p.hugepages,
    pagecachePages: v('pagecachePages'),
    swapCachePages: v('swapCachePages'),
    freeSwapKb: v('freeSwapKb'),
    totalSwapKb: v('totalSwapKb'),
    pagesRam: v('pagesRam'),
    pagesReserved: v('pagesReserved'),
    pagesHighMem: v('pagesHighMem'),
    pagesCmaReserved: v('pagesCmaReserved'),
    pagesHwpoisoned: v('pagesHwpoisoned'),
    unreclaimableSlab: p.slab,
    evidence,
  };
}

function memcg(p: ParsedReport): OomMemcg | null {
  const m = p.memcg;
  const s = p.summary;
  if (m.evidence.length === 0 && !s?.oom_memcg) return null;
  const names = new Set(m.counters.map((c) => c.name));
  return {
    version:
      names.has('swap') || m.statsUnit === 'bytes'
        ? 2
        : names.has('memory+swap') || names.has('kmem')
          ? 1
          : null,
    taskIn: m.taskIn,
    limitOf: m.limitOf,
    oomMemcg: s?.oom_memcg ?? null,
    taskMemcg: s?.task_memcg ?? null,
    counters: m.counters,
    statsPath: m.statsPath,
    stats: m.stats,
    statsUnit: m.statsUnit,
    oomGroup: m.oomGroup,
    evidence: [...m.evidence, ...(p.summaryEvidence ? [p.summaryEvidence] : [])],
  };
}

function missingParts(p: ParsedReport, kind: OomKind): OomDamage[] {
  const first = p.raw.lines[0];
  const at = first ? [p.evidence[0]!] : [];
  const out: OomDamage[] = [];
  const missing: string[] = [];
  if (!p.trigger) missing.push('the trigger line (`… invoked oom-killer: gfp_mask=…`)');
  if (!p.dump) missing.push('the CPU/PID/Comm line with the kernel version');
  if (kind !== 'memcg' && p.zones.length === 0 && p.countersEvidence === null)
    missing.push('the Mem-Info and zone lines');
  if (kind !== 'memcg' && p.totals.totalSwapKb === undefined) missing.push('the swap totals');
  if (!p.layout && p.rows.length === 0) missing.push('the task table');
  if (!p.killed && !p.panic) missing.push('the kill line (`Killed process …`)');
  if (p.raw.orphan)
    out.push({
      kind: 'missing',
      text: 'The start of this report is missing (the log begins inside it, or its first lines were lost).',
      evidence: at,
    });
  if (missing.length > 0)
    out.push({ kind: 'missing', text: `Missing from this report: ${missing.join('; ')}.`, evidence: at });
  for (const l of p.raw.lost) {
    const n = /(\d+) (?:messages|callbacks)/.exec(l.msg);
    out.push({
      kind: 'missing',
      text: `${l.program ?? 'A logger'} says ${n ? `${n[1]} messages were` : 'messages were'} lost while this report was written ("${l.msg.trim()}"): lines of the report may be missing from this file.`,
      evidence: [
        {
          sourceId: l.line.sourceId,
          sourcePath: l.line.sourcePath,
          lineNo: l.line.lineNo,
          lineId: l.line.lineId,
          what: 'lost-messages notice',
        },
      ],
    });
  }
  return out;
}

export function buildReport(p: ParsedReport, earlierVictims: Set<number>): OomReport {
  const first = p.raw.lines[0]!;
  const last = p.raw.lines[p.raw.lines.length - 1]!;
  const kernel = p.dump?.kernel ?? null;
  const version = parseKernelVersion(kernel);
  const kind = kindOf(p);
  const trig = trigger(p, version);
  const vic = victim(p);
  const scored = checkScore(p, kind, version);
  const zv = zoneVerdict(p, trig?.gfpZones ?? [], trig?.order ?? null);
  const selectedPid = p.killScore && vic && p.killScore.pid !== vic.pid ? p.killScore.pid : null;
  const allocating = /oom_kill_allocating_task/.test(p.killScore?.prefix ?? p.killed?.prefix ?? '');
  const audit = auditVictim(
    scored.tasks,
    p.killScore?.pid ?? vic?.pid ?? null,
    vic?.pid ?? null,
    earlierVictims,
    allocating,
  );
  if (p.panic && !vic)
    audit.explanation = `No process was killed: the kernel panicked (vm.panic_on_oom)${audit.topPid !== null ? `; the largest task in the table was ${audit.topPid} (${audit.topComm})` : ''}.`;
  let taint: OomTaint | null = null;
  if (p.dump) {
    const d = decodeTaintLetters(p.dump.taintField);
    taint = {
      tainted: d.tainted,
      letters: d.letters,
      meanings: d.flags.map((f) => `${f.letter}: ${f.meaning}`),
    };
  }
  const ledger = buildLedger(p, kind);
  const damage = [...p.damage, ...missingParts(p, kind)];
  const timed = p.raw.lines.find((l) => l.line.ts !== null)?.line;
  const report: OomReport = {
    id: `${first.line.sourceId}:${first.line.lineNo}`,
    ts: timed?.ts ?? null,
    tsQuality: timed?.tsQuality ?? 'none',
    source: first.line.sourcePath,
    sourceId: first.line.sourceId,
    line: first.line.lineNo,
    lineId: first.line.lineId,
    lastLine: last.line.lineNo,
    host: p.raw.host,
    kernel,
    kind,
    constraint: p.summary?.constraint ?? null,
    taskMemcg: p.summary?.task_memcg ?? null,
    trigger: trig,
    taint,
    hardware: p.hardware?.name ?? null,
    callTrace: p.trace,
    victim: vic,
    selectedPid,
    selectedComm: selectedPid !== null ? (p.killScore?.comm ?? null) : null,
    score: scored.score,
    zones: zv.zones,
    memInfo: memInfo(p),
    memcg: memcg(p),
    taskTable: p.layout
      ? {
          columns: ['pid', ...p.layout.columns, 'name'],
          layout: p.layout.columns.filter((c) => !['uid', 'tgid', 'total_vm'].includes(c)).join(' '),
          pidHeader: p.layout.pidHeader,
          layoutInferred: p.layout.inferred,
          evidence: p.layoutEvidence,
        }
      : null,
    tasks: scored.tasks,
    ledger,
    audit,
    reaped: p.reaper,
    sharingKilled: p.sharing,
    damage,
    findings: [],
    lines: p.evidence,
  };
  report.findings = reportFindings(report, p, zv.findings);
  return report;
}
