import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  ArchiveLimitError,
  decompress,
  DEFAULT_LIMITS,
  nameDisagreement,
  peek,
  sniffContainer,
  stripCompressionExt,
} from '../../../src/main/engine/ingest/containers';
import type { ArchiveLink } from '../../../src/main/engine/ingest/inputs';
import { resolveLinks } from '../../../src/main/engine/ingest/links';
import { assignRotations, rotationOf } from '../../../src/main/engine/ingest/rotation';
import { parseDateOutput, SosTracker } from '../../../src/main/engine/ingest/sos';
import { corpusAvailable, readCorpus } from '../../helpers/corpus';

describe.skipIf(!corpusAvailable)('formats by magic bytes (the corpus copies of plaso__syslog)', () => {
  it.each([
    ['plaso__syslog.gz', 'gzip'],
    ['plaso__syslog.bz2', 'bzip2'],
    ['plaso__syslog.xz', 'xz'],
    ['plaso__syslog.zip', 'zip'],
    ['plaso__syslog.tar', 'tar'],
    ['plaso__syslog.tgz', 'gzip'],
    ['plaso__syslog', null],
  ])('%s is %s', (file, format) => {
    expect(sniffContainer(readCorpus('a-syslog', file).subarray(0, 512))?.format ?? null).toBe(format);
  });
});

describe('format names', () => {
  it('says when a name and the content disagree', () => {
    const gz = sniffContainer(gzipSync('x'));
    expect(nameDisagreement('syslog.2.gz', gz)).toBeNull();
    expect(nameDisagreement('messages', gz)).toBe(
      'gzip content (gzip magic 1F 8B 08) under a name without a gzip extension',
    );
    expect(nameDisagreement('messages.xz', gz)).toBe(
      'named "messages.xz" (xz) but the content is gzip (gzip magic 1F 8B 08); read as gzip',
    );
    expect(nameDisagreement('kern.log.gz', null)).toBe(
      'named "kern.log.gz" but the content is not gzip (no gzip magic); read as is',
    );
    expect(stripCompressionExt('x.tgz')).toBe('x.tar');
    expect(stripCompressionExt('syslog.2.gz')).toBe('syslog.2');
  });

  it('does not take text for a tar or a compressed stream', () => {
    expect(sniffContainer(Buffer.from('BZh is not bzip2 without its block magic, '.repeat(20)))).toBeNull();
    expect(sniffContainer(Buffer.from('Jun  6 21:33:13 video-stream kernel: x\n'.repeat(20)))).toBeNull();
  });
});

describe('peek', () => {
  it('gives back every byte after looking at the head', async () => {
    const parts = [Buffer.from('ab'), Buffer.from('cdef'), Buffer.from('ghij')];
    const { head, stream } = await peek(Readable.from(parts), 5);
    expect(head.toString()).toBe('abcdef');
    const all: Buffer[] = [];
    for await (const c of stream) all.push(c as Buffer);
    expect(Buffer.concat(all).toString()).toBe('abcdefghij');
  });
});

describe('expansion guard', () => {
  it('stops a member past the ratio, naming it and the limit', async () => {
    const data = gzipSync(Buffer.alloc(8 << 20, 0x41));
    const out = decompress(
      'gzip',
      Readable.from([data]),
      'var/log/bomb.gz',
      data.length,
      { ...DEFAULT_LIMITS, maxRatio: 50, ratioFloorBytes: 1 << 20 },
      { used: 0 },
    );
    let n = 0;
    const err = await (async () => {
      try {
        for await (const c of out) n += (c as Buffer).length;
        return null;
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err).toBeInstanceOf(ArchiveLimitError);
    expect(err!.message).toMatch(/^var\/log\/bomb\.gz: expanded .* \(ratio over \d+:1, limit 50:1\)/);
    expect(n).toBeLessThan(2 << 20);
  });

  it('lets an honest member through', async () => {
    const text = Buffer.from('Jun  6 21:33:13 video-stream kernel: a line\n'.repeat(1000));
    const data = gzipSync(text);
    const out = decompress('gzip', Readable.from([data]), 'm', data.length, DEFAULT_LIMITS, { used: 0 });
    const parts: Buffer[] = [];
    for await (const c of out) parts.push(c as Buffer);
    expect(Buffer.concat(parts).equals(text)).toBe(true);
  });
});

describe('rotation families', () => {
  it('splits names into family and rotation', () => {
    expect(rotationOf('var/log/syslog.2.gz')).toEqual({
      family: 'var/log/syslog',
      scheme: 'numbered',
      key: 2,
    });
    expect(rotationOf('var/log/messages-20220607')).toMatchObject({
      family: 'var/log/messages',
      scheme: 'dated',
    });
    expect(rotationOf('var/log/kern.log.3')).toMatchObject({ family: 'var/log/kern.log', key: 3 });
    expect(rotationOf('var/log/journal/abc/system@x.journal~')).toBeNull();
    expect(rotationOf('usr/lib/libc.so.6')).toBeNull();
    expect(rotationOf('var/log/wtmp.1')).toMatchObject({ family: 'var/log/wtmp', key: 1 });
  });

  it('ranks dated rotations newest first after the live file', () => {
    const r = assignRotations([
      'var/log/secure-20220529.gz',
      'var/log/secure',
      'var/log/secure-20220605',
      'var/log/cron',
    ]);
    expect(r).toEqual([
      { path: 'var/log/secure', family: 'var/log/secure', rotation: 0 },
      { path: 'var/log/secure-20220605', family: 'var/log/secure', rotation: 1 },
      { path: 'var/log/secure-20220529.gz', family: 'var/log/secure', rotation: 2 },
    ]);
  });
});

describe('links inside an archive', () => {
  const link = (p: string, target: string, hard = false, prefix = ''): ArchiveLink => ({
    path: p,
    target,
    hard,
    mtimeMs: null,
    archivePrefix: prefix,
  });

  it('resolves relative, absolute (sos root), chained, folder and hard links; lists the rest', () => {
    const files = new Set([
      'sos/var/log/messages',
      'sos/sos_commands/login/last_-F',
      'a.zip!/x/var/log/syslog',
      'sos/etc/zoneinfo/Asia/Shanghai',
    ]);
    const out = resolveLinks(
      [
        link('sos/messages', 'var/log/messages'),
        link('sos/last', 'sos_commands/login/last_-F'),
        link('sos/etc/localtime', '/etc/zoneinfo/Asia/Shanghai'),
        link('sos/chain', 'messages'),
        link('sos/log', 'var/log'),
        link('sos/hard', 'sos/var/log/messages', true),
        link('a.zip!/x/syslog', 'var/log/syslog', false, 'a.zip!/'),
        link('a.zip!/x/out', '../../y', false, 'a.zip!/'),
        link('sos/gone', 'sos_commands/kernel/dmesg'),
      ],
      files,
      ['sos/'],
    );
    expect(out).toEqual([
      { kind: 'file', path: 'sos/messages', target: 'sos/var/log/messages' },
      { kind: 'file', path: 'sos/last', target: 'sos/sos_commands/login/last_-F' },
      { kind: 'file', path: 'sos/etc/localtime', target: 'sos/etc/zoneinfo/Asia/Shanghai' },
      { kind: 'file', path: 'sos/chain', target: 'sos/var/log/messages' },
      { kind: 'folder', path: 'sos/log', target: 'sos/var/log' },
      { kind: 'file', path: 'sos/hard', target: 'sos/var/log/messages' },
      { kind: 'file', path: 'a.zip!/x/syslog', target: 'a.zip!/x/var/log/syslog' },
      {
        kind: 'unresolved',
        path: 'a.zip!/x/out',
        reason: 'symbolic link to "../../y" climbs out of the archive; not followed',
      },
      {
        kind: 'unresolved',
        path: 'sos/gone',
        reason:
          'dangling symbolic link to "sos_commands/kernel/dmesg": sos/sos_commands/kernel/dmesg is not in the archive',
      },
    ]);
  });
});

describe('sos reports', () => {
  it('reads the manifest tags, version.txt, the host and the collection time from date --utc', () => {
    const t = new SosTracker('sosreport-db1.tar.xz');
    const root = 'sosreport-db1-2024-03-01-abcdefg/';
    for (const p of [
      'sos_commands/kernel/dmesg',
      'sos_logs/sos.log',
      'sos_strings/logs/var.log.messages.tailed',
    ])
      t.see(root + p, Date.UTC(2024, 2, 1, 9));
    // the shape sos 4 writes (sos/component.py SoSMetadata, sos/report add_manifest_data)
    const manifest = {
      version: '4.6.1',
      cmdline: 'sos report --batch',
      start_time: '2024-03-01 17:02:11.123456',
      end_time: '2024-03-01 17:05:40.654321',
      policy: 'Red Hat Enterprise Linux',
      components: { report: { preset: 'none', plugins: { kernel: {}, logs: {}, memory: {} } } },
    };
    expect(t.wants(`${root}sos_reports/manifest.json`, 900)).toBe(true);
    t.capture(`${root}sos_reports/manifest.json`, JSON.stringify(manifest));
    t.capture(`${root}sos_commands/date/date_--utc`, 'Fri Mar  1 09:02:13 UTC 2024\n');
    t.capture(`${root}sos_commands/host/hostname`, 'db1.example.cn\n');
    t.see(`${root}sos_reports/manifest.json`, null);
    expect(t.reports()).toEqual([
      {
        input: 'sosreport-db1.tar.xz',
        root,
        markers: ['sos_commands/', 'sos_logs/', 'sos_reports/', 'sos_reports/manifest.json', 'sos_strings/'],
        version: '4.6.1',
        hostname: 'db1.example.cn',
        collectedAt: Date.UTC(2024, 2, 1, 9, 2, 13),
        collectedAtFrom: `${root}sos_commands/date/date_--utc: Fri Mar  1 09:02:13 UTC 2024`,
        manifestStartTime: '2024-03-01 17:02:11.123456',
        plugins: ['kernel', 'logs', 'memory'],
        cmdline: 'sos report --batch',
        policy: 'Red Hat Enterprise Linux',
        commandOutputs: 1,
        tailed: 1,
      },
    ]);
  });

  it('falls back to the newest command output mtime, and ignores trees without sos_commands or a manifest', () => {
    const t = new SosTracker('x');
    t.see('a/sos_commands/date/date', Date.UTC(2022, 5, 8, 2, 30));
    t.see('a/sos_commands/kernel/uname_-a', Date.UTC(2022, 5, 8, 2, 29));
    t.see('b/sos_logs/ui.log', Date.UTC(2022, 5, 8, 2, 29));
    const r = t.reports();
    expect(r.map((x) => x.root)).toEqual(['a/']);
    expect(r[0]).toMatchObject({
      collectedAt: Date.UTC(2022, 5, 8, 2, 30),
      collectedAtFrom:
        'archive mtime of a/sos_commands/date/date (sos command outputs are written at collection time)',
    });
  });

  it('parses date output only when its zone is exact', () => {
    expect(parseDateOutput('Thu Feb 10 16:19:17 UTC 2022')).toBe(Date.UTC(2022, 1, 10, 16, 19, 17));
    expect(parseDateOutput('Wed Jun  8 10:30:00 +0800 2022')).toBe(Date.UTC(2022, 5, 8, 2, 30));
    expect(parseDateOutput('Wed Jun  8 10:30:00 CST 2022')).toBeNull();
  });
});
