/**
 * Reads the lines of one assembled report into its parts. Multi-line sections (call trace,
 * Mem-Info, task table, slab, v2 memcg stats) are tracked by state; lines a log writer cut
 * in two (zone and buddy lines) are joined back when the join reads as one whole line.
 */
import { evidenceOf, type Evidence } from '../../../../shared/model/log';
import type { RawReport } from './assemble';
import type { PeeledLine } from './peel';
import type { ParsedReport, ParsedZone } from './parsed';
import { parseCpuset, parseDumpStack, parseFrame, parseHardware, parseTrigger } from './parse-header';
import {
  buddyComplete,
  parseBuddy,
  parseCounters,
  parseHugepages,
  parseLowmemReserve,
  parseNode,
  parseSlabRow,
  parseTotal,
  parseZone,
  zoneComplete,
} from './parse-meminfo';
import {
  parseMemcgCounter,
  parseOomGroup,
  parseStatLine,
  parseStatsHeader,
  parseTaskIn,
} from './parse-memcg';
import { parseKillScore, parseKilled, parseReaper, parseSharing, parseSummary } from './parse-kill';
import { inferLayout, parseTaskHeader, parseTaskRow, rowNumbers, rowValues } from './parse-tasks';
import { PANIC_RE, isReportPart } from './recognize';

type Section = 'none' | 'trace' | 'meminfo' | 'tasks' | 'slab' | 'memcg-stats';

interface Wrapped {
  kind: 'zone' | 'buddy';
  text: string;
  lines: PeeledLine[];
}

function ev(p: PeeledLine, what: string): Evidence {
  return evidenceOf(p.line, p.part > 0 ? `${what} (part ${p.part + 1} of a #012-folded line)` : what);
}

export function emptyParsed(raw: RawReport): ParsedReport {
  return {
    raw,
    trigger: null,
    cpuset: null,
    dump: null,
    hardware: null,
    trace: [],
    traceEvidence: [],
    counters: {},
    countersEvidence: null,
    nodes: [],
    zones: [],
    hugepages: [],
    totals: {},
    slab: [],
    slabEvidence: null,
    layout: null,
    layoutEvidence: null,
    rows: [],
    memcg: {
      taskIn: null,
      limitOf: null,
      counters: [],
      statsPath: null,
      stats: {},
      statsUnit: null,
      oomGroup: null,
      evidence: [],
    },
    summary: null,
    summaryEvidence: null,
    killScore: null,
    killed: null,
    reaper: null,
    sharing: [],
    panic: null,
    damage: [],
    evidence: [],
  };
}

/** Joins a line a log writer cut in two: with a space when the first part ends on a whole token. */
function joinWrapped(kind: Wrapped['kind'], a: string, b: string): string {
  if (/\s$/.test(a) || /^\s/.test(b)) return a.trimEnd() + ' ' + b.trimStart();
  const whole =
    kind === 'zone' ? /(?:[A-Za-z_()]+:\s?\d+[kK]B|\? (?:yes|no))$/ : /(?:\d+\*\d+kB|\([A-Z]+\))$/;
  return whole.test(a) ? `${a} ${b}` : a + b;
}

export function parseReport(raw: RawReport): ParsedReport {
  const r = emptyParsed(raw);
  let section: Section = 'none';
  let wrapped: Wrapped | null = null;
  const orphanRows: PeeledLine[] = [];

  const finishWrapped = (complete: boolean): void => {
    if (!wrapped) return;
    const w = wrapped;
    wrapped = null;
    const evs = w.lines.map((l, i) => ev(l, i === 0 ? `${w.kind} line` : `${w.kind} line (continued)`));
    if (w.lines.length > 1)
      r.damage.push({
        kind: 'repaired',
        text: `A ${w.kind} line cut across ${w.lines.length} lines was joined back${complete ? '' : ', but it still ends early'}.`,
        evidence: [...evs],
      });
    else if (!complete)
      r.damage.push({
        kind: 'missing',
        text: `A ${w.kind} line ends early: its last fields are missing.`,
        evidence: [...evs],
      });
    if (w.kind === 'zone') {
      const z = parseZone(w.text);
      if (z) r.zones.push({ ...z, evidence: evs, lowmemReserve: null, buddy: null });
    } else {
      const b = parseBuddy(w.text);
      if (b) attachBuddy(r.zones, b, evs, r);
    }
  };

  for (const p of raw.lines) {
    r.evidence.push(ev(p, 'report line'));
    const msg = p.msg;
    if (p.repair)
      r.damage.push({
        kind: 'repaired',
        text: `Damaged line read: ${p.repair}.`,
        evidence: [ev(p, 'repaired line')],
      });

    if (wrapped) {
      const w: Wrapped = wrapped;
      if (!startsKnownPart(msg)) {
        w.text = joinWrapped(w.kind, w.text, msg);
        w.lines.push(p);
        if (w.kind === 'zone' ? zoneComplete(w.text) : buddyComplete(w.text)) finishWrapped(true);
        continue;
      }
      finishWrapped(false);
    }

    const trig = parseTrigger(msg);
    if (trig) {
      r.trigger = { ...trig, evidence: ev(p, 'trigger line') };
      section = 'none';
      continue;
    }
    const cs = parseCpuset(msg);
    if (cs) {
      r.cpuset = { ...cs, evidence: ev(p, 'cpuset line') };
      continue;
    }
    const ds = parseDumpStack(msg);
    if (ds) {
      if (!r.dump) r.dump = { ...ds, evidence: ev(p, 'CPU/PID/Comm/Tainted line') };
      continue;
    }
    const hw = parseHardware(msg);
    if (hw !== null) {
      if (!r.hardware) r.hardware = { name: hw, evidence: ev(p, 'hardware name') };
      continue;
    }
    if (msg.startsWith('Call Trace:')) {
      section = 'trace';
      r.traceEvidence.push(ev(p, 'call trace'));
      continue;
    }
    if (section === 'trace') {
      const f = parseFrame(msg);
      if (f) {
        r.trace.push(f);
        r.traceEvidence.push(ev(p, 'call trace frame'));
        continue;
      }
    }
    if (msg.startsWith('Mem-Info:') || msg.startsWith('Mem-info:')) {
      section = 'meminfo';
      continue;
    }
    const zone = parseZone(msg);
    if (zone) {
      section = 'meminfo';
      if (!zoneComplete(msg)) wrapped = { kind: 'zone', text: msg, lines: [p] };
      else
        r.zones.push({ ...zone, evidence: [ev(p, `${zone.zone} zone`)], lowmemReserve: null, buddy: null });
      continue;
    }
    const node = parseNode(msg);
    if (node) {
      r.nodes.push({ ...node, evidence: [ev(p, `node ${node.node} counters`)] });
      continue;
    }
    const lr = parseLowmemReserve(msg);
    if (lr) {
      const z = r.zones[r.zones.length - 1];
      if (z && z.lowmemReserve === null) {
        z.lowmemReserve = lr;
        z.evidence.push(ev(p, `${z.zone} lowmem_reserve`));
      }
      continue;
    }
    const buddy = parseBuddy(msg);
    if (buddy) {
      if (!buddyComplete(msg)) wrapped = { kind: 'buddy', text: msg, lines: [p] };
      else attachBuddy(r.zones, buddy, [ev(p, `${buddy.zone} free lists`)], r);
      continue;
    }
    const huge = parseHugepages(msg);
    if (huge) {
      r.hugepages.push({ ...huge, evidence: [ev(p, 'hugepages')] });
      continue;
    }
    const total = parseTotal(msg);
    if (total) {
      r.totals[total.key] = { value: total.value, evidence: ev(p, total.key) };
      continue;
    }
    if (section === 'meminfo' || (section === 'none' && r.zones.length === 0)) {
      const c = parseCounters(msg);
      if (c) {
        Object.assign(r.counters, c);
        r.countersEvidence ??= ev(p, 'Mem-Info counters');
        continue;
      }
    }
    const header = parseTaskHeader(msg);
    if (header) {
      r.layout = header;
      r.layoutEvidence = ev(p, 'task table header');
      section = 'tasks';
      continue;
    }
    if (/^\[\s*-?\d+\]\s/.test(msg)) {
      if (r.layout) {
        const row = parseTaskRow(msg, r.layout.columns.length);
        if (row) {
          r.rows.push({
            pid: row.pid,
            values: rowValues(r.layout, row.nums),
            name: row.name,
            repaired: p.repair,
            evidence: ev(p, p.repair ? 'task row (repaired)' : 'task row'),
          });
          continue;
        }
      } else {
        orphanRows.push(p);
        continue;
      }
    }
    if (msg.startsWith('Unreclaimable slab info:')) {
      section = 'slab';
      r.slabEvidence = ev(p, 'unreclaimable slab');
      continue;
    }
    if (section === 'slab') {
      if (/^Name\s+Used\s+Total/.test(msg)) continue;
      const s = parseSlabRow(msg);
      if (s) {
        r.slab.push(s);
        continue;
      }
    }
    if (parseMemcgLine(r, p, msg)) {
      section = r.memcg.statsUnit === 'bytes' && /^Memory cgroup stats/.test(msg) ? 'memcg-stats' : section;
      continue;
    }
    if (section === 'memcg-stats') {
      const st = parseStatLine(msg);
      if (st) {
        r.memcg.stats[st.key] = st.value;
        continue;
      }
    }
    const summary = parseSummary(msg);
    if (summary) {
      r.summary = summary;
      r.summaryEvidence = ev(p, 'oom-kill summary');
      continue;
    }
    const ks = parseKillScore(msg);
    if (ks) {
      r.killScore = { ...ks, evidence: ev(p, 'kill selection line') };
      continue;
    }
    const sharing = parseSharing(msg);
    if (sharing) {
      r.sharing.push({ ...sharing, evidence: ev(p, 'killed: shares memory with the victim') });
      continue;
    }
    const killed = parseKilled(msg);
    if (killed) {
      if (!r.killed) r.killed = { ...killed, evidence: ev(p, 'kill line') };
      continue;
    }
    const reaper = parseReaper(msg);
    if (reaper) {
      r.reaper = { ...reaper, evidence: ev(p, 'oom_reaper') };
      continue;
    }
    if (PANIC_RE.test(msg)) {
      r.panic = ev(p, 'panic_on_oom');
      continue;
    }
    if (!isReportPart(msg) && msg.trim() !== '')
      r.damage.push({
        kind: 'unreadable',
        text: `A line inside the report could not be read: "${msg.slice(0, 120)}".`,
        evidence: [ev(p, 'unreadable line')],
      });
  }
  finishWrapped(false);
  if (orphanRows.length > 0) readOrphanRows(r, orphanRows);
  return r;
}

function startsKnownPart(msg: string): boolean {
  return (
    parseZone(msg) !== null ||
    parseBuddy(msg) !== null ||
    parseLowmemReserve(msg) !== null ||
    parseTotal(msg) !== null ||
    parseHugepages(msg) !== null ||
    parseNode(msg) !== null ||
    /^\[\s*(?:pid|-?\d+)\s*\]/.test(msg) ||
    (isReportPart(msg) && !/^\s*[a-z_]+:\d+/.test(msg))
  );
}

function attachBuddy(
  zones: ParsedZone[],
  b: ReturnType<typeof parseBuddy> & object,
  evs: Evidence[],
  r: ParsedReport,
): void {
  const z = zones.find((x) => x.zone === b.zone && x.node === b.node && x.buddy === null);
  const sum = b.orders.reduce((a, o) => a + o.count * o.sizeKb, 0);
  if (b.totalKb !== null && sum !== b.totalKb && evs.length > 1)
    r.damage.push({
      kind: 'repaired',
      text: `The joined ${b.zone} free-list line sums to ${sum}kB, not the printed ${b.totalKb}kB.`,
      evidence: [...evs],
    });
  if (z) {
    z.buddy = { ...b, evidence: [...evs] };
    z.evidence.push(...evs);
  }
}

function parseMemcgLine(r: ParsedReport, p: PeeledLine, msg: string): boolean {
  const ti = parseTaskIn(msg);
  if (ti) {
    r.memcg.taskIn = ti.taskIn;
    r.memcg.limitOf = ti.limitOf;
    r.memcg.evidence.push(ev(p, 'memcg: task in / limit of'));
    return true;
  }
  const c = parseMemcgCounter(msg);
  if (c) {
    r.memcg.counters.push({ ...c, evidence: ev(p, `memcg ${c.name} counter`) });
    r.memcg.evidence.push(ev(p, `memcg ${c.name} counter`));
    return true;
  }
  const sh = parseStatsHeader(msg);
  if (sh) {
    r.memcg.statsPath = sh.path;
    const inline = Object.keys(sh.inline).length > 0;
    r.memcg.statsUnit = inline ? 'kB' : 'bytes';
    Object.assign(r.memcg.stats, sh.inline);
    r.memcg.evidence.push(ev(p, 'memcg stats'));
    return true;
  }
  const g = parseOomGroup(msg);
  if (g !== null) {
    r.memcg.oomGroup = g;
    r.memcg.evidence.push(ev(p, 'memory.oom.group'));
    return true;
  }
  return false;
}

/** Rows with no header above them: the layout comes from the values, and says so. */
function readOrphanRows(r: ParsedReport, rows: PeeledLine[]): void {
  const nums = rows.map((p) => rowNumbers(p.msg) ?? []);
  const layout = inferLayout(nums);
  const evs = rows.map((p) => ev(p, 'task row (no header)'));
  if (!layout) {
    r.damage.push({
      kind: 'missing',
      text: `The task table header is missing and the ${rows.length} rows fit no single known layout: rows not read.`,
      evidence: evs.slice(0, 1),
    });
    return;
  }
  r.layout = layout;
  r.damage.push({
    kind: 'missing',
    text: `The task table header is missing; its layout (${layout.columns.join(' ')}) was inferred from the column count and value ranges of ${rows.length} rows.`,
    evidence: evs.slice(0, 1),
  });
  rows.forEach((p, i) => {
    const row = parseTaskRow(p.msg, layout.columns.length);
    if (row)
      r.rows.push({
        pid: row.pid,
        values: rowValues(layout, row.nums),
        name: row.name,
        repaired: p.repair,
        evidence: evs[i]!,
      });
  });
}
