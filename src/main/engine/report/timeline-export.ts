/**
 * The timeline export: every line and every finding of a case with its UTC time, as JSONL or
 * as a Timesketch-importable CSV (`message`, `datetime`, `timestamp`, `timestamp_desc` plus
 * source fields). Streamed to a file in batches: a 10M-line case is never held in memory, and
 * the worker yields between batches so it keeps answering other calls.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { Finding } from '../../../shared/model/finding';
import type { TimeQuality } from '../../../shared/model/log';
import type { Redactor } from '../../report/redact';
import type { CaseStore } from '../store/case-store';
import { TIME_QUALITY_CODES } from '../store/schema';
import { lastLineId } from '../store/line-heads';

export type TimelineFormat = 'jsonl' | 'timesketch';

export interface TimelineExportResult {
  bytes: number;
  lines: number;
  findings: number;
  /** Lines left out of the Timesketch CSV because they carry no time (JSONL keeps them, datetime null). */
  untimed: number;
  ms: number;
}

const BATCH = 20_000;
const FLUSH_BYTES = 4 * 1024 * 1024;

const TS_DESC: Record<TimeQuality, string> = {
  exact: 'Log line time',
  'year-inferred': 'Log line time (year inferred)',
  'zone-assumed': 'Log line time (zone assumed)',
  'boot-relative-converted': 'Log line time (converted from seconds since boot)',
  'boot-relative': 'Seconds since boot (not converted)',
  none: 'No time',
};

export const TIMESKETCH_COLUMNS = [
  'message',
  'datetime',
  'timestamp',
  'timestamp_desc',
  'data_type',
  'source',
  'source_sha256',
  'line_no',
  'line_id',
  'host',
  'program',
  'pid',
  'ts_quality',
  'severity',
  'evidence',
] as const;

function csvCell(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Writes through one reused buffer: no per-batch string join, little garbage. */
class Out {
  private readonly fd: number;
  private readonly buf = Buffer.allocUnsafe(FLUSH_BYTES);
  private off = 0;
  bytes = 0;
  constructor(file: string) {
    this.fd = openSync(file, 'w');
  }
  write(s: string): void {
    const worst = s.length * 3; // UTF-16 code unit → at most 3 UTF-8 bytes
    if (this.off + worst > this.buf.length) this.flush();
    if (worst > this.buf.length) {
      const b = Buffer.from(s, 'utf8');
      writeSync(this.fd, b);
      this.bytes += b.length;
      return;
    }
    this.off += this.buf.write(s, this.off, 'utf8');
  }
  flush(): void {
    if (this.off === 0) return;
    writeSync(this.fd, this.buf, 0, this.off);
    this.bytes += this.off;
    this.off = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

interface LineRowDb {
  line_id: number;
  source_id: number;
  line_no: number;
  ts: number | null;
  ts_quality: number;
  text: string;
  host: string | null;
  program: string | null;
  pid: number | null;
}

function jsonStr(s: string | null): string {
  return s === null ? 'null' : JSON.stringify(s);
}

type RawRow = [
  number,
  number,
  number,
  number | null,
  number,
  string,
  string | null,
  string | null,
  number | null,
];

export async function exportTimeline(
  store: CaseStore,
  findings: Finding[],
  format: TimelineFormat,
  file: string,
  redactor: Redactor | null,
): Promise<TimelineExportResult> {
  const started = performance.now();
  const red = (s: string | null): string | null => (s === null || !redactor ? s : redactor.text(s));
  const sources = new Map(
    store.sources().map((s) => {
      const p = red(s.path) ?? s.path;
      return [s.sourceId, { path: p, pathJson: JSON.stringify(p), sha: s.sha256 }];
    }),
  );
  const out = new Out(file);
  let lines = 0;
  let untimed = 0;
  try {
    if (format === 'timesketch') out.write(`${TIMESKETCH_COLUMNS.join(',')}\n`);
    // Findings first: they are few and are what a team looks for first.
    for (const f of findings) {
      const message = red(`${f.title}: ${f.summary}`) ?? '';
      const evidence = f.evidence.map((e) => `${red(e.sourcePath)}:${e.lineNo}`).join(' ');
      const iso = f.ts !== null ? new Date(f.ts).toISOString() : null;
      if (format === 'jsonl')
        out.write(
          `${JSON.stringify({
            kind: 'finding',
            datetime: iso,
            timestamp: f.ts !== null ? f.ts * 1000 : null,
            finding_kind: f.kind,
            finding_key: red(f.findingKey),
            severity: f.severity,
            message,
            evidence: f.evidence.map((e) => ({
              source: red(e.sourcePath),
              line_no: e.lineNo,
              line_id: e.lineId,
            })),
          })}\n`,
        );
      else if (iso !== null)
        out.write(
          `${[
            message,
            iso,
            f.ts! * 1000,
            `Postmortem finding (${f.kind})`,
            'postmortem:finding',
            '',
            '',
            '',
            '',
            '',
            '',
            '',
            '',
            f.severity,
            evidence,
          ]
            .map(csvCell)
            .join(',')}\n`,
        );
    }
    // Rows as arrays (raw): no object per row from the driver, the export builds its own.
    const stmt = store.db
      .prepare(
        store.heads.packed
          ? 'SELECT line_id, source_id, line_no, ts, ts_quality, line_text(block, line_id, text) AS text, host, program, pid FROM line_rows(@after + 1, @after + 1 + @n)'
          : 'SELECT line_id, source_id, line_no, ts, ts_quality, line_text(block, line_id, text) AS text, host, program, pid FROM lines WHERE line_id > @after ORDER BY line_id LIMIT @n',
      )
      .raw(true);
    let after = 0;
    // Packed headers are read by id range: a range may fall in a gap (a dropped source).
    const lastId = store.heads.packed ? lastLineId(store.db) : 0;
    for (;;) {
      const raws = stmt.all({ after, n: BATCH }) as RawRow[];
      if (raws.length === 0) {
        if (after + BATCH < lastId) {
          after += BATCH;
          continue;
        }
        break;
      }
      let lastSeen = after;
      for (const a of raws) {
        const r: LineRowDb = {
          line_id: a[0],
          source_id: a[1],
          line_no: a[2],
          ts: a[3],
          ts_quality: a[4],
          text: a[5],
          host: a[6],
          program: a[7],
          pid: a[8],
        };
        lastSeen = r.line_id;
        const src = sources.get(r.source_id);
        const quality: TimeQuality = TIME_QUALITY_CODES[r.ts_quality] ?? 'none';
        const iso = r.ts !== null ? new Date(r.ts).toISOString() : null;
        lines++;
        if (format === 'jsonl') {
          // Built by hand (strings through JSON.stringify): the same object as
          // JSON.stringify({kind, datetime, …}) without an object per line.
          out.write(
            `{"kind":"line","datetime":${iso === null ? 'null' : `"${iso}"`},"timestamp":${r.ts === null ? 'null' : r.ts * 1000},"ts_quality":"${quality}","source":${src ? src.pathJson : 'null'},"source_sha256":${src?.sha ? `"${src.sha}"` : 'null'},"line_no":${r.line_no},"line_id":${r.line_id},"host":${jsonStr(red(r.host))},"program":${jsonStr(red(r.program))},"pid":${r.pid === null ? 'null' : r.pid},"message":${jsonStr(red(r.text))}}\n`,
          );
        } else if (iso === null) {
          untimed++;
        } else {
          out.write(
            `${[
              red(r.text),
              iso,
              r.ts! * 1000,
              TS_DESC[quality],
              'postmortem:line',
              src?.path ?? '',
              src?.sha ?? '',
              r.line_no,
              r.line_id,
              red(r.host),
              red(r.program),
              r.pid,
              quality,
              '',
              '',
            ]
              .map(csvCell)
              .join(',')}\n`,
          );
        }
      }
      after = lastSeen;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    out.close();
  }
  return {
    bytes: out.bytes,
    lines,
    findings: findings.length,
    untimed,
    ms: Math.round(performance.now() - started),
  };
}
