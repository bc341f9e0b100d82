import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { gzipSync, createGzip } from 'node:zlib';
import * as tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { detectEncoding } from '../../src/main/engine/ingest/decode';
import { ingestInputs } from '../../src/main/engine/ingest/ingest';
import { safeMemberPath } from '../../src/main/engine/ingest/inputs';
import { CaseStore } from '../../src/main/engine/store/case-store';
import { startCli } from '../helpers/cli';
import { whenCaseShows } from '../helpers/poll-case';
import { REPO, SAMPLE, SAMPLE_TREE, tmpDir } from '../helpers/tmp';

const SEED_LINES = readFileSync(path.join(SAMPLE_TREE, 'var/log/syslog'), 'utf8').split('\n').slice(0, -1);

async function writeTar(
  file: string,
  members: {
    name: string;
    body?: Buffer | string;
    type?: 'file' | 'symlink' | 'fifo' | 'link';
    linkname?: string;
  }[],
  gzip: boolean,
): Promise<void> {
  const pack = tar.pack();
  const done = gzip
    ? pipeline(pack, createGzip(), createWriteStream(file))
    : pipeline(pack, createWriteStream(file));
  for (const m of members) {
    if (m.type && m.type !== 'file') pack.entry({ name: m.name, type: m.type, linkname: m.linkname ?? '' });
    else
      pack.entry(
        { name: m.name },
        typeof m.body === 'string' ? Buffer.from(m.body) : (m.body ?? Buffer.alloc(0)),
      );
  }
  pack.finalize();
  await done;
}

describe('minimal ingest: customers’ archives are untrusted', () => {
  const dir = tmpDir();

  it('records safe member paths', () => {
    expect(safeMemberPath('../../etc/passwd')).toMatchObject({ path: 'etc/passwd' });
    expect(safeMemberPath('../../etc/passwd').note).toMatch(/climbs out/);
    expect(safeMemberPath('/var/log/syslog')).toMatchObject({ path: 'var/log/syslog' });
    expect(safeMemberPath('./var//log/./syslog')).toEqual({ path: 'var/log/syslog', note: null });
  });

  it('tells binary from text, NUL padding included', () => {
    // The ingest now decides with decode.ts's detectEncoding (the minimal looksBinary is gone).
    expect(detectEncoding(Buffer.from('Jun  6 21:33:13 video-stream kernel: x\n')).encoding).toBe('utf-8');
    const padded = Buffer.concat([
      Buffer.from('Jun  6 21:33:13 host kernel: last line before power loss\n'.repeat(40)),
      Buffer.alloc(64),
    ]);
    expect(detectEncoding(padded).encoding).toBe('utf-8');
    expect(
      detectEncoding(readFileSync(path.join(REPO, 'resources/samples/seed-incident.tar.gz'))).reason,
    ).toMatch(/binary: gzip/);
  });

  it('indexes what it can, names every problem, writes nothing outside the case', async () => {
    const archive = path.join(dir, 'hostile.tar.gz');
    const crlf = SEED_LINES.slice(0, 3).join('\r\n') + '\r\n';
    await writeTar(
      archive,
      [
        { name: 'var/log/syslog', body: SEED_LINES.join('\n') + '\n' },
        { name: '../../outside.log', body: 'Jun  6 21:33:13 video-stream kernel: escaped\n' },
        { name: 'var/log/messages', type: 'symlink', linkname: 'syslog' },
        { name: 'dev/fifo', type: 'fifo' },
        { name: 'var/log/kern.log.crlf', body: crlf },
        {
          name: 'var/log/syslog.2.gz',
          body: gzipSync(Buffer.from('Jun  4 06:25:01 video-stream CRON[1]: (root) CMD (x)\n')),
        },
        {
          name: 'var/lib/blob.bin',
          body: Buffer.from(Array.from({ length: 9000 }, (_, i) => (i * 7) % 256)),
        },
        { name: 'var/log/syslog.copy', body: SEED_LINES.join('\n') + '\n' },
        {
          name: 'var/log/invalid-utf8',
          body: Buffer.concat([Buffer.from('ok '), Buffer.from([0xff, 0xfe]), Buffer.from(' 中文\n')]),
        },
      ],
      true,
    );
    const store = CaseStore.open(path.join(dir, 'h.pmcase'), { create: true });
    const out = await ingestInputs(store, [archive]);
    const s = store.summary();
    const byPath = new Map(s.sources.map((x) => [x.path, x]));
    expect(byPath.get('var/log/syslog')?.lineCount).toBe(SEED_LINES.length);
    expect(byPath.get('outside.log')?.lineCount).toBe(1);
    expect(out.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(
        /hostile\.tar\.gz: outside\.log: member path "\.\.\/\.\.\/outside\.log" climbs out/,
      ),
    ]);
    // The symlink var/log/messages -> syslog is resolved inside the archive: another path of syslog.
    expect(byPath.has('var/log/messages')).toBe(false);
    expect(byPath.get('dev/fifo')).toMatchObject({
      status: 'skipped',
      error: expect.stringMatching(/fifo entry/),
    });
    const crlfPage = store.page(
      { kind: 'source', sourceId: byPath.get('var/log/kern.log.crlf')!.sourceId },
      0,
      10,
    );
    expect(crlfPage.lines.map((l) => l.text)).toEqual(SEED_LINES.slice(0, 3));
    expect(crlfPage.lines[1]!.byteOffset).toBe(Buffer.byteLength(SEED_LINES[0]!) + 2);
    const gz = store.page({ kind: 'source', sourceId: byPath.get('var/log/syslog.2.gz')!.sourceId }, 0, 10);
    expect(gz.lines[0]!.text).toContain('CRON[1]');
    expect(byPath.get('var/lib/blob.bin')).toMatchObject({ status: 'skipped', kind: 'binary', lineCount: 0 });
    // identical content indexed once, both paths recorded
    expect(byPath.has('var/log/syslog.copy')).toBe(false);
    expect(out.duplicates).toBe(1);
    const paths = store.db
      .prepare('SELECT path FROM source_paths WHERE source_id = ? ORDER BY path')
      .all(byPath.get('var/log/syslog')!.sourceId);
    expect(paths).toEqual([
      { path: 'var/log/messages' },
      { path: 'var/log/syslog' },
      { path: 'var/log/syslog.copy' },
    ]);
    const bad = store.page({ kind: 'source', sourceId: byPath.get('var/log/invalid-utf8')!.sourceId }, 0, 1);
    expect(bad.lines[0]!.text).toBe('ok \uFFFD\uFFFD 中文');
    // line ids stay dense across sources
    const ids = store.db
      .prepare('SELECT count(*) AS n, max(line_id) AS m FROM line_rows(0, 9007199254740991)')
      .get() as {
      n: number;
      m: number;
    };
    expect(ids.n).toBe(ids.m);
    store.close();
  });

  it('reports a truncated archive with what was readable', async () => {
    const full = readFileSync(SAMPLE);
    const cut = path.join(dir, 'cut.tar.gz');
    writeFileSync(cut, full.subarray(0, Math.floor(full.length * 0.6)));
    const store = CaseStore.open(path.join(dir, 'cut.pmcase'), { create: true });
    const out = await ingestInputs(store, [cut]);
    expect(out.errors.length).toBeGreaterThan(0);
    expect(out.errors[0]!.message).toMatch(/cut\.tar\.gz: .*(unexpected end|damaged|read failed)/);
    expect(store.info().state).toBe('complete');
    store.close();
  });

  it('survives kill -9 mid-ingest: the case opens, says incomplete, and the re-run completes it without duplicates', async () => {
    const big = path.join(dir, 'big.log');
    const line = SEED_LINES[0]!;
    writeFileSync(big, Array.from({ length: 400_000 }, (_, i) => `${line} ${i}`).join('\n') + '\n');
    const caseFile = path.join(dir, 'kill.pmcase');
    const child = startCli(['index', SAMPLE, big, '-o', caseFile], dir);
    // Kill once some lines of the big file are committed.
    await whenCaseShows(caseFile, child, 'lines of big.log were committed', (db) => {
      const n = db
        .prepare(
          // A plain connection: packed headers' line counts, or rows (a case with a row per line).
          `SELECT (SELECT coalesce(sum(h.n), 0) FROM line_heads h JOIN sources s ON s.source_id = h.source_id WHERE s.path = 'big.log')
                + (SELECT count(*) FROM lines l JOIN sources s ON s.source_id = l.source_id WHERE s.path = 'big.log')`,
        )
        .pluck()
        .get() as number;
      return n > 20_000 ? true : undefined;
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const after = CaseStore.open(caseFile, { create: false });
    expect(after.info().state).toBe('indexing');
    expect(after.sources().find((s) => s.path === 'big.log')?.status).toBe('indexing');
    const out = await ingestInputs(after, [SAMPLE, big]);
    expect(out.errors).toEqual([]);
    const s = after.summary();
    expect(s.state).toBe('complete');
    expect(s.sources.map((x) => [x.path, x.lineCount, x.status])).toEqual([
      ['var/log/syslog', SEED_LINES.length, 'complete'],
      ['sos_commands/login/last', 5, 'complete'],
      ['proc/sys/vm/panic_on_oom', 1, 'complete'],
      ['big.log', 400_000, 'complete'],
    ]);
    const ids = after.db
      .prepare('SELECT count(*) AS n, max(line_id) AS m FROM line_rows(0, 9007199254740991)')
      .get() as {
      n: number;
      m: number;
    };
    expect(ids).toEqual({ n: SEED_LINES.length + 6 + 400_000, m: SEED_LINES.length + 6 + 400_000 });
    after.close();
  });
});
