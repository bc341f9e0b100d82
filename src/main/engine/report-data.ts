/**
 * The engine's side of the report: a snapshot of the case for drafting (summary, analysis,
 * findings, annotated excerpts, cited line times, the machine's zone, names to redact), and
 * the report's state kept in the case's meta table (edits, redaction settings, replacements).
 */
import type { CaseAnalysis } from '../../shared/model/analysis';
import type { Redaction, RedactionSettings, ReportEdits } from '../../shared/model/report';
import { validateEdits } from '../report/draft';
import {
  DEFAULT_REDACTION,
  EXCERPT_MAX_LINES,
  type ExcerptLine,
  type ReportAnnotation,
  type ReportData,
  type ReportZone,
} from '../report/model';
import { orderIsCurrent, readOrderStats } from './query/order';
import type { CaseStore } from './store/case-store';

export const META_REPORT_EDITS = 'report_edits';
export const META_REDACTION = 'report_redaction';
export const META_REDACTIONS_DONE = 'report_redactions';

/** At most this many cited lines get their time looked up (the rest fall back to their report's time). */
const LINE_TIMES_MAX = 5_000;

function parseJson<T>(raw: string | undefined, what: string): T | null {
  if (!raw) return null;
  try {
    return JSON.parse(raw) as T;
  } catch (err) {
    throw new Error(`the case's ${what} (meta) is not valid JSON: ${(err as Error).message}`);
  }
}

/** The lines whose own time the draft needs: each OOM victim's kill line (the report's time is its first line). */
function citedLineIds(analysis: CaseAnalysis): number[] {
  const ids = new Set<number>();
  for (const r of analysis.oom) {
    if (ids.size >= LINE_TIMES_MAX) break;
    const ev = r.victim?.evidence[0];
    if (ev && ev.lineId > 0) ids.add(ev.lineId);
  }
  return [...ids];
}

/** The machine's zone: the zone most timed lines were resolved with, when it was learnt (not assumed). */
function machineZone(store: CaseStore): ReportZone | null {
  const sources = new Map(store.sources().map((s) => [s.sourceId, s]));
  let best: { zone: ReportZone; lines: number } | null = null;
  for (const d of store.sourceDetails()) {
    if (!d.zone || d.zone.assumed) continue;
    const src = sources.get(d.sourceId);
    const lines = src?.lineCount ?? 0;
    if (best && best.lines >= lines) continue;
    const z = d.zone.zone;
    best = {
      lines,
      zone: {
        offsetMinutes: typeof z === 'number' ? z : null,
        name: typeof z === 'string' ? z : null,
        from: d.zone.source,
        sourcePath: src?.path ?? `source ${d.sourceId}`,
      },
    };
  }
  return best?.zone ?? null;
}

function excerpt(
  store: CaseStore,
  lineId: number | null,
  count: number,
): { lines: ExcerptLine[]; truncated: boolean } {
  if (lineId === null) return { lines: [], truncated: false };
  const n = Math.max(1, count);
  const lines: ExcerptLine[] = [];
  const first = store.lineById(lineId);
  if (!first) return { lines, truncated: false };
  for (let i = 0; i < Math.min(n, EXCERPT_MAX_LINES); i++) {
    const l = i === 0 ? first : store.lineById(lineId + i);
    if (!l || l.sourceId !== first.sourceId) break;
    lines.push({
      lineId: l.lineId,
      sourcePath: l.sourcePath,
      lineNo: l.lineNo,
      ts: l.ts,
      tsQuality: l.tsQuality,
      text: l.text,
    });
  }
  return { lines, truncated: n > EXCERPT_MAX_LINES };
}

const WEEKDAYS = new Set(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']);
const WTMP_LINE = /\[(\d+)\] \[(-?\d+)\] \[([^\]]*)\] \[([^\]]*)\] \[([^\]]*)\] \[([^\]]*)\] \[([^\]]*)\]/;

/** Host and user names the case knows, for redaction. Scans the host column once (on demand). */
function knownNames(store: CaseStore, analysis: CaseAnalysis): { hosts: string[]; users: string[] } {
  const hosts = new Map<string, number>();
  const addHost = (h: string | null | undefined, weight: number): void => {
    const name = h?.trim();
    if (!name || name.length < 2 || /^[\d.:]+$/.test(name)) return;
    hosts.set(name, (hosts.get(name) ?? 0) + weight);
  };
  // The hosts and their line counts are stored with the time order (facets); counting them again
  // over the host column takes ≈ 9 s on an 8.4M-line case. Only a case without a current order scans.
  const order = readOrderStats(store.db);
  const rows: { host: string; n: number }[] =
    order && orderIsCurrent(store.db, order)
      ? order.facets.hosts.map((h) => ({ host: h.value, n: h.count }))
      : store.heads.packed
        ? store.heads.facets(500).hosts.map((h) => ({ host: h.value, n: h.count }))
        : (store.db
            .prepare(
              'SELECT host, count(*) AS n FROM lines WHERE host IS NOT NULL GROUP BY host ORDER BY n DESC LIMIT 500',
            )
            .all() as { host: string; n: number }[]);
  for (const r of rows) addHost(r.host, r.n);
  for (const r of analysis.oom) addHost(r.host, 1);
  for (const i of analysis.incidents) if (i.details.type === 'flood') addHost(i.details.host, 1);
  const users = new Set<string>();
  const firstLines = store.db.prepare(
    // Line n of a source is line id first_line_id + n - 1 (sources are contiguous): no index on source_id.
    store.heads.packed
      ? 'SELECT line_text(l.block, l.line_id, l.text) AS text FROM sources s JOIN line_rows(s.first_line_id, s.first_line_id + min(s.line_count, @n)) l WHERE s.source_id = @source'
      : 'SELECT line_text(l.block, l.line_id, l.text) AS text FROM sources s JOIN lines l ON l.line_id >= s.first_line_id AND l.line_id < s.first_line_id + s.line_count WHERE s.source_id = @source ORDER BY l.line_id LIMIT @n',
  );
  for (const s of store.sources()) {
    const p = s.path.toLowerCase();
    if (/(^|\/)(etc\/hostname|proc\/sys\/kernel\/hostname|hostname)$/.test(p)) {
      const t = (firstLines.all({ source: s.sourceId, n: 1 }) as { text: string }[])[0]?.text.trim();
      addHost(t, 1_000_000);
    } else if (/(^|\/)uname[^/]*$/.test(p)) {
      const t = (firstLines.all({ source: s.sourceId, n: 1 }) as { text: string }[])[0]?.text
        .trim()
        .split(/\s+/);
      if (t && t[0] === 'Linux') addHost(t[1], 1_000_000);
    } else if (s.kind === 'last' || /(^|\/)(last|lastlog|who|w)$/.test(p)) {
      for (const { text } of firstLines.all({ source: s.sourceId, n: 100_000 }) as { text: string }[]) {
        const f = text.trim().split(/\s+/);
        const user = f[0];
        if (!user || user === 'reboot' || user === 'shutdown' || user === 'wtmp' || user === 'btmp') continue;
        users.add(user);
        const host = f[2];
        if (host && /^[A-Za-z][\w.-]+$/.test(host) && !WEEKDAYS.has(host)) addHost(host, 1);
      }
    } else if (s.kind === 'wtmp' || s.kind === 'utmp' || s.kind === 'btmp') {
      for (const { text } of firstLines.all({ source: s.sourceId, n: 200_000 }) as { text: string }[]) {
        const m = WTMP_LINE.exec(text);
        if (!m || m[1] !== '7') continue; // USER_PROCESS
        if (m[4]?.trim()) users.add(m[4].trim());
        const host = m[6]?.trim();
        if (host && /^[A-Za-z][\w.-]+$/.test(host)) addHost(host, 1);
      }
    }
  }
  return {
    hosts: [...hosts.entries()].sort((a, b) => b[1] - a[1]).map(([h]) => h),
    users: [...users].sort(),
  };
}

/** The names scan reads the whole host column: kept per case file until the case changes. */
const namesCache = new Map<string, { updatedAt: number; names: { hosts: string[]; users: string[] } }>();
function cachedNames(store: CaseStore, analysis: CaseAnalysis): { hosts: string[]; users: string[] } {
  const updatedAt = store.info().updatedAt;
  const hit = namesCache.get(store.file);
  if (hit && hit.updatedAt === updatedAt) return hit.names;
  const names = knownNames(store, analysis);
  namesCache.set(store.file, { updatedAt, names });
  return names;
}

export function redactionState(store: CaseStore): { settings: RedactionSettings; replacements: Redaction[] } {
  return {
    settings: parseJson<RedactionSettings>(store.meta(META_REDACTION), 'redaction settings') ?? {
      ...DEFAULT_REDACTION,
    },
    replacements: parseJson<Redaction[]>(store.meta(META_REDACTIONS_DONE), 'redaction list') ?? [],
  };
}

export function saveRedactionSettings(store: CaseStore, settings: RedactionSettings): void {
  const terms = settings.terms.map((t) => t.trim()).filter((t) => t !== '');
  for (const t of terms)
    if (t.length > 200) throw new Error(`redaction term too long (${t.length} characters, 200 at most)`);
  store.setMeta(META_REDACTION, JSON.stringify({ ...settings, terms: [...new Set(terms)] }));
}

export function saveRedactionReplacements(store: CaseStore, replacements: Redaction[]): void {
  store.setMeta(META_REDACTIONS_DONE, JSON.stringify(replacements));
}

export function saveReportEdits(store: CaseStore, edits: ReportEdits): number {
  validateEdits(edits);
  const savedAt = Date.now();
  store.setMeta(META_REPORT_EDITS, JSON.stringify({ savedAt, edits }));
  return savedAt;
}

/**
 * The analysis as the report reads it: each incident keeps its header line but not the list of
 * every line of its block and every occurrence (the report cites the header; `count`, first and
 * last time say the rest). On a flooded 8.4M-line case those lists are 50 of the analysis's
 * 53 MiB, and the snapshot is copied from the engine worker on every preview and export.
 */
export function reportAnalysis(analysis: CaseAnalysis): CaseAnalysis {
  return {
    ...analysis,
    incidents: analysis.incidents.map((i) =>
      i.lines.length <= 1 && i.occurrences.length <= 1
        ? i
        : { ...i, lines: i.lines.slice(0, 1), occurrences: i.occurrences.slice(0, 1) },
    ),
  };
}

/** The case snapshot the report is drafted from. `names`: also gather host/user names (redaction). */
export function collectReportData(store: CaseStore, analysis: CaseAnalysis, names: boolean): ReportData {
  const summary = store.summary();
  const lineTimes: ReportData['lineTimes'] = {};
  for (const id of citedLineIds(analysis)) {
    const l = store.lineById(id);
    if (l) lineTimes[id] = { ts: l.ts, tsQuality: l.tsQuality };
  }
  const annotations: ReportAnnotation[] = store.annotations().map((a) => {
    const ex = a.orphaned
      ? { lines: [], truncated: false }
      : excerpt(store, a.lineId, a.anchor?.lineCount ?? 1);
    return { ...a, ...ex };
  });
  const saved = parseJson<{ savedAt: number; edits: ReportEdits }>(
    store.meta(META_REPORT_EDITS),
    'report edits',
  );
  const redaction = redactionState(store);
  const known = names ? cachedNames(store, analysis) : { hosts: [], users: [] };
  // The draft reads the findings the notes are about (24k findings are 17 MiB on a flooded case).
  const about = new Set(annotations.map((a) => a.findingKey).filter((k): k is string => k !== null));
  return {
    summary,
    analysis: reportAnalysis(analysis),
    findings: about.size === 0 ? [] : store.findings().filter((f) => about.has(f.findingKey)),
    annotations,
    lineTimes,
    zone: machineZone(store),
    edits: saved?.edits ?? null,
    editsSavedAt: saved?.savedAt ?? null,
    redaction: redaction.settings,
    replacements: redaction.replacements,
    knownHosts: known.hosts,
    knownUsers: known.users,
  };
}
