/**
 * A long source whose year is learnt only at its end (a containerd line with an ISO time,
 * the file's mtime years later): every batch before it was written with a provisional year
 * and is rewritten from the clock's pending times, which a source this long has spilled to
 * the ingest's temporary folder. In the engine's thread and in the parse worker alike, the
 * rewritten times must be the printed ones in the learnt year, and the folder must be gone.
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ingestInputs } from '../../../src/main/engine/ingest/ingest';
import { configureParseWorker, parseWorkerStats } from '../../../src/main/engine/ingest/parse-worker';
import { CaseStore } from '../../../src/main/engine/store/case-store';
import { tmpDir } from '../../helpers/tmp';

const REPO = path.resolve(__dirname, '../../..');
configureParseWorker(path.join(REPO, 'src/main/engine/ingest/parse-boot.cjs'));
afterAll(() => configureParseWorker(null));

const LINES = 200_000;
const two = (n: number): string => String(n).padStart(2, '0');

/**
 * Jun 6 00:00:00 onwards, one line a second; every fourth a kernel line with boot seconds;
 * the last ones containerd's, whose messages carry the time with its year (the clock samples
 * one line in 1024 for those once it has seen 50 000, so there are more than 1024).
 */
function writeLog(file: string): void {
  const out: string[] = [];
  for (let t = 0; t <= LINES; t++) {
    const day = 6 + Math.floor(t / 86_400);
    const hms = `${two(Math.floor(t / 3600) % 24)}:${two(Math.floor(t / 60) % 60)}:${two(t % 60)}`;
    const stamp = `Jun ${String(day).padStart(2, ' ')} ${hms}`;
    out.push(
      t > LINES - 1500
        ? `${stamp} web-07 containerd[811]: time="2022-06-${two(day)}T${hms}.000000000Z" level=info msg="shim disconnected" id=4f1c`
        : t % 4 === 0
          ? `${stamp} web-07 kernel: [${(1000 + t).toFixed(6).padStart(12, ' ')}] eth0: link up ${t}`
          : `${stamp} web-07 sshd[${2000 + (t % 97)}]: Accepted publickey for deploy from 10.0.0.${t % 250} port ${40000 + (t % 9999)} ssh2`,
    );
  }
  writeFileSync(file, out.join('\n') + '\n');
}

function rows(file: string): Array<[number | null, number, string]> {
  const store = CaseStore.open(file, { create: false });
  try {
    return store.db
      .prepare(
        'SELECT ts, ts_quality, line_text(block, line_id, text) AS text FROM line_rows(0, 9007199254740991) ORDER BY line_id',
      )
      .raw(true)
      .all() as Array<[number | null, number, string]>;
  } finally {
    store.close();
  }
}

describe('pending times spilled to the ingest folder', () => {
  const dir = tmpDir('pm-spill-');
  const log = path.join(dir, 'syslog');
  writeLog(log);

  for (const parseWorker of [false, true]) {
    it(`rewrites every earlier batch to the learnt year (${parseWorker ? 'parse worker' : "engine's thread"})`, async () => {
      const file = path.join(dir, `${parseWorker ? 'worker' : 'inline'}.pmcase`);
      const before = parseWorkerStats.sources;
      const store = CaseStore.open(file, { create: true });
      const out = await ingestInputs(store, [log], { parseWorker });
      store.close();
      expect(parseWorkerStats.sources - before).toBe(parseWorker ? 1 : 0);
      expect(out.lines).toBe(LINES + 1);
      expect(existsSync(`${file}-tmp`)).toBe(false);
      const r = rows(file);
      // The printed times in 2022, one second apart, the kernel lines' included.
      const first = Date.UTC(2022, 5, 6);
      for (let i = 0; i <= LINES; i++) {
        if (r[i]![0] !== first + i * 1000)
          expect([i, r[i]![0], r[i]![2]]).toEqual([i, first + i * 1000, r[i]![2]]);
      }
    }, 120_000);
  }

  it('gives the same rows either way', () => {
    expect(rows(path.join(dir, 'worker.pmcase'))).toEqual(rows(path.join(dir, 'inline.pmcase')));
  });
});
