/**
 * The hand-written RFC3164 header scanner (`scan3164`, used by `parseRfc3164` on the ingest hot
 * path) against the regex it replaces: same match, same captures, on every line of the real
 * corpus, the seed, and random lines built from header pieces. `parseRfc3164` is also compared
 * field by field with the regex-based parse it replaced (kept here as the reference).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ParsedLine, TsParts } from '../../../src/main/engine/formats/registry';
import {
  RFC3164,
  fracOf,
  kernelStampInto,
  monthOf,
  monthsEndingWith,
  parseHostTag,
  parseRfc3164,
  scan3164,
  newRfc3164Head,
} from '../../../src/main/engine/formats/syslog';
import {
  SEED_FILE,
  corpusAvailable,
  corpusPath,
  corpusSkipReason,
  listCorpus,
  seedAvailable,
} from '../../helpers/corpus';
import { mulberry32 } from './prng';

const EN = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** The regex-based parse as it was before the scanner (the reference). */
function referenceParse(line: string): ParsedLine | null {
  const m = RFC3164.exec(line);
  if (!m) return null;
  const word = m[2]!;
  let month = monthOf(word);
  const out: ParsedLine = { message: '' };
  if (month === 0) {
    const hits = word.length <= 2 ? monthsEndingWith(word) : [];
    if (hits.length === 0) return null;
    if (hits.length > 1) out.damaged = `month "${word}" is the end of several month names`;
    else {
      month = hits[0]!;
      out.repair = `month "${word}" repaired to "${EN[month - 1]!}"`;
    }
  }
  const ts: TsParts = { day: Number(m[3]), h: Number(m[4]), m: Number(m[5]), s: Number(m[6]) };
  if (month !== 0) ts.month = month;
  const frac = fracOf(m[7]);
  if (frac !== undefined) ts.frac = frac;
  if (m[8] !== undefined) ts.year = Number(m[8]);
  if (ts.day! < 1 || ts.day! > 31 || ts.h! > 23 || ts.m! > 59 || ts.s! > 60) return null;
  out.ts = ts;
  if (m[1] !== undefined) {
    const p = Number(m[1]);
    out.severity = p & 7;
    out.facility = p >> 3;
  }
  const rest = m[10]!;
  if (m[9] === ':') out.message = rest;
  else parseHostTag(rest, out);
  kernelStampInto(out);
  return out;
}

function capturesOf(line: string): Array<string | undefined> | null {
  const h = newRfc3164Head();
  if (!scan3164(line, h)) return null;
  const two = (n: number): string => String(n).padStart(2, '0');
  return [
    h.pri < 0 ? undefined : String(h.pri),
    line.slice(h.wordStart, h.wordEnd),
    String(h.day),
    two(h.h),
    two(h.m),
    two(h.s),
    h.fracStart < 0 ? undefined : line.slice(h.fracStart, h.fracEnd),
    h.year < 0 ? undefined : String(h.year).padStart(4, '0'),
    h.colon ? ':' : '',
    line.slice(h.rest),
  ];
}

/** The regex's captures, numbers normalised the way the scanner reports them. */
function regexCaptures(line: string): Array<string | undefined> | null {
  const m = RFC3164.exec(line);
  if (!m) return null;
  return [
    m[1] === undefined ? undefined : String(Number(m[1])),
    m[2],
    String(Number(m[3])),
    m[4],
    m[5],
    m[6],
    m[7],
    m[8],
    m[9],
    m[10],
  ];
}

function check(lines: readonly string[]): number {
  let matched = 0;
  for (const line of lines) {
    const want = regexCaptures(line);
    expect(capturesOf(line), JSON.stringify(line)).toEqual(want);
    expect(parseRfc3164(line), JSON.stringify(line)).toEqual(referenceParse(line));
    if (want) matched++;
  }
  return matched;
}

function textLines(file: string): string[] {
  const buf = readFileSync(file);
  if (buf.subarray(0, 4096).includes(0)) return [];
  return buf.toString('utf8').split(/\r?\n/);
}

describe('parseHostTag reads tag[pid] as before', () => {
  it('same program and pid as the regex reading of the tag', () => {
    const rnd = mulberry32(7);
    const bits = ['prog', '[', ']', '1', '0', '42', '12345678901234567890', 'a', ':', '[]', '[1]'];
    for (let k = 0; k < 20_000; k++) {
      let tok = '';
      const n = 1 + Math.floor(rnd() * 6);
      for (let j = 0; j < n; j++) tok += bits[Math.floor(rnd() * bits.length)]!;
      const out: ParsedLine = { message: '' };
      parseHostTag(`host ${tok}: msg`, out);
      // The reading before: name or name[digits], digits by /^\d+$/ and Number().
      const t = tok; // the token is `${tok}:`
      let program: string | undefined;
      let pid: number | undefined;
      if (t !== '') {
        const br = t.indexOf('[');
        if (br < 0 && !t.includes(']')) program = t;
        else if (br > 0 && t.endsWith(']') && /^\d+$/.test(t.slice(br + 1, -1))) {
          program = t.slice(0, br);
          pid = Number(t.slice(br + 1, -1));
        }
      }
      if (program !== undefined) {
        expect(out.program, tok).toBe(program);
        expect(out.pid, tok).toBe(pid);
      } else expect(out.pid, tok).toBeUndefined();
    }
  });
});

describe('scan3164 reads what the RFC3164 regex reads', () => {
  it('on hand-picked header shapes, damaged and odd ones included', () => {
    const lines = [
      'Jan  3 00:00:00 video-stream systemd[1]: Started Session 6106 of user root.',
      '<13>Feb 29 01:15:43: --- last message repeated 2 times ---',
      '<999>Jun  6 21:33:13 h k: x',
      '<1234>Jun  6 21:33:13 h k: x',
      'un  6 21:33:14 video-stream kernel: [  0.1] x',
      'n  6 21:33:14 video-stream kernel: x',
      'août 12 03:54:03 host prog[12]: x',
      'janv. 12 03:54:03 host prog: x',
      'Janua 12 03:54:03 host prog: x',
      'Januar 12 03:54:03 host prog: x',
      'Jun   6 21:33:13 h k: x',
      'Jun 123 21:33:13 h k: x',
      'Jun 06 21:33:13.123456789 h k: x',
      'Jun 06 21:33:13.1234567890 2022 h k: x',
      'Jun 06 21:33:13. h k: x',
      'Jun 06 21:33:13 2022 h k: x',
      'Jun 06 21:33:13 20221 h',
      'Jun 06 21:33:13',
      'Jun 06 21:33:1',
      'Jun 06 24:33:13 h k: x',
      'Jun 32 21:33:13 h k: x',
      'Jun 00 21:33:13 h k: x',
      'Jun  6 21:33:60 h k: x',
      'Jun  6 21:33:13 h prog[0123]: x',
      'Jun  6 21:33:13 h prog[12345678901234567890]: x',
      'Jun  6 21:33:13 h prog[]: x',
      'Jun  6 21:33:13 h prog[1a]: x',
      'Jun  6 21:33:13 h\nprog: x',
      'Jun  6 21:33:13 h prog: x\ny',
      'MMM 22 07:54:32 myhostname.myhost.com anacron[29782]: Normal exit (1 job run)',
      'Dec 31 23:59:59 h kernel: [ 12.345678] Out of memory',
      '',
      '<',
      '<1>',
    ];
    expect(check(lines)).toBeGreaterThan(15);
  });

  it('on random lines built from header pieces', () => {
    const rnd = mulberry32(20261126);
    const pieces = [
      'Jan',
      'jun',
      'AUG',
      'un',
      'n',
      'août',
      'déc',
      'janv.',
      'Xyzzy',
      'Janua',
      'ü',
      '<',
      '>',
      '<13>',
      '<1',
      ' ',
      '  ',
      '   ',
      '0',
      '1',
      '6',
      '12',
      '31',
      '123',
      ':',
      '.',
      '00:00:00',
      '23:59:60',
      '24:00:00',
      '1:2:3',
      '.5',
      '.123456789',
      '.1234567890',
      ' 2022',
      ' 20221',
      'host',
      'prog[12]:',
      'prog[]:',
      'kernel:',
      ' [ 1.5]',
      '\n',
      '\r',
      '\t',
      'é',
      '\u2028',
    ];
    const lines: string[] = [];
    for (let k = 0; k < 40_000; k++) {
      let s = '';
      const n = 1 + Math.floor(rnd() * 9);
      for (let j = 0; j < n; j++) s += pieces[Math.floor(rnd() * pieces.length)]!;
      lines.push(s);
      // Mostly well-formed heads with one piece swapped in somewhere.
      const good = ['Jun', ' ', ' 6', ' ', '21:33:13', '.5', ' 2022', ':', ' ', 'h', ' ', 'p[1]:', ' x'];
      good[Math.floor(rnd() * good.length)] = pieces[Math.floor(rnd() * pieces.length)]!;
      if (rnd() < 0.5) good.splice(Math.floor(rnd() * good.length), 1);
      lines.push(good.join(''));
    }
    expect(check(lines)).toBeGreaterThan(1000);
  });

  if (!corpusAvailable) console.warn(`[skip] the scanner on every corpus line: ${corpusSkipReason}`);
  it.skipIf(!corpusAvailable || !seedAvailable)(
    'on every line of the syslog, dmesg, journal and OOM corpus and the seed',
    () => {
      let lines = 0;
      let matched = 0;
      for (const folder of ['a-syslog', 'b-dmesg', 'd-journal', 'g-oom']) {
        for (const f of listCorpus(folder)) {
          const ls = textLines(corpusPath(folder, f));
          lines += ls.length;
          matched += check(ls);
        }
      }
      const seed = textLines(SEED_FILE);
      lines += seed.length;
      matched += check(seed);
      console.log(`scan3164: ${matched} of ${lines} corpus lines carry an RFC3164 header; all agree`);
      expect(matched).toBeGreaterThan(1000);
    },
  );
});
