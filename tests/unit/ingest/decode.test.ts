import { isUtf8 } from 'node:buffer';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  decodeBytes,
  decodeRsyslogEscapes,
  detectEncoding,
  invalidUtf8Ranges,
  stripAnsi,
} from '../../../src/main/engine/ingest/decode';
import { corpusAvailable, readCorpus, SEED_FILE, seedAvailable } from '../../helpers/corpus';
import { mulberry32, randomBytes } from './prng';

const fixture = (name: string): Buffer => readFileSync(path.join(__dirname, '../../fixtures/ingest', name));

describe('detectEncoding', () => {
  it('recognises GB18030 text from a Chinese-locale machine and decodes it', () => {
    const buf = fixture('seed-note.gb18030.txt');
    const v = detectEncoding(buf, true);
    expect(v.encoding).toBe('gb18030');
    const text = decodeBytes(buf, 0, buf.length, 'gb18030');
    expect(text).toContain('问题描述');
    expect(text).toContain('Jun  6 21:33:13 video-stream kernel: stream_convert invoked oom-killer');
  });

  it('keeps UTF-8 with a few invalid bytes as UTF-8 and finds the bad bytes by offset', () => {
    const line = Buffer.concat([
      Buffer.from('Jan 22 07:52:33 myhostname client[30840]: INFO No new content in í'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('mynd.dd.\n'),
    ]);
    const v = detectEncoding(line, true);
    expect(v.encoding).toBe('utf-8');
    expect(v.invalidUtf8).toBe(2);
    const text = decodeBytes(line, 0, line.length, 'utf-8');
    expect(text).toContain('í\uFFFD\uFFFDmynd');
    const ranges = invalidUtf8Ranges(line);
    expect(ranges).toEqual([[line.indexOf(0xff), line.indexOf(0xff) + 2]]);
  });

  it('falls back to Latin-1 when high bytes are neither UTF-8 nor GB18030', () => {
    const buf = Buffer.from(
      'Aug 19 11:08:37 nlaptop symphorien[4961]: caf\xe9 cr\xe8me br\xfbl\xe9e\n',
      'latin1',
    );
    expect(detectEncoding(buf, true).encoding).toBe('latin1');
  });

  it('names container and binary formats by their signature', () => {
    expect(detectEncoding(Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0])).binary?.magic).toBe('gzip');
    expect(detectEncoding(Buffer.from('\x7fELF\x02\x01\x01', 'latin1')).binary?.magic).toBe('ELF');
  });

  it('property: any bytes → no throw; without the invalid ranges the bytes are valid UTF-8', () => {
    const rnd = mulberry32(0xdec0de);
    for (let c = 0; c < 3000; c++) {
      const b = randomBytes(rnd, 300);
      const v = detectEncoding(b, rnd() < 0.5);
      if (v.encoding) expect(typeof decodeBytes(b, 0, b.length, v.encoding)).toBe('string');
      const ranges = invalidUtf8Ranges(b);
      const kept: Buffer[] = [];
      let pos = 0;
      for (const [s, e] of ranges) {
        kept.push(b.subarray(pos, s));
        pos = e;
      }
      kept.push(b.subarray(pos));
      expect(isUtf8(Buffer.concat(kept))).toBe(true);
      // A decoded U+FFFD appears exactly when some byte range is invalid.
      const fffd = b.toString('utf8').includes('\uFFFD');
      expect(fffd).toBe(ranges.length > 0);
    }
  });
});

describe.skipIf(!corpusAvailable)('detectEncoding on the corpus', () => {
  it('says why utmp is binary and keeps a console log with some junk lines as text', () => {
    const utmp = detectEncoding(readCorpus('c-wtmp', 'plaso__utmp'));
    expect(utmp.encoding).toBeNull();
    expect(utmp.binary?.reason).toMatch(/NUL bytes/);
    const console620 = detectEncoding(readCorpus('b-dmesg', 'syzkaller__report_620.txt'), true);
    expect(console620.encoding).not.toBeNull();
    expect(console620.quirks?.join(' ')).toMatch(/NUL bytes inside text lines/);
  });

  it('treats the NUL-separated kmsg dump as text', () => {
    const v = detectEncoding(readCorpus('b-dmesg', 'util-linux__dmesg_kmsg-input'), true);
    expect(v.encoding).toBe('utf-8');
    expect(v.quirks).toBeUndefined();
  });

  it('reads plaso syslog (UTF-8 í) as UTF-8', () => {
    const v = detectEncoding(readCorpus('a-syslog', 'plaso__syslog'), true);
    expect(v).toMatchObject({ encoding: 'utf-8', reason: 'valid UTF-8 with non-ASCII text' });
  });
});

describe('stripAnsi', () => {
  it('removes colour and OSC sequences as systemd and shells print them', () => {
    const line =
      '\x1b[0;1;31mFeb 04 09:34:07 compute4 systemd[1]: Failed to start Initial cloud-init job.\x1b[0m\x1b]0;title\x07';
    expect(stripAnsi(line)).toBe(
      'Feb 04 09:34:07 compute4 systemd[1]: Failed to start Initial cloud-init job.',
    );
    expect(stripAnsi('no escapes here')).toBe('no escapes here');
  });
});

describe('decodeRsyslogEscapes', () => {
  it.skipIf(!seedAvailable)('unfolds the seed Mem-Info line rsyslog folded with #012', () => {
    const seed = readFileSync(SEED_FILE, 'utf8').split('\n');
    const memInfo = seed.find((l) => l.includes('active_anon:7909729'))!;
    const decoded = decodeRsyslogEscapes(memInfo);
    expect(decoded.split('\n')).toHaveLength(6);
    expect(decoded).toContain('\n active_file:10180 inactive_file:9878');
    expect(decodeRsyslogEscapes('a#011b')).toBe('a\tb');
    expect(decodeRsyslogEscapes('issue #123 stays')).toBe('issue #123 stays');
  });
});
