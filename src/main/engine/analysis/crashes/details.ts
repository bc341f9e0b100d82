/**
 * Decodes the parts of a kernel report block: who (CPU, PID, comm), which kernel and taint,
 * where (RIP/EIP/pc/PC is at/NIP/PSW), the registers, the first call trace and the modules.
 */
import type { Arch, KernelBlockDetails, KernelFrame } from '../../../../shared/model/incident';
import { decodeTaintLetters } from '../kernel/taint';
import { MODULE_CONT_RE } from './body';
import { firstCallTrace, parseFrame } from './frames';

const CPU_PID =
  /\bCPU: (\d+) (?:UID: \d+ )?PID: (\d+) Comm: (.+?)(?: Kdump: \w+)? (?:Not tainted|Tainted: ([A-Z ]+?)) +(\d+\.\d+\S*)/;
const PID_COMM = /^Pid: (\d+), comm: (.+?) (?:Not tainted|Tainted: ([A-Z ]+?)) +(\d+\.\d+\S*)/;
const TAINT_ONLY = /^\s*(?:Not tainted|Tainted: ([A-Z ]+?)) +(\d+\.\d+\S*)/;
const HARDWARE = /^Hardware name: (.*)$/;
const MODULES = /^Modules linked in:(.*)$/;
const REGISTER_PAIR =
  /\b([A-Z][A-Z0-9_]{1,9}|GPR\d\d|x\d{1,2}|r\d{1,2}|pc|lr|sp|ip|fp|pstate|psr)\s*:\s*((?:\[<)?[0-9a-fA-F]{4,}(?:>\])?(?::[0-9a-fA-F]+)?)/g;

function ipOf(messages: readonly string[]): { ip?: string; arch?: Arch } {
  for (const msg of messages) {
    const t = msg.trim();
    let m = /^RIP: (?:[0-9a-f]{4}:)?(?:\[<[0-9a-f]+>\]\s+)?(?:\[<[0-9a-f]+>\]\s+)?(.+?)\s*$/.exec(t);
    if (m) return { ip: m[1]!, arch: 'x86-64' };
    m = /^EIP is at (.+)$/.exec(t) ?? /^EIP: (?:[0-9a-f]{4}:)?(?:\[<[0-9a-f]+>\] )?(\S+\+0x\S+)/.exec(t);
    if (m) return { ip: m[1]!, arch: 'i386' };
    m = /^pc : (?:\[<[0-9a-f]+>\] )?(\S+\+0x[0-9a-f]+\/0x[0-9a-f]+.*)$/.exec(t);
    if (m) return { ip: m[1]!, arch: 'arm64' };
    m = /^PC is at (.+)$/.exec(t);
    if (m) return { ip: m[1]!, arch: 'arm' };
    m = /^NIP \[[0-9a-f]+\] \.?(.+)$/.exec(t);
    if (m) return { ip: m[1]!, arch: 'ppc64' };
    m = /^Krnl PSW : [0-9a-f]+ ([0-9a-f]+)(?: \((.+)\))?/.exec(t);
    if (m) return { ip: m[2] ?? m[1]!, arch: 's390x' };
  }
  return {};
}

function archFromText(messages: readonly string[], release: string | undefined): Arch | undefined {
  if (release) {
    if (/x86_64|amd64/.test(release)) return 'x86-64';
    if (/i[3-6]86/.test(release)) return 'i386';
    if (/aarch64|arm64/.test(release)) return 'arm64';
    if (/armv\d|\barm/.test(release)) return 'arm';
    if (/ppc64/.test(release)) return 'ppc64';
    if (/s390/.test(release)) return 's390x';
  }
  for (const msg of messages) {
    if (/\bRAX: /.test(msg)) return 'x86-64';
    if (/\bEAX: /.test(msg)) return 'i386';
    if (/^\s*x29: /.test(msg) || /\bpstate: /.test(msg)) return 'arm64';
    if (/^\s*r10: /.test(msg) || /SMP ARM\b/.test(msg)) return 'arm';
    if (/^GPR\d\d: /.test(msg)) return 'ppc64';
    if (/Krnl (?:PSW|GPRS)/.test(msg)) return 's390x';
  }
  return undefined;
}

function registersOf(messages: readonly string[]): Record<string, string> | undefined {
  const regs: Record<string, string> = {};
  let n = 0;
  for (const msg of messages) {
    const t = msg.trim();
    // Register lines only: skip frames, code bytes and the header lines that also contain "X: value".
    if (/^(?:Code|Krnl Code|CPU|Hardware name|Modules linked in|Call Trace|task|Workqueue)\b/.test(t))
      continue;
    if (parseFrame(msg)) continue;
    REGISTER_PAIR.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = REGISTER_PAIR.exec(t)) !== null) {
      const name = m[1]!;
      if (regs[name] === undefined) {
        regs[name] = m[2]!;
        n++;
      }
    }
  }
  return n > 0 ? regs : undefined;
}

/** Fills the per-block fields; the header-specific ones are set by the caller. */
export function blockDetails(messages: readonly string[], headline: string): KernelBlockDetails {
  const d: KernelBlockDetails = { headline };
  let release: string | undefined;
  let taintField: string | undefined;
  let modules: string[] | undefined;
  let inModules = false;
  for (const msg of messages) {
    const t = msg.trim();
    if (inModules && MODULE_CONT_RE.test(msg)) {
      modules?.push(
        ...t
          .split(/\s+/)
          .filter(
            (x) => x !== '' && !x.startsWith('[') && !x.endsWith(']') && x !== 'last' && x !== 'unloaded:',
          ),
      );
      continue;
    }
    inModules = false;
    if (d.cpu === undefined) {
      const m = CPU_PID.exec(t);
      if (m) {
        d.cpu = Number(m[1]);
        d.pid = Number(m[2]);
        d.comm = m[3]!;
        taintField = m[4];
        release = m[5];
        continue;
      }
    }
    if (d.pid === undefined) {
      const m = PID_COMM.exec(t);
      if (m) {
        d.pid = Number(m[1]);
        d.comm = m[2]!;
        taintField = m[3];
        release = m[4];
        continue;
      }
    }
    if (release === undefined) {
      const m = TAINT_ONLY.exec(msg);
      if (m) {
        taintField = m[1];
        release = m[2];
      }
    }
    if (d.hardware === undefined) {
      const m = HARDWARE.exec(t);
      if (m) d.hardware = m[1]!.trim();
    }
    if (modules === undefined) {
      const m = MODULES.exec(t);
      if (m) {
        modules = m[1]!
          .trim()
          .split(/\s+/)
          .filter((x) => x !== '');
        inModules = true;
      }
    }
  }
  if (release !== undefined) d.kernelRelease = release;
  if (taintField !== undefined) {
    const dec = decodeTaintLetters(taintField);
    d.taint = {
      printed: taintField.trim(),
      letters: dec.letters,
      meanings: dec.flags.map((f) => `${f.letter}: ${f.meaning}`),
      unknown: dec.unknown,
    };
  } else if (release !== undefined) {
    d.taint = { printed: 'Not tainted', letters: [], meanings: [], unknown: [] };
  }
  if (modules) d.modules = modules;
  const { ip, arch } = ipOf(messages);
  if (ip !== undefined) d.ip = ip;
  const a = arch ?? archFromText(messages, release);
  if (a) d.arch = a;
  const regs = registersOf(messages);
  if (regs) d.registers = regs;
  let trace: KernelFrame[] = firstCallTrace(messages);
  if (trace.length === 0) {
    // Reports without a "Call Trace:" line (kmemleak "backtrace:" aside): the run of frames itself.
    const frames: KernelFrame[] = [];
    for (const msg of messages) {
      const f = parseFrame(msg);
      if (f) frames.push(f);
      else if (frames.length > 0) break;
    }
    trace = frames;
  }
  if (trace.length > 0) d.callTrace = trace;
  return d;
}
