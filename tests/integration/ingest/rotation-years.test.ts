/**
 * Years chained across a rotation family that spans New Year: `syslog` (Jan 3–5, 2023),
 * `syslog.1` (Dec 31 → Jan 3) and `syslog.2.gz` (Dec 27–31), year-less RFC3164 lines made from
 * the seed's real messages. The live file learns its year from a containerd line's ISO time
 * (as on real hosts); the rotations' own mtimes are useless: reset by a copy two years later,
 * or missing. Each older rotation must end before the next newer one begins, so Dec lands in
 * 2022 and Jan in 2023, every line `year-inferred` with the bound named.
 */
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ingestInputs } from '../../../src/main/engine/ingest/ingest';
import { CaseStore } from '../../../src/main/engine/store/case-store';
import { SAMPLE_TREE, tmpDir } from '../../helpers/tmp';

const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
// The seed's messages after the host name: "kernel: …", "systemd-journald: …", …
const BODIES = readFileSync(path.join(SAMPLE_TREE, 'var/log/syslog'), 'utf8')
  .split('\n')
  .filter((l) => / video-stream [\w./-]+(\[\d+\])?: /.test(l))
  // Not the seed's containerd lines: their ISO times (June 2022) would date these copies.
  .filter((l) => !/\d{4}-\d\d-\d\dT\d\d:/.test(l))
  .map((l) => l.slice(l.indexOf(' video-stream ') + ' video-stream '.length));

/** RFC3164 lines every `stepMin` minutes from `from` to `to` (UTC wall times, printed without a year). */
function lines(from: string, to: string, stepMin: number): string[] {
  const out: string[] = [];
  let i = 0;
  for (let t = Date.parse(from); t <= Date.parse(to); t += stepMin * 60_000) {
    const d = new Date(t);
    const hms = d.toISOString().slice(11, 19);
    out.push(
      `${MON[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${hms} web01 ${BODIES[i++ % BODIES.length]}`,
    );
  }
  return out;
}

function writeFamily(dir: string, mtime: Date | 0): void {
  const log = path.join(dir, 'var/log');
  mkdirSync(log, { recursive: true });
  const live = lines('2023-01-03T08:00:00Z', '2023-01-05T10:00:00Z', 7);
  // containerd prints its own RFC3339 time inside the message (here UTC, so the zone is too).
  live.push(
    'Jan  5 10:00:30 web01 containerd[1187]: time="2023-01-05T10:00:30.412345678Z" level=info msg="shim disconnected" id=4ebca70fe5bf',
  );
  writeFileSync(path.join(log, 'syslog'), live.join('\n') + '\n');
  writeFileSync(
    path.join(log, 'syslog.1'),
    lines('2022-12-31T20:00:00Z', '2023-01-03T07:58:00Z', 5).join('\n') + '\n',
  );
  writeFileSync(
    path.join(log, 'syslog.2.gz'),
    gzipSync(Buffer.from(lines('2022-12-27T06:25:00Z', '2022-12-31T19:59:00Z', 9).join('\n') + '\n')),
  );
  for (const f of ['syslog', 'syslog.1', 'syslog.2.gz']) {
    const t = mtime === 0 ? 0 : mtime;
    utimesSync(path.join(log, f), t, t);
  }
}

function yearsOf(
  store: CaseStore,
  p: string,
): { years: string[]; qualities: string[]; anchor: string | null } {
  const s = store.sources().find((x) => x.path === p)!;
  const rows = store.page({ kind: 'source', sourceId: s.sourceId }, 0, s.lineCount).lines;
  const anchor = store.sourceDetails().find((d) => d.sourceId === s.sourceId)!.timeAnchor;
  return {
    years: [
      ...new Set(
        rows.map((r) =>
          r.ts === null ? 'none' : `${new Date(r.ts).getUTCFullYear()}-${r.text.slice(0, 3)}`,
        ),
      ),
    ],
    qualities: [...new Set(rows.map((r) => r.tsQuality))],
    anchor,
  };
}

describe('years chained across a rotation family spanning New Year', () => {
  const dir = tmpDir('pm-rotyears-');

  for (const [name, mtime] of [
    ['mtimes reset by a copy two years later', new Date('2025-03-01T09:00:00Z')],
    ['no mtimes at all', 0],
  ] as const) {
    it(`gives Dec 2022 and Jan 2023 (${name})`, async () => {
      const input = path.join(dir, name.replace(/\W+/g, '-'));
      writeFamily(input, mtime);
      const store = CaseStore.open(path.join(dir, `${path.basename(input)}.pmcase`), { create: true });
      const out = await ingestInputs(store, [input]);
      expect(out.errors).toEqual([]);
      const live = yearsOf(store, 'var/log/syslog');
      expect(live.years).toEqual(['2023-Jan']);
      const r1 = yearsOf(store, 'var/log/syslog.1');
      expect(r1.years).toEqual(['2022-Dec', '2023-Jan']);
      // No zone evidence in the rotated files: UTC assumed, which the line's quality reports
      // first (`zone-assumed` ranks below `year-inferred`); the year's own anchor is in the text.
      expect(r1.qualities).toEqual(['zone-assumed']);
      expect(r1.anchor).toMatch(/^year 2022\/2023 inferred \(year-inferred\) for \d+ year-less line/);
      expect(r1.anchor).toMatch(
        /newest line not after the next newer rotation var\/log\/syslog begins at 2023-01-03T08:00:00\.000Z/,
      );
      const r2 = yearsOf(store, 'var/log/syslog.2.gz');
      expect(r2.years).toEqual(['2022-Dec']);
      expect(r2.qualities).toEqual(['zone-assumed']);
      expect(r2.anchor).toMatch(/^year 2022 inferred \(year-inferred\)/);
      expect(r2.anchor).toMatch(
        /the next newer rotation var\/log\/syslog\.1 begins at 2022-12-31T20:00:00\.000Z/,
      );
      const logged = store.db
        .prepare(
          "SELECT path FROM ingest_log WHERE message LIKE 'year re-inferred from its rotation family%' ORDER BY path",
        )
        .pluck()
        .all();
      expect(logged).toEqual(['var/log/syslog.1', 'var/log/syslog.2.gz']);
      // The merged order is built from the rewritten times: Dec 27 2022 first, the live file last.
      const order = store.db
        .prepare('SELECT min(ts) AS a, max(ts) AS b FROM line_rows(0, 9007199254740991)')
        .get() as {
        a: number;
        b: number;
      };
      expect(new Date(order.a).toISOString()).toBe('2022-12-27T06:25:00.000Z');
      expect(new Date(order.b).toISOString()).toBe('2023-01-05T10:00:30.000Z');
      store.close();
    });
  }

  it('leaves a family alone when its members already agree (true mtimes)', async () => {
    const input = path.join(dir, 'true-mtimes');
    writeFamily(input, new Date('2023-01-05T10:05:00Z'));
    // Each rotation's mtime is its last write, as logrotate leaves it.
    utimesSync(
      path.join(input, 'var/log/syslog.1'),
      new Date('2023-01-03T07:58:00Z'),
      new Date('2023-01-03T07:58:00Z'),
    );
    utimesSync(
      path.join(input, 'var/log/syslog.2.gz'),
      new Date('2022-12-31T19:59:00Z'),
      new Date('2022-12-31T19:59:00Z'),
    );
    const store = CaseStore.open(path.join(dir, 'true.pmcase'), { create: true });
    await ingestInputs(store, [input]);
    expect(yearsOf(store, 'var/log/syslog.1').years).toEqual(['2022-Dec', '2023-Jan']);
    expect(yearsOf(store, 'var/log/syslog.2.gz').years).toEqual(['2022-Dec']);
    expect(yearsOf(store, 'var/log/syslog.2.gz').anchor).toMatch(/file's modification time 2022-12-31/);
    const logged = store.db
      .prepare("SELECT count(*) FROM ingest_log WHERE message LIKE 'year re-inferred%'")
      .pluck()
      .get();
    expect(logged).toBe(0);
    store.close();
  });
});
