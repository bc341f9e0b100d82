/** Plain sentences about one report, each citing the lines it rests on. */
import type { Evidence } from '../../../../shared/model/log';
import type { OomFinding, OomReport } from '../../../../shared/model/oom';
import type { ParsedReport } from './parsed';
import { humanKb } from './units';

const kb = (v: number | null): string => (v === null ? '?' : humanKb(v));

export function reportFindings(r: OomReport, p: ParsedReport, zoneFindings: OomFinding[]): OomFinding[] {
  const out: OomFinding[] = [];
  const v = r.victim;
  if (v) {
    const sizes = [
      v.anonRssKb !== null ? `anon-rss ${kb(v.anonRssKb)}` : '',
      v.fileRssKb !== null ? `file-rss ${kb(v.fileRssKb)}` : '',
      v.shmemRssKb !== null ? `shmem-rss ${kb(v.shmemRssKb)}` : '',
      v.totalVmKb !== null ? `total-vm ${kb(v.totalVmKb)}` : '',
    ].filter((s) => s !== '');
    out.push({
      code: 'victim',
      severity: 'error',
      text: `${r.kind === 'memcg' ? 'The memory cgroup OOM killer' : r.kind === 'manual' ? 'A manual OOM kill' : 'The OOM killer'} killed ${v.comm} (pid ${v.pid}${v.uid !== null ? `, uid ${v.uid}` : ''})${sizes.length ? `: ${sizes.join(', ')}` : ''}.`,
      evidence: v.evidence,
    });
  }
  if (p.panic)
    out.push({
      code: 'panic-on-oom',
      severity: 'error',
      text: 'The kernel panicked on this OOM instead of killing a process (vm.panic_on_oom is set): the machine went down, and a reboot follows.',
      evidence: [p.panic],
    });
  if (r.selectedPid !== null && v)
    out.push({
      code: 'child-sacrificed',
      severity: 'warning',
      text: `The kernel selected ${r.selectedComm} (pid ${r.selectedPid}) but killed its child ${v.comm} (pid ${v.pid}) instead.`,
      evidence: [...(p.killScore ? [p.killScore.evidence] : []), ...v.evidence],
    });
  const t = r.trigger;
  if (r.kind === 'manual')
    out.push({
      code: 'manual',
      severity: 'info',
      text: 'This OOM kill was requested by hand (sysrq-f or /proc/sysrq-trigger; order=-1): no allocation failed.',
      evidence: t?.evidence ?? [],
    });
  else if (t && t.gfpMask) {
    const unknown = t.gfpUnknownBits
      ? `; bits ${t.gfpUnknownBits} are not in that table (build-dependent)`
      : '';
    const where =
      r.kind === 'memcg'
        ? 'the cgroup limit, not free memory, stopped it'
        : `it could be served from ${t.gfpZones.join(', ')}`;
    out.push({
      code: 'trigger',
      severity: 'info',
      text: `${t.comm}${t.pid !== null ? ` (pid ${t.pid})` : ''} triggered it with an order-${t.order} allocation (${2 ** Math.max(t.order ?? 0, 0) * 4}kB), gfp_mask ${t.gfpMask} = ${t.gfpFlags.join(' | ') || '?'} (${t.gfpTable} bit table${unknown}); ${where}.`,
      evidence: t.evidence,
    });
  }
  if (r.memcg) {
    const mem = r.memcg.counters.find((c) => c.name === 'memory');
    const path = r.memcg.limitOf ?? r.memcg.oomMemcg ?? r.memcg.statsPath ?? '?';
    if (mem)
      out.push({
        code: 'memcg-limit',
        severity: 'warning',
        text: `The cgroup ${path} reached its memory limit: usage ${kb(mem.usageKb)} of ${kb(mem.limitKb)}, failcnt ${mem.failcnt}.`,
        evidence: r.memcg.evidence,
      });
  }
  out.push(...zoneFindings);
  const swapEv = [p.totals.freeSwapKb?.evidence, p.totals.totalSwapKb?.evidence].filter(
    (e): e is Evidence => e !== undefined && e !== null,
  );
  out.push({
    code:
      r.ledger.swap.configured === false
        ? 'no-swap'
        : r.ledger.swap.statement.startsWith('Swap exhausted')
          ? 'swap-exhausted'
          : 'swap',
    severity: r.ledger.swap.configured === null ? 'info' : 'warning',
    text: r.ledger.swap.statement,
    evidence: swapEv.length > 0 ? swapEv : (r.memcg?.evidence ?? []),
  });
  out.push({
    code: `score-${r.score.result}`,
    severity: r.score.result === 'mismatch' ? 'warning' : 'info',
    text: r.score.verdict,
    evidence: r.score.evidence,
  });
  out.push({
    code: 'victim-audit',
    severity: 'info',
    text: r.audit.explanation,
    evidence: r.victim?.evidence ?? [],
  });
  const l = r.ledger;
  if (l.totalRamKb !== null && l.items.length > 0) {
    const parts = l.items.filter((i) => i.kb > 0).map((i) => `${i.label} ${i.human}`);
    const unacc = l.unaccountedKb ?? 0;
    out.push({
      code: 'ledger',
      severity: 'info',
      text: `Of ${l.totalRamHuman}: ${parts.join(', ')}; ${unacc >= 0 ? `${humanKb(unacc)} not accounted for by any counter` : `counters overlap by ${humanKb(-unacc)}`}.`,
      evidence: [p.countersEvidence, p.totals.pagesRam?.evidence, ...(r.memcg?.evidence ?? [])].filter(
        (e): e is Evidence => e !== undefined && e !== null,
      ),
    });
    if (l.totalRamKb > 0 && unacc > l.totalRamKb * 0.1)
      out.push({
        code: 'ledger-unaccounted',
        severity: 'warning',
        text: `${humanKb(unacc)} (${Math.round((unacc * 100) / l.totalRamKb)} %) of memory is in no counter: driver or vmalloc allocations, memory outside the LRU, or a kernel leak.`,
        evidence: p.countersEvidence ? [p.countersEvidence] : [],
      });
  }
  if (l.taskRssSumKb !== null && l.anonLruKb !== null && r.tasks.length > 0)
    out.push({
      code: 'rss-sum',
      severity: 'info',
      text: `The task table's rss sums to ${humanKb(l.taskRssSumKb)} over ${r.tasks.length} tasks; the anon counters hold ${humanKb(l.anonLruKb)}.`,
      evidence: r.taskTable?.evidence ? [r.taskTable.evidence] : [],
    });
  if (r.taint?.tainted && p.dump)
    out.push({
      code: 'taint',
      severity: 'info',
      text: `The kernel was tainted: ${r.taint.meanings.join('; ')}.`,
      evidence: [p.dump.evidence],
    });
  if (r.reaped)
    out.push({
      code: 'reaped',
      severity: 'info',
      text: `oom_reaper freed the victim's memory (now anon-rss ${r.reaped.anonRssKb}kB, file-rss ${r.reaped.fileRssKb}kB).`,
      evidence: [r.reaped.evidence],
    });
  for (const d of r.damage)
    out.push({ code: d.kind, severity: 'warning', text: d.text, evidence: d.evidence });
  return out;
}
