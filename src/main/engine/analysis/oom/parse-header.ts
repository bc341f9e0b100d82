/**
 * The head of a report: the trigger line in all its historical forms, the cpuset line,
 * the dump_stack CPU/PID/Comm/Tainted line with the kernel release, hardware name, call trace.
 */
import { TRIGGER_RE } from './recognize';

export interface TriggerLine {
  comm: string;
  gfpMask: string | null;
  gfpPrinted: string | null;
  order: number | null;
  oomScoreAdj: number | null;
  oomAdj: number | null;
  nodemask: string | null;
}

const GFP_RE = /gfp_mask=(0x[0-9a-fA-F]+)(?:\((?<names>[^)]*)\))?/;
const ORDER_RE = /\border=(-?\d+)/;
const SCORE_ADJ_RE = /\boom_score_adj=(-?\d+)/;
const OOM_ADJ_RE = /\boom(?:kill)?adj=(-?\d+)|\boom_adj=(-?\d+)/;
const NODEMASK_RE = /\bnodemask=([^,\s]*)/;

export function parseTrigger(msg: string): TriggerLine | null {
  const m = TRIGGER_RE.exec(msg);
  if (!m?.groups) return null;
  const rest = m.groups.rest ?? '';
  const gfp = GFP_RE.exec(rest);
  const order = ORDER_RE.exec(rest);
  const sadj = SCORE_ADJ_RE.exec(rest);
  const adj = OOM_ADJ_RE.exec(rest);
  const nm = NODEMASK_RE.exec(rest);
  return {
    comm: m.groups.comm ?? '',
    gfpMask: gfp?.[1]?.toLowerCase() ?? null,
    gfpPrinted: gfp?.groups?.names ?? null,
    order: order ? Number(order[1]) : null,
    oomScoreAdj: sadj ? Number(sadj[1]) : null,
    oomAdj: adj ? Number(adj[1] ?? adj[2]) : null,
    nodemask: nm?.[1] ?? null,
  };
}

const CPUSET_RE = /^(?<comm>.*?) cpuset=(?<cpuset>\S*) mems_allowed=(?<mems>\S*)\s*$/;

export function parseCpuset(msg: string): { comm: string; cpuset: string; memsAllowed: string } | null {
  const m = CPUSET_RE.exec(msg);
  if (!m?.groups) return null;
  return { comm: m.groups.comm ?? '', cpuset: m.groups.cpuset ?? '', memsAllowed: m.groups.mems ?? '' };
}

export interface DumpStackLine {
  cpu: number | null;
  pid: number;
  comm: string;
  tainted: boolean;
  taintField: string;
  kernel: string;
}

// `CPU: 7 PID: 11545 Comm: x Tainted: G OE 4.4.0-150-generic #176-Ubuntu`, 6.11+ adds `UID: u`,
// RHEL 8 adds `Kdump: loaded`; 2.6.32 prints `Pid: 23212, comm: x Not tainted 2.6.32-… #1`.
const CPU_RE =
  /^CPU: (?<cpu>\d+) (?:UID: \d+ )?PID: (?<pid>\d+) Comm: (?<comm>.+?)(?: Kdump: \S+)? (?:Not tainted|Tainted: (?<taint>.*?)) +(?<ver>\d+\.\d+\S*)(?: #.*)?$/;
const PID_RE =
  /^Pid: (?<pid>\d+), comm: (?<comm>.+?) (?:Not tainted|Tainted: (?<taint>.*?)) +(?<ver>\d+\.\d+\S*)(?: #.*)?$/;

export function parseDumpStack(msg: string): DumpStackLine | null {
  const m = CPU_RE.exec(msg) ?? PID_RE.exec(msg);
  if (!m?.groups) return null;
  const g = m.groups;
  return {
    cpu: g.cpu !== undefined ? Number(g.cpu) : null,
    pid: Number(g.pid),
    comm: g.comm ?? '',
    tainted: g.taint !== undefined,
    taintField: (g.taint ?? '').replace(/-+/g, ' '),
    kernel: g.ver ?? '',
  };
}

export function parseHardware(msg: string): string | null {
  return msg.startsWith('Hardware name: ') ? msg.slice('Hardware name: '.length).trim() : null;
}

const FRAME_RE =
  /^\s*(?:\[<[0-9a-f]+>\]\s*)?(?<q>\? )?(?<fn>[\w.$]+\+0x[0-9a-f]+\/0x[0-9a-f]+(?: \[[\w-]+\])?)/;

/** A call-trace frame as `fn+off/len`, `? ` kept for unreliable frames; null when not a frame. */
export function parseFrame(msg: string): string | null {
  const m = FRAME_RE.exec(msg);
  if (!m?.groups) return null;
  return `${m.groups.q ?? ''}${m.groups.fn ?? ''}`;
}
