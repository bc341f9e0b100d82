/**
 * The ingest with the text layer wired in: encodings, line endings, NUL padding, formats with
 * their headers, clocks (years, zones, anchors), binary login records, re-runs.
 */
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ingestInputs } from '../../src/main/engine/ingest/ingest';
import { setCaseZone } from '../../src/main/engine/ingest/rezone';
import { entryAnchors } from '../../src/main/engine/ingest/source-ingest';
import { CaseStore } from '../../src/main/engine/store/case-store';
import { SEED_FILE, corpusAvailable, corpusPath } from '../helpers/corpus';
import { REPO, SAMPLE, SAMPLE_TREE, tmpDir } from '../helpers/tmp';

const SEED_SYSLOG = readFileSync(path.join(SAMPLE_TREE, 'var/log/syslog'));
const SEED_LINES = SEED_SYSLOG.toString('utf8').split('\n').slice(0, -1);
const FIXTURES = path.join(REPO, 'tests/fixtures/ingest');
const DAY = 86_400_000;

interface Row {
  line_id: number;
  line_no: number;
  byte_offset: number;
  ts: number | null;
  ts_quality: number;
  ts_zoned: number | null;
  host: string | null;
  program: string | null;
  pid: number | null;
  severity: number | null;
  text: string;
}

function rowsOf(store: CaseStore, sourcePath: string): Row[] {
  const s = store.sources().find((x) => x.path === sourcePath);
  if (!s)
    throw new Error(
      `no source ${sourcePath}: ${store
        .sources()
        .map((x) => x.path)
        .join(', ')}`,
    );
  return store.db
    .prepare(
      'SELECT *, line_text(block, line_id, text) AS text FROM line_rows(0, 9007199254740991) WHERE source_id = ? ORDER BY line_id',
    )
    .all(s.sourceId) as Row[];
}

function detailsOf(store: CaseStore, sourcePath: string) {
  const s = store.sources().find((x) => x.path === sourcePath)!;
  return { ...s, ...store.sourceDetails().find((d) => d.sourceId === s.sourceId)! };
}

const Q = {
  none: 0,
  exact: 1,
  'year-inferred': 2,
  'zone-assumed': 3,
  'boot-relative-converted': 4,
  'boot-relative': 5,
} as const;

function open(dir: string, name: string): CaseStore {
  return CaseStore.open(path.join(dir, name), { create: true });
}

/** The printed wall time of an RFC3164 line, as UTC ms in a given year and offset. */
function printed(line: string, year: number, offsetMin: number): number {
  const m = /^([A-Z][a-z]{2}) +(\d+) (\d\d):(\d\d):(\d\d)/.exec(line.replace(/^un /, 'Jun '))!;
  const month = 'JanFebMarAprMayJunJulAugSepOctNovDec'.indexOf(m[1]!) / 3;
  return Date.UTC(year, month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])) - offsetMin * 60_000;
}

describe('ingest: the seed incident', () => {
  const dir = tmpDir();

  it('gives every syslog line a 2022 time at +08:00 learned from the containerd lines, year-inferred, the damaged line included', async () => {
    const store = open(dir, 'seed.pmcase');
    await ingestInputs(store, [SAMPLE]);
    const rows = rowsOf(store, 'var/log/syslog');
    expect(rows.length).toBe(SEED_LINES.length);
    for (const [i, r] of rows.entries()) {
      expect(r.text).toBe(SEED_LINES[i]);
      expect(r.ts_quality).toBe(Q['year-inferred']);
      expect(r.ts_zoned).toBe(1);
      expect(new Date(r.ts!).getUTCFullYear()).toBe(2022);
      expect(r.ts).toBe(printed(r.text, 2022, 480));
    }
    const damaged = rows.find((r) => r.text.startsWith('un  6 21:33:14'));
    expect(damaged?.ts).toBe(Date.UTC(2022, 5, 6, 13, 33, 14));
    const first = rows[0]!;
    expect(first).toMatchObject({ host: 'video-stream', program: 'kernel' });
    const d = detailsOf(store, 'var/log/syslog');
    expect(d).toMatchObject({ kind: 'syslog', format: 'syslog', encoding: 'utf-8' });
    expect(d.formatReason).toMatch(/match the syslog header/);
    expect(d.timeAnchor).toMatch(
      /year 2022 inferred \(year-inferred\).*ISO time "2022-06-06T21:33:19[^"]*\+08:00" inside line \d+/,
    );
    expect(d.timeAnchor).toMatch(/zone UTC\+08:00: learned from \d+ ISO time/);
    expect(d.zone).toMatchObject({ zone: 480, assumed: false });
    store.close();
  });

  it('rewrites the provisional times of earlier batches once the year and zone are learned late', async () => {
    // A copy on disk has today's mtime: the first batches are written with that year and UTC,
    // the containerd lines near the end then give 2022 and +08:00.
    const file = path.join(dir, 'syslog');
    writeFileSync(file, SEED_SYSLOG);
    const store = open(dir, 'late.pmcase');
    await ingestInputs(store, [file], { batchLines: 7 });
    const rows = rowsOf(store, 'syslog');
    expect(rows.map((r) => r.ts)).toEqual(SEED_LINES.map((l) => printed(l, 2022, 480)));
    expect(new Set(rows.map((r) => r.ts_quality))).toEqual(new Set([Q['year-inferred']]));
    store.close();
  });

  it('does not duplicate anything when the same ingest runs again', async () => {
    const store = open(dir, 'rerun.pmcase');
    const first = await ingestInputs(store, [SAMPLE]);
    const before = store.summary();
    const again = await ingestInputs(store, [SAMPLE]);
    const after = store.summary();
    expect(first.lines).toBeGreaterThan(0);
    expect(again.lines).toBe(0);
    expect(after.lineCount).toBe(before.lineCount);
    expect(after.sources.filter((s) => s.status === 'complete').length).toBe(
      before.sources.filter((s) => s.status === 'complete').length,
    );
    const ids = store.db
      .prepare('SELECT count(*) AS n, max(line_id) AS m FROM line_rows(0, 9007199254740991)')
      .get() as {
      n: number;
      m: number;
    };
    expect(ids.n).toBe(ids.m);
    store.close();
  });
});

describe('ingest: encodings, line endings, padding', () => {
  const dir = tmpDir();

  it('reads a CRLF file: terminators removed, offsets past the CR, quirk recorded', async () => {
    const file = path.join(dir, 'kern.log');
    const lines = SEED_LINES.slice(0, 5);
    writeFileSync(file, lines.join('\r\n') + '\r\n');
    const store = open(dir, 'crlf.pmcase');
    await ingestInputs(store, [file]);
    const rows = rowsOf(store, 'kern.log');
    expect(rows.map((r) => r.text)).toEqual(lines);
    let off = 0;
    for (const [i, r] of rows.entries()) {
      expect(r.byte_offset).toBe(off);
      off += Buffer.byteLength(lines[i]!) + 2;
    }
    expect(detailsOf(store, 'kern.log').quirks).toContain('CRLF line endings');
    store.close();
  });

  it('records mixed line endings', async () => {
    const file = path.join(dir, 'mixed.log');
    writeFileSync(file, `${SEED_LINES[0]}\r\n${SEED_LINES[1]}\n${SEED_LINES[2]}\n`);
    const store = open(dir, 'mixed.pmcase');
    await ingestInputs(store, [file]);
    expect(rowsOf(store, 'mixed.log').map((r) => r.text)).toEqual(SEED_LINES.slice(0, 3));
    expect(detailsOf(store, 'mixed.log').quirks).toContain('mixed line endings (LF 2, CRLF 1)');
    store.close();
  });

  it('decodes a GB18030 file', async () => {
    const store = open(dir, 'gb.pmcase');
    await ingestInputs(store, [path.join(FIXTURES, 'seed-note.gb18030.txt')]);
    const d = detailsOf(store, 'seed-note.gb18030.txt');
    expect(d.encoding).toBe('gb18030');
    expect(d.quirks[0]).toMatch(/^encoding: \d+ GB18030 double-byte sequences/);
    const rows = rowsOf(store, 'seed-note.gb18030.txt');
    expect(rows.some((r) => r.text.includes('\uFFFD'))).toBe(false);
    if (existsSync(SEED_FILE)) {
      // The fixture is lines 1–8 and 23–26 of the seed, re-encoded (PROVENANCE.md).
      const seed = readFileSync(SEED_FILE, 'utf8').split('\n');
      expect(rows.map((r) => r.text)).toEqual([...seed.slice(0, 8), ...seed.slice(22, 26)]);
    } else {
      console.warn(`[skip] ${SEED_FILE} absent: GB18030 text checked against its known first line only`);
      expect(rows[0]!.text).toBe('一、问题描述');
    }
    store.close();
  });

  it('turns a NUL run into one marker line whose offset keeps the file tiled', async () => {
    const file = path.join(dir, 'messages');
    const before = SEED_LINES.slice(0, 3).join('\n') + '\n';
    const after = SEED_LINES.slice(3, 5).join('\n') + '\n';
    writeFileSync(file, Buffer.concat([Buffer.from(before), Buffer.alloc(4096), Buffer.from(after)]));
    const store = open(dir, 'nul.pmcase');
    await ingestInputs(store, [file]);
    const rows = rowsOf(store, 'messages');
    expect(rows.map((r) => r.text)).toEqual([
      ...SEED_LINES.slice(0, 3),
      '[NUL × 4096 bytes: unclean-shutdown padding]',
      ...SEED_LINES.slice(3, 5),
    ]);
    expect(rows[3]).toMatchObject({ byte_offset: Buffer.byteLength(before), ts: null, ts_quality: Q.none });
    expect(rows[4]!.byte_offset).toBe(Buffer.byteLength(before) + 4096);
    expect(rows.map((r) => r.line_no)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(detailsOf(store, 'messages').quirks.join(' | ')).toMatch(/nul-runs: 1 run\(s\), 4096 bytes/);
    store.close();
  });
});

describe('ingest: clocks', () => {
  const dir = tmpDir();

  it('anchors the year on the gzip header MTIME of a rotated log', async () => {
    const gz = gzipSync(Buffer.from(SEED_LINES.slice(0, 4).join('\n') + '\n'));
    gz.writeUInt32LE(Math.floor(Date.UTC(2019, 6, 1) / 1000), 4);
    const file = path.join(dir, 'syslog.2.gz');
    writeFileSync(file, gz);
    const store = open(dir, 'gz.pmcase');
    await ingestInputs(store, [file]);
    const rows = rowsOf(store, 'syslog.2.gz');
    expect(rows.map((r) => new Date(r.ts!).getUTCFullYear())).toEqual([2019, 2019, 2019, 2019]);
    expect(rows[0]!.ts_quality).toBe(Q['zone-assumed']);
    expect(detailsOf(store, 'syslog.2.gz').timeAnchor).toMatch(/gzip header's MTIME 2019-07-01/);
    store.close();
  });

  it('uses the file mtime as not-after, but not for sos command outputs', () => {
    const mtimeMs = Date.UTC(2022, 5, 8);
    expect(entryAnchors({ path: 'var/log/messages', mtimeMs })).toEqual([
      expect.objectContaining({ role: 'not-after', utcMs: mtimeMs }),
    ]);
    expect(entryAnchors({ path: 'sos_commands/kernel/dmesg', mtimeMs })).toEqual([]);
    expect(
      entryAnchors({ path: 'x/sos_commands/logs/journalctl_--no-pager', mtimeMs, gzip: { mtimeMs: null } }),
    ).toEqual([]);
  });

  it('assumes UTC without zone evidence, says so, and re-normalises when the case zone is set', async () => {
    const file = path.join(dir, 'kern.log');
    const lines = SEED_LINES.slice(0, 6);
    writeFileSync(file, lines.join('\n') + '\n');
    utimesSync(file, new Date(Date.UTC(2022, 5, 8)), new Date(Date.UTC(2022, 5, 8)));
    const store = open(dir, 'zone.pmcase');
    await ingestInputs(store, [file]);
    const utc = rowsOf(store, 'kern.log');
    expect(utc.map((r) => r.ts)).toEqual(lines.map((l) => printed(l, 2022, 0)));
    expect(new Set(utc.map((r) => r.ts_quality))).toEqual(new Set([Q['zone-assumed']]));
    expect(detailsOf(store, 'kern.log').timeAnchor).toMatch(
      /newest line not after the file's modification time 2022-06-08.*zone UTC\+00:00: no zone known: UTC assumed \(zone-assumed\)/,
    );
    const out = setCaseZone(store, 'Asia/Shanghai');
    expect(out).toMatchObject({ sources: 1, lines: lines.length });
    const sh = rowsOf(store, 'kern.log');
    expect(sh.map((r) => r.ts)).toEqual(lines.map((l) => printed(l, 2022, 480)));
    expect(store.zoneSetting()).toBe('Asia/Shanghai');
    expect(detailsOf(store, 'kern.log').timeAnchor).toMatch(
      /zone Asia\/Shanghai: case setting Asia\/Shanghai \(zone-assumed\)/,
    );
    setCaseZone(store, null);
    expect(rowsOf(store, 'kern.log').map((r) => r.ts)).toEqual(utc.map((r) => r.ts));
    store.close();
  });

  it('leaves sources with their own zone evidence alone when the case zone changes', async () => {
    const store = open(dir, 'learned.pmcase');
    await ingestInputs(store, [SAMPLE]);
    const before = rowsOf(store, 'var/log/syslog').map((r) => r.ts);
    setCaseZone(store, '-05:00');
    expect(rowsOf(store, 'var/log/syslog').map((r) => r.ts)).toEqual(before);
    store.close();
  });

  it('ingests a file configured with a case zone from the start', async () => {
    const file = path.join(dir, 'daemon.log');
    writeFileSync(file, SEED_LINES.slice(0, 2).join('\n') + '\n');
    utimesSync(file, new Date(Date.UTC(2022, 5, 8)), new Date(Date.UTC(2022, 5, 8)));
    const store = open(dir, 'preset.pmcase');
    store.setZoneSetting('+08:00');
    await ingestInputs(store, [file]);
    expect(rowsOf(store, 'daemon.log').map((r) => r.ts)).toEqual(
      SEED_LINES.slice(0, 2).map((l) => printed(l, 2022, 480)),
    );
    expect(Math.abs(rowsOf(store, 'daemon.log')[0]!.ts! - Date.UTC(2022, 5, 6, 13, 33, 13))).toBeLessThan(
      DAY,
    );
    store.close();
  });
});

describe('ingest: binary login records', () => {
  const dir = tmpDir();

  it('reads a utmp file as one row per record with exact UTC times', async () => {
    const store = open(dir, 'utmp.pmcase');
    await ingestInputs(store, [path.join(FIXTURES, 'utmp_x86_64')]);
    const d = detailsOf(store, 'utmp_x86_64');
    expect(d).toMatchObject({
      kind: 'utmp',
      format: 'utmp',
      status: 'complete',
      lineCount: 6,
      encoding: null,
    });
    expect(d.formatReason).toMatch(/6 valid record\(s\) in 384-byte little-endian/);
    const rows = rowsOf(store, 'utmp_x86_64');
    expect(rows.map((r) => r.byte_offset)).toEqual([0, 384, 768, 1152, 1536, 1920]);
    expect(rows.every((r) => r.ts_quality === Q.exact)).toBe(true);
    // ut_tv of the records, read independently of the parser.
    const bytes = readFileSync(path.join(FIXTURES, 'utmp_x86_64'));
    expect(rows.map((r) => r.ts)).toEqual(
      rows.map(
        (_, i) =>
          bytes.readInt32LE(i * 384 + 340) * 1000 + Math.floor(bytes.readInt32LE(i * 384 + 344) / 1000),
      ),
    );
    expect(rows.find((r) => r.text.startsWith('BOOT_TIME'))?.text).toMatch(
      /^BOOT_TIME +\[2\] \[00019\] \[~ {3}\] \[reboot {2}\] \[system boot \]/,
    );
    expect(rows.find((r) => r.text.startsWith('BOOT_TIME'))).toMatchObject({ pid: 19, host: null });
    store.close();
  });

  it('keeps a binary file that is not utmp skipped with the reason', async () => {
    const file = path.join(dir, 'wtmp.db');
    writeFileSync(file, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 251)));
    const store = open(dir, 'notutmp.pmcase');
    await ingestInputs(store, [file]);
    const s = store.sources().find((x) => x.path === 'wtmp.db')!;
    expect(s).toMatchObject({ status: 'skipped', kind: 'binary', lineCount: 0 });
    expect(s.error).toMatch(/binary content, not text.*not login records either/);
    store.close();
  });
});

describe.skipIf(!corpusAvailable)('ingest: real journal, kmsg and wtmp files from the corpus', () => {
  const dir = tmpDir();

  it('reads journal JSON with host, program, pid, severity and exact times', async () => {
    const store = open(dir, 'journal.pmcase');
    await ingestInputs(store, [corpusPath('d-journal/lnav__logfile_journald.json')]);
    const rows = rowsOf(store, 'lnav__logfile_journald.json');
    const objs = readFileSync(corpusPath('d-journal/lnav__logfile_journald.json'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, string>);
    expect(detailsOf(store, 'lnav__logfile_journald.json').format).toBe('journal-json');
    expect(rows.length).toBe(objs.length);
    for (const [i, r] of rows.entries()) {
      const o = objs[i]!;
      expect(r).toMatchObject({
        host: o._HOSTNAME,
        program: o.SYSLOG_IDENTIFIER,
        severity: Number(o.PRIORITY),
        ts_quality: Q.exact,
      });
      expect(r.ts).toBe(Math.floor(Number(o.__REALTIME_TIMESTAMP) / 1000));
    }
    store.close();
  });

  it('reads a kmsg dump: NUL separators dropped, severity from the prefix, times kept boot-relative', async () => {
    const file = corpusPath('b-dmesg/util-linux__dmesg_kmsg-input');
    const store = open(dir, 'kmsg.pmcase');
    await ingestInputs(store, [file]);
    const d = detailsOf(store, 'util-linux__dmesg_kmsg-input');
    expect(d.format).toBe('kmsg');
    const raw = readFileSync(file);
    const separators = raw.filter((b) => b === 0).length;
    expect(d.quirks).toContain(`${separators} NUL record separators dropped`);
    const rows = rowsOf(store, 'util-linux__dmesg_kmsg-input');
    expect(rows.some((r) => r.text.includes('[NUL'))).toBe(false);
    const headers = rows.filter((r) => /^\d+,\d+,\d+,/.test(r.text));
    expect(headers.length).toBeGreaterThan(40);
    for (const r of headers) {
      expect(r.severity).toBe(Number(r.text.split(',')[0]) & 7);
      expect(r.ts_quality).toBe(Q['boot-relative']);
      // each record starts where its bytes are
      expect(raw.toString('utf8', r.byte_offset, r.byte_offset + 12)).toBe(r.text.slice(0, 12));
    }
    store.close();
  });

  it('reads a big-endian 400-byte wtmp by the layout that fits', async () => {
    const store = open(dir, 'wtmp-be.pmcase');
    await ingestInputs(store, [corpusPath('c-wtmp/plaso__utmp_s390')]);
    const d = detailsOf(store, 'plaso__utmp_s390');
    expect(d.status).toBe('complete');
    expect(d.formatReason).toMatch(/400-byte big-endian/);
    expect(
      rowsOf(store, 'plaso__utmp_s390').every(
        (r) => r.ts_quality === Q.exact || r.text.startsWith('CORRUPT') || r.text.startsWith('PARTIAL'),
      ),
    ).toBe(true);
    store.close();
  });

  it('reports corrupt records and a partial tail of a damaged utmp', async () => {
    const store = open(dir, 'wtmp-bad.pmcase');
    await ingestInputs(store, [corpusPath('c-wtmp/plaso__utmp_corrupted')]);
    const d = detailsOf(store, 'plaso__utmp_corrupted');
    expect(d.status).toBe('complete');
    expect(d.error).toMatch(/corrupt record\(s\).*partial record of \d+ bytes/);
    const rows = rowsOf(store, 'plaso__utmp_corrupted');
    expect(
      rows.filter((r) => r.text.startsWith('CORRUPT')).every((r) => r.ts === null && r.ts_quality === Q.none),
    ).toBe(true);
    expect(rows.at(-1)!.text).toMatch(/^PARTIAL record/);
    store.close();
  });

  it('splits forward-format records out of one physical line at their own byte offsets', async () => {
    const file = corpusPath('a-syslog/plaso__syslog_rsyslog_ForwardFormat');
    const store = open(dir, 'fwd.pmcase');
    await ingestInputs(store, [file]);
    const raw = readFileSync(file);
    const rows = rowsOf(store, 'plaso__syslog_rsyslog_ForwardFormat');
    expect(detailsOf(store, 'plaso__syslog_rsyslog_ForwardFormat').format).toBe('syslog-forward');
    expect(rows.length).toBeGreaterThan(raw.toString('utf8').split('\n').length);
    for (const r of rows)
      expect(raw.toString('utf8', r.byte_offset, r.byte_offset + Buffer.byteLength(r.text))).toBe(r.text);
    expect(
      rows
        .filter((r) => r.text.startsWith('<'))
        .every((r) => r.ts_quality === Q.exact && r.severity !== null),
    ).toBe(true);
    store.close();
  });
});
