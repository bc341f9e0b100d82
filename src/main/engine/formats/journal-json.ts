/**
 * journalctl -o json (one object per line) and -o json-pretty (one object over many lines,
 * sometimes wrapped in an array by the tool that saved it). Field meanings follow
 * systemd.journal-fields(7); MESSAGE may be a string, an array of bytes (when the message is
 * not valid UTF-8 or has control characters) or null.
 */
import type { ParsedLine, RecordOut, RecordReader, TsParts } from './registry';

type JournalValue = string | number[] | null | undefined;

function fieldText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'number'))
    return Buffer.from(v as number[]).toString('utf8');
  // A field repeated in one entry comes as an array of values: the first one stands.
  if (Array.isArray(v) && v.length > 0) return fieldText(v[0]);
  return undefined;
}

/** A parsed journal entry object → the header fields the store keeps. */
export function journalEntryToParsed(o: Record<string, unknown>): ParsedLine {
  const msg = o.MESSAGE as JournalValue;
  const out: ParsedLine = { message: fieldText(msg) ?? '' };
  const ts: TsParts = {};
  const rt = fieldText(o.__REALTIME_TIMESTAMP);
  if (rt !== undefined && /^\d+$/.test(rt)) ts.epochMs = Number(rt) / 1000;
  const mono = fieldText(o.__MONOTONIC_TIMESTAMP);
  if (mono !== undefined && /^\d+$/.test(mono)) ts.bootSecs = Number(mono) / 1e6;
  if (ts.epochMs !== undefined || ts.bootSecs !== undefined) out.ts = ts;
  const host = fieldText(o._HOSTNAME);
  if (host) out.host = host;
  const prog =
    fieldText(o.SYSLOG_IDENTIFIER) ??
    fieldText(o._COMM) ??
    (fieldText(o._TRANSPORT) === 'kernel' ? 'kernel' : undefined);
  if (prog) out.program = prog;
  const pid = fieldText(o._PID) ?? fieldText(o.SYSLOG_PID);
  if (pid !== undefined && /^\d+$/.test(pid)) out.pid = Number(pid);
  const pri = fieldText(o.PRIORITY);
  if (pri !== undefined && /^[0-7]$/.test(pri)) out.severity = Number(pri);
  const fac = fieldText(o.SYSLOG_FACILITY);
  if (fac !== undefined && /^\d+$/.test(fac)) out.facility = Number(fac);
  const boot = fieldText(o._BOOT_ID);
  if (boot) out.bootId = boot;
  return out;
}

/** One `-o json` line. Null when the line is not a JSON object. */
export function parseJournalJson(line: string): ParsedLine | null {
  const t = line.trim();
  if (!t.startsWith('{') || !t.endsWith('}')) return null;
  let o: unknown;
  try {
    o = JSON.parse(t);
  } catch {
    return null;
  }
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return null;
  return journalEntryToParsed(o as Record<string, unknown>);
}

/**
 * Net change of `{`/`}` nesting in a line, ignoring braces inside JSON strings.
 * `inString` carries a string left open at the end of the line (never happens in valid
 * json-pretty, but a damaged file must not desynchronise forever: the reader caps records).
 */
function braceDelta(line: string): number {
  if (!line.includes('{') && !line.includes('}')) return 0;
  let d = 0;
  let inStr = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (inStr) {
      if (c === 92) i++;
      else if (c === 34) inStr = false;
    } else if (c === 34) inStr = true;
    else if (c === 123) d++;
    else if (c === 125) d--;
  }
  return d;
}

/** Objects longer than this many lines are given up on (a damaged file); the lines stay as text. */
const MAX_OBJECT_LINES = 100_000;

/** json-pretty: collects lines until the object closes, then parses it once. */
export function createJsonPrettyReader(): RecordReader {
  let buf: string[] = [];
  let depth = 0;
  const flush = (): RecordOut => {
    const text = buf.join('\n').trim().replace(/,$/, '');
    const n = buf.length;
    buf = [];
    depth = 0;
    let parsed: ParsedLine | null = null;
    try {
      const o: unknown = JSON.parse(text);
      if (o !== null && typeof o === 'object' && !Array.isArray(o))
        parsed = journalEntryToParsed(o as Record<string, unknown>);
    } catch {
      parsed = null;
    }
    return { lineCount: n, parsed };
  };
  return {
    push(line: string): RecordOut | undefined {
      if (depth === 0) {
        const t = line.trim();
        // Array brackets and separators around objects are structure, not records.
        if (!t.startsWith('{')) return { lineCount: 1, parsed: null };
        // A whole object on one line (json inside a json-pretty array).
        if (braceDelta(t) === 0) {
          buf.push(line);
          return flush();
        }
      }
      buf.push(line);
      depth += braceDelta(line);
      if (depth <= 0 || buf.length >= MAX_OBJECT_LINES) return flush();
      return undefined;
    },
    end(): RecordOut | undefined {
      if (buf.length === 0) return undefined;
      const n = buf.length;
      buf = [];
      depth = 0;
      return { lineCount: n, parsed: null };
    },
  };
}

/** Per-line view of a json-pretty file (without the reader): only `"MESSAGE"` lines say anything. */
export function parseJsonPrettyLine(line: string): ParsedLine | null {
  const t = line.trim();
  if (t === '{' || t === '[') return { message: '', continuation: false };
  if (t === '') return null;
  return { message: t, continuation: true };
}
