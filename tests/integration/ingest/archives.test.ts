import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ingestInputs, type IngestProgress } from '../../../src/main/engine/ingest/ingest';
import { sosReports } from '../../../src/main/engine/ingest/input-marks';
import { CaseStore } from '../../../src/main/engine/store/case-store';
import { corpusAvailable, corpusPath, corpusSkipReason, readCorpus } from '../../helpers/corpus';
import { SAMPLE, SAMPLE_TREE, tmpDir } from '../../helpers/tmp';
import { compressWith, hasTool, type TarMember, tarBuffer, writeTarFile, zipBuffer } from './archive-helpers';

const SEED_SYSLOG = readFileSync(path.join(SAMPLE_TREE, 'var/log/syslog'));
const SEED_LINES = SEED_SYSLOG.toString('utf8').split('\n').slice(0, -1);
const HAVE_XZ = hasTool('xz');
const HAVE_ZSTD = hasTool('zstd');
const HAVE_BZIP2 = hasTool('bzip2');
if (!HAVE_XZ) console.warn('[skip] the xz tool is not installed: tests that build .xz archives are skipped');
if (!HAVE_ZSTD)
  console.warn('[skip] the zstd tool is not installed: tests that build .zst archives are skipped');

function open(dir: string, name: string): CaseStore {
  return CaseStore.open(path.join(dir, `${name}.pmcase`), { create: true });
}

function pathsOf(store: CaseStore, sourceId: number): string[] {
  return (
    store.db
      .prepare('SELECT DISTINCT path FROM source_paths WHERE source_id = ? ORDER BY path')
      .all(sourceId) as {
      path: string;
    }[]
  ).map((r) => r.path);
}

function quirksOf(store: CaseStore, sourceId: number): string[] {
  return store.sourceDetails().find((d) => d.sourceId === sourceId)?.quirks ?? [];
}

function texts(store: CaseStore, sourceId: number): string[] {
  return store.page({ kind: 'source', sourceId }, 0, 100_000).lines.map((l) => l.text);
}

describe.skipIf(!corpusAvailable)('real compressed copies from the corpus (a-syslog/plaso__syslog.*)', () => {
  const dir = tmpDir();
  it('reads gz, bz2, xz, zip, tar and tgz by their magic; identical content is indexed once with every path', async () => {
    const names = ['gz', 'bz2', 'xz', 'zip', 'tar', 'tgz'].map((e) => `plaso__syslog.${e}`);
    const store = open(dir, 'plaso');
    const out = await ingestInputs(
      store,
      names.map((n) => corpusPath('a-syslog', n)),
    );
    expect(out.errors).toEqual([]);
    const s = store.summary();
    const syslog = s.sources.filter((x) => x.status === 'complete' && x.kind !== 'wtmp' && x.lineCount > 0);
    // The six copies hold the same 1247-byte syslog: one source, six paths.
    const main = syslog.find((x) => x.path === 'plaso__syslog.gz')!;
    expect(main.lineCount).toBeGreaterThan(10);
    expect(pathsOf(store, main.sourceId)).toEqual([
      'plaso__syslog.bz2',
      'plaso__syslog.gz',
      'plaso__syslog.xz',
      'syslog',
    ]);
    // tar and tgz and zip name it `syslog` (same path string in three inputs: one row per input).
    const inputsOfSyslog = store.db
      .prepare("SELECT count(*) AS n FROM source_paths WHERE source_id = ? AND path = 'syslog'")
      .get(main.sourceId) as { n: number };
    expect(inputsOfSyslog.n).toBe(3);
    expect(quirksOf(store, main.sourceId)).toContain('container: gzip-compressed (gzip magic 1F 8B 08)');
    // the wtmp.1 inside the zip is binary login records, read as such
    expect(s.sources.find((x) => x.path === 'wtmp.1')).toMatchObject({ status: 'complete', kind: 'wtmp' });
    expect(out.duplicates).toBe(5);
    store.close();
  });
});

describe('archives built by the tests', () => {
  const dir = tmpDir();

  it.skipIf(!HAVE_XZ)(
    'nested zip → tar.xz → gz: members named outer.zip!/x.tar.xz!/path, progress in bytes of the outer file, temp copy removed',
    async () => {
      const inner = await tarBuffer([
        { name: 'sosreport-vm/var/log/syslog', body: SEED_SYSLOG },
        {
          name: 'sosreport-vm/var/log/syslog.2.gz',
          body: gzipSync(Buffer.from(SEED_LINES.slice(0, 7).join('\n') + '\n')),
        },
      ]);
      const innerXz = compressWith('xz', inner)!;
      // the tar.xz sits in a tar.gz that sits in a zip: zip → tar.gz → tar.xz → gz
      const middle = gzipSync(await tarBuffer([{ name: 'upload/sosreport-vm.tar.xz', body: innerXz }]));
      const outer = path.join(dir, 'case-1234.zip');
      writeFileSync(
        outer,
        zipBuffer([
          { name: 'readme.txt', body: 'uploaded by the customer\n', deflate: true },
          { name: 'bundle.tgz', body: middle },
        ]),
      );
      const store = open(dir, 'nested');
      const progress: IngestProgress[] = [];
      const tempDir = path.join(dir, 'nested-tmp');
      const out = await ingestInputs(store, [outer], { onProgress: (p) => progress.push(p), tempDir });
      expect(out.errors).toEqual([]);
      const byPath = new Map(store.summary().sources.map((x) => [x.path, x]));
      const syslog = byPath.get('bundle.tgz!/upload/sosreport-vm.tar.xz!/sosreport-vm/var/log/syslog');
      expect(syslog?.lineCount).toBe(SEED_LINES.length);
      const rotated = byPath.get('bundle.tgz!/upload/sosreport-vm.tar.xz!/sosreport-vm/var/log/syslog.2.gz')!;
      expect(texts(store, rotated.sourceId)).toEqual(SEED_LINES.slice(0, 7));
      expect(rotated).toMatchObject({
        family: 'bundle.tgz!/upload/sosreport-vm.tar.xz!/sosreport-vm/var/log/syslog',
        rotation: 2,
      });
      expect(syslog).toMatchObject({ rotation: 0 });
      expect(byPath.get('readme.txt')?.lineCount).toBe(1);
      // progress: bytes of the zip on disk, ending at its size
      const size = statSync(outer).size;
      expect(progress.every((p) => p.bytesTotal === size)).toBe(true);
      expect(progress.at(-1)).toMatchObject({ phase: 'done', bytesDone: size });
      expect(existsSync(tempDir)).toBe(false);
      store.close();
    },
  );

  it('refuses a bomb member with an error naming it and the limit while the rest is indexed', async () => {
    // 40 MiB of one repeated line compresses about 1000:1 with gzip.
    const bombText = Buffer.from(
      `${SEED_LINES[0]}\n`.repeat(Math.ceil((40 << 20) / (SEED_LINES[0]!.length + 1))),
    );
    const bomb = gzipSync(bombText, { level: 9 });
    const archive = path.join(dir, 'bomb.tar');
    await writeTarFile(archive, [
      { name: 'var/log/syslog', body: SEED_SYSLOG },
      { name: 'var/log/flood.log.gz', body: bomb },
      {
        name: 'var/log/inner.tar.gz',
        body: gzipSync(await tarBuffer([{ name: 'big.log', body: bombText }])),
      },
      { name: 'var/log/after', body: 'Jun  6 21:33:14 video-stream kernel: still read\n' },
    ]);
    const store = open(dir, 'bomb');
    const out = await ingestInputs(store, [archive], { limits: { maxRatio: 100, ratioFloorBytes: 4 << 20 } });
    const messages = out.errors.map((e) => e.message);
    // Stopped once past the floor at 100× its compressed size (about 139 KiB → 13.9 MiB), skipped whole.
    expect(messages).toEqual([
      expect.stringMatching(
        /^bomb\.tar: var\/log\/flood\.log\.gz: var\/log\/flood\.log\.gz: expanded 13\.\d MiB from 139\.\d KiB \(ratio over 10\d:1, limit 100:1\); reading stopped \(archive bomb limit maxRatio\); not indexed$/,
      ),
      // the member being read inside the nested tar, then the nested tar itself
      expect.stringMatching(
        /^bomb\.tar: var\/log\/inner\.tar\.gz!\/big\.log: var\/log\/inner\.tar\.gz: expanded .* limit 100:1.*; not indexed$/,
      ),
      expect.stringMatching(
        /^bomb\.tar: var\/log\/inner\.tar\.gz: var\/log\/inner\.tar\.gz: expanded .* limit 100:1/,
      ),
    ]);
    const byPath = new Map(store.summary().sources.map((x) => [x.path, x]));
    expect(byPath.get('var/log/syslog')?.lineCount).toBe(SEED_LINES.length);
    expect(byPath.get('var/log/after')?.lineCount).toBe(1);
    expect(byPath.get('var/log/flood.log.gz')).toMatchObject({
      status: 'skipped',
      lineCount: 0,
      error: expect.stringMatching(
        /limit 100:1\); reading stopped \(archive bomb limit maxRatio\); not indexed$/,
      ),
    });
    expect(byPath.get('var/log/inner.tar.gz!/big.log')).toMatchObject({ status: 'skipped', lineCount: 0 });
    // line ids stay dense after the drop
    const ids = store.db
      .prepare('SELECT count(*) AS n, max(line_id) AS m FROM line_rows(0, 9007199254740991)')
      .get() as {
      n: number;
      m: number;
    };
    expect(ids.n).toBe(ids.m);
    expect(ids.n).toBe(SEED_LINES.length + 1);
    store.close();
  });

  it('stops at the total expansion limit of an input', async () => {
    const archive = path.join(dir, 'total.tar');
    const part = Buffer.from(SEED_LINES.join('\n') + '\n');
    await writeTarFile(
      archive,
      Array.from({ length: 6 }, (_, i): TarMember => ({ name: `log/part${i}.gz`, body: gzipSync(part) })),
    );
    const store = open(dir, 'total');
    const out = await ingestInputs(store, [archive], { limits: { maxExpandedBytes: part.length * 3 + 10 } });
    expect(out.errors.length).toBeGreaterThanOrEqual(2);
    expect(out.errors[0]!.message).toMatch(
      /total\.tar: log\/part3\.gz: .*the input expanded past the limit of .* in total; reading stopped \(archive bomb limit maxExpandedBytes\)/,
    );
    // identical parts: the first three read (and merged as duplicates)
    expect(store.summary().sources.find((x) => x.path === 'log/part0.gz')?.lineCount).toBe(SEED_LINES.length);
    store.close();
  });

  it('refuses archives nested deeper than the limit, naming the member', async () => {
    let body = await tarBuffer([{ name: 'deep.log', body: 'Jun  6 21:33:14 video-stream kernel: deep\n' }]);
    for (let i = 3; i >= 1; i--) body = await tarBuffer([{ name: `level${i}.tar`, body }]);
    const archive = path.join(dir, 'deep.tar');
    writeFileSync(archive, body);
    const store = open(dir, 'deep');
    const ok = await ingestInputs(store, [archive]);
    expect(ok.errors).toEqual([]);
    expect(store.sources().map((s) => s.path)).toEqual(['level1.tar!/level2.tar!/level3.tar!/deep.log']);
    store.close();
    const limited = open(dir, 'deep-limited');
    const out = await ingestInputs(limited, [archive], { limits: { maxDepth: 2 } });
    expect(out.errors.map((e) => e.message)).toEqual([
      'deep.tar: level1.tar!/level2.tar: archive nested 3 deep, over the limit of 2 (limit maxDepth); not opened',
    ]);
    limited.close();
  });

  it('recognises formats by content when the names lie, and says so', async () => {
    const archive = path.join(dir, 'lies.tar');
    await writeTarFile(archive, [
      { name: 'var/log/messages', body: gzipSync(SEED_SYSLOG) },
      { name: 'var/log/kern.log.gz', body: SEED_SYSLOG.subarray(0, 2000) },
    ]);
    const store = open(dir, 'lies');
    const out = await ingestInputs(store, [archive]);
    expect(out.errors).toEqual([]);
    const byPath = new Map(store.sources().map((x) => [x.path, x]));
    const messages = byPath.get('var/log/messages')!;
    expect(messages.lineCount).toBe(SEED_LINES.length);
    expect(quirksOf(store, messages.sourceId)).toEqual(
      expect.arrayContaining([
        'container: gzip content (gzip magic 1F 8B 08) under a name without a gzip extension',
        'container: gzip-compressed (gzip magic 1F 8B 08)',
      ]),
    );
    const kern = byPath.get('var/log/kern.log.gz')!;
    expect(texts(store, kern.sourceId)[0]).toBe(SEED_LINES[0]);
    expect(quirksOf(store, kern.sourceId)).toContain(
      'container: named "kern.log.gz" but the content is not gzip (no gzip magic); read as is',
    );
    store.close();
  });

  it.skipIf(!HAVE_ZSTD || !HAVE_BZIP2)('reads tar.zst, tar.bz2, and single .zst / .bz2 files', async () => {
    const t = await tarBuffer([{ name: 'var/log/syslog', body: SEED_SYSLOG }]);
    const files = {
      'a.tar.zst': compressWith('zstd', t)!,
      'b.tar.bz2': compressWith('bzip2', t)!,
      'syslog.1.zst': compressWith('zstd', SEED_SYSLOG)!,
      'syslog.2.bz2': compressWith('bzip2', SEED_SYSLOG)!,
    };
    const store = open(dir, 'zst');
    for (const [name, buf] of Object.entries(files)) writeFileSync(path.join(dir, name), buf);
    const out = await ingestInputs(
      store,
      Object.keys(files).map((n) => path.join(dir, n)),
    );
    expect(out.errors).toEqual([]);
    const s = store.summary();
    const src = s.sources.find((x) => x.path === 'var/log/syslog')!;
    expect(src.lineCount).toBe(SEED_LINES.length);
    expect(pathsOf(store, src.sourceId)).toEqual(['syslog.1.zst', 'syslog.2.bz2', 'var/log/syslog']);
    expect(out.duplicates).toBe(3);
    store.close();
  });

  it('reports damaged xz and zip inputs by name and offset while other inputs are indexed', async () => {
    const good = path.join(dir, 'good.log');
    writeFileSync(good, SEED_SYSLOG);
    const zip = zipBuffer([{ name: 'var/log/syslog', body: SEED_SYSLOG, deflate: true }]);
    const badZip = path.join(dir, 'cut.zip');
    writeFileSync(badZip, zip.subarray(0, zip.length - 30));
    const inputs = [badZip, good];
    if (HAVE_XZ) {
      const xz = compressWith('xz', Buffer.from(SEED_SYSLOG.toString('utf8').repeat(40)))!;
      const badXz = path.join(dir, 'cut.log.xz');
      writeFileSync(badXz, xz.subarray(0, Math.floor(xz.length / 2)));
      inputs.push(badXz);
    }
    const store = open(dir, 'damaged');
    const out = await ingestInputs(store, inputs);
    const messages = out.errors.map((e) => e.message);
    expect(messages[0]).toMatch(/^cut\.zip: cut\.zip: archive damaged: .*end of central directory/i);
    if (HAVE_XZ) expect(messages[1]).toMatch(/^cut\.log\.xz: cut\.log\.xz: read failed after \d+ bytes: /);
    expect(store.sources().find((s) => s.path === 'good.log')?.lineCount).toBe(SEED_LINES.length);
    store.close();
  });

  it('resolves links inside the archive: targets get the link as another path, dangling and escaping ones are listed', async () => {
    const archive = path.join(dir, 'links.tar.gz');
    writeFileSync(
      archive,
      gzipSync(
        await tarBuffer([
          { name: 'r/messages', type: 'symlink', linkname: 'var/log/messages' },
          {
            name: 'r/var/log/messages',
            type: 'symlink',
            linkname: '../../sos_strings/logs/var.log.messages.tailed',
          },
          { name: 'r/sos_strings/logs/var.log.messages.tailed', body: SEED_SYSLOG },
          { name: 'r/hard', type: 'link', linkname: 'r/sos_strings/logs/var.log.messages.tailed' },
          { name: 'r/etc/localtime', type: 'symlink', linkname: '/usr/share/zoneinfo/Asia/Shanghai' },
          { name: 'r/escape', type: 'symlink', linkname: '../../../etc/passwd' },
          { name: 'r/loop1', type: 'symlink', linkname: 'loop2' },
          { name: 'r/loop2', type: 'symlink', linkname: 'loop1' },
          { name: 'r/logs', type: 'symlink', linkname: 'var/log' },
          { name: 'r/logs-messages', type: 'symlink', linkname: 'logs/messages' },
        ]),
      ),
    );
    const store = open(dir, 'links');
    const out = await ingestInputs(store, [archive]);
    expect(out.errors).toEqual([]);
    const byPath = new Map(store.summary().sources.map((x) => [x.path, x]));
    const tailed = byPath.get('r/sos_strings/logs/var.log.messages.tailed')!;
    expect(pathsOf(store, tailed.sourceId)).toEqual([
      'r/hard',
      'r/logs-messages',
      'r/messages',
      'r/sos_strings/logs/var.log.messages.tailed',
      'r/var/log/messages',
    ]);
    // the .tailed file is truncated and belongs to the family of the path sos linked it at
    expect(tailed).toMatchObject({ truncated: true });
    expect(quirksOf(store, tailed.sourceId).filter((q) => q.startsWith('tailed:'))).toEqual([
      'tailed: sos keeps the newest 25 MiB of each log pattern; the start of this log is missing',
    ]);
    expect(byPath.get('r/etc/localtime')).toMatchObject({
      status: 'skipped',
      // outside a sosreport, `/` is the archive's root
      error:
        'dangling symbolic link to "/usr/share/zoneinfo/Asia/Shanghai": usr/share/zoneinfo/Asia/Shanghai is not in the archive',
    });
    expect(byPath.get('r/escape')).toMatchObject({
      status: 'skipped',
      error: 'symbolic link to "../../../etc/passwd" climbs out of the archive; not followed',
    });
    expect(byPath.get('r/loop1')?.error).toMatch(/more than 40 links in a row \(a loop\)/);
    expect(byPath.get('r/logs')).toMatchObject({
      status: 'skipped',
      error: 'link to folder r/var/log; its files are read there',
    });
    store.close();
  });

  it('opens archives found in a folder, and a re-run adds no second copy of links or sources', async () => {
    const folder = path.join(dir, 'upload');
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'notes.txt'), 'customer says: hung after OOM\n');
    copyFileSync(SAMPLE, path.join(folder, 'seed-incident.tar.gz'));
    writeFileSync(
      path.join(folder, 'extra.zip'),
      zipBuffer([
        { name: 'messages', body: SEED_SYSLOG, deflate: true },
        { name: 'messages-link', body: 'messages', symlink: true },
      ]),
    );
    const store = open(dir, 'folder');
    const progress: IngestProgress[] = [];
    const out = await ingestInputs(store, [folder], { onProgress: (p) => progress.push(p) });
    expect(out.errors).toEqual([]);
    const total = ['notes.txt', 'seed-incident.tar.gz', 'extra.zip']
      .map((n) => statSync(path.join(folder, n)).size)
      .reduce((a, b) => a + b, 0);
    expect(progress.at(-1)).toMatchObject({ bytesDone: total, bytesTotal: total });
    const first = store.summary().sources.map((x) => [x.path, x.status, x.lineCount]);
    expect(first).toEqual([
      ['extra.zip!/messages', 'complete', SEED_LINES.length],
      ['notes.txt', 'complete', 1],
      ['seed-incident.tar.gz!/sos_commands/login/last', 'complete', 5],
      ['seed-incident.tar.gz!/proc/sys/vm/panic_on_oom', 'complete', 1],
    ]);
    const syslog = store.summary().sources[0]!;
    expect(pathsOf(store, syslog.sourceId)).toEqual([
      'extra.zip!/messages',
      'extra.zip!/messages-link',
      'seed-incident.tar.gz!/var/log/syslog',
    ]);
    const again = await ingestInputs(store, [folder]);
    expect(again.errors).toEqual([]);
    expect(store.summary().sources.map((x) => [x.path, x.status, x.lineCount])).toEqual(first);
    store.close();
  });

  it('records rotation families and indices, newest = 0', async () => {
    const archive = path.join(dir, 'rot.tar');
    const l = (s: string): string => `${s}\n`;
    await writeTarFile(archive, [
      { name: 'var/log/syslog', body: l(SEED_LINES[5]!) },
      { name: 'var/log/syslog.1', body: l(SEED_LINES[4]!) },
      { name: 'var/log/syslog.2.gz', body: gzipSync(l(SEED_LINES[3]!)) },
      { name: 'var/log/syslog.3.gz', body: gzipSync(l(SEED_LINES[2]!)) },
      { name: 'var/log/messages', body: l(SEED_LINES[10]!) },
      { name: 'var/log/messages-20220529', body: l(SEED_LINES[8]!) },
      { name: 'var/log/messages-20220605.gz', body: gzipSync(l(SEED_LINES[9]!)) },
      { name: 'var/log/kern.log.1', body: l(SEED_LINES[11]!) },
      { name: 'var/log/journal/x/system@0001.journal~', body: l(SEED_LINES[12]!) },
      { name: 'usr/lib/libc.so.6', body: l(SEED_LINES[13]!) },
      { name: 'var/log/dmesg', body: l(SEED_LINES[14]!) },
    ]);
    const store = open(dir, 'rot');
    await ingestInputs(store, [archive]);
    const rot = Object.fromEntries(store.sources().map((s) => [s.path, [s.family, s.rotation]]));
    expect(rot).toEqual({
      'var/log/syslog': ['var/log/syslog', 0],
      'var/log/syslog.1': ['var/log/syslog', 1],
      'var/log/syslog.2.gz': ['var/log/syslog', 2],
      'var/log/syslog.3.gz': ['var/log/syslog', 3],
      'var/log/messages': ['var/log/messages', 0],
      'var/log/messages-20220605.gz': ['var/log/messages', 1],
      'var/log/messages-20220529': ['var/log/messages', 2],
      'var/log/kern.log.1': ['var/log/kern.log', 1],
      'var/log/journal/x/system@0001.journal~': [null, null],
      'usr/lib/libc.so.6': [null, null],
      'var/log/dmesg': [null, null],
    });
    store.close();
  });

  it('reads zip symbolic links, GB18030 member names and the sample archive inside a zip', async () => {
    const gbName = Buffer.from(new Uint8Array([0xc8, 0xd5, 0xd6, 0xbe])); // 日志 in GB18030
    const zip = path.join(dir, 'gbk.zip');
    writeFileSync(
      zip,
      zipBuffer([
        {
          name: Buffer.concat([gbName, Buffer.from('/syslog')]),
          body: SEED_SYSLOG,
          deflate: true,
          utf8: false,
        },
        { name: 'latest', body: '日志/syslog', symlink: true },
        { name: 'seed-incident.tar.gz', body: readFileSync(SAMPLE) },
      ]),
    );
    const store = open(dir, 'gbk');
    const out = await ingestInputs(store, [zip]);
    expect(out.errors).toEqual([]);
    const s = store.summary();
    const src = s.sources.find((x) => x.path === '日志/syslog')!;
    expect(src.lineCount).toBe(SEED_LINES.length);
    // the sample's var/log/syslog has the same bytes: one source, three paths
    expect(pathsOf(store, src.sourceId)).toEqual([
      'latest',
      'seed-incident.tar.gz!/var/log/syslog',
      '日志/syslog',
    ]);
    expect(s.sources.find((x) => x.path === 'seed-incident.tar.gz!/sos_commands/login/last')?.lineCount).toBe(
      5,
    );
    expect(quirksOf(store, src.sourceId)).toContain('container: member name decoded as GB18030 (not UTF-8)');
    store.close();
  });
});

/** The hotsos sosreport tree of the corpus, as sos packs it: a tar.xz with real symbolic links. */
describe.skipIf(!corpusAvailable || !HAVE_XZ)(
  'a real sosreport tree (f-sos/hotsos_openstack_sosreport) as a tar.xz',
  () => {
    if (!corpusAvailable) console.warn(`[skip] ${corpusSkipReason}`);
    const dir = tmpDir();
    const ROOT = 'sosreport-compute4-2022-02-10-kxwzqaf/';

    async function buildSosArchive(): Promise<string> {
      const tree = corpusPath('f-sos', 'hotsos_openstack_sosreport');
      // The corpus stores sos's top-level symbolic links as files; MANIFEST.tsv records each target.
      const manifest = readCorpus('MANIFEST.tsv').toString('utf8');
      const links = new Map<string, string>();
      for (const m of manifest.matchAll(
        /^f-sos\/hotsos_openstack_sosreport\/(\S+)\t.*\[SYMLINK -> (\S+)\]$/gm,
      ))
        links.set(m[1]!, m[2]!);
      const members: TarMember[] = [];
      const mtime = new Date(Date.UTC(2022, 1, 10, 16, 20, 7));
      const walk = (rel: string): void => {
        for (const name of readdirSync(path.join(tree, rel)).sort()) {
          const r = rel ? `${rel}/${name}` : name;
          const abs = path.join(tree, r);
          if (statSync(abs).isDirectory()) walk(r);
          else if (links.has(r))
            members.push({ name: ROOT + r, type: 'symlink', linkname: links.get(r)!, mtime });
          else members.push({ name: ROOT + r, body: readFileSync(abs), mtime });
        }
      };
      walk('');
      // The tree listing records dmidecode as a top-level link; its target is not in this partial copy.
      members.push({
        name: `${ROOT}dmidecode`,
        type: 'symlink',
        linkname: 'sos_commands/hardware/dmidecode',
        mtime,
      });
      const file = path.join(dir, 'sosreport-compute4-2022-02-10-kxwzqaf.tar.xz');
      writeFileSync(file, compressWith('xz', await tarBuffer(members))!);
      return file;
    }

    it('opened as a folder, the corpus copy is recognised the same way', async () => {
      const store = open(dir, 'sos-folder');
      const out = await ingestInputs(store, [corpusPath('f-sos', 'hotsos_openstack_sosreport')]);
      expect(out.errors).toEqual([]);
      expect(sosReports(store)).toEqual([
        expect.objectContaining({
          input: 'hotsos_openstack_sosreport',
          root: '',
          version: '4.2',
          hostname: 'compute4',
          collectedAt: Date.UTC(2022, 1, 10, 16, 19, 17),
        }),
      ]);
      store.close();
    });

    it('is recognised with its version, host and collection time; links resolved; command outputs marked', async () => {
      const archive = await buildSosArchive();
      const store = open(dir, 'sos');
      const out = await ingestInputs(store, [archive]);
      expect(out.errors).toEqual([]);
      expect(sosReports(store)).toEqual([
        expect.objectContaining({
          input: 'sosreport-compute4-2022-02-10-kxwzqaf.tar.xz',
          root: ROOT,
          version: '4.2',
          hostname: 'compute4',
          // sos_commands/date/date_--utc: "Thu Feb 10 16:19:17 UTC 2022"
          collectedAt: Date.UTC(2022, 1, 10, 16, 19, 17),
          collectedAtFrom: `${ROOT}sos_commands/date/date_--utc: Thu Feb 10 16:19:17 UTC 2022`,
          markers: ['sos_commands/', 'sos_logs/', 'version.txt'],
        }),
      ]);
      const s = store.summary();
      const byPath = new Map(s.sources.map((x) => [x.path, x]));
      const timedatectl = byPath.get(`${ROOT}sos_commands/systemd/timedatectl`)!;
      expect(pathsOf(store, timedatectl.sourceId)).toEqual([
        `${ROOT}date`,
        `${ROOT}sos_commands/systemd/timedatectl`,
      ]);
      const last = byPath.get(`${ROOT}sos_commands/login/last`)!;
      expect(pathsOf(store, last.sourceId)).toContain(`${ROOT}last`);
      expect(byPath.get(`${ROOT}dmidecode`)).toMatchObject({
        status: 'skipped',
        error: `dangling symbolic link to "sos_commands/hardware/dmidecode": ${ROOT}sos_commands/hardware/dmidecode is not in the archive`,
      });
      expect(quirksOf(store, last.sourceId)).toContain(
        'command output: sos wrote this file at collection time; its mtime is the collection time, not the time of its content',
      );
      expect(quirksOf(store, byPath.get(`${ROOT}var/log/syslog`)!.sourceId)).not.toContain(
        expect.stringMatching(/^command output/),
      );
      // every top-level link of the corpus copy resolved: no other skipped link
      expect(s.sources.filter((x) => x.kind === 'link').map((x) => x.path)).toEqual([`${ROOT}dmidecode`]);
      store.close();
    });
  },
);
