import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inferLevel, levelOf } from '../../../src/main/engine/query/severity';
import { corpusAvailable, corpusPath, corpusSkipReason } from '../../helpers/corpus';
import { SAMPLE_TREE } from '../../helpers/tmp';

/** The message after an RFC3164 header `Mon dd hh:mm:ss host program: `. */
const message = (line: string): string => line.replace(/^\w{3} [ \d]\d \d\d:\d\d:\d\d \S+ [^:]+: /, '');

describe('severity inferred from the words of a line', () => {
  const syslog = readFileSync(path.join(SAMPLE_TREE, 'var/log/syslog'), 'utf8').split('\n').filter(Boolean);
  const find = (needle: string): string => message(syslog.find((l) => l.includes(needle))!);

  it('grades the seed incident by kernel conventions', () => {
    expect(inferLevel(find('Out of memory: Kill process'))).toBe(3); // err, as the kernel prints it
    expect(inferLevel(find('Killed process 30002'))).toBe(3);
    expect(inferLevel(find('invoked oom-killer'))).toBe(4); // warning
    expect(inferLevel(find('WARNING: [write_iter]'))).toBe(4);
    // An OOM report's memory table says nothing about severity.
    expect(inferLevel(find('Node 0 DMA free:'))).toBeNull();
  });

  it('does not take the ext4 mount option errors=remount-ro for an error', () => {
    // As the kernel prints a mount and a remount of an ext4 root.
    expect(
      inferLevel(
        'EXT4-fs (vda1): mounted filesystem with ordered data mode. Opts: errors=remount-ro. Quota mode: none.',
      ),
    ).toBeNull();
    expect(inferLevel('EXT4-fs (vda1): re-mounted. Opts: errors=remount-ro')).toBeNull();
    expect(
      inferLevel('EXT4-fs (sdb1): mounted filesystem with ordered data mode. Opts: errors=panic'),
    ).toBeNull();
    // An ext4 error, and errors counted, still are.
    expect(
      inferLevel(
        'EXT4-fs error (device vda1): ext4_find_entry:1455: inode #2: comm systemd: reading directory lblock 0',
      ),
    ).toBe(3);
    expect(inferLevel('EXT4-fs (vda1): 3 errors since last error, first error at time 1654521193')).toBe(3);
  });

  it('keeps a printed severity over the words', () => {
    expect(levelOf(6, find('Out of memory: Kill process'))).toBe(6);
    expect(levelOf(null, find('Out of memory: Kill process'))).toBe(3);
    expect(levelOf(undefined, 'level=info msg="shim disconnected" error="failed"')).toBe(6);
  });

  it.skipIf(!corpusAvailable)(
    'finds panics, oopses, lockups, hung tasks, segfaults and I/O errors in real kernel logs',
    () => {
      if (!corpusAvailable) console.warn(`[skip] ${corpusSkipReason}`);
      const dir = corpusPath('b-dmesg');
      const all = readdirSync(dir)
        .filter((f) => !f.endsWith('.tsv') && !f.endsWith('.md'))
        .flatMap((f) => readFileSync(path.join(dir, f), 'latin1').split('\n'));
      const first = (re: RegExp): string => {
        const l = all.find((x) => re.test(x));
        if (!l) throw new Error(`no line matching ${re} in the corpus`);
        return l;
      };
      expect(inferLevel(first(/Kernel panic - not syncing/))).toBe(0);
      expect(inferLevel(first(/soft lockup - CPU#\d+ stuck/))).toBe(0);
      expect(inferLevel(first(/^Oops: \d+/))).toBe(2);
      expect(inferLevel(first(/BUG: unable to handle kernel/))).toBe(2);
      expect(inferLevel(first(/Call Trace:/))).toBe(4);
      expect(inferLevel(first(/segfault at [0-9a-f]+ ip/))).toBe(3);
      expect(inferLevel(first(/blocked for more than \d+ seconds/))).toBe(3);
      expect(inferLevel(first(/I\/O error, dev/))).toBe(3);
    },
  );
});
