import { describe, expect, it } from 'vitest';
import { corpusAvailable, readCorpus } from '../../helpers/corpus';
import {
  parseUtmp,
  parseUtmpdumpText,
  utmpLines,
  utmpRecordText,
  type UtmpParse,
} from '../../../src/main/engine/formats/wtmp';

function parse(name: string): UtmpParse {
  return parseUtmp(new Uint8Array(readCorpus('c-wtmp', name)));
}

function ok(p: UtmpParse): Extract<UtmpParse, { ok: true }> {
  if (!p.ok) throw new Error(`expected a utmp file: ${p.reason}`);
  return p;
}

// Records as comparable values, without the file offset (which differs between layouts).
function facts(p: Extract<UtmpParse, { ok: true }>): string[] {
  return p.records.map(
    (r) => `${r.typeName}|${r.pid}|${r.line}|${r.id}|${r.user}|${r.host}|${r.addr}|${r.tvSec}.${r.tvUsec}`,
  );
}

describe.skipIf(!corpusAvailable)('binary utmp/wtmp layouts (c-wtmp)', () => {
  it('reads the x86-64 384-byte utmp with its boot, runlevel and user records', () => {
    const p = ok(parse('plaso__utmp'));
    expect(p.layout).toBe('x86-64');
    expect(p.records).toHaveLength(14);
    expect(p.corrupt).toHaveLength(0);
    const boot = p.records[0];
    expect(boot?.typeName).toBe('BOOT_TIME');
    expect(boot?.user).toBe('reboot');
    expect(boot?.host).toBe('3.8.0-33-generic');
    expect(new Date(boot?.ts ?? 0).toISOString()).toBe('2013-12-13T14:45:09.688Z');
    expect(p.records[1]?.typeName).toBe('RUN_LVL');
    expect(String.fromCharCode((p.records[1]?.pid ?? 0) & 255)).toBe('2');
  });

  it('reads the 400-byte aarch64 and big-endian s390x files, which the x86-64 layout misreads', () => {
    const a = ok(parse('plaso__utmp_aarch64'));
    const s = ok(parse('plaso__utmp_s390'));
    expect(a.layout).toBe('aarch64');
    expect(s.layout).toBe('s390x');
    for (const p of [a, s]) {
      expect(p.recordSize).toBe(400);
      expect(p.records.map((r) => r.typeName)).toEqual([
        'EMPTY',
        'DEAD_PROCESS',
        'BOOT_TIME',
        'RUN_LVL',
        'OLD_TIME',
        'NEW_TIME',
      ]);
      expect(p.records[2]?.user).toBe('reboot');
      expect(p.records[3]?.line).toBe('runlevel 0');
      expect(p.tailBytes).toBe(0);
    }
    // s390x's pid is 32 (the x86-64 reading of those bytes gives 536870912)
    expect(s.records[0]?.pid).toBe(32);
    expect(new Date(s.records[2]?.ts ?? 0).toISOString()).toBe('2026-07-04T05:00:25.000Z');
    expect(new Date(a.records[2]?.ts ?? 0).toISOString()).toBe('2026-07-03T14:57:58.000Z');
    // the NEW_TIME record is five minutes after OLD_TIME in both
    expect((a.records[5]?.tvSec ?? 0) - (a.records[4]?.tvSec ?? 0)).toBe(300);
    expect((s.records[5]?.tvSec ?? 0) - (s.records[4]?.tvSec ?? 0)).toBe(300);
  });

  it('gives identical records for the util-linux little- and big-endian twins', () => {
    for (const base of ['wtmp-a', 'wtmp-b', 'wtmp-ipv6']) {
      const le = ok(parse(`util-linux__${base}.LE`));
      const be = ok(parse(`util-linux__${base}.BE`));
      expect(le.layout).toBe('x86-64');
      expect(be.layout).toBe('be-384');
      expect(facts(be)).toEqual(facts(le));
      expect(le.records.length).toBeGreaterThan(0);
    }
    const ipv6 = ok(parse('util-linux__wtmp-ipv6.BE'));
    expect(ipv6.records[0]?.addr).toBe('2001:503:ba3e::2:30');
    const a = ok(parse('util-linux__wtmp-a.LE'));
    expect(a.records.find((r) => r.user === 'IPv4')?.addr).toBe('198.41.0.4');
    expect(new Date((a.records.at(-1)?.tvSec ?? 0) * 1000).toISOString()).toBe('2038-01-19T03:14:07.000Z');
  });

  it('skips corrupt records and a partial tail, and reports them', () => {
    const p = ok(parse('plaso__utmp_corrupted'));
    expect(p.layout).toBe('x86-64');
    expect(p.records.map((r) => r.user)).toEqual(['alice', 'bob']);
    expect(p.corrupt.map((c) => [c.index, c.reason])).toEqual([
      [1, 'ut_type 99 out of range 0-9'],
      [2, 'ut_type 99 out of range 0-9'],
    ]);
    expect(p.tailBytes).toBe(50);
    expect(p.notes.join(' ')).toMatch(/2 of 4 records are corrupt/);
    expect(p.records[1]?.addr).toBe('10.0.0.5');
    const lines = utmpLines(p);
    expect(lines).toHaveLength(5);
    expect(lines[1]).toMatch(/^CORRUPT record #1 at byte 384: ut_type 99/);
    expect(lines[4]).toMatch(/^PARTIAL record: 50 trailing bytes/);
  });

  it('keeps the records before a stray trailing byte (wtmp.1)', () => {
    const p = ok(parse('plaso__wtmp.1'));
    expect(p.records).toHaveLength(4);
    expect(p.tailBytes).toBe(1);
    expect(p.records[0]?.user).toBe('userA');
    expect(p.records[0]?.host).toBe('10.10.122.1');
    expect(p.records[1]?.typeName).toBe('DEAD_PROCESS');
  });

  it('rejects the macOS utmpx and text files with a clear reason', () => {
    const mac = parse('plaso__utmpx_mac');
    expect(mac.ok).toBe(false);
    if (!mac.ok) expect(mac.reason).toMatch(/macOS utmpx/);
    const text = parse('util-linux__utmpdump-subsecond');
    expect(text.ok).toBe(false);
    if (!text.ok) expect(text.reason).toMatch(/^text/);
  });

  it('renders a record as one utmpdump-like line', () => {
    const p = ok(parse('util-linux__wtmp-a.LE'));
    const reboot = p.records.find((r) => r.user === 'reboot');
    expect(reboot && utmpRecordText(reboot)).toBe(
      'BOOT_TIME     [2] [00012] [~~  ] [reboot  ] [~           ] [system-name         ] [0.0.0.0        ] [2013-08-28T16:00:00,000000+00:00]',
    );
  });
});

describe('binary utmp edge cases', () => {
  it('rejects an empty or tiny file', () => {
    expect(parseUtmp(new Uint8Array(0)).ok).toBe(false);
    const tiny = parseUtmp(new Uint8Array(100));
    expect(tiny.ok).toBe(false);
  });
});

describe.skipIf(!corpusAvailable)('utmpdump text', () => {
  it('gives the records of the binary file it was dumped from (util-linux wtmp-a)', () => {
    const text = parseUtmpdumpText(readCorpus('c-wtmp', 'util-linux__utmp_txt-a').toString('utf8'));
    const bin = ok(parse('util-linux__wtmp-a.LE'));
    expect(text.unparsed).toEqual([]);
    // utmpdump pads the id column with spaces, so `~~` and `~~  ` read alike in text
    const strip = (s: string): string =>
      s.replace(/^[^|]+\|[^|]+\|/, '').replace(/^([^|]*)\|([^|]*?) +\|/, '$1|$2|');
    expect(facts({ ...bin, records: text.records }).map(strip)).toEqual(facts(bin).map(strip));
  });

  it('keeps sub-second times and says which lines are not records', () => {
    const p = parseUtmpdumpText(readCorpus('c-wtmp', 'util-linux__utmpdump-subsecond').toString('utf8'));
    expect(p.records.map((r) => r.tvUsec)).toEqual([123456, 999999, 0]);
    expect(p.unparsed.map((u) => u.text)).toEqual(['last 9 is expected to disappear in conversion']);
  });
});
