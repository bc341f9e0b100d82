/**
 * Drafts the report from a case: every sentence is built from the analysis, the findings and
 * the engineer's notes, in the draft's language, and cites its evidence as `source:line`.
 */
import type { BootJson } from '../../shared/model/boot';
import type { FloodBurst, Incident, Recommendation } from '../../shared/model/incident';
import type { Evidence } from '../../shared/model/log';
import type { OomReport } from '../../shared/model/oom';
import {
  REPORT_SECTION_IDS,
  type ReportDraft,
  type ReportEdits,
  type ReportLang,
  type ReportSection,
  type ReportSectionId,
} from '../../shared/model/report';
import { formatBytes } from './html';
import { END_KIND, INCIDENT_KIND_ZH, LEDGER_ZH, SECTION_TITLES, SEVERITY_ZH } from './i18n';
import { chartMarker, cite, cites, mdCode, mdFence, mdTable, mdText, raw } from './md';
import type { ReportAnnotation, ReportData } from './model';
import { duration, makeClock, qualityText, type Clock } from './time';

interface Ctx {
  data: ReportData;
  lang: ReportLang;
  zh: boolean;
  clock: Clock;
  /** The OOM report the narrative is about (the last one before a hard reset, else the first). */
  mainOom: OomReport | null;
  /** The boot that ended badly after the OOM (or the last badly ended one). */
  badBoot: { boot: BootJson; next: BootJson | null } | null;
}

const KERNEL_KINDS = new Set([
  'panic',
  'oops',
  'bug',
  'gpf',
  'warning',
  'soft-lockup',
  'hard-lockup',
  'hung-task',
  'rcu-stall',
  'mce',
  'kasan',
  'io-error',
  'fs-error',
  'nfs',
  'netdev-watchdog',
]);
const TIMELINE_MAX = 80;
const STATUS_ZH: Record<string, string> = {
  complete: '完成',
  failed: '失败',
  skipped: '跳过',
  indexing: '导入中',
};
const OOM_DETAIL_MAX = 5;

function isoMs(iso: string | null): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

function kb(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : formatBytes(n * 1024);
}

/** UTC time of a cited line (falls back to the report's own time). */
function lineTs(ctx: Ctx, ev: Evidence | undefined, fallback: number | null): number | null {
  if (!ev) return fallback;
  return ctx.data.lineTimes[ev.lineId]?.ts ?? fallback;
}

function pickMainOom(data: ReportData, bad: BootJson | null): OomReport | null {
  const reports = data.analysis.oom;
  if (reports.length === 0) return null;
  const end = bad ? (isoMs(bad.end) ?? isoMs(bad.lastSignOfLife?.ts ?? null)) : null;
  if (end !== null) {
    const before = reports.filter((r) => r.ts !== null && r.ts <= end);
    if (before.length) return before[before.length - 1]!;
  }
  return reports[0]!;
}

function pickBadBoot(data: ReportData): { boot: BootJson; next: BootJson | null } | null {
  const boots = data.analysis.boots;
  const firstOom = data.analysis.oom.find((r) => r.ts !== null)?.ts ?? null;
  let best: number | null = null;
  for (let i = 0; i < boots.length; i++) {
    const b = boots[i]!;
    if (b.endKind !== 'hard' && b.endKind !== 'crash') continue;
    const end = isoMs(b.end ?? b.lastSignOfLife?.ts ?? null);
    // Prefer the one that ended after the (first) OOM kill; else the newest bad ending.
    if (firstOom !== null && end !== null && end >= firstOom) {
      best = i;
      break;
    }
    best = i;
  }
  if (best === null) return null;
  return { boot: boots[best]!, next: boots[best + 1] ?? null };
}

function makeCtx(data: ReportData, lang: ReportLang): Ctx {
  const bad = pickBadBoot(data);
  return {
    data,
    lang,
    zh: lang === 'zh-CN',
    clock: makeClock(data.zone),
    mainOom: pickMainOom(data, bad?.boot ?? null),
    badBoot: bad,
  };
}

function victimName(r: OomReport): string {
  return r.victim?.comm ?? r.selectedComm ?? '?';
}

// ---- Summary -------------------------------------------------------------------------------

function summarySection(ctx: Ctx): string {
  const { zh, clock, data } = ctx;
  const steps: string[] = [];
  const r = ctx.mainOom;
  const oomTs = r ? lineTs(ctx, r.victim?.evidence[0], r.ts) : null;
  if (r) {
    const v = r.victim;
    const host = r.host ? (zh ? `主机 ${mdCode(r.host)} 上,` : ` on ${mdCode(r.host)}`) : '';
    const rss = v?.anonRssKb !== null && v?.anonRssKb !== undefined ? kb(v.anonRssKb) : null;
    const ev = cite(v?.evidence[0] ?? r.lines[0]);
    steps.push(
      zh
        ? `${clock.format(oomTs)},${host}内核 OOM killer 终止了进程 **${mdText(victimName(r))}**${v ? `(pid ${v.pid}${rss ? `,anon-rss ${rss}` : ''})` : ''}(${ev})。`
        : `At ${clock.format(oomTs)}${host} the kernel OOM killer killed **${mdText(victimName(r))}**${v ? ` (pid ${v.pid}${rss ? `, anon-rss ${rss}` : ''})` : ''} (${ev}).`,
    );
    const swap = r.ledger.swap;
    if (swap.configured === false) {
      const swapEv = r.memInfo.evidence.totalSwapKb;
      steps.push(
        zh
          ? `系统没有配置 swap(Total swap = 0kB,${cite(swapEv)}),匿名内存无法换出,内存耗尽时只能由 OOM killer 终止进程来释放。`
          : `No swap was configured (Total swap = 0kB, ${cite(swapEv)}): anonymous memory could not be paged out, so only a kill could free it.`,
      );
    }
    if (r.score.printed !== null && r.score.computed !== null) {
      const ok = r.score.result.startsWith('match');
      const noCap = r.score.result === 'match-without-discount';
      steps.push(
        zh
          ? `内核打印的 oom_score 为 ${r.score.printed},按任务表重新计算为 ${r.score.computed}:${ok ? `两者一致,选择该进程的依据可以复核${noCap ? '(不计 root 折扣才一致:该进程以 uid 0 运行但没有 CAP_SYS_ADMIN,通常是容器内进程)' : ''}` : '两者不一致,详见 OOM 终止分析'}(${cites(r.score.evidence, 2)})。`
          : `The kernel printed oom_score ${r.score.printed}; recomputed from the task table it is ${r.score.computed}: ${ok ? `the choice of victim checks out${noCap ? ' (only without the root discount: it ran as uid 0 without CAP_SYS_ADMIN, typically inside a container)' : ''}` : 'they differ, see the OOM anatomy'} (${cites(r.score.evidence, 2)}).`,
      );
    }
  }
  const after = (i: Incident): boolean => oomTs === null || (i.firstTs ?? i.ts ?? 0) >= oomTs - 60_000;
  const killedAfter = data.analysis.incidents.filter(
    (i) => i.kind === 'process-killed' && i.details.type === 'death' && i.details.oomKill && after(i),
  );
  for (const i of killedAfter.slice(0, 2)) {
    const d = i.details.type === 'death' ? i.details : null;
    const who = d?.container
      ? zh
        ? `容器 ${mdCode(d.container.slice(0, 12))}`
        : `container ${mdCode(d.container.slice(0, 12))}`
      : d?.unit
        ? mdCode(d.unit)
        : mdCode(d?.comm ?? '?');
    steps.push(
      zh
        ? `${clock.format(i.ts)},${who} 随之退出(${cite(i.line)})。`
        : `At ${clock.format(i.ts)} ${who} exited as a result (${cite(i.line)}).`,
    );
  }
  // A flood incident groups the bursts of one message; the one to tell is the burst after the OOM.
  const floodBurst = floodAfter(data.analysis.incidents, (ts) => oomTs === null || ts >= oomTs - 60_000);
  if (floodBurst) {
    const { incident: flood, burst } = floodBurst;
    const f = flood.details.type === 'flood' ? flood.details : null;
    const span = burst.spanSecs !== null ? duration(burst.spanSecs, ctx.lang) : null;
    const program = f?.program ? `${mdText(f.program)} ` : '';
    const message = mdCode(burst.message ?? f?.message ?? '');
    steps.push(
      zh
        ? `从 ${clock.format(burst.firstTs)} 起,${program}反复打印 ${message},共 ${burst.count} 次${span ? `,持续 ${span}` : ''}(${cite(burst.first)})。`
        : `From ${clock.format(burst.firstTs)} ${program}flooded ${message}: ${burst.count} times${span ? ` over ${span}` : ''} (${cite(burst.first)}).`,
    );
  }
  const loss = data.analysis.incidents.find((i) => i.kind === 'log-loss');
  if (loss && loss.details.type === 'log-loss') {
    steps.push(
      zh
        ? `期间有 ${loss.details.lost} 条日志没有写入 syslog(${cite(loss.line)}),部分现场信息可能缺失。`
        : `${loss.details.lost} log messages were lost on the way to syslog (${cite(loss.line)}), so some lines of the incident may be missing.`,
    );
  }
  for (const i of data.analysis.incidents
    .filter((x) => x.kind === 'panic' || x.kind === 'oops')
    .slice(0, 2)) {
    const headline = i.details.type === 'kernel' ? i.details.headline : i.summary;
    steps.push(
      zh
        ? `${clock.format(i.ts)} 内核报告 ${INCIDENT_KIND_ZH[i.kind] ?? i.kind}:${mdCode(headline)}(${cite(i.line)})。`
        : `At ${clock.format(i.ts)} the kernel reported a ${i.kind}: ${mdCode(headline)} (${cite(i.line)}).`,
    );
  }
  const bad = ctx.badBoot;
  if (bad) {
    const sol = bad.boot.lastSignOfLife;
    const solTs = isoMs(sol?.ts ?? null);
    const nextTs = isoMs(bad.next?.start ?? null);
    if (sol && solTs !== null) {
      const gap = nextTs !== null ? duration((nextTs - solTs) / 1000, ctx.lang) : null;
      steps.push(
        zh
          ? `最后存活迹象是 ${clock.format(solTs)} 的一行日志(${mdCode(`${sol.source}:${sol.line}`)})${gap ? `,此后 ${gap} 没有任何日志` : ''}。`
          : `The last sign of life is a line at ${clock.format(solTs)} (${mdCode(`${sol.source}:${sol.line}`)})${gap ? `; then silence for ${gap}` : ''}.`,
      );
    }
    if (bad.next) {
      const ev = bad.next.evidence[0];
      const c = ev ? mdCode(`${ev.source}:${ev.line}`) : '';
      const kind = bad.boot.endKind;
      steps.push(
        kind === 'hard'
          ? zh
            ? `下一次开机在 ${clock.format(nextTs)},之前没有任何关机或崩溃记录:判定为硬重启(强制断电或平台重置)${c ? `(${c})` : ''}。`
            : `The next boot started at ${clock.format(nextTs)} with no shutdown or crash trace before it: a hard reset (forced power-off or hypervisor reset)${c ? ` (${c})` : ''}.`
          : zh
            ? `下一次开机在 ${clock.format(nextTs)},上一次运行以崩溃结束${c ? `(${c})` : ''}。`
            : `The next boot started at ${clock.format(nextTs)}; the previous one ended in a crash${c ? ` (${c})` : ''}.`,
      );
    }
  }
  const out: string[] = [];
  if (steps.length === 0)
    out.push(
      zh
        ? '分析器在本案例中没有发现 OOM 终止、内核崩溃或异常重启。'
        : 'The analysers found no OOM kill, kernel crash or unexpected reboot in this case.',
    );
  else out.push(steps.map((s, i) => `${i + 1}. ${s}`).join('\n'));
  const starred = data.annotations.filter((a) => a.starred && a.body.trim());
  if (starred.length) {
    out.push(zh ? '**工程师备注(已加星标)**' : "**Engineer's starred notes**");
    out.push(
      starred
        .slice(0, 10)
        .map((a) => {
          const first = a.body.trim().split('\n')[0] ?? '';
          const at = a.lines[0] ? ` (${cite(a.lines[0])})` : '';
          return `- ${mdText(first)}${at}`;
        })
        .join('\n'),
    );
  }
  const recs = data.analysis.system.recommendations.filter((x) => x.severity !== 'info');
  if (recs.length) {
    out.push(zh ? '**主要建议**' : '**Main recommendations**');
    out.push(recs.map((x) => `- ${mdText(zh ? x.title.zh : x.title.en)}`).join('\n'));
  }
  return out.join('\n\n');
}

// ---- Timeline -----------------------------------------------------------------------------

interface Event {
  ts: number;
  text: string;
  ev: string;
}

function timelineSection(ctx: Ctx): string {
  const { zh, clock, data } = ctx;
  const events: Event[] = [];
  for (const r of data.analysis.oom) {
    if (r.trigger && r.ts !== null)
      events.push({
        ts: r.ts,
        text: zh
          ? `${mdText(r.trigger.comm)} 触发 OOM killer(gfp_mask=${r.trigger.gfpMask ?? '?'},order=${r.trigger.order ?? '?'})`
          : `${mdText(r.trigger.comm)} invoked the OOM killer (gfp_mask=${r.trigger.gfpMask ?? '?'}, order=${r.trigger.order ?? '?'})`,
        ev: cite(r.trigger.evidence[0]),
      });
    const vts = lineTs(ctx, r.victim?.evidence[0], r.ts);
    if (r.victim && vts !== null)
      events.push({
        ts: vts,
        text: zh
          ? `OOM 终止 ${mdText(r.victim.comm)}(pid ${r.victim.pid})`
          : `OOM kill of ${mdText(r.victim.comm)} (pid ${r.victim.pid})`,
        ev: cite(r.victim.evidence[0]),
      });
  }
  for (const i of data.analysis.incidents) {
    const ts = i.firstTs ?? i.ts;
    if (ts === null) continue;
    events.push({ ts, text: incidentText(ctx, i), ev: cite(i.line) });
  }
  for (const b of data.analysis.boots) {
    const start = isoMs(b.start);
    const ev = b.evidence[0];
    if (start !== null)
      events.push({
        ts: start,
        text: zh
          ? `开机${b.kernel ? `(内核 ${mdText(b.kernel)})` : ''}`
          : `Boot${b.kernel ? ` (kernel ${mdText(b.kernel)})` : ''}`,
        ev: ev ? mdCode(`${ev.source}:${ev.line}`) : '',
      });
    const sol = b.lastSignOfLife;
    const solTs = isoMs(sol?.ts ?? null);
    if ((b.endKind === 'hard' || b.endKind === 'crash') && sol && solTs !== null && solTs !== start)
      events.push({
        ts: solTs,
        text: zh
          ? `最后存活迹象(此后${END_KIND['zh-CN'][b.endKind]})`
          : `Last sign of life (the boot then ended: ${END_KIND.en[b.endKind]})`,
        ev: mdCode(`${sol.source}:${sol.line}`),
      });
  }
  for (const a of data.annotations) {
    if (a.spanStart === null) continue;
    events.push({
      ts: a.spanStart,
      text: `${zh ? '备注' : 'Note'}: ${mdText(a.body.trim().split('\n')[0] ?? '')}`,
      ev: a.lines[0] ? cite(a.lines[0]) : '',
    });
  }
  if (events.length === 0)
    return zh ? '本案例中没有带时间的关键事件。' : 'No timed key events were found in this case.';
  events.sort((a, b) => a.ts - b.ts);
  const shown = events.slice(0, TIMELINE_MAX);
  const table = mdTable(
    zh ? [`时间(${clock.label})`, '事件', '证据'] : [`Time (${clock.label})`, 'Event', 'Evidence'],
    shown.map((e) => [clock.format(e.ts), raw(e.text), raw(e.ev)]),
  );
  const more =
    events.length > shown.length
      ? zh
        ? `\n\n另有 ${events.length - shown.length} 个事件未列出。`
        : `\n\n${events.length - shown.length} more events are not listed.`
      : '';
  return table + more;
}

function incidentText(ctx: Ctx, i: Incident): string {
  const zh = ctx.zh;
  const d = i.details;
  if (d.type === 'flood')
    return zh
      ? `日志刷屏:${mdCode(d.message)} 重复 ${i.count} 次${d.spanSecs !== null ? `(${duration(d.spanSecs, ctx.lang)})` : ''}`
      : `Flood: ${mdCode(d.message)} repeated ${i.count} times${d.spanSecs !== null ? ` over ${duration(d.spanSecs, ctx.lang)}` : ''}`;
  if (d.type === 'log-loss')
    return zh
      ? `日志丢失 ${d.lost} 条(${mdText(d.reporter)})`
      : `${d.lost} log messages lost (${mdText(d.reporter)})`;
  if (d.type === 'death') {
    const who = d.container ? d.container.slice(0, 12) : (d.unit ?? d.comm ?? '?');
    return zh
      ? `${mdCode(who)} 退出${d.oomKill ? '(被 OOM killer 终止)' : ''}:${mdText(d.printed)}`
      : `${mdCode(who)} ended${d.oomKill ? ' (OOM kill)' : ''}: ${mdText(d.printed)}`;
  }
  if (d.type === 'kernel')
    return `${zh ? (INCIDENT_KIND_ZH[i.kind] ?? i.kind) : i.kind}: ${mdCode(d.headline)}${i.count > 1 ? ` ×${i.count}` : ''}`;
  if (d.type === 'segfault')
    return zh
      ? `${mdText(d.comm)}[${d.pid}] ${mdText(d.what)}${d.object ? `,位于 ${mdCode(d.object)}` : ''}`
      : `${mdText(d.comm)}[${d.pid}] ${mdText(d.what)}${d.object ? ` in ${mdCode(d.object)}` : ''}`;
  return zh ? (INCIDENT_KIND_ZH[i.kind] ?? i.kind) : mdText(i.summary);
}

// ---- OOM anatomy --------------------------------------------------------------------------

function oomSection(ctx: Ctx): string {
  const { zh, clock, data } = ctx;
  const reports = data.analysis.oom;
  if (reports.length === 0)
    return zh ? '本案例中没有内核 OOM 报告。' : 'There is no kernel OOM report in this case.';
  const parts: string[] = [];
  if (reports.length > 1)
    parts.push(
      zh
        ? `本案例共有 ${reports.length} 次 OOM 终止${reports.length > OOM_DETAIL_MAX ? `,下文详述前 ${OOM_DETAIL_MAX} 次` : ''}。`
        : `This case has ${reports.length} OOM kills${reports.length > OOM_DETAIL_MAX ? `; the first ${OOM_DETAIL_MAX} are detailed below` : ''}.`,
    );
  for (const r of reports.slice(0, OOM_DETAIL_MAX)) parts.push(oomReport(ctx, r));
  if (reports.length > OOM_DETAIL_MAX)
    parts.push(
      mdTable(
        zh ? ['时间', '被终止进程', '证据'] : ['Time', 'Victim', 'Evidence'],
        reports
          .slice(OOM_DETAIL_MAX)
          .map((r) => [clock.format(r.ts), victimName(r), raw(cite(r.victim?.evidence[0] ?? r.lines[0]))]),
      ),
    );
  return parts.join('\n\n');
}

function oomReport(ctx: Ctx, r: OomReport): string {
  const { zh, clock } = ctx;
  const out: string[] = [];
  const v = r.victim;
  const when = clock.format(lineTs(ctx, v?.evidence[0], r.ts));
  out.push(
    `### ${zh ? `${when} OOM 终止 ${mdText(victimName(r))}` : `OOM kill of ${mdText(victimName(r))} at ${when}`}`,
  );
  // Verdict.
  const t = r.trigger;
  const kindZh: Record<string, string> = {
    global: '全局(整机内存耗尽)',
    memcg: 'memcg(cgroup 内存限制)',
    cpuset: 'cpuset',
    mempolicy: 'mempolicy',
    manual: '手动触发(sysrq)',
  };
  const verdict: string[] = [];
  verdict.push(
    zh
      ? `**结论**:${kindZh[r.kind] ?? r.kind} OOM${r.kernel ? `,内核 ${mdCode(r.kernel)}` : ''}。被终止的进程是 **${mdText(victimName(r))}**${v ? `(pid ${v.pid},uid ${v.uid ?? '?'},anon-rss ${kb(v.anonRssKb)},file-rss ${kb(v.fileRssKb)},total-vm ${kb(v.totalVmKb)})` : ''}(${cite(v?.evidence[0] ?? r.lines[0])})。`
      : `**Verdict**: a ${r.kind} OOM${r.kernel ? ` on kernel ${mdCode(r.kernel)}` : ''}. The victim is **${mdText(victimName(r))}**${v ? ` (pid ${v.pid}, uid ${v.uid ?? '?'}, anon-rss ${kb(v.anonRssKb)}, file-rss ${kb(v.fileRssKb)}, total-vm ${kb(v.totalVmKb)})` : ''} (${cite(v?.evidence[0] ?? r.lines[0])}).`,
  );
  if (t)
    verdict.push(
      zh
        ? `触发者 ${mdText(t.comm)}${t.pid !== null ? `(pid ${t.pid})` : ''} 申请 order-${t.order ?? '?'} 内存失败,gfp_mask=${mdCode(t.gfpMask ?? '?')}${t.gfpFlags.length ? ` = ${mdCode(t.gfpFlags.join(' | '))}` : ''}${t.gfpZones.length ? `,可用内存区:${t.gfpZones.join('、')}` : ''}(${cite(t.evidence[0])})。`
        : `${mdText(t.comm)}${t.pid !== null ? ` (pid ${t.pid})` : ''} triggered it with an order-${t.order ?? '?'} allocation, gfp_mask ${mdCode(t.gfpMask ?? '?')}${t.gfpFlags.length ? ` = ${mdCode(t.gfpFlags.join(' | '))}` : ''}${t.gfpZones.length ? `, servable from ${t.gfpZones.join(', ')}` : ''} (${cite(t.evidence[0])}).`,
    );
  if (r.ledger.swap.configured === false)
    verdict.push(
      zh
        ? `没有 swap(Total swap = 0kB,${cite(r.memInfo.evidence.totalSwapKb)})。`
        : `${mdText(r.ledger.swap.statement)} (${cite(r.memInfo.evidence.totalSwapKb)})`,
    );
  out.push(verdict.join(' '));
  // Score check.
  const s = r.score;
  const scoreLine = zh
    ? `**oom_score 复核**:内核打印 ${s.printed ?? '无'},重新计算 ${s.computed ?? '无法计算'}(${scoreResultZh(s.result)})。totalpages = ${s.totalPages ?? '?'}(${mdText(s.totalPagesFrom)})。${cites(s.evidence, 3)}`
    : `**Score check**: ${mdText(s.verdict)} (${cites(s.evidence, 3)})`;
  out.push(scoreLine);
  if (r.audit.explanation)
    out.push(
      zh
        ? `按重新计算的 badness,该进程在 ${r.audit.eligibleRows} 个可选任务中排第 ${r.audit.victimRank ?? '?'}。`
        : mdText(r.audit.explanation),
    );
  // Ledger chart and table.
  if (r.ledger.totalRamKb !== null && r.ledger.items.length) {
    out.push(chartMarker(r.id));
    const rows = r.ledger.items.map((i) => [zh ? (LEDGER_ZH[i.key] ?? i.label) : i.label, i.human, i.from]);
    if (r.ledger.unaccountedKb !== null)
      rows.push([
        zh ? LEDGER_ZH.unaccounted! : 'not accounted for',
        r.ledger.unaccountedHuman ?? kb(r.ledger.unaccountedKb),
        zh ? '总内存减去以上各项' : 'total RAM minus the above',
      ]);
    out.push(
      `${zh ? `**内存构成**(总内存 ${r.ledger.totalRamHuman ?? '?'})` : `**Memory ledger** (total RAM ${r.ledger.totalRamHuman ?? '?'})`}\n\n${mdTable(
        zh ? ['类别', '大小', '来源计数器'] : ['Counter', 'Size', 'From'],
        rows,
      )}`,
    );
  }
  // Zones.
  if (r.zones.length)
    out.push(
      `${zh ? '**内存区(zone)水位**' : '**Zones and watermarks**'}\n\n${mdTable(
        zh
          ? ['内存区', 'free', 'min', 'low', 'high', '所需水位', '结论', '证据']
          : ['Zone', 'free', 'min', 'low', 'high', 'required', 'Verdict', 'Evidence'],
        r.zones.map((z) => [
          `${z.node !== null ? `Node ${z.node} ` : ''}${z.zone}`,
          kb(z.freeKb),
          kb(z.minKb),
          kb(z.lowKb),
          kb(z.highKb),
          kb(z.requiredKb),
          zoneVerdict(ctx, z),
          raw(cite(z.evidence[0])),
        ]),
      )}`,
    );
  // Top tasks.
  const top = r.tasks
    .filter((x) => x.points !== null)
    .sort((a, b) => (b.points ?? 0) - (a.points ?? 0))
    .slice(0, 8);
  if (top.length)
    out.push(
      `${zh ? '**内存占用最多的任务**(按重新计算的 badness 排序)' : '**Top tasks** (by recomputed badness)'}\n\n${mdTable(
        [
          'pid',
          zh ? '进程名' : 'name',
          'uid',
          zh ? 'rss(页)' : 'rss (pages)',
          'oom_score_adj',
          'points',
          'score',
          zh ? '证据' : 'Evidence',
        ],
        top.map((x) => [
          String(x.pid),
          x.name + (v && x.pid === v.pid ? (zh ? '(被终止)' : ' (victim)') : ''),
          x.uid === null ? '—' : String(x.uid),
          x.rss === null ? '—' : String(x.rss),
          x.oomScoreAdj === null ? '—' : String(x.oomScoreAdj),
          String(x.points),
          x.score === null ? '—' : String(x.score),
          raw(cite(x.evidence)),
        ]),
      )}`,
    );
  // Other findings of the analyser (English sentences; the Chinese draft names the ones it words itself).
  if (!zh) {
    const skip = new Set(['victim', 'trigger', 'no-swap', 'victim-audit', 'ledger']);
    const rest = r.findings.filter((f) => !skip.has(f.code) && !f.code.startsWith('score-'));
    if (rest.length)
      out.push(
        `**Further findings**\n\n${rest.map((f) => `- ${mdText(f.text)} (${cites(f.evidence, 2)})`).join('\n')}`,
      );
  } else {
    const zhFindings: string[] = [];
    for (const f of r.findings) {
      if (f.code === 'taint' && r.taint)
        zhFindings.push(
          `- 内核已被标记为 tainted:${mdCode(r.taint.letters.join(''))}(${cites(f.evidence, 1)})。`,
        );
      if (f.code === 'missing')
        zhFindings.push(`- 写出该报告期间有日志丢失,报告可能不完整(${cites(f.evidence, 1)})。`);
      if (f.code === 'repaired') zhFindings.push(`- 有损坏的日志行经修复后读取(${cites(f.evidence, 1)})。`);
    }
    if (zhFindings.length) out.push(`**其他发现**\n\n${zhFindings.join('\n')}`);
  }
  return out.join('\n\n');
}

function scoreResultZh(result: OomReport['score']['result']): string {
  switch (result) {
    case 'match':
      return '一致';
    case 'match-with-discount':
      return '计入 root 进程 3% 折扣后一致';
    case 'match-without-discount':
      return '不计 root 折扣时一致:该进程以 uid 0 运行但没有 CAP_SYS_ADMIN,通常是容器内进程';
    case 'mismatch':
      return '不一致';
    case 'not-printed':
      return '内核未打印分数';
    case 'not-computable':
      return '任务表信息不足,无法计算';
  }
}

function zoneVerdict(ctx: Ctx, z: OomReport['zones'][number]): string {
  const zh = ctx.zh;
  if (!z.usable) return zh ? '本次分配不可用' : 'not usable by this allocation';
  if (z.belowMin) return zh ? 'free 低于 min 水位' : 'free below min';
  if (z.requiredKb !== null && z.freeKb !== null && z.freeKb < z.requiredKb)
    return zh ? '低于 min + lowmem_reserve,不可用' : 'below min + lowmem_reserve: out of reach';
  return zh ? '高于所需水位' : 'above the required watermark';
}

// ---- Reboots ------------------------------------------------------------------------------

function rebootsSection(ctx: Ctx): string {
  const { zh, clock, data } = ctx;
  const boots = data.analysis.boots;
  if (boots.length === 0)
    return zh
      ? '归档中没有可用于重建重启历史的记录(wtmp、`last`、内核启动信息)。'
      : 'The archive has nothing to rebuild the reboot history from (wtmp, `last`, kernel banners).';
  const out: string[] = [];
  const hard = boots.filter((b) => b.endKind === 'hard').length;
  const crash = boots.filter((b) => b.endKind === 'crash').length;
  out.push(
    zh
      ? `共 ${boots.length} 次开机:${hard} 次以硬重启结束,${crash} 次以崩溃结束${data.analysis.rebootsPerDay !== null ? `,平均每天重启 ${data.analysis.rebootsPerDay.toFixed(2)} 次` : ''}。`
      : `${boots.length} boots: ${hard} ended in a hard reset, ${crash} in a crash${data.analysis.rebootsPerDay !== null ? `; ${data.analysis.rebootsPerDay.toFixed(2)} reboots per day` : ''}.`,
  );
  out.push(
    mdTable(
      zh
        ? ['#', `开机(${clock.label})`, '内核', '结束方式', '最后存活迹象', '停机时长', '证据']
        : [
            '#',
            `Start (${clock.label})`,
            'Kernel',
            'How it ended',
            'Last sign of life',
            'Down for',
            'Evidence',
          ],
      boots.map((b, i) => {
        const ev = b.evidence[0];
        const sol = b.lastSignOfLife;
        return [
          String(i + 1),
          clock.format(isoMs(b.start)) +
            (b.startConfidence !== 'high' ? (zh ? '(推断)' : ' (inferred)') : ''),
          b.kernel ?? '—',
          END_KIND[ctx.lang][b.endKind] ?? b.endKind,
          raw(sol ? `${clock.format(isoMs(sol.ts))} ${mdCode(`${sol.source}:${sol.line}`)}` : '—'),
          b.downtimeS !== null ? duration(b.downtimeS, ctx.lang) : '—',
          raw(ev ? mdCode(`${ev.source}:${ev.line}`) : '—'),
        ];
      }),
    ),
  );
  const explain = boots.filter((b) => b.endKind === 'hard' || b.endKind === 'crash');
  if (explain.length) {
    out.push(
      explain
        .map((b) => {
          const sol = b.lastSignOfLife;
          if (zh)
            return `- ${clock.format(isoMs(b.start))} 开机的这次运行:${b.endKind === 'hard' ? '没有关机记录,也没有崩溃证据,判定为硬重启(强制断电、平台重置或看门狗)' : '有 panic 或 kdump 证据,判定为崩溃'}${sol ? `;最后存活迹象 ${clock.format(isoMs(sol.ts))}(${mdCode(`${sol.source}:${sol.line}`)})` : ''}。`;
          return `- Boot of ${clock.format(isoMs(b.start))}: ${mdText(b.endReason)}`;
        })
        .join('\n'),
    );
  }
  const flags = boots.flatMap((b) => b.flags.filter((f) => f.kind === 'time-inferred'));
  if (flags.length)
    out.push(
      zh
        ? `注:${flags.length} 次开机时间来自 \`last\` 输出(精确到分钟,年份为推断)。`
        : `Note: ${flags.length} boot times come from \`last\` (minute precision, year inferred).`,
    );
  return out.join('\n\n');
}

// ---- Crash and vmcore ---------------------------------------------------------------------

function crashSection(ctx: Ctx): string {
  const { zh, clock, data } = ctx;
  const out: string[] = [];
  const kernel = data.analysis.incidents.filter((i) => KERNEL_KINDS.has(i.kind));
  const deaths = data.analysis.incidents.filter(
    (i) => i.details.type === 'death' || i.details.type === 'segfault',
  );
  const other = data.analysis.incidents.filter((i) => i.kind === 'flood' || i.kind === 'log-loss');
  const list = (xs: Incident[]): string =>
    xs
      .slice(0, 30)
      .map((i) => `- ${clock.format(i.ts)}: ${incidentText(ctx, i)} (${cite(i.line)})`)
      .join('\n');
  out.push(
    kernel.length
      ? `${zh ? '**内核事件**' : '**Kernel incidents**'}\n\n${list(kernel)}`
      : zh
        ? '日志中没有内核 panic、Oops、BUG 或锁死报告。'
        : 'The logs show no kernel panic, oops, BUG or lockup.',
  );
  if (deaths.length)
    out.push(`${zh ? '**进程退出与崩溃**' : '**Process deaths and crashes**'}\n\n${list(deaths)}`);
  if (other.length) out.push(`${zh ? '**日志刷屏与丢失**' : '**Floods and lost logs**'}\n\n${list(other)}`);
  const facts = data.analysis.system.facts.filter((f) =>
    [
      'kdump',
      'crashkernel',
      'kexec_crash_loaded',
      'pstore',
      'kernel.core_pattern',
      'core-size-limit',
    ].includes(f.key),
  );
  out.push(
    `${zh ? '**vmcore 与 core dump 准备情况**' : '**vmcore and core dump readiness**'}\n\n${mdTable(
      zh ? ['项目', '值', '含义', '证据'] : ['Item', 'Value', 'Meaning', 'Evidence'],
      facts.map((f) => [
        f.key,
        f.value ?? '—',
        (zh ? f.meaning.zh : f.meaning.en) + (f.inferred ? (zh ? '(推断)' : ' (inferred)') : ''),
        raw(cites(f.evidence, 2) || '—'),
      ]),
    )}`,
  );
  const novm = data.analysis.system.recommendations.find((r) => r.id === 'no-vmcore');
  if (novm)
    out.push(
      `${mdText(zh ? novm.text.zh : novm.text.en)}${novm.evidence.length ? ` (${cites(novm.evidence, 2)})` : ''}`,
    );
  return out.join('\n\n');
}

// ---- System readiness and recommendations -------------------------------------------------

function systemSection(ctx: Ctx): string {
  const { zh, data } = ctx;
  const out: string[] = [];
  const known = data.analysis.system.facts.filter((f) => f.known);
  const unknown = data.analysis.system.facts.filter((f) => !f.known);
  if (known.length)
    out.push(
      mdTable(
        zh ? ['设置', '值', '含义', '来源'] : ['Setting', 'Value', 'Meaning', 'From'],
        known.map((f) => [
          f.key,
          f.value ?? '—',
          (zh ? f.meaning.zh : f.meaning.en) + (f.inferred ? (zh ? '(推断)' : ' (inferred)') : ''),
          raw([f.from ? mdText(f.from) : '', cites(f.evidence, 2)].filter(Boolean).join(' ')),
        ]),
      ),
    );
  if (unknown.length)
    out.push(
      zh
        ? `归档中没有以下设置,无法确认:${unknown.map((f) => mdCode(f.key)).join('、')}。`
        : `Not in the archive, so not known: ${unknown.map((f) => mdCode(f.key)).join(', ')}.`,
    );
  const recs = data.analysis.system.recommendations;
  if (recs.length) {
    out.push(zh ? '**建议**' : '**Recommendations**');
    out.push(recs.map((r) => recLine(ctx, r)).join('\n'));
  } else out.push(zh ? '没有需要调整的设置。' : 'No setting needs a change.');
  return out.join('\n\n');
}

function recLine(ctx: Ctx, r: Recommendation): string {
  const zh = ctx.zh;
  const sev = zh ? (SEVERITY_ZH[r.severity] ?? r.severity) : r.severity;
  const ev = r.evidence.length ? ` (${cites(r.evidence, 2)})` : '';
  return `1. **${mdText(zh ? r.title.zh : r.title.en)}** [${sev}]: ${mdText(zh ? r.text.zh : r.text.en)}${ev}`;
}

// ---- Excerpts -----------------------------------------------------------------------------

export function selectedAnnotations(data: ReportData, ids: number[] | null): ReportAnnotation[] {
  // All notes by default: orphaned ones too (they say so), never silently dropped.
  if (ids === null) return data.annotations;
  const byId = new Map(data.annotations.map((a) => [a.annotationId, a]));
  return ids.map((id) => byId.get(id)).filter((a): a is ReportAnnotation => a !== undefined);
}

function excerptsSection(ctx: Ctx, ids: number[] | null): string {
  const { zh, clock } = ctx;
  const notes = selectedAnnotations(ctx.data, ids);
  if (notes.length === 0)
    return zh
      ? '还没有备注。在日志查看器中为关键行添加备注后,它们会以原文引用出现在这里。'
      : 'No notes yet. Lines the engineer annotates in the viewer are quoted here with their citation.';
  const findings = new Map(ctx.data.findings.map((f) => [f.findingKey, f]));
  return notes
    .map((a) => {
      const first = a.lines[0];
      const head: string[] = [];
      if (first) {
        const last = a.lines[a.lines.length - 1]!;
        const range =
          last.lineNo !== first.lineNo
            ? `${first.sourcePath}:${first.lineNo}-${last.lineNo}`
            : `${first.sourcePath}:${first.lineNo}`;
        head.push(
          `${mdCode(range)} · ${clock.format(first.ts)} · ${zh ? '时间来源' : 'time'}: ${qualityText(first.tsQuality, ctx.lang)}`,
        );
      } else if (a.anchor) {
        head.push(
          `${mdCode(`${a.anchor.sourcePath}:${a.anchor.lineNo}`)} · ${zh ? '该行已找不到(备注成为孤立备注)' : 'the line can no longer be found (orphaned note)'}`,
        );
      }
      const f = a.findingKey ? findings.get(a.findingKey) : undefined;
      if (f)
        head.push(`${zh ? '关于发现' : 'About the finding'}: ${mdText(f.title)} (${cites(f.evidence, 1)})`);
      if (a.spanStart !== null)
        head.push(`${zh ? '时间段' : 'Span'}: ${clock.format(a.spanStart)} – ${clock.format(a.spanEnd)}`);
      const parts = [
        `#### ${a.starred ? '★ ' : ''}${zh ? '备注' : 'Note'} ${a.annotationId}${a.tags.length ? ` · ${a.tags.map((t) => mdText(`#${t}`)).join(' ')}` : ''}`,
      ];
      parts.push(head.join('  \n'));
      if (a.lines.length)
        parts.push(
          mdFence(a.lines.map((l) => l.text)) +
            (a.truncated ? (zh ? '\n\n(摘录已截断)' : '\n\n(excerpt cut)') : ''),
        );
      if (a.body.trim()) parts.push(a.body.trim());
      return parts.join('\n\n');
    })
    .join('\n\n');
}

// ---- Appendix -----------------------------------------------------------------------------

function appendixSection(ctx: Ctx): string {
  const { zh, data, clock } = ctx;
  const s = data.summary;
  const out: string[] = [];
  out.push(
    mdTable(
      zh
        ? ['来源与 sha256', '类型', '大小', '行数', '状态']
        : ['Source and sha256', 'Kind', 'Size', 'Lines', 'Status'],
      s.sources.map((src) => [
        raw(
          `${mdCode(src.path)}${zh ? ',来自' : ' in'} ${mdText(src.input)} · sha256 ${src.sha256 ? mdCode(src.sha256) : '—'}`,
        ),
        src.kind,
        formatBytes(src.sizeBytes),
        src.lineCount.toLocaleString('en-US'),
        (zh ? (STATUS_ZH[src.status] ?? src.status) : src.status) + (src.error ? `: ${src.error}` : ''),
      ]),
    ),
  );
  out.push(
    s.errors.length
      ? `${zh ? '**导入错误**' : '**Ingest errors**'}\n\n${mdTable(
          zh ? ['输入', '路径', '错误'] : ['Input', 'Path', 'Error'],
          s.errors.map((e) => [e.input, raw(mdCode(e.path)), e.message]),
        )}`
      : zh
        ? '导入时没有错误。'
        : 'No ingest errors.',
  );
  const z = data.zone;
  out.push(
    zh
      ? `时间说明:${z ? `机器时区 ${clock.label},由 ${mdCode(z.sourcePath)} 中带时区的时间推得。` : '没有来源给出机器时区,时间按 UTC 显示。'}日志时间跨度 ${clock.format(s.firstTs)} – ${clock.format(s.lastTs)}。`
      : `Times: ${z ? `the machine's zone ${clock.label}, learnt from ${mdCode(z.sourcePath)} (${mdText(z.from)}).` : 'no source told the machine’s zone; times are UTC.'} Log time span ${clock.format(s.firstTs)} – ${clock.format(s.lastTs)}.`,
  );
  return out.join('\n\n');
}

// ---- the draft ----------------------------------------------------------------------------

function generate(ctx: Ctx, id: ReportSectionId, excerptIds: number[] | null): string {
  switch (id) {
    case 'summary':
      return summarySection(ctx);
    case 'timeline':
      return timelineSection(ctx);
    case 'oom':
      return oomSection(ctx);
    case 'reboots':
      return rebootsSection(ctx);
    case 'crash':
      return crashSection(ctx);
    case 'system':
      return systemSection(ctx);
    case 'excerpts':
      return excerptsSection(ctx, excerptIds);
    case 'appendix':
      return appendixSection(ctx);
  }
}

/** The incident window: from the first key event to the end of the bad boot (or the last key event). */
function draftWindow(ctx: Ctx): { from: number | null; to: number | null } {
  const times: number[] = [];
  for (const r of ctx.data.analysis.oom) if (r.ts !== null) times.push(r.ts);
  for (const i of ctx.data.analysis.incidents) {
    if (i.kind === 'log-loss') continue;
    if (i.firstTs !== null) times.push(i.firstTs);
    if (i.lastTs !== null) times.push(i.lastTs);
  }
  if (ctx.badBoot) {
    const next = isoMs(ctx.badBoot.next?.start ?? null);
    const sol = isoMs(ctx.badBoot.boot.lastSignOfLife?.ts ?? null);
    if (next !== null) times.push(next);
    else if (sol !== null) times.push(sol);
  }
  if (times.length === 0) return { from: null, to: null };
  return { from: Math.min(...times), to: Math.max(...times) };
}

function defaultHost(data: ReportData): string {
  return data.analysis.oom.find((r) => r.host)?.host ?? data.knownHosts[0] ?? '';
}

/** The draft as the analysis makes it, in a language, before the engineer's edits. */
export function draftReport(
  data: ReportData,
  lang: ReportLang,
  excerptIds: number[] | null = null,
): ReportDraft {
  const ctx = makeCtx(data, lang);
  const w = draftWindow(ctx);
  return {
    lang,
    title: data.summary.title,
    customer: '',
    host: defaultHost(data),
    windowFrom: w.from,
    windowTo: w.to,
    sections: REPORT_SECTION_IDS.map((id) => ({
      id,
      title: SECTION_TITLES[lang][id],
      generated: generate(ctx, id, excerptIds),
      body: null,
      enabled: true,
    })),
    excerptAnnotationIds: null,
    updatedAt: data.editsSavedAt ?? Date.now(),
  };
}

/**
 * A fresh draft with the engineer's saved edits over it: order, titles, bodies, enabled flags,
 * header fields. A title left as the default of the language it was saved in follows the
 * requested language; a renamed one is kept.
 */
export function reportDraft(data: ReportData, lang: ReportLang): ReportDraft {
  const edits = data.edits;
  const fresh = draftReport(data, lang, edits?.excerptAnnotationIds ?? null);
  if (!edits) return fresh;
  const byId = new Map(fresh.sections.map((s) => [s.id, s]));
  const sections: ReportSection[] = [];
  const savedTitles = SECTION_TITLES[edits.lang];
  for (const e of edits.sections) {
    const base = byId.get(e.id);
    if (!base) continue;
    byId.delete(e.id);
    const renamed = e.title.trim() !== '' && e.title !== savedTitles[e.id];
    sections.push({ ...base, title: renamed ? e.title : base.title, body: e.body, enabled: e.enabled });
  }
  for (const s of byId.values()) sections.push(s);
  return {
    ...fresh,
    title: edits.title,
    customer: edits.customer,
    host: edits.host,
    windowFrom: edits.windowFrom,
    windowTo: edits.windowTo,
    excerptAnnotationIds: edits.excerptAnnotationIds,
    sections,
  };
}

/** Checks edits before they are saved: names what is wrong. */
export function validateEdits(edits: ReportEdits): void {
  const seen = new Set<string>();
  for (const s of edits.sections) {
    if (!(REPORT_SECTION_IDS as readonly string[]).includes(s.id))
      throw new Error(`report edits: unknown section ${JSON.stringify(s.id)}`);
    if (seen.has(s.id)) throw new Error(`report edits: section ${s.id} appears twice`);
    seen.add(s.id);
  }
  if (edits.windowFrom !== null && edits.windowTo !== null && edits.windowFrom > edits.windowTo)
    throw new Error('report edits: the incident window ends before it starts');
}

/**
 * The first flood burst that starts when `ok` says (after the OOM kill): an incident's own bursts
 * when the analysis split it into bursts, else the incident as one burst.
 */
function floodAfter(
  incidents: readonly Incident[],
  ok: (ts: number) => boolean,
): { incident: Incident; burst: FloodBurst } | null {
  for (const i of incidents) {
    if (i.kind !== 'flood' || i.details.type !== 'flood') continue;
    const d = i.details;
    const bursts: FloodBurst[] = d.bursts?.length
      ? d.bursts
      : [
          {
            firstTs: i.firstTs,
            lastTs: i.lastTs,
            count: i.count,
            spanSecs: d.spanSecs,
            perMinute: d.perMinute,
            first: i.line,
            last: i.lines[i.lines.length - 1] ?? i.line,
          },
        ];
    const b = bursts.find((x) => ok(x.firstTs ?? i.ts ?? 0));
    if (b) return { incident: i, burst: b };
  }
  return null;
}
