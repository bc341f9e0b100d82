/**
 * Lines from other programs that show what happened to a victim after the kill: systemd
 * restarting its unit, containerd reaping and restarting its container shim, dockerd and
 * kubelet noticing the OOM. Collected in the same pass as the reports, behind a cheap filter.
 */
import { evidenceOf, type Evidence, type RecordLine } from '../../../../shared/model/log';
import type { OomAftermathKind } from '../../../../shared/model/oom';
import { kernelMessage } from '../kernel/message';

export interface AftermathCandidate {
  kind: OomAftermathKind;
  text: string;
  ts: number | null;
  host: string | null;
  sourceId: number;
  lineNo: number;
  /** Container ids (hex) the line names. */
  ids: string[];
  unit: string | null;
  evidence: Evidence;
}

const PATTERNS: [OomAftermathKind, RegExp][] = [
  [
    'systemd-restart',
    /^(?<unit>\S+\.(?:service|scope)): (?:Scheduled restart job|Service (?:has no hold-off time|hold-off time over), scheduling restart)/,
  ],
  [
    'systemd-killed',
    /^(?<unit>\S+\.(?:service|scope)): (?:A process of this unit has been killed by the OOM killer|Main process exited, code=killed, status=9\/KILL)/,
  ],
  ['systemd-oom-result', /^(?<unit>\S+\.(?:service|scope)): Failed with result 'oom-kill'/],
  ['containerd-shim-reaped', /msg="shim reaped" id=(?<id>[0-9a-f]{12,64})/],
  [
    'containerd-shim-started',
    /msg="(?:shim containerd-shim started|starting signal loop)".*?(?<id>[0-9a-f]{64})/,
  ],
  ['docker-task-delete', /topic=\/tasks\/delete/],
  ['docker-oom', /(?:msg="OOM|topic=\/tasks\/oom|container (?<id>[0-9a-f]{12,64}).*\boom\b)/i],
  ['kubelet-oom', /OOMKilled|System OOM encountered|oom_watcher/],
];

/** Cheap test on raw text: lines that pass are kept and parsed only if the case has OOM kills. */
export function mayBeAftermath(text: string): boolean {
  return (
    text.includes('restart') ||
    text.includes('shim') ||
    text.includes('OOM') ||
    text.includes('oom-kill') ||
    text.includes('status=9/KILL') ||
    text.includes('tasks/') ||
    text.includes('signal loop')
  );
}

export function aftermathOf(line: RecordLine): AftermathCandidate | null {
  if (!mayBeAftermath(line.text)) return null;
  const km = line.program !== undefined && line.message !== undefined ? null : kernelMessage(line.text);
  const program = line.program ?? km?.program;
  if (program === undefined || program === 'kernel') return null;
  const msg = line.message ?? km?.message ?? line.text;
  for (const [kind, re] of PATTERNS) {
    const m = re.exec(msg);
    if (!m) continue;
    if (kind.startsWith('systemd') && !program.startsWith('systemd')) continue;
    if (kind === 'kubelet-oom' && !program.startsWith('kubelet')) continue;
    const ids = [...msg.matchAll(/[0-9a-f]{64}/g)].map((x) => x[0]);
    if (m.groups?.id && !ids.includes(m.groups.id)) ids.push(m.groups.id);
    return {
      kind,
      text: msg,
      ts: line.ts,
      host: line.host ?? km?.host ?? null,
      sourceId: line.sourceId,
      lineNo: line.lineNo,
      ids,
      unit: m.groups?.unit ?? null,
      evidence: evidenceOf(line, kind),
    };
  }
  return null;
}
