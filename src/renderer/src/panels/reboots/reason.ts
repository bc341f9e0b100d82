/**
 * The analyser's end reason (BootJson.endWhy) said in zh-CN, built from its values: the rules of
 * analysis/reboots/ending.ts, the marker names of analysis/reboots/markers.ts and inputs.ts. A
 * marker name not listed is shown as the analyser wrote it (English, marked as such).
 */
import type { BootJson, EndWhy } from '../../../../shared/model/boot';

const MARKER_ZH: Readonly<Record<string, string>> = {
  'kernel panic': '内核 panic',
  'kdump saved a vmcore': 'kdump 保存了 vmcore',
  'capture kernel booting (elfcorehdr=)': '捕获内核启动（elfcorehdr=）',
  'hung task': '任务挂起（hung task）',
  'lockup or RCU stall': '锁死或 RCU 停顿',
  'journald stopped': 'journald 停止',
  'kernel restart/power-off': '内核重启/断电',
  'power button pressed': '按下了电源键',
  'rsyslogd exiting on signal 15': 'rsyslogd 收到信号 15 退出',
  'shutdown announced': '关机通知',
  'shutdown command': '关机命令',
  'systemd reached a shutdown target': 'systemd 进入关机 target',
  'systemd stopping a unit': 'systemd 停止单元',
  'systemd-shutdown': 'systemd-shutdown',
  'wtmp shutdown record': 'wtmp 关机记录',
  'shutdown record (end of a last reboot line)': '关机记录（`last` reboot 行的结束时间）',
  'shutdown record (last -x)': '关机记录（last -x）',
};

/** A marker name in zh-CN; names with a parameter (`runlevel N record`, `kdump crash directory D`) too. */
export function markerZh(what: string): string {
  const known = MARKER_ZH[what];
  if (known) return known;
  let m = /^runlevel (\S+) record \(last -x\)$/.exec(what);
  if (m) return `运行级别 ${m[1]} 记录（last -x）`;
  m = /^(?:kdump )?crash directory (.+)$/.exec(what);
  if (m) return `kdump 转储目录 ${m[1]}`;
  return what;
}

/** A piece of the sentence: text, or data (a path, a line cite, a time) shown as written. */
export type ReasonPart = string | { data: string };

/** Tagged template: interpolated values are data. */
function d(strings: TemplateStringsArray, ...values: (string | number)[]): ReasonPart[] {
  const out: ReasonPart[] = [];
  strings.forEach((s, i) => {
    if (s !== '') out.push(s);
    if (i < values.length) out.push({ data: String(values[i]) });
  });
  return out;
}

/** The sentence as plain text (a hover title, a test). */
export function reasonText(parts: readonly ReasonPart[]): string {
  return parts.map((p) => (typeof p === 'string' ? p : p.data)).join('');
}

/** How the collection time was found (run.ts collectionTime, uptime-anchor.ts), in zh-CN when the form is known. */
function collectedZh(what: string): ReasonPart[] {
  let m = /^archive mtime of (.+) \(sos command outputs are written at collection time\)$/.exec(what);
  if (m) return d`${m[1]!} 在归档中的修改时间（sos 命令的输出在收集时写入）`;
  m = /^`date` output in (.+) \((.+)\)$/.exec(what);
  if (m) return d`${m[1]!} 中的 \`date\` 输出（${m[2]!}）`;
  return [{ data: what }];
}

function utc(iso: string): string {
  return `${iso.replace('T', ' ').replace(/(?:\.000)?Z$/, '')} UTC`;
}

/** A marker name: zh-CN when known, else the analyser's English kept as data. */
function marker(what: string): ReasonPart {
  const zh = markerZh(what);
  return zh === what ? { data: what } : zh;
}

function join(parts: ReasonPart[][], sep: string): ReasonPart[] {
  return parts.flatMap((p, i) => (i === 0 ? p : [sep, ...p]));
}

function hintsZh(h: EndWhy['hints']): ReasonPart[] {
  if (!h) return [];
  return [
    '结束前出现：',
    ...join(
      h.whats.map((w) => [marker(w)]),
      '、',
    ),
    ...d`（${h.lastCite}）。`,
  ];
}

/** The end reason in zh-CN, or null when the analysis carries no endWhy (an older analysis). */
export function endReasonZh(b: BootJson): ReasonPart[] | null {
  const w = b.endWhy;
  if (!w) return null;
  let out: ReasonPart[];
  switch (w.rule) {
    case 'crash':
      out = [
        '崩溃证据：',
        ...join(
          (w.crash ?? []).map((c) => [marker(c.what), ...d`（${c.cite}）`]),
          '；',
        ),
        '。',
      ];
      break;
    case 'shutdown': {
      const s = w.shutdown;
      const parts: ReasonPart[][] = (s?.whats ?? []).map((x) => [marker(x)]);
      if (s?.storm) parts.push(d`连续 ${s.storm} 行 systemd “Stopping”`);
      out = ['关机流程：', ...join(parts, '、'), ...d`（最后一行 ${s?.lastCite ?? '?'}）。`];
      break;
    }
    case 'running':
      out = w.collected
        ? [
            ...d`最新的一次启动，之后没有关机或崩溃证据；归档是在它运行期间收集的（收集时间 ${utc(w.collected.ts)}，依据：`,
            ...collectedZh(w.collected.what),
            '）。',
          ]
        : ['最新的一次启动，之后没有关机或崩溃证据：视为收集归档时正在运行的启动。'];
      break;
    case 'hard': {
      const covering: ReasonPart[][] = [];
      if (w.wtmpSource) covering.push(d`${w.wtmpSource} 在这次启动与下一次启动之间没有关机记录`);
      if (w.logSource) covering.push(d`${w.logSource} 跨越了这次重启，却没有关机流程`);
      out = ['没有关机痕迹，也没有崩溃证据：', ...join(covering, '；'), '。'];
      if (w.lsol) out.push(...d`最后活动迹象是 ${w.lsol.cite}（${utc(w.lsol.ts)}）。`);
      break;
    }
    case 'unknown':
      out = ['没有数据源覆盖这次启动的结束（下一次启动前后都没有 wtmp 或日志行）。'];
      break;
  }
  out.push(...hintsZh(w.hints ?? null));
  if (w.noLifeAfterStart) out.push('除了它自己的启动行之外没有已知的后续行，因此结束时间未知。');
  return out;
}
