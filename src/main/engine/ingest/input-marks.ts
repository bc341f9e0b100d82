/**
 * What is known about an input's sources only once the whole input is walked: links resolved
 * inside the archive, rotation families and indices, sos command outputs and `.tailed` files,
 * how each source was unpacked, and the sos reports found (case meta `sos_reports`).
 */
import type { CaseStore } from '../store/case-store';
import type { ArchiveLink } from './inputs';
import { resolveLinks } from './links';
import { assignRotations } from './rotation';
import {
  COMMAND_OUTPUT_QUIRK,
  SOS_COMMAND_OUTPUT,
  SOS_TAILED,
  type SosReportInfo,
  type SosTracker,
  TAILED_QUIRK,
} from './sos';

export interface InputWalkRecord {
  inputId: number;
  inputName: string;
  /** Absolute location of the input (sources of an earlier run of the same input count too). */
  location: string;
  /** Member paths handed out as files. */
  files: Set<string>;
  links: ArchiveLink[];
  /** How each file was unpacked, by member path. */
  containers: Map<string, string[]>;
  sos: SosTracker;
}

interface PathRow {
  source_id: number;
  primary_path: string;
  path: string;
}

function pathRows(store: CaseStore, location: string): PathRow[] {
  return store.db
    .prepare(
      `SELECT sp.source_id, s.path AS primary_path, sp.path FROM source_paths sp
       JOIN sources s ON s.source_id = sp.source_id JOIN inputs i ON i.input_id = sp.input_id
       WHERE i.location = ? ORDER BY sp.source_id`,
    )
    .all(location) as PathRow[];
}

/** Adds quirks (once each); a quirk `tailed: …` replaces an earlier `tailed: …` wording. */
function addQuirks(store: CaseStore, sourceId: number, quirks: readonly string[]): void {
  const row = store.db.prepare('SELECT quirks FROM sources WHERE source_id = ?').get(sourceId) as
    { quirks: string | null } | undefined;
  if (!row) return;
  let list: string[] = [];
  try {
    list = row.quirks ? (JSON.parse(row.quirks) as string[]) : [];
  } catch {
    list = [];
  }
  const more = quirks.filter((q) => !list.includes(q));
  if (more.length === 0) return;
  if (more.some((q) => q.startsWith('tailed:'))) list = list.filter((q) => !q.startsWith('tailed:'));
  store.db
    .prepare('UPDATE sources SET quirks = ? WHERE source_id = ?')
    .run(JSON.stringify([...list, ...more]), sourceId);
}

/** Stores the reports found, replacing those of an earlier run of the same input. */
function saveSosReports(store: CaseStore, reports: readonly SosReportInfo[]): void {
  let existing: SosReportInfo[] = [];
  try {
    existing = JSON.parse(store.meta('sos_reports') ?? '[]') as SosReportInfo[];
  } catch {
    existing = [];
  }
  const key = (r: SosReportInfo): string => `${r.input}\n${r.root}`;
  const fresh = new Set(reports.map(key));
  const merged = [...existing.filter((r) => !fresh.has(key(r))), ...reports];
  if (merged.length > 0) store.setMeta('sos_reports', JSON.stringify(merged));
}

/** The sos reports found in the case so far (case meta `sos_reports`). */
export function sosReports(store: CaseStore): SosReportInfo[] {
  try {
    return JSON.parse(store.meta('sos_reports') ?? '[]') as SosReportInfo[];
  } catch {
    return [];
  }
}

/** Applies everything learnt from the whole walk of one input. Returns the number of links listed as skipped. */
export function finishInputWalk(
  store: CaseStore,
  rec: InputWalkRecord,
): { linked: number; unresolved: number } {
  const reports = rec.sos.reports();
  const result = { linked: 0, unresolved: 0 };
  store.db.transaction(() => {
    // 1. Links, resolved inside the archive.
    let rows = pathRows(store, rec.location);
    const byPath = new Map<string, number>();
    for (const r of rows) if (!byPath.has(r.path)) byPath.set(r.path, r.source_id);
    const outcomes = resolveLinks(
      rec.links,
      rec.files,
      reports.map((r) => r.root),
    );
    const linkMtime = new Map(rec.links.map((l) => [l.path, l.mtimeMs]));
    for (const o of outcomes) {
      if (byPath.has(o.path)) continue; // already recorded by an earlier run
      const mtime = linkMtime.get(o.path) ?? null;
      if (o.kind === 'file') {
        const sourceId = byPath.get(o.target);
        if (sourceId !== undefined) {
          store.addSourcePath(sourceId, rec.inputId, o.path);
          store.log(
            'info',
            rec.inputName,
            o.path,
            `link to ${o.target}: recorded as another path of that source`,
          );
          result.linked++;
          continue;
        }
        store.recordSkipped(
          rec.inputId,
          o.path,
          0,
          mtime,
          'link',
          `link to ${o.target}, which was not indexed`,
        );
      } else if (o.kind === 'folder') {
        store.recordSkipped(
          rec.inputId,
          o.path,
          0,
          mtime,
          'link',
          `link to folder ${o.target}; its files are read there`,
        );
      } else {
        store.recordSkipped(rec.inputId, o.path, 0, mtime, 'link', o.reason);
      }
      store.log('info', rec.inputName, o.path, o.kind === 'unresolved' ? o.reason : `link to ${o.target}`);
      result.unresolved++;
    }

    // 2. Rotation families over every path (a link `var/log/messages` names a `.tailed` file's family).
    rows = pathRows(store, rec.location);
    const pathsOf = new Map<number, PathRow[]>();
    for (const r of rows) {
      let list = pathsOf.get(r.source_id);
      if (!list) pathsOf.set(r.source_id, (list = []));
      list.push(r);
    }
    const rotations = new Map(assignRotations(new Set(rows.map((r) => r.path))).map((a) => [a.path, a]));
    const setRotation = store.db.prepare('UPDATE sources SET family = ?, rotation = ? WHERE source_id = ?');
    const setTruncated = store.db.prepare('UPDATE sources SET truncated = 1 WHERE source_id = ?');
    for (const [sourceId, list] of pathsOf) {
      const candidates = list
        .filter((p) => rotations.has(p.path))
        .sort(
          (a, b) =>
            Number(SOS_TAILED.test(a.path)) - Number(SOS_TAILED.test(b.path)) ||
            Number(b.path === b.primary_path) - Number(a.path === a.primary_path),
        );
      const chosen = candidates[0] ? rotations.get(candidates[0].path) : undefined;
      if (chosen) setRotation.run(chosen.family, chosen.rotation, sourceId);
      const primary = list[0]!.primary_path;
      const quirks: string[] = [];
      if (list.some((p) => SOS_TAILED.test(p.path))) {
        setTruncated.run(sourceId);
        quirks.push(TAILED_QUIRK);
      }
      if (SOS_COMMAND_OUTPUT.test(primary)) quirks.push(COMMAND_OUTPUT_QUIRK);
      const unpacked = rec.containers.get(primary);
      if (unpacked) quirks.push(...unpacked.map((n) => `container: ${n}`));
      if (quirks.length > 0) addQuirks(store, sourceId, quirks);
    }

    // 3. The reports found.
    saveSosReports(store, reports);
    for (const r of reports)
      store.log(
        'info',
        rec.inputName,
        r.root,
        `sosreport ${r.version ?? '(version unknown)'} of ${r.hostname ?? '(host unknown)'}` +
          (r.collectedAt !== null
            ? `, collected ${new Date(r.collectedAt).toISOString()} (from ${r.collectedAtFrom})`
            : ', collection time unknown'),
      );
  })();
  return result;
}
