/**
 * Streams a case's lines once and keeps what the boot history needs: the markers, each source's
 * first and last timed line, and the last line before each boot in the same source (the boot's
 * last sign of life there). State is per source and constant in size between markers.
 */
import { evidenceOf, type RecordLine } from '../../../../shared/model/log';
import type { SignOfLife } from '../../../../shared/model/boot';
import { detectBootMarker, listBootsMarker, type BootMarker } from './markers';

export interface SourceSpan {
  sourceId: number;
  sourcePath: string;
  first: SignOfLife | null;
  last: SignOfLife | null;
  /**
   * Whether a timed line not from the kernel was seen: only such a source could have recorded a
   * userspace shutdown. (Counting them all asked every line of a case whether it is kernel text.)
   */
  userspace: boolean;
}

export interface BootScan {
  markers: BootMarker[];
  spans: SourceSpan[];
  /** The last timed line before each boot in its source. */
  tails: SignOfLife[];
}

interface SourceState {
  sourceId: number;
  sourcePath: string;
  first: RecordLine | null;
  firstTs: number;
  last: RecordLine | null;
  lastTs: number;
  /** Time of the newest boot marker, to tell a new boot from more lines of the same one. */
  lastBootTs: number | null;
  pending: BootMarker[];
  bootId: string | null;
  exportTs: number | null;
  userspace: boolean;
}

// Boot markers of one boot come within minutes; a later one starts another boot.
const SAME_BOOT_MS = 10 * 60_000;
const BOOT_ID = /"?_BOOT_ID"?\s*[:=]\s*"?([0-9a-f]{32})/;
/** What a line with a journal boot id holds (one of the pass's gate keywords, analysis/keywords.ts). */
export const BOOT_ID_KEYWORD = '_BOOT_ID';
const EXPORT_TS = /^__REALTIME_TIMESTAMP=(\d+)$/;
const LIST_BOOTS_START = /^\s*-?\d+ [0-9a-f]{32} /;

// Cheap test, no parsing: a syslog `kernel:` tag or a dmesg `[` / `<N>[` start.
function isKernelText(text: string): boolean {
  const c = text.charCodeAt(0);
  if (c === 91 || (c === 60 && text.includes(']'))) return true;
  // ` kernel: ` or ` kernel[` anywhere: one search for ` kernel`, then the character after it.
  for (let at = text.indexOf(' kernel'); at >= 0; at = text.indexOf(' kernel', at + 1)) {
    const next = text.charCodeAt(at + 7);
    if (next === 91 /* [ */ || (next === 58 /* : */ && text.charCodeAt(at + 8) === 32)) return true;
  }
  return false;
}

function startsWithLetter(text: string): boolean {
  const c = text.charCodeAt(0) | 32;
  return c >= 97 && c <= 122;
}

export function signOfLife(line: RecordLine, ts: number, what: string): SignOfLife {
  return {
    ts,
    source: line.sourcePath,
    line: line.lineNo,
    text: line.text,
    what,
    evidence: evidenceOf(line, what),
  };
}

export class BootScanner {
  private readonly states = new Map<number, SourceState>();
  private last: SourceState | null = null;
  private readonly markers: BootMarker[] = [];
  private readonly tails: SignOfLife[] = [];

  private state(line: RecordLine): SourceState {
    // Lines come source by source: the previous line's state, unless the source changed.
    if (this.last?.sourceId === line.sourceId) return this.last;
    let s = this.states.get(line.sourceId);
    if (!s) {
      s = {
        sourceId: line.sourceId,
        sourcePath: line.sourcePath,
        first: null,
        firstTs: 0,
        last: null,
        lastTs: 0,
        lastBootTs: null,
        pending: [],
        bootId: null,
        exportTs: null,
        userspace: false,
      };
      this.states.set(line.sourceId, s);
    }
    this.last = s;
    return s;
  }

  private tail(s: SourceState, marker: BootMarker): void {
    if (!s.last) return;
    this.tails.push(
      signOfLife(
        s.last,
        s.lastTs,
        `last line of ${s.sourcePath} before the boot marker at line ${marker.evidence.lineNo}`,
      ),
    );
  }

  private bootMarker(s: SourceState, marker: BootMarker): void {
    if (marker.ts === null) {
      // a journal boundary: the previous line closes the old boot, the next timed line opens the new one
      this.tail(s, marker);
      marker.afterTs = s.last ? s.lastTs : null;
      s.pending.push(marker);
      s.lastBootTs = null;
      return;
    }
    if (s.lastBootTs === null || marker.ts - s.lastBootTs > SAME_BOOT_MS || marker.ts < s.lastBootTs)
      this.tail(s, marker);
    s.lastBootTs = marker.ts;
  }

  /**
   * Feeds one line; lines of one source must come in their order. `mayHaveKeyword` false: the
   * pass's keyword gate says no boot-marker word and no `_BOOT_ID` is in it (analysis/keywords.ts).
   */
  push(line: RecordLine, mayHaveKeyword = true): void {
    const s = this.state(line);
    const text = line.text;
    let ts = line.ts;
    if (text.startsWith('__REALTIME_TIMESTAMP=')) {
      const m = EXPORT_TS.exec(text);
      if (m) s.exportTs = Math.floor(Number(m[1]) / 1000);
    }
    if (ts === null && s.exportTs !== null) ts = s.exportTs;
    let marker = detectBootMarker(line, mayHaveKeyword);
    // A list-boots row starts with blanks, `-` or a digit, never with a letter (most lines do).
    if (!marker && !startsWithLetter(text) && LIST_BOOTS_START.test(text)) marker = listBootsMarker(line);
    if (!marker && mayHaveKeyword && text.includes(BOOT_ID_KEYWORD)) {
      const m = BOOT_ID.exec(text);
      if (m?.[1]) {
        if (s.bootId !== null && s.bootId !== m[1]) {
          marker = {
            kind: 'journal-boot-id',
            role: 'boot',
            strength: 'strong',
            ts,
            refTs: null,
            tsQuality: line.ts === null ? 'exact' : line.tsQuality,
            life: true,
            evidence: { ...evidenceOf(line), what: `journal _BOOT_ID changes to ${m[1]}` },
            text,
            bootId: m[1],
          };
        }
        s.bootId = m[1];
      }
    }
    if (marker) {
      if (marker.ts === null && ts !== null && marker.kind !== 'journal-boundary') marker.ts = ts;
      if (marker.role === 'boot' && marker.kind !== 'list-boots') this.bootMarker(s, marker);
      this.markers.push(marker);
    }
    if (ts === null) return;
    if (!s.userspace && (line.program !== undefined ? line.program !== 'kernel' : !isKernelText(text)))
      s.userspace = true;
    if (s.pending.length > 0) {
      for (const p of s.pending) {
        p.ts = ts;
        p.evidence.what = `${p.evidence.what} (time from line ${line.lineNo})`;
      }
      s.pending.length = 0;
      s.lastBootTs = ts;
    }
    if (!s.first) {
      s.first = line;
      s.firstTs = ts;
    }
    s.last = line;
    s.lastTs = ts;
  }

  finish(): BootScan {
    const spans: SourceSpan[] = [];
    for (const s of this.states.values()) {
      spans.push({
        sourceId: s.sourceId,
        sourcePath: s.sourcePath,
        first: s.first ? signOfLife(s.first, s.firstTs, `first line of ${s.sourcePath}`) : null,
        last: s.last ? signOfLife(s.last, s.lastTs, `last line of ${s.sourcePath}`) : null,
        userspace: s.userspace,
      });
    }
    return { markers: this.markers, spans, tails: this.tails };
  }
}

/** Scans lines (of one or several sources) in one pass. */
export function scanBootLines(lines: Iterable<RecordLine>): BootScan {
  const scanner = new BootScanner();
  for (const line of lines) scanner.push(line);
  return scanner.finish();
}
