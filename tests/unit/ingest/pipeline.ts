/**
 * The text layer end to end, as the ingest will run it: split → decode → sniff → parse
 * (through the format's RecordReader, forward-format records split out of their line).
 */
import { decodeBytes, detectEncoding, type EncodingVerdict } from '../../../src/main/engine/ingest/decode';
import { LineSplitter } from '../../../src/main/engine/ingest/lines';
import {
  createRecordReader,
  formatOf,
  sniff,
  type FormatKind,
  type ParsedLine,
  type SniffResult,
} from '../../../src/main/engine/formats/registry';

export interface PipelineOut {
  encoding: EncodingVerdict;
  sniff?: SniffResult;
  kind?: FormatKind;
  lines: string[];
  /** One per record: the first line index it covers and its parse. */
  records: Array<{ line: number; parsed: ParsedLine | null }>;
  nulRuns: number;
}

export function runTextLayer(buf: Buffer, fileName: string, chunk = 4096): PipelineOut {
  const encoding = detectEncoding(buf.subarray(0, 65536), buf.length <= 65536);
  const out: PipelineOut = { encoding, lines: [], records: [], nulRuns: 0 };
  if (!encoding.encoding) return out;
  const enc = encoding.encoding;
  const sp = new LineSplitter({
    line: (b, s, e) => out.lines.push(decodeBytes(b, s, e, enc)),
    nulRun: () => out.nulRuns++,
  });
  for (let i = 0; i < buf.length; i += chunk) sp.push(buf.subarray(i, i + chunk));
  sp.end();
  out.sniff = sniff(out.lines.slice(0, 200), fileName);
  out.kind = out.sniff.format;
  const def = formatOf(out.kind);
  const reader = createRecordReader(out.kind);
  let first = 0;
  out.lines.forEach((l, i) => {
    if (def.splitRecords) {
      for (const r of def.splitRecords(l)) out.records.push({ line: i, parsed: r.parsed });
      first = i + 1;
      return;
    }
    const r = reader.push(l);
    if (r) {
      out.records.push({ line: i - r.lineCount + 1, parsed: r.parsed });
      first = i + 1;
    }
  });
  const tail = reader.end();
  if (tail) out.records.push({ line: first, parsed: tail.parsed });
  return out;
}
