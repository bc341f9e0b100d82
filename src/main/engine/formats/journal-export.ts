/**
 * journalctl -o export (the Journal Export Format): one `FIELD=value` per line, entries
 * separated by an empty line; a field whose value is binary or holds a newline is written
 * as `FIELD` on its own line, a little-endian 64-bit length, the raw bytes and a newline.
 *
 * Two readers: `createJournalExportReader` works on the text lines the splitter produced
 * (a binary field's value is taken up to the next `FIELD=` line, since text decoding may
 * have mangled its length bytes), and `parseJournalExportBytes` works on raw bytes and
 * reads binary fields exactly by their length.
 */
import { journalEntryToParsed } from './journal-json';
import type { ParsedLine, RecordOut, RecordReader } from './registry';

const FIELD = /^([A-Z0-9_]+)=(.*)$/s;
const BARE_FIELD = /^[A-Z0-9_]+$/;

/** One line of an export file seen alone: the first field of an entry starts a record. */
export function parseJournalExportLine(line: string): ParsedLine | null {
  if (line === '') return null;
  const m = FIELD.exec(line);
  if (!m) return { message: line, continuation: true };
  if (m[1] === '__CURSOR') return { message: '', continuation: false };
  if (m[1] === 'MESSAGE') return { message: m[2]!, continuation: true };
  return { message: line, continuation: true };
}

const MAX_ENTRY_LINES = 100_000;

export function createJournalExportReader(): RecordReader {
  let fields: Record<string, string | string[]> = {};
  let lines = 0;
  // A binary field's value runs until the next `FIELD=` line or the entry's end: its bytes
  // went through text decoding, so its declared length cannot be trusted here.
  let binaryField: string | undefined;
  let binaryParts: string[] = [];

  const setField = (k: string, v: string): void => {
    const prev = fields[k];
    if (prev === undefined) fields[k] = v;
    else if (Array.isArray(prev)) prev.push(v);
    else fields[k] = [prev, v];
  };
  const finishBinary = (): void => {
    if (binaryField === undefined) return;
    // Drop the 8 length bytes in front of the value.
    setField(binaryField, binaryParts.join('\n').slice(8));
    binaryField = undefined;
    binaryParts = [];
  };
  const close = (): RecordOut => {
    finishBinary();
    const n = lines;
    const parsed = Object.keys(fields).length > 0 ? journalEntryToParsed(fields) : null;
    fields = {};
    lines = 0;
    return { lineCount: n, parsed };
  };

  return {
    push(line: string): RecordOut | undefined {
      lines++;
      if (line === '') return close();
      const m = FIELD.exec(line);
      if (binaryField !== undefined && !m) binaryParts.push(line);
      else {
        finishBinary();
        if (m) setField(m[1]!, m[2]!);
        else if (BARE_FIELD.test(line)) binaryField = line;
      }
      return lines >= MAX_ENTRY_LINES ? close() : undefined;
    },
    end(): RecordOut | undefined {
      return lines > 0 ? close() : undefined;
    },
  };
}

/** Entries of an export-format buffer, reading binary fields by their length. */
export function parseJournalExportBytes(
  buf: Buffer,
): Array<{ offset: number; fields: Record<string, string | Buffer> }> {
  const out: Array<{ offset: number; fields: Record<string, string | Buffer> }> = [];
  let pos = 0;
  let entry: Record<string, string | Buffer> = {};
  let entryStart = 0;
  while (pos < buf.length) {
    let nl = buf.indexOf(10, pos);
    if (nl < 0) nl = buf.length;
    if (nl === pos) {
      if (Object.keys(entry).length > 0) out.push({ offset: entryStart, fields: entry });
      entry = {};
      pos = nl + 1;
      entryStart = pos;
      continue;
    }
    const eq = buf.indexOf(61, pos);
    if (eq >= 0 && eq < nl) {
      entry[buf.toString('latin1', pos, eq)] = buf.toString('utf8', eq + 1, nl);
      pos = nl + 1;
      continue;
    }
    const name = buf.toString('latin1', pos, nl);
    if (nl + 9 > buf.length) break;
    const len = Number(buf.readBigUInt64LE(nl + 1));
    const start = nl + 9;
    const end = Math.min(buf.length, start + len);
    entry[name] = buf.subarray(start, end);
    pos = end + 1;
  }
  if (Object.keys(entry).length > 0) out.push({ offset: entryStart, fields: entry });
  return out;
}
