/**
 * Victim audit: where the victim ranks among the eligible rows by recomputed badness, and
 * why the top row was not chosen when it was not.
 */
import type { OomAudit, OomTask } from '../../../../shared/model/oom';

export function auditVictim(
  tasks: OomTask[],
  selectedPid: number | null,
  killedPid: number | null,
  earlierVictims: Set<number>,
  allocatingTask: boolean,
): OomAudit {
  const eligible = tasks.filter((t) => t.eligible);
  const byPoints = eligible.some((t) => t.points !== null);
  const ranked = byPoints
    ? eligible.filter((t) => t.points !== null).sort((a, b) => (b.points ?? 0) - (a.points ?? 0))
    : eligible.filter((t) => t.rss !== null).sort((a, b) => (b.rss ?? 0) - (a.rss ?? 0));
  const measure = byPoints ? 'recomputed badness' : 'rss alone (the table lacks the other badness columns)';
  const top = ranked[0] ?? null;
  const base = { eligibleRows: eligible.length, topPid: top?.pid ?? null, topComm: top?.name ?? null };
  if (selectedPid === null)
    return { ...base, victimRank: null, explanation: 'No kill line names the selected process.' };
  if (tasks.length === 0)
    return {
      ...base,
      victimRank: null,
      explanation: 'The task table is missing: the victim cannot be ranked.',
    };
  const idx = ranked.findIndex((t) => t.pid === selectedPid);
  if (allocatingTask)
    return {
      ...base,
      victimRank: idx >= 0 ? idx + 1 : null,
      explanation: `vm.oom_kill_allocating_task is set: the kernel killed the allocating task ${selectedPid} without ranking (it would rank #${idx >= 0 ? idx + 1 : '?'} by ${measure}).`,
    };
  const victimRank = idx >= 0 ? idx + 1 : null;
  const child =
    killedPid !== null && killedPid !== selectedPid
      ? ` The kernel then killed child ${killedPid} instead of the selected ${selectedPid} ("or sacrifice child").`
      : '';
  if (idx < 0) {
    const row = tasks.find((t) => t.pid === selectedPid);
    const why =
      row && !row.eligible
        ? 'its oom_score_adj is -1000 (never killed), which contradicts the kill'
        : 'it has no row in the task table';
    return {
      ...base,
      victimRank,
      explanation: `The selected process ${selectedPid} cannot be ranked: ${why}.${child}`,
    };
  }
  if (top && top.pid === selectedPid)
    return {
      ...base,
      victimRank,
      explanation: `The selected process ${selectedPid} (${top.name}) ranks first of ${ranked.length} eligible tasks by ${measure}.${child}`,
    };
  const reasons: string[] = [];
  if (top && earlierVictims.has(top.pid))
    reasons.push(`it was killed by an earlier OOM kill and was still exiting, so the kernel skipped it`);
  if (top && ranked[idx] && top.points !== null && top.points === ranked[idx]!.points)
    reasons.push('it ties with the victim, and the kernel keeps the first it finds');
  if (!byPoints) reasons.push('the ranking uses rss only, while the kernel also counts swap and page tables');
  if (reasons.length === 0)
    reasons.push(
      'it may have been exiting or already reaped (skipped by the kernel), or its counters changed between the selection and the print',
    );
  return {
    ...base,
    victimRank,
    explanation: `The victim ranks #${victimRank} of ${ranked.length} by ${measure}; the top row ${top?.pid} (${top?.name}) was not chosen: ${reasons.join('; ')}.${child}`,
  };
}
