/**
 * Turns every input of the boot history (wtmp records, parsed `last` text, scanned log markers)
 * into one vocabulary: boot points (things that say "the machine started here"), end points
 * (shutdown, crash) and signs of life, each with the evidence it came from.
 */
import type { Evidence } from '../../../../shared/model/log';
import type { BootEvidence, SignOfLife } from '../../../../shared/model/boot';
import { utmpRecordText, type UtmpRecord } from '../../formats/wtmp';
import type { LastEntry, LastParse } from '../../formats/last-text';
import type { BootMarker, MarkerKind, MarkerStrength } from './markers';
import type { BootScan } from './scanner';
import { crashDirTime } from './crash-dirs';
import { effectiveUtType, SHUTDOWN_TIME } from './last-view';

export interface WtmpInput {
  sourceId: number;
  sourcePath: string;
  records: readonly UtmpRecord[];
  /** Global line id of the viewer line of record 0, when the records are stored as lines. */
  firstLineId?: number;
  /** btmp holds failed logins (signs of life only) and utmp the current state; default wtmp. */
  role?: 'wtmp' | 'utmp' | 'btmp';
}

export interface LastInput {
  sourceId: number;
  sourcePath: string;
  parse: LastParse;
}

export interface BootHistoryInput {
  wtmp?: readonly WtmpInput[];
  last?: readonly LastInput[];
  /** Markers, source spans and tails from `scanBootLines` / `BootScanner`. */
  scan?: BootScan;
  /** Files under var/crash/ in the archive (kdump dump directories name the crash time). */
  crashDirs?: readonly { path: string; sourceId: number }[];
  /** When the archive was collected (sosreport date, tarball mtime), if known. */
  collectedAt?: { ts: number; what: string; evidence?: Evidence } | null;
  /** Boot points computed outside the logs, e.g. sosreport `uptime` (see uptime-anchor.ts). */
  extraBoots?: readonly BootPoint[];
  /** The store's answer to "the last timed line before ts, any source", when available. */
  lastLineBefore?: (ts: number) => SignOfLife | null;
}

export type PointKind = MarkerKind | 'wtmp-boot' | 'last-reboot' | 'uptime';

/** Something that says the machine booted at ts. */
export interface BootPoint {
  ts: number;
  kind: PointKind;
  strength: MarkerStrength;
  /** Same source and kind never belong to one boot twice. */
  sourceKey: string;
  exactTime: boolean;
  evidence: BootEvidence;
  kernel?: string;
  kernelTruncated?: boolean;
  commandLine?: string;
  bootId?: string;
  /** Journal boundaries: the boot started after this time (the line before the boundary). */
  notBefore?: number;
  /** `last` reboot lines: how last ended the line. */
  lastEntry?: LastEntry;
  /** wtmp BOOT_TIME records: the record. */
  record?: UtmpRecord;
  wtmpSource?: number;
}

/** Something that says how a boot ended, at ts. */
export interface EndPoint {
  ts: number;
  kind: 'clean' | 'crash' | 'crash-after' | 'stopping' | 'hint';
  what: string;
  evidence: BootEvidence;
  fromWtmp: boolean;
  /** The time the point is about (crash directory stamp), when it differs from ts. */
  refTs: number | null;
}

const KERNEL_RELEASE = /^\d+\.\d+/;

export function bootEvidence(ev: Evidence, ts: number | null, what: string): BootEvidence {
  return { sourceId: ev.sourceId, sourcePath: ev.sourcePath, lineNo: ev.lineNo, lineId: ev.lineId, ts, what };
}

export function wtmpEvidence(w: WtmpInput, r: UtmpRecord, what: string): BootEvidence {
  const lineId = w.firstLineId !== undefined ? w.firstLineId + r.index : 0;
  return { sourceId: w.sourceId, sourcePath: w.sourcePath, lineNo: r.index + 1, lineId, ts: r.ts, what };
}

function lastEvidence(l: LastInput, e: LastEntry, ts: number | null, what: string): BootEvidence {
  return { sourceId: l.sourceId, sourcePath: l.sourcePath, lineNo: e.lineNo, lineId: e.lineId, ts, what };
}

function lifeFrom(ev: BootEvidence, ts: number, text: string): SignOfLife {
  return {
    ts,
    source: ev.sourcePath,
    line: ev.lineNo,
    text,
    what: ev.what,
    evidence: {
      sourceId: ev.sourceId,
      sourcePath: ev.sourcePath,
      lineNo: ev.lineNo,
      lineId: ev.lineId,
      what: ev.what,
    },
  };
}

// Records are typed as util-linux last types them, so the history lists the boots last lists.
/** A boot record: BOOT_TIME, or `reboot` on a `~` line. */
export function isWtmpBoot(r: UtmpRecord): boolean {
  return effectiveUtType(r) === 2;
}

/** A shutdown record: `shutdown` on a `~` line, or a change to runlevel 0 or 6. */
export function isWtmpShutdown(r: UtmpRecord): boolean {
  const t = effectiveUtType(r);
  if (t === SHUTDOWN_TIME) return true;
  if (t !== 1) return false;
  const level = String.fromCharCode(r.pid & 255);
  return level === '0' || level === '6';
}

export interface Collected {
  boots: BootPoint[];
  ends: EndPoint[];
  life: SignOfLife[];
  unplaced: number;
}

function fromWtmp(w: WtmpInput, out: Collected): void {
  const btmp = w.role === 'btmp';
  for (const r of w.records) {
    if (r.tvSec <= 0) continue;
    if (btmp) {
      // a failed login was logged by a running machine: a sign of life, never a boot or shutdown
      const what = `btmp failed login ${r.user} ${r.line}`.trim();
      out.life.push(lifeFrom(wtmpEvidence(w, r, what), r.ts, utmpRecordText(r)));
      continue;
    }
    if (isWtmpBoot(r)) {
      const kernel = KERNEL_RELEASE.test(r.host) ? r.host : undefined;
      const p: BootPoint = {
        ts: r.ts,
        kind: 'wtmp-boot',
        strength: 'strong',
        sourceKey: `wtmp:${w.sourceId}`,
        exactTime: true,
        evidence: wtmpEvidence(w, r, 'wtmp boot record'),
        record: r,
        wtmpSource: w.sourceId,
      };
      if (kernel !== undefined) p.kernel = kernel;
      out.boots.push(p);
    } else if (isWtmpShutdown(r)) {
      out.ends.push({
        ts: r.ts,
        kind: 'clean',
        what: 'wtmp shutdown record',
        evidence: wtmpEvidence(w, r, 'wtmp shutdown record'),
        fromWtmp: true,
        refTs: null,
      });
    }
    if (r.type !== 0) {
      const what = `wtmp ${r.typeName} ${r.user} ${r.line}`.trim();
      out.life.push(lifeFrom(wtmpEvidence(w, r, what), r.ts, utmpRecordText(r)));
    }
  }
}

function fromLast(l: LastInput, out: Collected): void {
  for (const e of l.parse.entries) {
    if (e.login === null) {
      out.unplaced++;
      continue;
    }
    const timeNote = e.yearFrom ? ` (year ${e.yearFrom})` : '';
    if (e.kind === 'reboot') {
      const truncated = e.timeFormat !== 'iso' && e.host.length >= 16;
      const p: BootPoint = {
        ts: e.login,
        kind: 'last-reboot',
        strength: 'strong',
        sourceKey: `last:${l.sourceId}`,
        exactTime: e.tsQuality === 'exact',
        evidence: lastEvidence(l, e, e.login, `last: reboot line${timeNote}`),
        lastEntry: e,
      };
      if (KERNEL_RELEASE.test(e.host)) {
        p.kernel = e.host;
        p.kernelTruncated = truncated;
      }
      out.boots.push(p);
      if (e.endKind === 'time' && e.end !== null) {
        // last ends a reboot line at the newest shutdown record after it
        out.ends.push({
          ts: e.end,
          kind: 'clean',
          what: 'shutdown record (end of a last reboot line)',
          evidence: lastEvidence(l, e, e.end, 'last: reboot line ends at a shutdown record'),
          fromWtmp: true,
          refTs: null,
        });
      }
    } else if (e.kind === 'shutdown') {
      out.ends.push({
        ts: e.login,
        kind: 'clean',
        what: 'shutdown record (last -x)',
        evidence: lastEvidence(l, e, e.login, 'last -x: system down'),
        fromWtmp: true,
        refTs: null,
      });
    } else if (e.kind === 'runlevel' && (e.runlevel === '0' || e.runlevel === '6')) {
      out.ends.push({
        ts: e.login,
        kind: 'clean',
        what: `runlevel ${e.runlevel} record (last -x)`,
        evidence: lastEvidence(l, e, e.login, `last -x: to runlevel ${e.runlevel}`),
        fromWtmp: true,
        refTs: null,
      });
    }
    const what = e.kind === 'session' ? `last: login of ${e.user} on ${e.tty}` : `last: ${e.user} ${e.tty}`;
    out.life.push(lifeFrom(lastEvidence(l, e, e.login, what), e.login, e.text));
    if (e.kind === 'session' && e.endKind === 'time' && e.end !== null) {
      out.life.push(lifeFrom(lastEvidence(l, e, e.end, `last: logout of ${e.user} ${e.tty}`), e.end, e.text));
    }
  }
}

function endKindOf(m: BootMarker): EndPoint['kind'] | null {
  switch (m.role) {
    case 'end-clean':
      return 'clean';
    case 'end-crash':
      return 'crash';
    case 'crash-after':
      return 'crash-after';
    case 'hint':
      return m.kind === 'stopping' ? 'stopping' : 'hint';
    default:
      return null;
  }
}

function fromScan(scan: BootScan, out: Collected): void {
  for (const m of scan.markers) {
    if (m.ts === null) {
      out.unplaced++;
      continue;
    }
    const ev = bootEvidence(m.evidence, m.ts, m.evidence.what);
    if (m.role === 'boot') {
      const p: BootPoint = {
        ts: m.kind === 'list-boots' ? (m.refTs ?? m.ts) : m.ts,
        kind: m.kind,
        strength: m.strength,
        sourceKey: `src:${m.evidence.sourceId}`,
        exactTime: m.tsQuality === 'exact',
        evidence: ev,
      };
      if (m.kernel !== undefined) p.kernel = m.kernel;
      if (m.commandLine !== undefined) p.commandLine = m.commandLine;
      if (m.bootId !== undefined) p.bootId = m.bootId;
      if (m.afterTs != null) p.notBefore = m.afterTs;
      out.boots.push(p);
      if (m.kind === 'list-boots' && m.lastEntryTs != null) {
        out.life.push(
          lifeFrom(
            bootEvidence(m.evidence, m.lastEntryTs, `last journal entry of boot ${m.bootId ?? ''}`.trim()),
            m.lastEntryTs,
            m.text,
          ),
        );
      }
    } else {
      const kind = endKindOf(m);
      if (kind)
        out.ends.push({
          ts: m.ts,
          kind,
          what: m.evidence.what,
          evidence: ev,
          fromWtmp: false,
          refTs: m.refTs,
        });
    }
    if (m.life && m.kind !== 'list-boots') out.life.push(lifeFrom(ev, m.ts, m.text));
  }
  for (const span of scan.spans) {
    if (span.first) out.life.push(span.first);
    if (span.last) out.life.push(span.last);
  }
  for (const t of scan.tails) out.life.push(t);
}

function fromCrashDirs(dirs: readonly { path: string; sourceId: number }[], out: Collected): void {
  const seen = new Set<string>();
  for (const d of dirs) {
    const dir = crashDirTime(d.path);
    if (!dir || seen.has(dir.dir)) continue;
    seen.add(dir.dir);
    const what = `kdump crash directory ${dir.dir}`;
    const evidence: BootEvidence = {
      sourceId: d.sourceId,
      sourcePath: d.path,
      lineNo: 1,
      lineId: 0,
      ts: dir.ts,
      what,
    };
    out.ends.push({ ts: dir.ts, kind: 'crash-after', what, evidence, fromWtmp: false, refTs: dir.ts });
  }
}

export function collect(input: BootHistoryInput): Collected {
  const out: Collected = { boots: [], ends: [], life: [], unplaced: 0 };
  fromCrashDirs(input.crashDirs ?? [], out);
  for (const w of input.wtmp ?? []) fromWtmp(w, out);
  for (const l of input.last ?? []) fromLast(l, out);
  if (input.scan) fromScan(input.scan, out);
  for (const p of input.extraBoots ?? []) out.boots.push(p);
  return out;
}
