/**
 * oom_badness() by kernel generation (mm/oom_kill.c), applied to task-table rows.
 *
 * - ≤2.6.35 (not RHEL 6): total_vm, CPU time and run time: not computable from a report.
 * - 2.6.36–3.7 and RHEL 6: (rss + nr_ptes + swapents) × 1000 / totalpages, −30 for
 *   CAP_SYS_ADMIN, + oom_score_adj, clamped to 1…1000; that value is printed.
 * - 3.8–3.13: pages; CAP_SYS_ADMIN takes 30 from adj before adj × (totalpages / 1000).
 * - 3.14–4.16 and RHEL 7: pages; CAP_SYS_ADMIN takes 3 % of the points.
 * - 4.17–5.0: no discount. Printed score is points × 1000 / totalpages for 3.8–5.0.
 * - 5.1+: no score printed; points rank the tasks.
 */
import { atLeast, type KernelVersion } from './kernel-version';

export type BadnessRule = 'legacy' | 'normalized' | 'pages-adj30' | 'pages-3pct' | 'pages' | 'pages-noscore';

export const RULE_TEXT: Record<BadnessRule, string> = {
  legacy: '≤2.6.35: total_vm, children, CPU time and run time (not printed in the report)',
  normalized:
    '2.6.36–3.7 / RHEL 6: (rss + nr_ptes + swapents) × 1000 / totalpages, −30 for CAP_SYS_ADMIN, + oom_score_adj, clamped to 1…1000',
  'pages-adj30':
    '3.8–3.13: rss + swapents + page-table pages, + (oom_score_adj − 30 for CAP_SYS_ADMIN) × totalpages/1000; score = points × 1000 / totalpages',
  'pages-3pct':
    '3.14–4.16 / RHEL 7: rss + swapents + page-table pages, −3 % for CAP_SYS_ADMIN, + oom_score_adj × totalpages/1000; score = points × 1000 / totalpages',
  pages:
    '4.17–5.0: rss + swapents + page-table pages + oom_score_adj × totalpages/1000 (no root discount); score = points × 1000 / totalpages',
  'pages-noscore':
    '5.1+: rss + swapents + page-table pages + oom_score_adj × totalpages/1000; no score printed',
};

export function ruleFor(v: KernelVersion | null): BadnessRule | null {
  if (!v) return null;
  if (v.rhel === 6) return 'normalized';
  if (v.rhel === 7) return 'pages-3pct';
  if (atLeast(v, 5, 1)) return 'pages-noscore';
  if (atLeast(v, 4, 17) || (v.rhel !== null && v.rhel >= 8)) return 'pages';
  if (atLeast(v, 3, 14)) return 'pages-3pct';
  if (atLeast(v, 3, 8)) return 'pages-adj30';
  if (atLeast(v, 2, 6, 36)) return 'normalized';
  return 'legacy';
}

export function hasDiscount(rule: BadnessRule): boolean {
  return rule === 'normalized' || rule === 'pages-adj30' || rule === 'pages-3pct';
}

/** Page-table pages of a row: nr_ptes (+ nr_pmds + nr_puds) or pgtables_bytes / 4096. */
export function pageTablePages(v: Record<string, number>): number | null {
  if (v.pgtables_bytes !== undefined) return Math.floor(v.pgtables_bytes / 4096);
  if (v.nr_ptes !== undefined) return v.nr_ptes + (v.nr_pmds ?? 0) + (v.nr_puds ?? 0);
  return null;
}

/** rss + swapents + page tables, or null when the layout lacks a column the rule needs. */
export function basePoints(v: Record<string, number>): number | null {
  const pt = pageTablePages(v);
  if (v.rss === undefined || v.swapents === undefined || pt === null) return null;
  return v.rss + v.swapents + pt;
}

export function adjOf(v: Record<string, number>): number {
  if (v.oom_score_adj !== undefined) return v.oom_score_adj;
  if (v.oom_adj !== undefined) return v.oom_adj === -17 ? -1000 : Math.round((v.oom_adj * 1000) / 17);
  return 0;
}

export interface Badness {
  /** The kernel's internal points (pages; for `normalized`, the 0–1000 score itself). */
  points: number;
  /** On the printed scale (0–1000, more allowed for memcg on 3.8–5.0). */
  score: number;
  eligible: boolean;
}

export function badness(
  rule: BadnessRule,
  base: number,
  adj: number,
  totalPages: number,
  discount: boolean,
): Badness {
  const t = totalPages > 0 ? totalPages : 1;
  if (adj === -1000) return { points: 0, score: 0, eligible: false };
  if (rule === 'normalized') {
    let s = Math.floor((base * 1000) / t);
    if (discount) s -= 30;
    s += adj;
    s = s <= 0 ? 1 : Math.min(s, 1000);
    return { points: s, score: s, eligible: true };
  }
  let points = base;
  let a = adj;
  if (discount && rule === 'pages-adj30') a -= 30;
  if (discount && rule === 'pages-3pct') points -= Math.floor((points * 3) / 100);
  points += a * Math.floor(t / 1000);
  if (rule !== 'pages-noscore' && points <= 0) points = 1;
  return { points, score: Math.floor((points * 1000) / t), eligible: true };
}
