/**
 * How a report ends: the 5.0+ `oom-kill:` summary, `Kill process N (c) score S or sacrifice
 * child`, `Killed process …` in every historical form, `oom_reaper: reaped process …`.
 */
import { KILLED_RE, KILL_SCORE_RE, REAPER_RE, SHARING_RE } from './recognize';

export function parseSummary(msg: string): Record<string, string> | null {
  if (!msg.startsWith('oom-kill:')) return null;
  const out: Record<string, string> = {};
  for (const part of msg.slice('oom-kill:'.length).split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) out[part.trim()] = '';
    else out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

export function parseKillScore(
  msg: string,
): { prefix: string; pid: number; comm: string; score: number } | null {
  const m = KILL_SCORE_RE.exec(msg);
  if (!m?.groups) return null;
  return {
    prefix: m.groups.prefix ?? '',
    pid: Number(m.groups.pid),
    comm: m.groups.comm ?? '',
    score: Number(m.groups.score),
  };
}

export interface KilledLine {
  prefix: string | null;
  pid: number;
  comm: string;
  uid: number | null;
  totalVmKb: number | null;
  anonRssKb: number | null;
  fileRssKb: number | null;
  shmemRssKb: number | null;
  pgtablesKb: number | null;
  oomScoreAdj: number | null;
  form: string;
}

const KILLED_FULL_RE =
  /Killed process (?<pid>\d+)(?:, UID (?<uid6>\d+),)? \((?<comm>.*)\)(?=[\s,]|$)(?:, UID (?<uid7>\d+),)?(?<rest>.*)$/;

function kb(rest: string, key: string): number | null {
  const m = new RegExp(`${key}:(\\d+)kB`).exec(rest);
  return m ? Number(m[1]) : null;
}

export function parseKilled(msg: string): KilledLine | null {
  if (SHARING_RE.test(msg)) return null;
  const head = KILLED_RE.exec(msg);
  const m = KILLED_FULL_RE.exec(msg);
  if (!head || !m?.groups) return null;
  const g = m.groups;
  const rest = g.rest ?? '';
  const uidNew = /UID:(\d+)/.exec(rest);
  const adj = /oom_score_adj:(-?\d+)/.exec(rest);
  const prefix = head.groups?.prefix ?? null;
  const vsz = kb(rest, 'vsz');
  let form: string;
  if (g.uid6 !== undefined) form = 'RHEL 6 `Killed process N, UID u, (comm)`';
  else if (g.uid7 !== undefined) form = 'RHEL 7 `Killed process N (comm), UID u,`';
  else if (prefix !== null && uidNew) form = '5.4+ prefixed, `UID:u pgtables:NkB oom_score_adj:a`';
  else if (prefix !== null) form = '5.1+ prefixed `<prefix>: Killed process`';
  else if (rest.includes('shmem-rss:')) form = '4.5+ `total-vm, anon-rss, file-rss, shmem-rss`';
  else if (vsz !== null) form = '2.6.x `vsz, anon-rss, file-rss`';
  else if (rest.includes('anon-rss:')) form = '2.6.36–4.4 `total-vm, anon-rss, file-rss`';
  else form = 'bare `Killed process N (comm)`';
  return {
    prefix,
    pid: Number(g.pid),
    comm: g.comm ?? '',
    uid:
      g.uid6 !== undefined
        ? Number(g.uid6)
        : g.uid7 !== undefined
          ? Number(g.uid7)
          : uidNew
            ? Number(uidNew[1])
            : null,
    totalVmKb: kb(rest, 'total-vm') ?? vsz,
    anonRssKb: kb(rest, 'anon-rss'),
    fileRssKb: kb(rest, 'file-rss'),
    shmemRssKb: kb(rest, 'shmem-rss'),
    pgtablesKb: kb(rest, 'pgtables'),
    oomScoreAdj: adj ? Number(adj[1]) : null,
    form,
  };
}

export function parseReaper(
  msg: string,
): { pid: number; comm: string; anonRssKb: number; fileRssKb: number; shmemRssKb: number | null } | null {
  const m = REAPER_RE.exec(msg);
  if (!m?.groups) return null;
  const g = m.groups;
  return {
    pid: Number(g.pid),
    comm: g.comm ?? '',
    anonRssKb: Number(g.anon),
    fileRssKb: Number(g.file),
    shmemRssKb: g.shmem !== undefined ? Number(g.shmem) : null,
  };
}

export function parseSharing(msg: string): { pid: number; comm: string } | null {
  const m = SHARING_RE.exec(msg);
  return m?.groups ? { pid: Number(m.groups.pid), comm: m.groups.comm ?? '' } : null;
}
