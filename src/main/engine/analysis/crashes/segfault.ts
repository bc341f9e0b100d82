/**
 * Userspace faults the kernel logs: `comm[pid]: segfault at ADDR ip IP sp SP error E in
 * OBJ[BASE+SIZE]`, `traps: comm[pid] general protection fault ip:… in OBJ[…]`, arm/arm64
 * `unhandled … fault`. Decodes the x86 page-fault error bits and the offset to give addr2line.
 */
import type { FaultErrorBits, SegfaultDetails } from '../../../../shared/model/incident';
import type { RecordLine } from '../../../../shared/model/log';
import type { IncidentDraft } from './group';

const SEGV =
  /^(?<comm>.+?)\[(?<pid>\d+)\]: segfault at (?<addr>[0-9a-f]+) (?:ip|rip) (?<ip>[0-9a-f]+) (?:sp|rsp) (?<sp>[0-9a-f]+) error (?<err>[0-9a-f]+)(?: in (?<obj>[^[]*?) ?\[(?<base>[0-9a-f]+)\+(?<size>[0-9a-f]+)\])?(?: likely on CPU (?<cpu>\d+))?/;
const TRAP =
  /^traps: (?<comm>.+?)\[(?<pid>\d+)\] (?:trap )?(?<what>[a-z][a-z0-9 ]*?) ip:(?<ip>[0-9a-f]+) sp:(?<sp>[0-9a-f]+) error:(?<err>[0-9a-f]+)(?: in (?<obj>[^[]*?) ?\[(?<base>[0-9a-f]+)\+(?<size>[0-9a-f]+)\])?(?: likely on CPU (?<cpu>\d+))?/;
const ARM_UNHANDLED =
  /^(?<comm>.+?)\[(?<pid>\d+)\]: unhandled (?<what>.+? fault) \((?<sig>\d+)\) at 0x(?<addr>[0-9a-f]+), esr 0x[0-9a-f]+(?:, in (?<obj>[^[]*?)\[(?<base>[0-9a-f]+)\+(?<size>[0-9a-f]+)\])?/;
const ARM32_UNHANDLED =
  /^(?<comm>.+?): unhandled (?<what>page fault|alignment exception) \((?<sig>\d+)\) at 0x(?<addr>[0-9a-f]+), code 0x[0-9a-f]+/;

const ERROR_BITS: [bit: number, set: string, clear: string | null][] = [
  [0, 'protection violation', 'page not present'],
  [1, 'write', 'read'],
  [2, 'user-mode', 'kernel-mode'],
  [3, 'reserved bit set in a page-table entry', null],
  [4, 'instruction fetch', null],
  [5, 'protection-key violation', null],
  [6, 'shadow-stack access', null],
  [15, 'SGX violation', null],
];

/** x86 page-fault error code (printed in hex by the kernel). */
export function decodeFaultError(hex: string): FaultErrorBits {
  const code = parseInt(hex, 16);
  const meaning: string[] = [];
  for (const [bit, set, clear] of ERROR_BITS) {
    if (code & (1 << bit)) meaning.push(set);
    else if (clear) meaning.push(clear);
  }
  return { code, meaning };
}

export const SEGFAULT_PREFILTER = /segfault at|traps: |unhandled /;

function fillMapping(d: SegfaultDetails, g: Record<string, string | undefined>): void {
  if (g.obj === undefined || g.base === undefined) return;
  const obj = g.obj.trim();
  if (obj !== '') d.object = obj;
  d.base = g.base;
  if (g.size !== undefined) d.mappingSize = g.size;
  const ip = BigInt(`0x${d.ip}`);
  const base = BigInt(`0x${g.base}`);
  if (ip < base) return;
  const off = ip - base;
  d.offset = `0x${off.toString(16)}`;
  const target = obj === '' ? '<object>' : obj;
  // A non-PIE executable is linked at its load address (0x400000, 0x8048000): addr2line takes the ip itself.
  const nonPie = !/\.so(?:[.\d]*)$/.test(obj) && base <= 0x10000000n;
  if (nonPie) {
    d.addr2line = `addr2line -f -C -e ${target} 0x${ip.toString(16)}`;
    d.addr2lineNote = `inferred: ${obj || 'the object'} is mapped at 0x${g.base}, the load address of a non-PIE executable, so the ip is already a link-time address`;
  } else {
    d.addr2line = `addr2line -f -C -e ${target} ${d.offset}`;
    d.addr2lineNote =
      "inferred: ip − base; exact when the printed mapping starts at file offset 0 — otherwise add that mapping's file offset from /proc/PID/maps (ProcMaps)";
  }
}

export function segfaultDraft(line: RecordLine, message: string): IncidentDraft | null {
  let kind: 'segfault' | 'trap' = 'segfault';
  let m = SEGV.exec(message);
  let g: Record<string, string | undefined>;
  let d: SegfaultDetails;
  if (m) {
    g = m.groups ?? {};
    d = {
      comm: g.comm!,
      pid: Number(g.pid),
      what: 'segfault',
      faultAddress: g.addr!,
      ip: g.ip!,
      sp: g.sp!,
      error: decodeFaultError(g.err!),
    };
  } else if ((m = TRAP.exec(message))) {
    kind = 'trap';
    g = m.groups ?? {};
    d = {
      comm: g.comm!,
      pid: Number(g.pid),
      what: g.what!.trim(),
      ip: g.ip!,
      sp: g.sp!,
      error: { code: parseInt(g.err!, 16), meaning: [] },
    };
  } else if ((m = ARM_UNHANDLED.exec(message) ?? ARM32_UNHANDLED.exec(message))) {
    kind = 'trap';
    g = m.groups ?? {};
    d = {
      comm: g.comm!,
      pid: Number(g.pid ?? 0),
      what: `${g.what!} (signal ${g.sig!})`,
      faultAddress: g.addr!,
      ip: g.addr!,
    };
  } else {
    return null;
  }
  if (g.cpu !== undefined) d.cpu = Number(g.cpu);
  fillMapping(d, g);
  const where = d.object ? ` in ${d.object}${d.offset ? ` at offset ${d.offset}` : ''}` : ` at ip ${d.ip}`;
  const summary =
    kind === 'segfault'
      ? `${d.comm}[${d.pid}] segfault at ${d.faultAddress}${where} (${d.error?.meaning.join(', ') ?? ''})`
      : `${d.comm}[${d.pid}] ${d.what}${where}`;
  const at = d.offset && d.addr2lineNote?.startsWith('inferred: ip −') ? d.offset : d.ip;
  return {
    kind,
    signature: `${d.comm}|${d.what}|${at}`,
    summary,
    header: line,
    lines: [line],
    details: { type: 'segfault', ...d },
  };
}
