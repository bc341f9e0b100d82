/**
 * sosreport and sos-like trees: the root of each report inside an input (a zip of sosreports
 * holds several), its manifest tags, version, host name and collection time, which members are
 * command outputs (written at collection time, so their mtime says nothing about their
 * content) and which are `.tailed` (sos keeps only the newest 25 MiB per log pattern).
 *
 * Paths of the sos versions (linux-artefacts §2.6): `sos_commands/<plugin>/<mangled command>`,
 * `sos_reports/manifest.json` (sos ≥ 4), `sos_logs/`, `version.txt` (`sosreport: 4.2`),
 * `sos_strings/<plugin>/<dotted path>.tailed`.
 */

/** A report found in an input, as stored in the case meta (`sos_reports`, a JSON array). */
export interface SosReportInfo {
  /** The input (archive or folder name). */
  input: string;
  /** Path of the report root inside the input (`sosreport-host-2022…/`, or `` for the input itself). */
  root: string;
  /** What made it a sos tree (`sos_commands/`, `sos_reports/manifest.json`, …). */
  markers: string[];
  /** sos version (manifest `version`, else version.txt). */
  version: string | null;
  hostname: string | null;
  /** UTC ms of the collection, and what it was read from. */
  collectedAt: number | null;
  collectedAtFrom: string | null;
  /** The manifest's start time as printed (the collecting machine's local time, no zone). */
  manifestStartTime: string | null;
  /** Plugins that ran (manifest `components.report.plugins`). */
  plugins: string[];
  /** The sos command line (manifest `cmdline`). */
  cmdline: string | null;
  policy: string | null;
  commandOutputs: number;
  tailed: number;
}

const ROOT_MARKER = /^(.*?)(sos_commands|sos_reports|sos_logs|sos_strings)\//;
/** Files read whole for the report's tags (each is small). */
const CAPTURE =
  /(?:^|\/)(?:sos_reports\/manifest\.json|version\.txt|sos_commands\/date\/date(?:_--utc)?|sos_commands\/host\/hostname|sos_commands\/general\/hostname|hostname)$/;
export const CAPTURE_MAX_BYTES = 4 * 1024 * 1024;

export const SOS_COMMAND_OUTPUT = /(?:^|\/)sos_commands\//;
export const SOS_TAILED = /(?:^|\/)sos_strings\/.*\.tailed$|\.tailed$/;

export const COMMAND_OUTPUT_QUIRK =
  'command output: sos wrote this file at collection time; its mtime is the collection time, not the time of its content';
export const TAILED_QUIRK =
  'tailed: sos keeps the newest 25 MiB of each log pattern; the start of this log is missing';

/** `Thu Feb 10 16:19:17 UTC 2022` (date / date --utc); only UTC/GMT or a numeric offset is exact. */
export function parseDateOutput(text: string): number | null {
  const m =
    /^\s*(?:[A-Z][a-z]{2}\s+)?([A-Z][a-z]{2})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})\s+(UTC|GMT|[+-]\d{4})\s+(\d{4})\s*$/m.exec(
      text,
    );
  if (!m) return null;
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].indexOf(
    m[1]!,
  );
  if (month < 0) return null;
  let ms = Date.UTC(Number(m[7]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
  const zone = m[6]!;
  if (/^[+-]/.test(zone)) {
    const sign = zone[0] === '-' ? -1 : 1;
    ms -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5))) * 60_000;
  }
  return ms;
}

interface RootState {
  markers: Set<string>;
  captured: Map<string, string>;
  commandOutputs: number;
  tailed: number;
  newestCommandMtime: { ms: number; path: string } | null;
}

/** Watches one input's member paths and builds the reports found in it. */
export class SosTracker {
  private readonly roots = new Map<string, RootState>();
  /** Captured files whose root is not known yet (a tar may list version.txt before sos_commands/). */
  private readonly captured = new Map<string, string>();

  constructor(private readonly input: string) {}

  private root(root: string): RootState {
    let r = this.roots.get(root);
    if (!r)
      this.roots.set(
        root,
        (r = {
          markers: new Set(),
          captured: new Map(),
          commandOutputs: 0,
          tailed: 0,
          newestCommandMtime: null,
        }),
      );
    return r;
  }

  /** Every member path the walk meets (files, links, skipped ones). */
  see(path: string, mtimeMs: number | null): void {
    const m = ROOT_MARKER.exec(path);
    if (!m) return;
    const r = this.root(m[1]!);
    r.markers.add(`${m[2]}/`);
    if (m[2] === 'sos_commands') {
      r.commandOutputs++;
      if (mtimeMs !== null && mtimeMs > 0 && (!r.newestCommandMtime || mtimeMs > r.newestCommandMtime.ms))
        r.newestCommandMtime = { ms: mtimeMs, path };
    }
    if (SOS_TAILED.test(path)) r.tailed++;
  }

  /** True when the file's content should be handed over with `capture`. */
  wants(path: string, size: number): boolean {
    return CAPTURE.test(path) && size <= CAPTURE_MAX_BYTES;
  }

  capture(path: string, text: string): void {
    this.captured.set(path, text);
  }

  /** The reports found, with their tags. */
  reports(): SosReportInfo[] {
    const out: SosReportInfo[] = [];
    for (const [root, r] of this.roots) {
      const file = (rel: string): string | undefined => this.captured.get(root + rel);
      const manifestText = file('sos_reports/manifest.json');
      const versionTxt = file('version.txt');
      if (manifestText !== undefined) r.markers.add('sos_reports/manifest.json');
      if (versionTxt !== undefined && /sos/i.test(versionTxt)) r.markers.add('version.txt');
      // One sos_logs/ folder alone is not enough: sos_commands/ or the manifest must be there.
      if (!r.markers.has('sos_commands/') && !r.markers.has('sos_reports/manifest.json')) continue;
      let manifest: Record<string, unknown> | null = null;
      if (manifestText !== undefined) {
        try {
          const parsed: unknown = JSON.parse(manifestText);
          if (parsed && typeof parsed === 'object') manifest = parsed as Record<string, unknown>;
        } catch {
          manifest = null;
        }
      }
      const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
      const report = (manifest?.['components'] as Record<string, unknown> | undefined)?.['report'] as
        Record<string, unknown> | undefined;
      const pluginsObj = report?.['plugins'];
      const plugins =
        pluginsObj && typeof pluginsObj === 'object' && !Array.isArray(pluginsObj)
          ? Object.keys(pluginsObj).sort()
          : Array.isArray(pluginsObj)
            ? pluginsObj.filter((p): p is string => typeof p === 'string').sort()
            : [];
      const version =
        str(manifest?.['version']) ??
        (versionTxt ? (/sos(?:report)?:\s*(\S+)/i.exec(versionTxt)?.[1] ?? null) : null);
      const hostname =
        str(file('sos_commands/host/hostname')?.split('\n')[0]) ??
        str(file('sos_commands/general/hostname')?.split('\n')[0]) ??
        str(file('hostname')?.split('\n')[0]) ??
        /(?:^|\/)sosreport-([^/]+?)-(?:\d{4}-\d{2}-\d{2}-)?[a-z0-9]{7}\/$/i.exec(root)?.[1] ??
        null;
      let collectedAt: number | null = null;
      let collectedAtFrom: string | null = null;
      for (const rel of ['sos_commands/date/date_--utc', 'sos_commands/date/date']) {
        const text = file(rel);
        const ms = text !== undefined ? parseDateOutput(text) : null;
        if (ms !== null) {
          collectedAt = ms;
          collectedAtFrom = `${root}${rel}: ${text!.trim()}`;
          break;
        }
      }
      if (collectedAt === null && r.newestCommandMtime) {
        collectedAt = r.newestCommandMtime.ms;
        collectedAtFrom = `archive mtime of ${r.newestCommandMtime.path} (sos command outputs are written at collection time)`;
      }
      out.push({
        input: this.input,
        root,
        markers: [...r.markers].sort(),
        version,
        hostname,
        collectedAt,
        collectedAtFrom,
        manifestStartTime: str(manifest?.['start_time']),
        plugins,
        cmdline: str(manifest?.['cmdline']),
        policy: str(manifest?.['policy']),
        commandOutputs: r.commandOutputs,
        tailed: r.tailed,
      });
    }
    return out.sort((a, b) => a.root.localeCompare(b.root));
  }
}
