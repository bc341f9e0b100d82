/**
 * Runs every analyser over a case and turns their models into stored findings: OOM anatomy,
 * kernel incidents / process deaths / floods, the boot history, and the system facts with
 * their recommendations. Pure over its inputs: the caller reads lines from the store and
 * writes the result back.
 */
import type { CaseAnalysis } from '../../../shared/model/analysis';
import type { OomAnalysis, OomReport } from '../../../shared/model/oom';
import type { BootHistory } from '../../../shared/model/boot';
import type { Finding } from '../../../shared/model/finding';
import type { Incident, IncidentKind } from '../../../shared/model/incident';
import { evidenceOf, type Evidence, type RecordLine } from '../../../shared/model/log';
import { parseLastText } from '../formats/last-text';
import { parseUtmpRowText, type UtmpRecord } from '../formats/wtmp';
import { localToUtc } from '../ingest/clock';
import { IncidentDetector } from './crashes';
import { INCIDENT_KEYWORDS, OOM_AND_BOOT_KEYWORDS, PASS_KEYWORDS } from './keywords';
import { findCrashArtefacts } from './crashes/artefacts';
import { crossReport, OomCollector, oomCaseFindings, type AftermathCandidate } from './oom';
import { aftermathOf, mayBeAftermath } from './oom/aftermath';
import { SourceTimeIndex, type LineRangeOrTime } from './oom/aftermath-ranges';
import { BootScanner, buildBootHistory, toBootJson, type LastInput, type WtmpInput } from './reboots';
import {
  collectionDate,
  DATE_FILE,
  UPTIME_FILE,
  uptimeAnchor,
  type CollectionDate,
} from './reboots/uptime-anchor';
import { collectSystemFacts, type SystemFile } from './system/facts';
import { recommend } from './system/recommend';

/** Bump when an analyser's output changes: stored analyses of an older version are redone. */
export const ANALYSIS_VERSION = 6;

export interface AnalysisSource {
  sourceId: number;
  path: string;
  kind: string;
  mtimeMs: number | null;
  /** The zone the ingest resolved this source's local times with (`assumed`: no evidence for it). */
  zone?: { zone: number | string; source: string; assumed: boolean } | null;
  /** Ingest status (`complete`, `failed`, `skipped` for binaries such as a vmcore); complete when omitted. */
  status?: string;
  /** Size in bytes of the archive member, when known (a skipped vmcore's size is still listed). */
  sizeBytes?: number;
  /** Lines the case holds of it, when known (the pass's progress counts against their sum). */
  lineCount?: number;
}

export type { CaseAnalysis };

export interface AnalysisInput {
  sources: readonly AnalysisSource[];
  /** Lines of the given sources (all when omitted), each source in its own order. Called once per pass. */
  lines: (sources?: readonly AnalysisSource[]) => Iterable<RecordLine>;
  /**
   * Lines `fromLineNo`..`toLineNo` (inclusive, 1-based) of one source, in order. With it the
   * OOM aftermath reads only the lines near the kills; without it, a second pass over every log.
   */
  linesOf?: (source: AnalysisSource, fromLineNo: number, toLineNo: number) => Iterable<RecordLine>;
  /**
   * The lines of `lines(sources)` in arrays of consecutive lines (the store's read chunks): the
   * pass over the logs loops over arrays instead of resuming generators for every line.
   */
  batches?: (sources?: readonly AnalysisSource[]) => Iterable<readonly RecordLine[]>;
}

// Files whose content is a machine setting rather than a log.
const SYSTEM_FILE = new RegExp(
  [
    'proc/sys/.+',
    'sos_commands/kernel/sysctl_-a',
    'sysctl_-a',
    'proc/meminfo',
    'proc/swaps',
    'proc/cmdline',
    'etc/security/limits\\.conf',
    'etc/security/limits\\.d/[^/]+\\.conf',
    'etc/kdump\\.conf',
    'etc/sysconfig/kdump',
    'etc/default/kdump-tools',
    'sos_commands/kdump/.+',
    'sys/kernel/kexec_crash_(?:loaded|size)',
    'sys/fs/pstore/.+',
    'sos_commands/kernel/uname_-a',
    'uname',
  ]
    .map((p) => `(?:^|/)${p}$`)
    .join('|'),
);
const LAST_FILE = /(?:^|\/)(?:sos_commands\/login\/)?last(?:_[^/]*)?$/;
const CRASH_DIR = /(?:^|\/)var\/crash\/.+/;

export function isSystemFile(path: string): boolean {
  return SYSTEM_FILE.test(path);
}

function timed<T>(timings: Record<string, number>, name: string, f: () => T): T {
  const t = performance.now();
  try {
    return f();
  } finally {
    timings[name] = Math.round(performance.now() - t);
  }
}

const LOGIN_RECORD_KINDS = new Set(['wtmp', 'utmp', 'btmp']);

/** Sources the log analysers read: everything but settings files, `last` listings and binary login records. */
function logSources(sources: readonly AnalysisSource[]): AnalysisSource[] {
  return sources.filter(
    (s) =>
      s.status !== 'skipped' &&
      !isSystemFile(s.path) &&
      !(s.kind === 'last' || LAST_FILE.test(s.path)) &&
      !LOGIN_RECORD_KINDS.has(s.kind),
  );
}

/** Binary wtmp/utmp/btmp the ingest stored as one row per record, read back into records. */
function loginRecords(input: AnalysisInput): WtmpInput[] {
  const out: WtmpInput[] = [];
  for (const s of input.sources) {
    if (!LOGIN_RECORD_KINDS.has(s.kind) || s.status === 'skipped') continue;
    const records: UtmpRecord[] = [];
    let firstLineId: number | undefined;
    for (const l of input.lines([s])) {
      if (firstLineId === undefined && l.lineId > 0) firstLineId = l.lineId - (l.lineNo - 1);
      const r = parseUtmpRowText(l.text, l.lineNo - 1);
      if (r) records.push(r);
    }
    const w: WtmpInput = {
      sourceId: s.sourceId,
      sourcePath: s.path,
      records,
      role: s.kind as 'wtmp' | 'utmp' | 'btmp',
    };
    if (firstLineId !== undefined) w.firstLineId = firstLineId;
    out.push(w);
  }
  return out;
}

function readWhole(
  input: AnalysisInput,
  s: AnalysisSource,
): { path: string; lines: RecordLine[]; mtimeMs: number | null } {
  return { path: s.path, lines: [...input.lines([s])], mtimeMs: s.mtimeMs };
}

/**
 * When the archive was collected: sos command outputs carry the collection time as their mtime
 * (linux-artefacts §2.6), so the newest of them is the best anchor for `last`'s year-less lines.
 */
function collectionTime(
  sources: readonly AnalysisSource[],
  date: CollectionDate | null,
): { ts: number; what: string; evidence?: Evidence } | null {
  if (date)
    return { ts: date.ts, what: date.what, evidence: evidenceOf(date.line, 'collection time (date)') };
  const outputs = sources.filter((s) => /(?:^|\/)sos_commands\//.test(s.path) && s.mtimeMs !== null);
  if (outputs.length === 0) return null;
  const newest = outputs.reduce((a, b) => ((b.mtimeMs ?? 0) > (a.mtimeMs ?? 0) ? b : a));
  return {
    ts: newest.mtimeMs!,
    what: `archive mtime of ${newest.path} (sos command outputs are written at collection time)`,
  };
}

/**
 * `last` prints the machine's local time: read it in the zone the logs revealed (a zone the
 * ingest learned from the archive, e.g. +08:00 from containerd's ISO stamps), at the anchor.
 */
function lastOffsetMinutes(sources: readonly AnalysisSource[], at: number): number | undefined {
  const learned = sources.map((s) => s.zone).find((z) => z && !z.assumed);
  if (!learned) return undefined;
  return typeof learned.zone === 'number'
    ? learned.zone
    : Math.round((at - localToUtc(at, learned.zone)) / 60_000);
}

/** The zone the logs revealed, for artefact names and fields written in local time. */
function zoneOption(sources: readonly AnalysisSource[]): { zoneOffsetMin?: number } {
  const at = sources.find((s) => s.mtimeMs !== null)?.mtimeMs ?? Date.now();
  const off = lastOffsetMinutes(sources, at);
  return off === undefined ? {} : { zoneOffsetMin: off };
}

/** The widest window crossReport links an aftermath line in (oom/cross.ts: 10 min, or 500 lines without times). */
const AFTERMATH_MS = 10 * 60_000;
const AFTERMATH_LINES = 500;

/**
 * OOM reports, then — only when there are kills — a second look at the lines near them that
 * may show the victim restarted. Looking again keeps memory bounded (a case where containerd or
 * systemd log restarts all day long would otherwise be held whole) and does not depend on the
 * order of sources (the journal may come before kern.log). With `input.linesOf`, only the line
 * ranges the first pass's time index says can hold such lines are read (oom/aftermath-ranges.ts).
 */
function oomWithAftermath(
  reports: OomReport[],
  logs: readonly AnalysisSource[],
  input: AnalysisInput,
  index: SourceTimeIndex,
): OomAnalysis {
  const kills = reports
    .filter((r) => r.victim)
    .map((r) => ({ ts: r.ts, sourceId: r.sourceId, line: r.lastLine }));
  const candidates: AftermathCandidate[] = [];
  const consider = (line: RecordLine): void => {
    if (!mayBeAftermath(line.text)) return;
    const near = kills.some((k) =>
      k.ts !== null && line.ts !== null
        ? line.ts - k.ts >= -1000 && line.ts - k.ts <= AFTERMATH_MS
        : k.sourceId === line.sourceId && line.lineNo > k.line && line.lineNo - k.line <= AFTERMATH_LINES,
    );
    if (!near) return;
    const c = aftermathOf(line);
    if (c) candidates.push(c);
  };
  if (kills.length > 0) {
    const linesOf = input.linesOf;
    if (linesOf) {
      // Only the line ranges that can hold a line near a kill, in the order of the full read.
      const byId = new Map(logs.map((s) => [s.sourceId, s]));
      for (const sourceId of index.sourceIds()) {
        const source = byId.get(sourceId);
        if (!source) continue;
        const windows: LineRangeOrTime[] = [];
        for (const k of kills) {
          if (k.ts !== null) windows.push({ kind: 'time', from: k.ts - 1000, to: k.ts + AFTERMATH_MS });
          if (k.sourceId === sourceId)
            windows.push({ kind: 'lines', from: k.line + 1, to: k.line + AFTERMATH_LINES });
        }
        for (const r of index.ranges(sourceId, windows))
          for (const line of linesOf(source, r.from, r.to)) consider(line);
      }
    } else for (const line of input.lines(logs)) consider(line);
  }
  return { reports, cross: crossReport(reports, candidates) };
}

/** What the pass over the logs leaves for the rest of the analysis. */
interface LogsPass {
  oomCollector: OomCollector;
  bootScanner: BootScanner;
  timeIndex: SourceTimeIndex;
}

function forEachLine(
  input: AnalysisInput,
  logs: readonly AnalysisSource[],
  visit: (line: RecordLine) => void,
): void {
  if (input.batches)
    for (const batch of input.batches(logs)) for (let i = 0; i < batch.length; i++) visit(batch[i]!);
  else for (const line of input.lines(logs)) visit(line);
}

/**
 * How the engine runs the pass after an ingest: it gives its thread back every `sliceMs`
 * (between two batches of lines), so the searches and other requests that arrive during the
 * analysis of a large case are answered meanwhile instead of waiting for all of it.
 * `check` runs after each pause: it throws to stop the analysis (the case was closed).
 */
export interface PassSlicing {
  sliceMs: number;
  check?: () => void;
  /** After each pause: the lines visited so far, of `total` (the log sources' line counts). */
  progress?: (done: number, total: number) => void;
}

const yieldNow = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function forEachLineSliced(
  input: AnalysisInput,
  logs: readonly AnalysisSource[],
  visit: (line: RecordLine) => void,
  slicing: PassSlicing,
): Promise<void> {
  if (!input.batches) {
    forEachLine(input, logs, visit);
    return;
  }
  const total = logs.reduce((n, s) => n + (s.lineCount ?? 0), 0);
  let done = 0;
  let sliceStart = performance.now();
  for (const batch of input.batches(logs)) {
    for (let i = 0; i < batch.length; i++) visit(batch[i]!);
    done += batch.length;
    if (performance.now() - sliceStart >= slicing.sliceMs) {
      await yieldNow();
      slicing.check?.();
      slicing.progress?.(done, Math.max(total, done));
      sliceStart = performance.now();
    }
  }
}

/**
 * One read of the logs feeds the OOM collector, the boot scanner, the time index and — unless
 * another thread finds the incidents (analyzeCaseSplit) — the incident detector. Returns the
 * visit of one line and what the pass leaves once every line has been visited.
 */
function logsPass(detector: IncidentDetector | null): { visit: (line: RecordLine) => void; pass: LogsPass } {
  const pass: LogsPass = {
    oomCollector: new OomCollector(),
    bootScanner: new BootScanner(),
    timeIndex: new SourceTimeIndex(),
  };
  const { oomCollector, bootScanner, timeIndex } = pass;
  // One scan for the words of the analysers' keyword prefilters: most lines have none.
  const gate = detector ? PASS_KEYWORDS : OOM_AND_BOOT_KEYWORDS;
  const visit = (line: RecordLine): void => {
    const mayHaveKeyword = gate.mayContain(line.text);
    oomCollector.push(line, mayHaveKeyword);
    bootScanner.push(line, mayHaveKeyword);
    timeIndex.push(line);
    detector?.push(line, mayHaveKeyword);
  };
  return { visit, pass };
}

/**
 * The incidents of the logs alone (kernel reports, faults, deaths, floods, log loss): the share
 * of the pass analyzeCaseSplit gives another thread (analysis/detect-worker.ts).
 */
export function detectLogIncidents(input: AnalysisInput): Incident[] {
  const detector = new IncidentDetector();
  forEachLine(input, logSources(input.sources), (line) =>
    detector.push(line, INCIDENT_KEYWORDS.mayContain(line.text)),
  );
  return detector.finish();
}

export function analyzeCase(
  input: AnalysisInput,
  lang: 'en' | 'zh' = 'en',
): { analysis: CaseAnalysis; findings: NewFinding[] } {
  const timings: Record<string, number> = {};
  const logs = logSources(input.sources);
  const detector = new IncidentDetector();
  const { visit, pass } = logsPass(detector);
  timed(timings, 'logsPass', () => forEachLine(input, logs, visit));
  return completeAnalysis(input, logs, pass, detector.finish(), timings, lang);
}

/**
 * analyzeCase with the pass cut in slices (PassSlicing): the same analysis, while the thread
 * answers other requests between slices. The lines must not change meanwhile (the engine runs
 * it inside an ingest job, before anything else may write lines).
 */
export function analyzeCaseSliced(
  input: AnalysisInput,
  slicing: PassSlicing,
  lang: 'en' | 'zh' = 'en',
): Promise<{ analysis: CaseAnalysis; findings: NewFinding[] }> {
  return analyzeAsync(input, slicing, lang, null);
}

/**
 * analyzeCase with the incident detection on another thread: `incidents` starts it (reading the
 * same case), this thread's pass reads the logs for the rest meanwhile (in slices when asked),
 * and the analysis goes on once both are done. Same result as analyzeCase (the detector's input
 * is the same lines).
 */
export function analyzeCaseSplit(
  input: AnalysisInput,
  incidents: Promise<Incident[]>,
  lang: 'en' | 'zh' = 'en',
  slicing: PassSlicing = { sliceMs: Infinity },
): Promise<{ analysis: CaseAnalysis; findings: NewFinding[] }> {
  return analyzeAsync(input, slicing, lang, incidents);
}

/** The sliced pass, with the incidents detected here (`elsewhere` null) or awaited from elsewhere. */
async function analyzeAsync(
  input: AnalysisInput,
  slicing: PassSlicing,
  lang: 'en' | 'zh',
  elsewhere: Promise<Incident[]> | null,
): Promise<{ analysis: CaseAnalysis; findings: NewFinding[] }> {
  const timings: Record<string, number> = {};
  const logs = logSources(input.sources);
  const detector = elsewhere ? null : new IncidentDetector();
  const { visit, pass } = logsPass(detector);
  const t = performance.now();
  await forEachLineSliced(input, logs, visit, slicing);
  timings.logsPass = Math.round(performance.now() - t);
  let incidents: Incident[];
  if (detector) incidents = detector.finish();
  else {
    const waited = performance.now();
    incidents = await elsewhere!;
    timings.incidentsWait = Math.round(performance.now() - waited);
  }
  return completeAnalysis(input, logs, pass, incidents, timings, lang);
}

function completeAnalysis(
  input: AnalysisInput,
  logs: readonly AnalysisSource[],
  pass: LogsPass,
  incidents: Incident[],
  timings: Record<string, number>,
  lang: 'en' | 'zh',
): { analysis: CaseAnalysis; findings: NewFinding[] } {
  const { oomCollector, bootScanner, timeIndex } = pass;
  const oom = timed(timings, 'oom', () => oomWithAftermath(oomCollector.finish(), logs, input, timeIndex));

  const history = timed(timings, 'boots', (): BootHistory => {
    const readable = input.sources.filter((s) => s.status !== 'skipped');
    const date = collectionDate(
      readable.filter((s) => DATE_FILE.test(s.path)).map((s) => readWhole(input, s)),
    );
    const collectedAt = collectionTime(input.sources, date);
    const extraBoots = readable
      .filter((s) => UPTIME_FILE.test(s.path))
      .map((s) =>
        uptimeAnchor(
          readWhole(input, s),
          date,
          lastOffsetMinutes(input.sources, date?.ts ?? s.mtimeMs ?? Date.now()),
        ),
      )
      .flatMap((a) => (a ? [a.point] : []));
    const last: LastInput[] = input.sources
      .filter((s) => s.kind === 'last' || LAST_FILE.test(s.path))
      .map((s) => {
        const lines = [...input.lines([s])].map((l) => ({
          lineNo: l.lineNo,
          text: l.text,
          lineId: l.lineId,
        }));
        const options: Parameters<typeof parseLastText>[1] = {};
        if (collectedAt) options.anchor = collectedAt;
        const offset = lastOffsetMinutes(input.sources, collectedAt?.ts ?? Date.now());
        if (offset !== undefined) options.utcOffsetMinutes = offset;
        return { sourceId: s.sourceId, sourcePath: s.path, parse: parseLastText(lines, options) };
      });
    return buildBootHistory({
      scan: bootScanner.finish(),
      wtmp: loginRecords(input),
      extraBoots,
      last,
      crashDirs: input.sources
        .filter((s) => CRASH_DIR.test(s.path))
        .map((s) => ({ path: s.path, sourceId: s.sourceId })),
      collectedAt,
    });
  });

  const system = timed(timings, 'system', () => {
    const files: SystemFile[] = input.sources
      .filter((s) => isSystemFile(s.path))
      .map((s) => ({ path: s.path, lines: [...input.lines([s])] }));
    const withSwap = oom.reports.find((r) => r.memInfo.totalSwapKb !== null);
    const swapEvidence = withSwap?.memInfo.evidence.totalSwapKb;
    const facts = collectSystemFacts(
      files,
      withSwap && swapEvidence
        ? { swapFromOom: { totalSwapKb: withSwap.memInfo.totalSwapKb ?? 0, evidence: swapEvidence } }
        : {},
    );
    const ended = history.boots.filter((b) => b.endKind === 'hard');
    const recInput: Parameters<typeof recommend>[0] = { facts, incidents };
    const killEvidence = oom.reports.flatMap((r) => r.victim?.evidence ?? []);
    if (killEvidence.length > 0) recInput.oom = { evidence: killEvidence };
    if (ended.length > 0) {
      recInput.hang = {
        reason: `${ended.length} boot(s) ended with no shutdown trace and no crash evidence (hard reset)`,
        evidence: ended.flatMap((b) => (b.lastSignOfLife ? [b.lastSignOfLife.evidence] : [])),
      };
    }
    return { facts, recommendations: recommend(recInput) };
  });

  const boots = history.boots.map(toBootJson);
  const crashes = timed(timings, 'crashes', () =>
    findCrashArtefacts({
      sources: input.sources,
      lines: (s) => [...input.lines([s as AnalysisSource])],
      incidents,
      boots,
      facts: system.facts,
      ...zoneOption(input.sources),
    }),
  );

  const analysis: CaseAnalysis = {
    version: ANALYSIS_VERSION,
    oom: oom.reports,
    oomCross: oom.cross,
    incidents,
    crashes,
    boots,
    bootNotes: history.notes,
    rebootsPerDay: history.rebootsPerDay,
    system,
    timingsMs: timings,
  };
  return { analysis, findings: findingsOf(analysis, history, lang) };
}

type NewFinding = Omit<Finding, 'findingId' | 'findingKey'>;

const INCIDENT_SEVERITY: Partial<Record<IncidentKind, Finding['severity']>> = {
  panic: 'critical',
  oops: 'critical',
  bug: 'critical',
  gpf: 'critical',
  mce: 'critical',
  'hard-lockup': 'critical',
  'soft-lockup': 'error',
  'hung-task': 'error',
  'rcu-stall': 'error',
  'io-error': 'error',
  'fs-error': 'error',
  kasan: 'error',
  'process-killed': 'error',
  'core-dumped': 'error',
};

/** The findings the panels list and the viewer marks, each with its evidence lines. */
function findingsOf(a: CaseAnalysis, history: BootHistory, lang: 'en' | 'zh'): NewFinding[] {
  const out: NewFinding[] = [...oomCaseFindings({ reports: a.oom, cross: a.oomCross })];
  for (const i of a.incidents) {
    const repeats = i.count > 1 ? ` (${i.count}×)` : '';
    out.push({
      kind: i.kind === 'flood' ? 'flood' : 'incident',
      ts: i.ts,
      title: `${i.kind}${repeats}: ${i.summary}`,
      summary: i.summary,
      severity: INCIDENT_SEVERITY[i.kind] ?? 'warning',
      evidence: dedupe([i.line, ...i.occurrences.slice(1, 20)]),
    });
  }
  for (const b of history.boots) {
    const started = new Date(b.start).toISOString().slice(0, 16).replace('T', ' ');
    out.push({
      kind: 'boot',
      ts: b.start,
      title: `Boot of ${started} UTC ended ${b.endKind}`,
      summary: [b.endReason, b.explanation].filter(Boolean).join(' '),
      severity:
        b.endKind === 'hard' || b.endKind === 'crash'
          ? 'error'
          : b.endKind === 'unknown'
            ? 'warning'
            : 'info',
      evidence: dedupe([
        ...b.evidence,
        ...(b.lastSignOfLife ? [{ ...b.lastSignOfLife.evidence, what: 'last sign of life' }] : []),
      ]).map(({ sourceId, sourcePath, lineNo, lineId, what }) => ({
        sourceId,
        sourcePath,
        lineNo,
        lineId,
        what,
      })),
    });
  }
  for (const r of a.system.recommendations) {
    out.push({
      kind: 'system',
      ts: null,
      title: r.title[lang],
      summary: r.text[lang],
      severity: r.severity === 'important' ? 'error' : r.severity === 'warning' ? 'warning' : 'info',
      evidence: r.evidence,
    });
  }
  return out;
}

function dedupe(evidence: Evidence[]): Evidence[] {
  const seen = new Set<string>();
  return evidence.filter((e) => {
    const k = `${e.sourceId}:${e.lineNo}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
