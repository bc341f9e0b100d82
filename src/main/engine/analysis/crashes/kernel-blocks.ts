/**
 * Cuts kernel reports out of a line stream: a header line opens a block, body lines extend it,
 * and the end marker, the next header, a time gap or an unrelated line closes it. Lines of
 * other programs interleaved by syslog are stepped over, not treated as the end.
 */
import type { IncidentKind } from '../../../../shared/model/incident';
import type { RecordLine } from '../../../../shared/model/log';
import type { KernelMessage } from '../kernel/message';
import { MODULE_CONT_RE, isBodyLine, isDecorLine, isEndMarker } from './body';
import { matchHeader, type HeaderHit } from './headers';

export interface KernelBlock {
  kind: IncidentKind;
  header: HeaderHit;
  /** Lines that joined the block as headers of their own (die line, hard-lockup message). */
  joined: HeaderHit[];
  lines: RecordLine[];
  messages: string[];
  bootSecs?: number;
}

interface Open extends KernelBlock {
  freeText: boolean;
  /** Free text until the closing banner (KASAN, UBSAN, KFENCE, KCSAN print one). */
  untilBanner: boolean;
  traceSeen: boolean;
  /** The previous line continued a wrapped module list. */
  inModules: boolean;
  slack: number;
  callerId?: string;
  lastTime: number | null;
  device?: string;
}

/** Lines a report may run on after its header before a join or upgrade no longer applies. */
const YOUNG = 8;
/** A report is printed in one go; a pause this long means the next line is something else. */
const MAX_GAP_MS = 10_000;
const MAX_LINES = 600;

function timeOf(line: RecordLine, km: KernelMessage): number | null {
  if (km.bootSecs !== undefined) return km.bootSecs * 1000;
  return line.ts;
}

export class KernelBlockCutter {
  private open: Open | null = null;
  readonly blocks: KernelBlock[] = [];

  /** Feeds one line; true when the line became part of a report. */
  push(line: RecordLine, km: KernelMessage): boolean {
    // Another program's line in a syslog file: not part of any kernel report.
    if (km.program !== undefined && !km.isKernel) return false;
    const msg = km.message;
    const open = this.open;
    if (open && isEndMarker(msg)) {
      this.add(open, line, km);
      this.close();
      return true;
    }
    const hit = matchHeader(msg);
    if (hit) {
      if (open && this.joins(open, hit)) {
        this.add(open, line, km);
        open.joined.push(hit);
        if (hit.rule.role === 'upgrade') open.kind = hit.rule.kind;
        return true;
      }
      this.close();
      this.start(line, km, hit);
      return true;
    }
    if (!open) return false;
    // printk caller ids tell interleaved CPUs/tasks apart: another caller's line is stepped over.
    if (open.callerId !== undefined && km.callerId !== undefined && km.callerId !== open.callerId)
      return false;
    const t = timeOf(line, km);
    if (
      (open.lastTime !== null && t !== null && Math.abs(t - open.lastTime) > MAX_GAP_MS) ||
      open.lines.length >= MAX_LINES
    ) {
      this.close();
      return false;
    }
    if (open.untilBanner) {
      this.add(open, line, km);
      if (open.lines.length > 4 && /^={5,}/.test(msg.trim())) this.close();
      return true;
    }
    // dmesg lines each carry a stamp; a line without one inside a stamped report is a wrapped continuation.
    if (
      open.bootSecs !== undefined &&
      km.bootSecs === undefined &&
      km.program === undefined &&
      msg.trim() !== ''
    ) {
      this.add(open, line, km);
      return true;
    }
    const prev = open.messages[open.messages.length - 1] ?? '';
    const moduleList =
      (prev.trimStart().startsWith('Modules linked in:') || open.inModules) && MODULE_CONT_RE.test(msg);
    open.inModules = moduleList;
    if (
      moduleList ||
      (open.freeText && !open.traceSeen) ||
      isBodyLine(msg) ||
      (open.lines.length <= 2 && !isDecorLine(msg))
    ) {
      this.add(open, line, km);
      return true;
    }
    // One stray line before the trace (a line split by copy/paste, a driver's note) does not end a report.
    if (open.slack > 0 && !open.traceSeen && !isDecorLine(msg)) {
      open.slack--;
      this.add(open, line, km);
      return true;
    }
    this.close();
    return false;
  }

  finish(): KernelBlock[] {
    this.close();
    return this.blocks;
  }

  private joins(open: Open, hit: HeaderHit): boolean {
    const role = hit.rule.role;
    const young = open.lines.length <= YOUNG;
    if (role === 'upgrade') return open.kind === 'warning' && open.lines.length <= 3;
    if (role !== 'join' || !hit.rule.joins?.includes(open.kind)) return false;
    // Device-bound reports (block, filesystem) continue while the same device is named.
    if (open.kind === 'io-error' || open.kind === 'fs-error') return hit.groups.dev === open.device;
    if (open.kind === 'mce') return hit.rule.kind === 'mce';
    return young;
  }

  private start(line: RecordLine, km: KernelMessage, hit: HeaderHit): void {
    const checker = hit.rule.checker;
    const o: Open = {
      kind: hit.rule.kind,
      header: hit,
      joined: [],
      lines: [],
      messages: [],
      freeText: hit.rule.freeText === true,
      untilBanner: checker === 'kasan' || checker === 'ubsan' || checker === 'kfence' || checker === 'kcsan',
      traceSeen: false,
      inModules: false,
      slack: 1,
      lastTime: null,
    };
    if (km.bootSecs !== undefined) o.bootSecs = km.bootSecs;
    if (hit.groups.dev !== undefined) o.device = hit.groups.dev;
    if (km.callerId !== undefined) o.callerId = km.callerId;
    this.open = o;
    this.add(o, line, km);
  }

  private add(o: Open, line: RecordLine, km: KernelMessage): void {
    o.lines.push(line);
    o.messages.push(km.message);
    const t = timeOf(line, km);
    if (t !== null) o.lastTime = t;
    // Lockdep prints frames inside its dependency chain; only the final "Call Trace:" ends the free text.
    if (!o.traceSeen && o.lines.length > 1 && /^\s*(?:Call [Tt]race:|stack backtrace:)/.test(km.message))
      o.traceSeen = true;
  }

  private close(): void {
    if (!this.open) return;
    const { kind, header, joined, lines, messages, bootSecs } = this.open;
    const b: KernelBlock = { kind, header, joined, lines, messages };
    if (bootSecs !== undefined) b.bootSecs = bootSecs;
    this.blocks.push(b);
    this.open = null;
  }
}
