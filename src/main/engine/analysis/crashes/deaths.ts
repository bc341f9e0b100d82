/**
 * Process deaths told by systemd, systemd-coredump, abrt, audit, containerd/dockerd and
 * kubelet, and restart loops. A death by the OOM killer is linked to the kernel's kill line
 * (by pid, by container id in the OOM report's cpuset/memcg, or by time for systemd units).
 */
import type { DeathDetails, IncidentKind } from '../../../../shared/model/incident';
import { evidenceOf, type RecordLine } from '../../../../shared/model/log';
import type { KernelMessage } from '../kernel/message';
import type { IncidentDraft } from './group';
import { decodeExitStatus, signalByName, signalByNumber } from './signals';

const MAIN_EXITED =
  /^(?<unit>\S+?):? [Mm]ain process exited, code=(?<code>killed|dumped|exited), status=(?<status>\d+)(?:\/(?<name>\w+))?/;
const FAILED_RESULT = /^(?<unit>\S+?): Failed with result '(?<result>[\w-]+)'/;
const UNIT_OOM =
  /^(?<unit>\S+?): (?:A process of this unit has been killed by the OOM killer|The unit was killed by the OOM killer)/;
const RESTART =
  /^(?<unit>\S+?):? (?:Service )?(?:has no hold-?off time, scheduling restart|Service hold-off time over, scheduling restart|Scheduled restart job, restart counter is at (?<counter>\d+)|Start request repeated too quickly)/i;
const COREDUMP = /^Process (?<pid>\d+) \((?<comm>[^)]*)\) of user (?<uid>\d+) dumped core\./;
const ABRT_SAVED = /Saved core dump of pid (?<pid>\d+) \((?<exe>[^)]+)\) to (?<path>\S+)/;
const AUDIT_ABEND =
  /ANOM_ABEND .*?\bpid=(?<pid>\d+) comm="(?<comm>[^"]*)"(?: exe="(?<exe>[^"]*)")?.*?\bsig=(?<sig>\d+)/;
const SHIM_REAPED = /msg="shim reaped" id=(?<id>[0-9a-f]{12,64})/;
const OOM_EVENT =
  /\/tasks\/oom\b|TaskOOM|\bOOMKilled\b(?!"?\s*[:=]\s*false)|(?:System|Cgroup) OOM encountered/;
const VICTIM = /victim process: (?<comm>[^,]+), pid: (?<pid>\d+)/;
const EXIT_CODE =
  /(?:\bexit ?[Cc]ode|\bexitCode|\bExitCode|exit_status|exited with code)"?\s*[:=]?\s*"?(?<status>\d{1,3})\b/;
const CONTAINER_ID =
  /\b(?:id|container|containerID|container_id)[=:]"?(?:docker:\/\/|containerd:\/\/)?(?<id>[0-9a-f]{12,64})/;

const KILLED_PROCESS = /Killed process (?<pid>\d+) \((?<comm>[^)]*)\)/;
const CPUSET = /^(?<comm>\S+) cpuset=(?<cpuset>\S+) mems_allowed=/;
const OOM_SUMMARY = /oom-kill:.*?task_memcg=(?<memcg>[^,]+),task=(?<comm>[^,]+),pid=(?<pid>\d+)/;

export const DEATH_PREFILTER =
  /process exited|Failed with result|OOM|hold-?off time|restart|dumped core|Saved core dump|ANOM_ABEND|shim reaped|exit ?[Cc]ode|ExitCode|exited with code|Killed process|cpuset=|oom-kill:|oom/;

interface OomKill {
  line: RecordLine;
  pid: number;
  comm: string;
  /** cpuset or memcg path of the victim, which holds the container id for containers. */
  scope?: string;
}

interface PendingScope {
  comm: string;
  scope: string;
}

/** How long after the kernel's kill line a runtime's report of the same death may come. */
const LINK_WINDOW_MS = 5 * 60_000;

export class DeathDetector {
  private readonly drafts: IncidentDraft[] = [];
  /**
   * Drafts by kind and signature, in the order they came, waiting to be handed on: a unit's latest
   * death may still gain its `Failed with result` line, so it waits until a newer death of that
   * unit replaces it (or the end). Each key holds at most that one draft and those behind it.
   */
  private readonly waiting = new Map<string, IncidentDraft[]>();
  private readonly kills: OomKill[] = [];
  private pendingScope: PendingScope | null = null;
  private readonly lastByUnit = new Map<string, IncidentDraft>();

  /**
   * With `sink`, each draft is handed on once final (in their order per kind and signature, which
   * is all grouping depends on), so memory holds no more than one open draft per unit; without
   * it, finish returns them all.
   */
  constructor(private readonly sink?: (d: IncidentDraft) => void) {}

  push(line: RecordLine, km: KernelMessage): void {
    const msg = km.message;
    if (km.isKernel || km.program === undefined) {
      this.kernelLine(line, msg);
      if (km.isKernel) return;
    }
    this.userLine(line, msg);
  }

  finish(): IncidentDraft[] {
    this.lastByUnit.clear();
    for (const key of [...this.waiting.keys()]) this.flush(key);
    return this.drafts;
  }

  private hand(d: IncidentDraft): void {
    if (this.sink) this.sink(d);
    else this.drafts.push(d);
  }

  /** Hands on the drafts of a key up to the first one still open. */
  private flush(key: string): void {
    const queue = this.waiting.get(key);
    if (!queue) return;
    let i = 0;
    for (; i < queue.length; i++) {
      const d = queue[i]!;
      const unit = d.details.type === 'death' ? d.details.unit : undefined;
      if (unit !== undefined && this.lastByUnit.get(unit) === d) break;
      this.hand(d);
    }
    if (i === queue.length) this.waiting.delete(key);
    else queue.splice(0, i);
  }

  private kernelLine(line: RecordLine, msg: string): void {
    let m = CPUSET.exec(msg);
    if (m?.groups) {
      this.pendingScope = { comm: m.groups.comm!, scope: m.groups.cpuset! };
      return;
    }
    m = OOM_SUMMARY.exec(msg);
    if (m?.groups) {
      this.pendingScope = { comm: m.groups.comm!, scope: m.groups.memcg! };
      return;
    }
    m = KILLED_PROCESS.exec(msg);
    if (m?.groups) {
      const k: OomKill = { line, pid: Number(m.groups.pid), comm: m.groups.comm! };
      if (this.pendingScope) k.scope = this.pendingScope.scope;
      this.pendingScope = null;
      this.kills.push(k);
    }
  }

  private findKill(
    line: RecordLine,
    by: { pid?: number; containerId?: string; any?: boolean },
  ): OomKill | undefined {
    for (let i = this.kills.length - 1; i >= 0; i--) {
      const k = this.kills[i]!;
      if (line.ts !== null && k.line.ts !== null && line.ts - k.line.ts > LINK_WINDOW_MS) break;
      if (by.pid !== undefined && k.pid === by.pid) return k;
      if (by.containerId !== undefined && k.scope?.includes(by.containerId)) return k;
      if (by.any) return k;
    }
    return undefined;
  }

  private emit(
    kind: IncidentKind,
    line: RecordLine,
    d: DeathDetails,
    signature: string,
    summary: string,
    /** The unit whose latest death this is: it stays open to that unit's next lines. */
    openFor?: string,
  ): IncidentDraft {
    const draft: IncidentDraft = {
      kind,
      signature,
      summary,
      header: line,
      lines: [line],
      details: { type: 'death', ...d },
    };
    if (!this.sink) {
      this.drafts.push(draft);
      if (openFor !== undefined) this.lastByUnit.set(openFor, draft);
      return draft;
    }
    const key = `${kind}\u0000${signature}`;
    const queue = this.waiting.get(key);
    if (queue) queue.push(draft);
    else this.waiting.set(key, [draft]);
    if (openFor !== undefined) {
      const before = this.lastByUnit.get(openFor);
      this.lastByUnit.set(openFor, draft);
      if (before) this.flush(`${before.kind}\u0000${before.signature}`);
    }
    this.flush(key);
    return draft;
  }

  private link(d: DeathDetails, kill: OomKill | undefined): void {
    if (!kill) return;
    d.oomKill = true;
    d.oomEvidence = evidenceOf(kill.line, 'OOM kill');
    if (d.pid === undefined) d.pid = kill.pid;
    if (d.comm === undefined) d.comm = kill.comm;
  }

  private userLine(line: RecordLine, msg: string): void {
    let m = MAIN_EXITED.exec(msg);
    if (m?.groups) {
      const g = m.groups;
      const status = Number(g.status);
      const d: DeathDetails = {
        unit: g.unit!,
        printed: `code=${g.code}, status=${g.status}${g.name ? `/${g.name}` : ''}`,
      };
      if (g.code === 'exited') {
        const dec = decodeExitStatus(status);
        d.exitStatus = status;
        if (!dec.signal) return; // an ordinary non-zero exit is not a death by signal
        d.signal = dec.signal;
        d.inferred = dec.note;
      } else {
        const sig = (g.name ? signalByName(g.name) : undefined) ?? signalByNumber(status);
        if (sig) d.signal = sig;
      }
      const kind: IncidentKind = g.code === 'dumped' ? 'core-dumped' : 'process-killed';
      const sigName = d.signal?.name ?? `status ${status}`;
      this.emit(
        kind,
        line,
        d,
        `${g.unit}|${sigName}`,
        `${g.unit}: main process ${g.code === 'dumped' ? 'dumped core' : 'was killed'} by ${sigName}`,
        g.unit!,
      );
      return;
    }
    m = FAILED_RESULT.exec(msg) ?? UNIT_OOM.exec(msg);
    if (m?.groups) {
      const unit = m.groups.unit!;
      const result = m.groups.result ?? 'oom-kill';
      if (result !== 'oom-kill' && result !== 'core-dump' && result !== 'signal' && result !== 'watchdog')
        return;
      const prev = this.lastByUnit.get(unit);
      const near = prev && (line.ts === null || prev.header.ts === null || line.ts - prev.header.ts < 60_000);
      if (prev && near && prev.details.type === 'death') {
        prev.lines.push(line);
        prev.details.result = result;
        if (result === 'oom-kill' && !prev.details.oomKill)
          this.link(prev.details, this.findKill(line, { any: true }));
        if (result === 'oom-kill') prev.details.oomKill = true;
        return;
      }
      const d: DeathDetails = { unit, printed: msg.trim(), result };
      if (result === 'oom-kill') {
        d.oomKill = true;
        this.link(d, this.findKill(line, { any: true }));
      }
      const kind: IncidentKind = result === 'core-dump' ? 'core-dumped' : 'process-killed';
      this.emit(kind, line, d, `${unit}|${result}`, `${unit}: failed with result '${result}'`, unit);
      return;
    }
    m = RESTART.exec(msg);
    if (m?.groups) {
      const unit = m.groups.unit!;
      const d: DeathDetails = { unit, printed: msg.trim(), restarts: 1 };
      if (m.groups.counter !== undefined) d.restarts = Number(m.groups.counter);
      this.emit('restart-loop', line, d, unit, `${unit} keeps being restarted: ${msg.trim()}`);
      return;
    }
    m = COREDUMP.exec(msg) ?? ABRT_SAVED.exec(msg);
    if (m?.groups) {
      const g = m.groups;
      const comm = g.comm ?? g.exe!;
      const d: DeathDetails = { comm, pid: Number(g.pid), printed: msg.trim() };
      if (g.path) d.coreArtefact = g.path;
      this.emit('core-dumped', line, d, `${comm}|core`, `${comm}[${g.pid}] dumped core`);
      return;
    }
    m = AUDIT_ABEND.exec(msg);
    if (m?.groups) {
      const g = m.groups;
      const sig = signalByNumber(Number(g.sig));
      const d: DeathDetails = { comm: g.comm!, pid: Number(g.pid), printed: msg.trim() };
      if (sig) d.signal = sig;
      const kind: IncidentKind = sig?.dumpsCore ? 'core-dumped' : 'process-killed';
      this.emit(
        kind,
        line,
        d,
        `${g.comm}|${sig?.name ?? g.sig}`,
        `${g.comm}[${g.pid}] ended abnormally by ${sig?.name ?? `signal ${g.sig}`} (audit ANOM_ABEND)`,
      );
      return;
    }
    this.runtimeLine(line, msg);
  }

  private runtimeLine(line: RecordLine, msg: string): void {
    const reaped = SHIM_REAPED.exec(msg);
    if (reaped?.groups) {
      // Every container exit reaps its shim; only one whose container was just OOM-killed is a death.
      const id = reaped.groups.id!;
      const kill = this.findKill(line, { containerId: id });
      if (!kill) return;
      const d: DeathDetails = { container: id, printed: 'shim reaped' };
      this.link(d, kill);
      const sig = signalByName('KILL');
      if (sig) d.signal = sig;
      d.inferred = `the container's process ${kill.comm}[${kill.pid}] was killed by the OOM killer (container id in the OOM report's cpuset/memcg)`;
      this.emit(
        'process-killed',
        line,
        d,
        `container ${id.slice(0, 12)}|oom`,
        `container ${id.slice(0, 12)} (${kill.comm}) exited after the OOM killer killed ${kill.comm}[${kill.pid}]`,
      );
      return;
    }
    const oom = OOM_EVENT.exec(msg);
    const exit = EXIT_CODE.exec(msg);
    if (!oom && !exit) return;
    const d: DeathDetails = { printed: (oom?.[0] ?? exit?.[0] ?? '').trim() };
    const cid = CONTAINER_ID.exec(msg)?.groups?.id;
    if (cid) d.container = cid;
    const victim = VICTIM.exec(msg)?.groups;
    if (victim) {
      d.comm = victim.comm!.trim();
      d.pid = Number(victim.pid);
    }
    if (exit?.groups) {
      const dec = decodeExitStatus(Number(exit.groups.status));
      d.exitStatus = dec.status;
      if (dec.signal) {
        d.signal = dec.signal;
        d.inferred = dec.note;
      } else if (!oom) {
        return;
      }
    }
    if (oom) {
      d.oomKill = true;
      this.link(
        d,
        this.findKill(
          line,
          d.pid !== undefined ? { pid: d.pid } : cid ? { containerId: cid } : { any: true },
        ),
      );
    }
    const who = d.container ? `container ${d.container.slice(0, 12)}` : (d.comm ?? 'a container');
    const how = oom ? 'OOM-killed' : `killed by ${d.signal?.name ?? '?'}`;
    this.emit('process-killed', line, d, `${who}|${how}`, `${who} ${how} (${d.printed})`);
  }
}
