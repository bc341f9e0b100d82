/**
 * Turns a cut kernel block into an incident draft: decoded details, a signature made of the
 * first meaningful frames (or the report's location, or its normalised headline) and a
 * one-line summary.
 */
import type { KernelBlockDetails } from '../../../../shared/model/incident';
import { blockDetails } from './details';
import { meaningfulFrames, normaliseText } from './frames';
import type { IncidentDraft } from './group';
import type { KernelBlock } from './kernel-blocks';

const LABEL: Record<string, string> = {
  panic: 'Kernel panic',
  oops: 'Kernel oops',
  bug: 'Kernel BUG',
  gpf: 'General protection fault',
  warning: 'Kernel warning',
  'soft-lockup': 'Soft lockup',
  'hard-lockup': 'Hard lockup',
  'hung-task': 'Hung task',
  'rcu-stall': 'RCU stall',
  mce: 'Machine check',
  'io-error': 'Block I/O error',
  'fs-error': 'Filesystem error',
  nfs: 'NFS server not responding',
  'netdev-watchdog': 'Network transmit timeout',
  kasan: 'Kernel checker report',
};

function num(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

function applyHeader(d: KernelBlockDetails, block: KernelBlock): void {
  const all = [block.header, ...block.joined];
  for (const hit of all) {
    const g = hit.groups;
    if (g.reason !== undefined && d.panicReason === undefined) d.panicReason = g.reason.trim();
    if (g.code !== undefined && d.oopsCode === undefined) d.oopsCode = g.code.trim();
    const die = num(g.die);
    if (die !== undefined && d.dieCounter === undefined) d.dieCounter = die;
    if (g.loc !== undefined && d.location === undefined) d.location = g.loc;
    if (g.addr !== undefined && d.faultAddress === undefined) d.faultAddress = g.addr;
    if (g.dev !== undefined && d.device === undefined) d.device = g.driver ? `${g.dev} (${g.driver})` : g.dev;
    const sector = num(g.sector);
    if (sector !== undefined && d.sector === undefined) d.sector = sector;
    if (g.status !== undefined && d.mce === undefined) d.mce = g.status;
    if (hit.rule.kind === 'mce' && g.what !== undefined && d.mce === undefined) d.mce = g.what;
    const secs = num(g.secs);
    if (secs !== undefined && d.seconds === undefined) d.seconds = secs;
    // The header's own who/where wins over the block's CPU/PID line for lockups and hung tasks.
    if (g.comm !== undefined) d.comm = g.comm;
    const pid = num(g.pid);
    if (pid !== undefined) d.pid = pid;
    const cpu = num(g.cpu);
    if (cpu !== undefined) d.cpu = cpu;
    if (hit.rule.checker !== undefined && d.checker === undefined) d.checker = hit.rule.checker;
  }
}

function ipFunction(ip: string | undefined): string | undefined {
  if (ip === undefined) return undefined;
  const m = /([A-Za-z_][\w.$]*)\+0x/.exec(ip);
  return m ? m[1]!.replace(/\.(?:isra|constprop|part|cold)(?:\.\d+)*/g, '') : undefined;
}

function signatureOf(kind: string, d: KernelBlockDetails): string {
  const frames = meaningfulFrames(d.callTrace ?? []);
  const ipFn = ipFunction(d.ip);
  const where = frames.length > 0 ? frames.join(' < ') : (ipFn ?? '');
  switch (kind) {
    case 'panic':
      return normaliseText(d.panicReason ?? d.headline);
    case 'warning':
    case 'bug':
      return d.location
        ? `${d.location}${where ? ` | ${where}` : ''}`
        : `${normaliseText(d.headline)}${where ? ` | ${where}` : ''}`;
    case 'io-error':
    case 'fs-error':
    case 'nfs':
    case 'netdev-watchdog':
      return d.device ?? normaliseText(d.headline);
    case 'mce':
    case 'rcu-stall':
      return normaliseText(d.headline);
    case 'kasan':
      return `${d.checker ?? 'checker'}: ${normaliseText(d.headline)}${where && d.checker !== 'kasan' ? ` | ${where}` : ''}`;
    default:
      return where || normaliseText(d.headline);
  }
}

function summaryOf(kind: string, d: KernelBlockDetails): string {
  const label = LABEL[kind] ?? kind;
  const who = d.comm !== undefined ? ` [${d.comm}${d.pid !== undefined ? `:${d.pid}` : ''}]` : '';
  switch (kind) {
    case 'panic':
      return `${label}: ${d.panicReason ?? d.headline}${who}`;
    case 'hung-task':
      return `${label}: ${d.comm ?? '?'}:${d.pid ?? '?'} blocked for more than ${d.seconds ?? '?'} s${d.callTrace ? ` in ${meaningfulFrames(d.callTrace, 1)[0] ?? '?'}` : ''}`;
    case 'soft-lockup':
      return `${label}: CPU#${d.cpu ?? '?'} stuck for ${d.seconds ?? '?'} s${who}${d.ip ? ` at ${d.ip}` : ''}`;
    default: {
      const at = d.ip ? ` at ${d.ip}` : '';
      return `${label}: ${d.headline.trim()}${at}${who}`;
    }
  }
}

export function kernelDraft(block: KernelBlock): IncidentDraft {
  const headline = block.messages[0]?.trim() ?? '';
  const d = blockDetails(block.messages, headline);
  applyHeader(d, block);
  if (block.bootSecs !== undefined) d.bootSecs = block.bootSecs;
  const header = block.lines[0]!;
  return {
    kind: block.kind,
    signature: signatureOf(block.kind, d),
    summary: summaryOf(block.kind, d),
    header,
    lines: block.lines,
    details: { type: 'kernel', ...d },
  };
}
