/** Section titles and fixed words of the report, in English and in Chinese (zh-CN). */
import type { ReportLang, ReportSectionId } from '../../shared/model/report';

export const SECTION_TITLES: Record<ReportLang, Record<ReportSectionId, string>> = {
  en: {
    summary: 'Summary',
    timeline: 'Timeline of key events',
    oom: 'OOM anatomy',
    reboots: 'Reboot history',
    crash: 'Crash and vmcore notes',
    system: 'System readiness and recommendations',
    excerpts: 'Evidence excerpts',
    appendix: 'Appendix: sources and ingest errors',
  },
  'zh-CN': {
    summary: '概述',
    timeline: '关键事件时间线',
    oom: 'OOM 终止分析',
    reboots: '重启历史',
    crash: '崩溃与 vmcore 说明',
    system: '系统就绪情况与建议',
    excerpts: '证据摘录',
    appendix: '附录:日志来源与导入错误',
  },
};

export interface Words {
  reportKind: string;
  contents: string;
  customer: string;
  host: string;
  window: string;
  generated: string;
  times: (zone: string, machine: boolean, from: { from: string; sourcePath: string } | null) => string;
  sources: string;
  lines: string;
  chartTitle: string;
  unaccounted: string;
  page: string;
}

export const WORDS: Record<ReportLang, Words> = {
  en: {
    reportKind: 'Incident report',
    contents: 'Contents',
    customer: 'Customer',
    host: 'Host',
    window: 'Incident window',
    generated: 'Generated',
    times: (zone, machine, from) =>
      machine
        ? `Times are shown in the machine's time zone, ${zone}${from ? ` (${from.sourcePath}: ${from.from})` : ''}.`
        : 'Times are shown in UTC: no source told the machine’s time zone.',
    sources: 'sources',
    lines: 'lines',
    chartTitle: 'Memory at the time of the kill',
    unaccounted: 'not accounted for',
    page: 'page',
  },
  'zh-CN': {
    reportKind: '故障分析报告',
    contents: '目录',
    customer: '客户',
    host: '主机',
    window: '故障时间窗口',
    generated: '生成时间',
    times: (zone, machine, from) =>
      machine
        ? `文中时间均为该机器所在时区 ${zone}${from ? `(由 ${from.sourcePath} 中带时区的时间推得)` : ''}。`
        : '文中时间均为 UTC:日志中没有可确定机器时区的信息。',
    sources: '个来源',
    lines: '行',
    chartTitle: 'OOM 发生时的内存构成',
    unaccounted: '未计入',
    page: '页',
  },
};

/** Chinese labels of the OOM ledger's keys (the analyser labels them in English). */
export const LEDGER_ZH: Record<string, string> = {
  free: '空闲',
  anon: '匿名内存(进程)',
  shmem: '共享内存 / tmpfs',
  file: '文件缓存',
  unevictable: '不可回收(mlock、ramfs)',
  slabReclaimable: 'slab(可回收)',
  slabUnreclaimable: 'slab(不可回收)',
  pagetables: '页表',
  kernelStack: '内核栈',
  hugetlb: '大页池',
  reserved: '预留(内核映像、memmap、固件)',
  unaccounted: '未计入',
};

export const END_KIND: Record<ReportLang, Record<string, string>> = {
  en: {
    clean: 'clean shutdown',
    crash: 'crash',
    hard: 'hard reset (no shutdown trace)',
    unknown: 'unknown',
    running: 'running at collection',
  },
  'zh-CN': {
    clean: '正常关机',
    crash: '崩溃',
    hard: '硬重启(无关机记录)',
    unknown: '未知',
    running: '收集日志时仍在运行',
  },
};

export const INCIDENT_KIND_ZH: Record<string, string> = {
  panic: '内核 panic',
  oops: '内核 Oops',
  bug: '内核 BUG',
  gpf: '一般保护错误(GPF)',
  warning: '内核 WARNING',
  'soft-lockup': '软锁死(soft lockup)',
  'hard-lockup': '硬锁死(hard lockup)',
  'hung-task': '任务挂起(hung task)',
  'rcu-stall': 'RCU stall',
  mce: '硬件错误(MCE)',
  'io-error': 'I/O 错误',
  'fs-error': '文件系统错误',
  nfs: 'NFS 异常',
  'netdev-watchdog': '网卡 watchdog 超时',
  kasan: '内存检测器报告',
  segfault: '段错误(segfault)',
  trap: '异常陷阱(trap)',
  'process-killed': '进程被终止',
  'core-dumped': '进程崩溃并转储 core',
  'restart-loop': '服务反复重启',
  flood: '日志刷屏',
  'log-loss': '日志丢失',
};

export const SEVERITY_ZH: Record<string, string> = {
  info: '提示',
  warning: '警告',
  important: '重要',
  error: '错误',
  critical: '严重',
};
