/**
 * Finds OOM reports in a stream of lines: one open report per stream (source + host), so
 * other programs' lines interleaved in syslog do not break a report, and several hosts
 * forwarding to one file keep their reports apart.
 */
import type { RecordLine } from '../../../../shared/model/log';
import { peelLine, type PeeledLine } from './peel';
import {
  KILLED_RE,
  KILL_SCORE_RE,
  LOST_LINES_RE,
  PANIC_RE,
  REAPER_RE,
  SHARING_RE,
  TRIGGER_RE,
  isOrphanStart,
  isReportPart,
  mayConcernOom,
} from './recognize';

export interface RawReport {
  stream: string;
  host: string | null;
  lines: PeeledLine[];
  /** Interleaved lines from other programs that say messages were lost. */
  lost: PeeledLine[];
  /** Why the report ended. */
  closedBy: 'kill' | 'next-report' | 'time-gap' | 'unrelated-lines' | 'end-of-input' | 'panic';
  /** True when it was opened by a line other than the trigger (the start is missing). */
  orphan: boolean;
}

interface Open {
  raw: RawReport;
  state: 'body' | 'tail' | 'panic-tail';
  pending: PeeledLine[];
  lastTs: number | null;
  lastBoot: number | null;
  victimPid: number | null;
}

const RING = 512;
/** Closed reports per stream that a late oom_reaper line may still join (attachToRecent). */
const RECENT = 16;
const MAX_NOISE = 40;
const MAX_GAP_MS = 120_000;
const MAX_GAP_SECS = 120;
const DUMP_STACK_RE =
  /^(?:CPU: \d+ |Pid: \d+, comm: |Hardware name: |Call Trace:|\s*$|\s*(?:[0-9a-f]{8,16}\s*)+$|\s*(?:\[<[0-9a-f]+>\]\s*)?(?:\? )?[\w.$]+\+0x|\s*<\/?TASK>|\s*(?:RIP|RSP|RAX|RDX|RBP|R\d\d|Code):)/;

export class ReportAssembler {
  private readonly open = new Map<string, Open>();
  private readonly recent = new Map<string, RawReport[]>();
  private readonly ring = new Map<number, RecordLine[]>();
  private ringSource = -1;
  private lastRing: RecordLine[] | undefined;
  private readonly consumed = new Map<number, number>();
  readonly reports: RawReport[] = [];

  /**
   * With `onFinal`, each report is handed over once nothing can change it any more (it has left
   * its stream's RECENT reports that a late oom_reaper line may join, or the input ended), in
   * its stream's order, and is not kept: the assembler then holds at most RECENT reports' lines
   * per stream instead of every report's until the end. Without it, `finish` returns them all.
   */
  constructor(private readonly onFinal?: (raw: RawReport) => void) {}

  /** `mayHaveKeyword` false: the pass's keyword gate (analysis/keywords.ts) found no OOM word in the line. */
  push(line: RecordLine, mayHaveKeyword = true): void {
    if (this.open.size > 0 || (mayHaveKeyword && mayConcernOom(line.text))) {
      for (const p of peelLine(line)) this.handle(p);
    }
    // The ring of the previous line's source, unless this line is from another one.
    let ring = line.sourceId === this.ringSource ? this.lastRing : this.ring.get(line.sourceId);
    if (!ring) {
      ring = [];
      this.ring.set(line.sourceId, ring);
    }
    this.ringSource = line.sourceId;
    this.lastRing = ring;
    ring[line.lineNo % RING] = line;
  }

  finish(): RawReport[] {
    for (const o of [...this.open.values()]) this.close(o, 'end-of-input');
    if (this.onFinal) for (const recent of this.recent.values()) for (const r of recent) this.onFinal(r);
    this.recent.clear();
    return this.reports;
  }

  private handle(p: PeeledLine): void {
    const open = this.open.get(p.stream);
    if (!p.kernel) {
      if (open && open.state === 'body' && LOST_LINES_RE.test(p.msg)) open.raw.lost.push(p);
      return;
    }
    const msg = p.msg;
    if (TRIGGER_RE.test(msg)) {
      if (open) this.close(open, 'next-report');
      this.start(p, false);
      return;
    }
    if (!open) {
      this.handleClosed(p);
      return;
    }
    if (this.gapped(open, p)) {
      this.close(open, 'time-gap');
      this.handleClosed(p);
      return;
    }
    if (open.state === 'tail') {
      const reaper = REAPER_RE.exec(msg);
      if ((reaper && Number(reaper.groups?.pid) === open.victimPid) || SHARING_RE.test(msg))
        this.add(open, p);
      else {
        this.close(open, 'kill');
        this.handleClosed(p);
      }
      return;
    }
    if (open.state === 'panic-tail') {
      if (DUMP_STACK_RE.test(msg)) this.add(open, p);
      else {
        this.close(open, 'panic');
        this.handleClosed(p);
      }
      return;
    }
    if (KILL_SCORE_RE.test(msg) && this.hasKill(open)) {
      // a second selection without a new trigger line: a new report whose start was lost
      this.close(open, 'kill');
      this.start(p, true);
      return;
    }
    const lateReaper = REAPER_RE.exec(msg);
    if (lateReaper && this.attachToRecent(p, Number(lateReaper.groups?.pid))) return;
    if (!isReportPart(msg)) {
      open.pending.push(p);
      if (open.pending.length > MAX_NOISE) this.close(open, 'unrelated-lines');
      return;
    }
    this.add(open, p);
    const killed = KILLED_RE.exec(msg);
    if (killed && !SHARING_RE.test(msg)) {
      open.state = 'tail';
      open.victimPid = Number(killed.groups?.pid);
    } else if (PANIC_RE.test(msg)) open.state = 'panic-tail';
  }

  private handleClosed(p: PeeledLine): void {
    const reaper = REAPER_RE.exec(p.msg);
    if (reaper && this.attachToRecent(p, Number(reaper.groups?.pid))) return;
    if (isOrphanStart(p.msg) || reaper) this.start(p, true);
  }

  /** oom_reaper reports after the kill, sometimes after the next report has begun. */
  private attachToRecent(p: PeeledLine, pid: number): boolean {
    const hit = (this.recent.get(p.stream) ?? []).findLast((r) =>
      r.lines.some((l) => killedPid(l.msg) === pid),
    );
    if (hit) hit.lines.push(p);
    return hit !== undefined;
  }

  private start(p: PeeledLine, orphan: boolean): void {
    const raw: RawReport = {
      stream: p.stream,
      host: p.host,
      lines: [],
      lost: [],
      closedBy: 'end-of-input',
      orphan,
    };
    const o: Open = { raw, state: 'body', pending: [], lastTs: null, lastBoot: null, victimPid: null };
    if (orphan) raw.lines.push(...this.lookBack(p));
    this.open.set(p.stream, o);
    this.add(o, p);
    const killed = KILLED_RE.exec(p.msg);
    if (killed) {
      o.state = 'tail';
      o.victimPid = Number(killed.groups?.pid);
    } else if (PANIC_RE.test(p.msg)) o.state = 'panic-tail';
  }

  /** A report whose trigger line is missing may still have its task rows just above. */
  private lookBack(p: PeeledLine): PeeledLine[] {
    const ring = this.ring.get(p.line.sourceId);
    if (!ring) return [];
    const floor = Math.max(this.consumed.get(p.line.sourceId) ?? 0, p.line.lineNo - RING + 1);
    const found: PeeledLine[] = [];
    for (let n = p.line.lineNo - 1; n >= floor && n > 0; n--) {
      const line = ring[n % RING];
      if (!line || line.lineNo !== n) break;
      const parts = peelLine(line).filter((q) => q.stream === p.stream);
      if (parts.length === 0) continue;
      if (parts.some((q) => !q.kernel)) continue;
      if (
        !parts.every((q) => isReportPart(q.msg)) ||
        parts.some((q) => KILLED_RE.test(q.msg) || TRIGGER_RE.test(q.msg))
      )
        break;
      found.unshift(...parts);
    }
    return found;
  }

  private add(o: Open, p: PeeledLine): void {
    if (o.pending.length > 0) {
      o.raw.lines.push(...o.pending);
      o.pending = [];
    }
    o.raw.lines.push(p);
    if (p.line.ts !== null) o.lastTs = p.line.ts;
    if (p.bootSecs !== null) o.lastBoot = p.bootSecs;
  }

  private gapped(o: Open, p: PeeledLine): boolean {
    if (o.lastTs !== null && p.line.ts !== null && Math.abs(p.line.ts - o.lastTs) > MAX_GAP_MS) return true;
    return o.lastBoot !== null && p.bootSecs !== null && Math.abs(p.bootSecs - o.lastBoot) > MAX_GAP_SECS;
  }

  private hasKill(o: Open): boolean {
    return o.raw.lines.some((l) => KILL_SCORE_RE.test(l.msg));
  }

  private close(o: Open, why: RawReport['closedBy']): void {
    o.raw.closedBy = o.state === 'tail' ? 'kill' : o.state === 'panic-tail' ? 'panic' : why;
    this.open.delete(o.raw.stream);
    if (!this.onFinal) this.reports.push(o.raw);
    const last = o.raw.lines[o.raw.lines.length - 1];
    if (last)
      this.consumed.set(
        last.line.sourceId,
        Math.max(this.consumed.get(last.line.sourceId) ?? 0, last.line.lineNo),
      );
    const recent = this.recent.get(o.raw.stream) ?? [];
    recent.push(o.raw);
    if (recent.length > RECENT) {
      const final = recent.shift()!;
      this.onFinal?.(final);
    }
    this.recent.set(o.raw.stream, recent);
  }
}

function killedPid(msg: string): number | null {
  const m = KILLED_RE.exec(msg);
  return m ? Number(m.groups?.pid) : null;
}

export function assembleReports(lines: Iterable<RecordLine>): RawReport[] {
  const a = new ReportAssembler();
  for (const l of lines) a.push(l);
  return a.finish();
}
