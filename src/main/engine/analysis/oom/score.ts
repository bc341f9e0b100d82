/**
 * The score check: recompute the selected task's badness under the kernel generation's rule,
 * with and without the root discount, for each plausible totalpages, and say which one the
 * printed `score S` matches and what that implies. Also ranks every row (the victim audit).
 */
import type { Evidence } from '../../../../shared/model/log';
import type { OomKind, OomScore, OomTask } from '../../../../shared/model/oom';
import {
  RULE_TEXT,
  adjOf,
  badness,
  basePoints,
  hasDiscount,
  pageTablePages,
  ruleFor,
  type BadnessRule,
} from './badness';
import type { KernelVersion } from './kernel-version';
import type { ParsedReport, ParsedRow } from './parsed';
import { totalPagesCandidates, type TotalPagesCandidate } from './totalpages';
import { humanKb } from './units';

export interface ScoreResult {
  score: OomScore;
  tasks: OomTask[];
  /** The badness rule that reproduced the print (or the generation's rule when nothing was printed). */
  rule: BadnessRule | null;
}

function describeBase(row: ParsedRow): string {
  const v = row.values;
  const pt = pageTablePages(v);
  const ptText =
    v.pgtables_bytes !== undefined
      ? `pgtables_bytes ${v.pgtables_bytes}/4096 = ${pt}`
      : [
          `nr_ptes ${v.nr_ptes}`,
          v.nr_pmds !== undefined ? `nr_pmds ${v.nr_pmds}` : '',
          v.nr_puds !== undefined ? `nr_puds ${v.nr_puds}` : '',
        ]
          .filter((s) => s !== '')
          .join(' + ');
  return `rss ${v.rss} + ${ptText} + swapents ${v.swapents}`;
}

export function checkScore(r: ParsedReport, kind: OomKind, version: KernelVersion | null): ScoreResult {
  const rule = ruleFor(version);
  const printed = r.killScore?.score ?? null;
  const selectedPid =
    r.killScore?.pid ?? (r.summary?.pid ? Number(r.summary.pid) : null) ?? r.killed?.pid ?? null;
  const row = selectedPid !== null ? r.rows.find((x) => x.pid === selectedPid) : undefined;
  const candidates = totalPagesCandidates(r, kind);
  const evidence: Evidence[] = [
    ...(r.killScore ? [r.killScore.evidence] : []),
    ...(row ? [row.evidence] : []),
    ...(candidates[0]?.evidence ?? []),
  ];
  const base = row ? basePoints(row.values) : null;
  const adj = row ? adjOf(row.values) : 0;
  const uid = row?.values.uid ?? null;
  const ruleText = rule ? RULE_TEXT[rule] : 'unknown kernel generation (no dump_stack line with a version)';
  const out: OomScore = {
    printed,
    computed: null,
    points: null,
    rootDiscount: null,
    totalPages: candidates[0]?.pages ?? null,
    totalPagesFrom: candidates[0]?.from ?? 'not derivable: the lines totalpages comes from are missing',
    rule: ruleText,
    result: 'not-computable',
    verdict: '',
    variants: [],
    evidence,
  };
  const rules: BadnessRule[] = rule
    ? [rule]
    : printed !== null
      ? ['pages-3pct', 'pages-adj30', 'pages', 'normalized']
      : ['pages-noscore'];

  if (/oom_kill_allocating_task/.test(r.killScore?.prefix ?? r.killed?.prefix ?? '')) {
    out.result = 'not-computable';
    out.verdict = `vm.oom_kill_allocating_task is set: the kernel killed the task whose allocation failed without ranking tasks by badness${printed !== null ? `, so the printed score ${printed} is not a badness` : ''}.`;
    return { score: out, tasks: rankTasks(r, rule ?? 'pages-noscore', candidates[0], false), rule };
  }
  if (rule === 'legacy') {
    out.verdict =
      `Kernel ${version?.text} scores with the pre-2.6.36 heuristic (total_vm, children, CPU and run time), which the report does not print: the score ${printed ?? ''} cannot be recomputed.`.replace(
        ' ,',
        ',',
      );
    return { score: out, tasks: rankTasks(r, null, candidates[0], false), rule };
  }
  if (!row) {
    out.verdict =
      selectedPid === null
        ? 'No kill line names the selected process: nothing to check.'
        : `The selected process ${selectedPid} has no row in the task table: the score cannot be recomputed.`;
    return { score: out, tasks: rankTasks(r, rule, candidates[0], false), rule };
  }
  if (candidates.length === 0) {
    out.verdict =
      'totalpages cannot be derived (pages RAM / pages reserved or the memcg limit are missing): the score cannot be recomputed.';
    return { score: out, tasks: rankTasks(r, rule, undefined, false), rule };
  }
  if (base === null) {
    out.verdict = lowerBound(row, printed, candidates[0]!, adj);
    return { score: out, tasks: rankTasks(r, rule, candidates[0], false), rule };
  }

  type Tried = {
    rule: BadnessRule;
    cand: TotalPagesCandidate;
    discount: boolean;
    points: number;
    score: number;
  };
  const tried: Tried[] = [];
  for (const ru of rules)
    for (const cand of candidates) {
      if (cand.plusUnknownSwapOver !== null) continue;
      for (const discount of hasDiscount(ru) ? [false, true] : [false]) {
        const b = badness(ru, base, adj, cand.pages, discount);
        tried.push({ rule: ru, cand, discount, points: b.points, score: b.score });
        out.variants.push({
          label: `${cand.from}${discount ? ', with root discount' : ''}`,
          points: b.points,
          totalPages: cand.pages,
          score: b.score,
        });
      }
    }
  const first = tried[0];
  const baseText = describeBase(row);
  if (printed === null) {
    const t = first ?? null;
    out.result = 'not-printed';
    if (t) {
      out.computed = t.score;
      out.points = t.points;
      out.totalPages = t.cand.pages;
      out.totalPagesFrom = t.cand.from;
      out.rootDiscount = false;
    }
    const tasks = rankTasks(r, rule ?? 'pages-noscore', t?.cand, false);
    const rank = tasks.find((x) => x.pid === row.pid)?.rank ?? null;
    out.verdict = `This kernel prints no score${rule === 'pages-noscore' ? ' (5.1+)' : ''}; recomputed points ${out.points} pages (${baseText}${adj ? ` + oom_score_adj ${adj} × ${Math.floor((out.totalPages ?? 0) / 1000)}` : ''}) = ${out.computed}‰ of ${out.totalPages} pages rank the victim #${rank} of ${tasks.filter((x) => x.eligible).length} eligible tasks.`;
    return { score: out, tasks, rule };
  }

  const matches = tried.filter((t) => t.score === printed);
  const expectDiscount = uid === 0;
  if (matches.length > 0) {
    const plain = matches.find((m) => !m.discount);
    const disc = matches.find((m) => m.discount);
    const pick = (expectDiscount ? (disc ?? plain) : (plain ?? disc))!;
    const other = tried.find(
      (t) => t.cand === pick.cand && t.rule === pick.rule && t.discount !== pick.discount,
    );
    out.computed = pick.score;
    out.points = pick.points;
    out.totalPages = pick.cand.pages;
    out.totalPagesFrom = pick.cand.from;
    out.evidence = [...(r.killScore ? [r.killScore.evidence] : []), row.evidence, ...pick.cand.evidence];
    const formula = `${baseText}${adj ? `, oom_score_adj ${adj}` : ''} over ${pick.cand.pages} pages (${pick.cand.from})`;
    if (plain && disc && !hasDiscount(pick.rule)) out.rootDiscount = false;
    else if (plain && disc) out.rootDiscount = null;
    else out.rootDiscount = pick.discount;
    if (!hasDiscount(pick.rule)) {
      out.result = 'match';
      out.verdict = `Recomputed score ${pick.score} from ${formula} matches the printed ${printed}; this generation gives no root discount.`;
    } else if (plain && disc) {
      out.result = 'match';
      out.verdict = `Recomputed score ${pick.score} from ${formula} matches the printed ${printed} with or without the root discount (they round to the same value).`;
    } else if (pick.discount === expectDiscount) {
      out.result = 'match';
      out.verdict = pick.discount
        ? `Recomputed score ${pick.score} from ${formula} matches the printed ${printed} with the root discount a uid-0 process with CAP_SYS_ADMIN gets${other ? ` (without it: ${other.score})` : ''}.`
        : `Recomputed score ${pick.score} from ${formula} matches the printed ${printed}; uid ${uid} gets no root discount${other ? ` (with it: ${other.score})` : ''}.`;
    } else if (!pick.discount) {
      out.result = 'match-without-discount';
      out.verdict = `Recomputed score ${pick.score} from ${formula} matches the printed ${printed} only without the root discount${other ? ` (with it: ${other.score})` : ''}: the victim runs as uid 0 but without CAP_SYS_ADMIN, typically a process in a container (or one that dropped its capabilities).`;
    } else {
      out.result = 'match-with-discount';
      out.verdict = `Recomputed score ${pick.score} from ${formula} matches the printed ${printed} only with the root discount${other ? ` (without it: ${other.score})` : ''}: the victim (uid ${uid}) holds CAP_SYS_ADMIN.`;
    }
    return {
      score: out,
      tasks: rankTasks(r, pick.rule, pick.cand, pick.discount && expectDiscount ? true : false),
      rule: pick.rule,
    };
  }

  // No candidate reproduces the print: when host swap is part of totalpages but unprinted, say
  // how much swap the printed score implies.
  const unknown = candidates.find((c) => c.plusUnknownSwapOver !== null);
  const ru = rules[0]!;
  if (unknown && printed > 0) {
    const b = badness(ru, base, adj, unknown.pages, false);
    const pts = b.points;
    const lo = Math.floor((pts * 1000) / (printed + 1)) + 1;
    const hi = Math.floor((pts * 1000) / printed);
    const swapLo = lo - unknown.pages;
    const swapHi = hi - unknown.pages;
    out.result = 'match';
    out.computed = printed;
    out.points = pts;
    out.rootDiscount = false;
    out.totalPages = null;
    out.totalPagesFrom = `memcg limit ${unknown.pages} pages + host swap ${swapLo}–${swapHi} pages (inferred)`;
    out.verdict = `totalpages is the memcg limit (${unknown.pages} pages) plus host swap, which a memcg report does not print; the printed ${printed} is reproduced from ${baseText} = ${pts} points when host swap is ${swapLo}–${swapHi} pages (about ${humanKb(swapLo * 4)}), inferred from the score.`;
    return {
      score: out,
      tasks: rankTasks(r, ru, { ...unknown, pages: Math.round((lo + hi) / 2) }, false),
      rule: ru,
    };
  }
  const near = [...tried].sort((a, b) => Math.abs(a.score - printed) - Math.abs(b.score - printed))[0];
  out.result = 'mismatch';
  if (near) {
    out.computed = near.score;
    out.points = near.points;
    out.totalPages = near.cand.pages;
    out.totalPagesFrom = near.cand.from;
    out.rootDiscount = near.discount;
  }
  out.verdict = `Recomputed score ${near?.score ?? '?'} (${baseText} over ${near?.cand.pages ?? '?'} pages) does not match the printed ${printed}: the counters may have changed between selection and printing, or totalpages differs from what the report shows (cpuset/mempolicy nodes, memcg swap).`;
  return { score: out, tasks: rankTasks(r, ru, near?.cand, false), rule: ru };
}

/** RHEL 6 tables print no nr_ptes or swapents: bound the score and say what the gap implies. */
function lowerBound(row: ParsedRow, printed: number | null, cand: TotalPagesCandidate, adj: number): string {
  const rss = row.values.rss ?? 0;
  const t = cand.pages;
  const fromRss = Math.floor((rss * 1000) / t) + adj;
  const missing = ['nr_ptes', 'swapents'].filter((c) => row.values[c] === undefined).join(' and ');
  let s = `The task table has no ${missing} column, so the score cannot be recomputed; rss alone (${rss} pages over ${t} pages: ${cand.from}) gives ${Math.max(fromRss, 0)}`;
  if (printed !== null && printed > fromRss) {
    const need = Math.ceil(((printed - adj) * t) / 1000);
    const hi = Math.ceil(((printed - adj + 1) * t) / 1000) - 1;
    s += `; the printed ${printed} implies ${need}–${hi} pages of rss + page tables + swap, i.e. ${need - rss}–${hi - rss} pages (${humanKb((need - rss) * 4)}–${humanKb((hi - rss) * 4)}) in swap or page tables that the table does not show`;
  } else if (printed !== null) s += `, consistent with the printed ${printed}`;
  return `${s}.`;
}

function rankTasks(
  r: ParsedReport,
  rule: BadnessRule | null,
  cand: TotalPagesCandidate | undefined,
  rootDiscount: boolean,
): OomTask[] {
  const t = cand?.pages ?? null;
  const tasks: OomTask[] = r.rows.map((row) => {
    const v = row.values;
    const base = basePoints(v);
    const adj = adjOf(v);
    const eligible = adj !== -1000;
    let points: number | null = null;
    let score: number | null = null;
    if (rule && rule !== 'legacy' && base !== null && t !== null) {
      const b = badness(rule, base, adj, t, rootDiscount && v.uid === 0);
      points = b.eligible ? b.points : null;
      score = b.eligible ? b.score : null;
    }
    return {
      pid: row.pid,
      uid: v.uid ?? null,
      tgid: v.tgid ?? null,
      totalVm: v.total_vm ?? null,
      rss: v.rss ?? null,
      rssAnon: v.rss_anon ?? null,
      rssFile: v.rss_file ?? null,
      rssShmem: v.rss_shmem ?? null,
      nrPtes: v.nr_ptes ?? null,
      nrPmds: v.nr_pmds ?? null,
      nrPuds: v.nr_puds ?? null,
      pgtablesBytes: v.pgtables_bytes ?? null,
      swapents: v.swapents ?? null,
      oomScoreAdj: v.oom_score_adj ?? null,
      oomAdj: v.oom_adj ?? null,
      cpu: v.cpu ?? null,
      name: row.name,
      points,
      score,
      eligible,
      rank: null,
      repaired: row.repaired,
      evidence: row.evidence,
    };
  });
  const ranked = tasks
    .filter((x) => x.eligible && x.points !== null)
    .sort((a, b) => (b.points ?? 0) - (a.points ?? 0));
  ranked.forEach((x, i) => {
    x.rank = i + 1;
  });
  return tasks;
}
