/**
 * The keyword prefilter in front of the fault and death detectors (crashes/prefilter.ts) and
 * the fast paths that every line of a case takes (kernelMessage's header scanner, isBodyLine,
 * the flood detector's single sightings) must not lose a detection. Proof on the tests' own
 * inputs: every text file of the corpus, and the seed's syslog, give the same incidents with
 * and without the prefilter, and every line a fault/death detector recognised passes it.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectIncidents } from '../../../src/main/engine/analysis/crashes/index';
import { mayBeFaultOrDeath } from '../../../src/main/engine/analysis/crashes/prefilter';
import { isBodyLine, isDecorLine } from '../../../src/main/engine/analysis/crashes/body';
import { kernelMessage } from '../../../src/main/engine/analysis/kernel/message';
import { linesFromText, type RecordLine } from '../../../src/shared/model/log';
import type { Incident, IncidentKind } from '../../../src/shared/model/incident';
import { CORPUS_DIR, SEED_FILE, corpusAvailable, seedAvailable } from '../../helpers/corpus';
import { hotsosKernLog } from './corpus-helpers';

function* walk(dir: string): Generator<string> {
  for (const e of readdirSync(dir).sort()) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) yield* walk(p);
    else yield p;
  }
}

/** Every text file of the corpus as lines (binary wtmp and journal files left out), and the seed. */
function fixtures(): { name: string; lines: RecordLine[] }[] {
  const out: { name: string; lines: RecordLine[] }[] = [];
  for (const file of walk(CORPUS_DIR)) {
    if (statSync(file).size > 5_000_000) continue;
    const raw = readFileSync(file).toString('latin1');
    if (raw.includes('\u0000')) continue;
    const name = path.relative(CORPUS_DIR, file);
    const text = path.basename(file).startsWith('hotsos__') ? hotsosKernLog(raw) || raw : raw;
    out.push({ name, lines: linesFromText(text, name) });
  }
  const seed = readFileSync(SEED_FILE, 'utf8').split('\n').slice(22, 133).join('\n');
  out.push({ name: 'seed', lines: linesFromText(seed, 'seed/syslog') });
  return out;
}

const FAULT_OR_DEATH: IncidentKind[] = ['segfault', 'trap', 'process-killed', 'core-dumped', 'restart-loop'];

/** The lines a fault or death detector read to make the incident (its occurrences and linked kill). */
function recognisedLines(incidents: Incident[], byKey: Map<string, RecordLine>): RecordLine[] {
  const out: RecordLine[] = [];
  for (const i of incidents) {
    if (!FAULT_OR_DEATH.includes(i.kind)) continue;
    const evidence = [i.line, ...i.occurrences];
    if (i.details?.type === 'death' && i.details.oomEvidence) evidence.push(i.details.oomEvidence);
    for (const e of evidence) {
      const l = byKey.get(`${e.sourcePath}:${e.lineNo}`);
      if (l) out.push(l);
    }
  }
  return out;
}

describe.skipIf(!corpusAvailable || !seedAvailable)('the prefilter loses no detection', () => {
  const all = corpusAvailable && seedAvailable ? fixtures() : [];

  it('every corpus file and the seed give the same incidents with and without the prefilter', () => {
    expect(all.length).toBeGreaterThan(100);
    for (const f of all) {
      const fast = detectIncidents(f.lines);
      const slow = detectIncidents(f.lines, { prefilter: false });
      expect(fast, f.name).toEqual(slow);
    }
  });

  it('every line a fault or death detector recognised passes the prefilter', () => {
    const kinds = new Set<IncidentKind>();
    let checked = 0;
    for (const f of all) {
      const byKey = new Map(f.lines.map((l) => [`${l.sourcePath}:${l.lineNo}`, l]));
      const incidents = detectIncidents(f.lines, { prefilter: false });
      for (const i of incidents) if (FAULT_OR_DEATH.includes(i.kind)) kinds.add(i.kind);
      for (const l of recognisedLines(incidents, byKey)) {
        checked++;
        expect(mayBeFaultOrDeath(kernelMessage(l.text).message), `${f.name}:${l.lineNo} ${l.text}`).toBe(
          true,
        );
      }
    }
    // The fixtures hold each form: hotsos segfault, satyr/abrt core dumps, the sosreport's
    // systemd restart loop and killed unit, the seed's container reaped after the OOM kill.
    expect([...kinds].sort()).toEqual(['core-dumped', 'process-killed', 'restart-loop', 'segfault']);
    expect(checked).toBeGreaterThan(10);
  });

  it('the seed: the container death after the OOM kill is still linked through the prefilter', () => {
    const seed = all.find((f) => f.name === 'seed')!;
    const death = detectIncidents(seed.lines).find((i) => i.kind === 'process-killed');
    expect(death?.details?.type === 'death' && death.details.oomKill).toBe(true);
  });
});

describe('the fast header scanner reads lines exactly as the header patterns do', () => {
  // Hand-made variants of the seed's header around every branch of the scanner: each must give
  // the same message, host, program and repair as the regex path (checked against known values).
  const cases: [string, Partial<ReturnType<typeof kernelMessage>>][] = [
    [
      'Jun  6 21:33:14 video-stream kernel: [12.5] Out of memory',
      { host: 'video-stream', program: 'kernel', isKernel: true, bootSecs: 12.5, message: 'Out of memory' },
    ],
    [
      'Jun  6 21:33:17 video-stream containerd[981]: msg="shim reaped"',
      { host: 'video-stream', program: 'containerd', isKernel: false, message: 'msg="shim reaped"' },
    ],
    ['Jun  6 21:33:14.123 h prog[12]:x', { host: 'h', program: 'prog', message: 'x' }],
    ['Jun 16 21:33:14 h a]b[1]: c', { host: 'h', program: 'a]b', message: 'c' }],
    ['Jun  6 21:33:14 kernel: hi', { program: 'kernel', isKernel: true, message: 'hi' }],
    ['<6>Jun  6 21:33:14 h a: c', { priority: 6, host: 'h', program: 'a', message: 'c' }],
    ['> Jun  6 21:33:14 h a: c', { host: 'h', program: 'a', message: 'c' }],
    [
      'un  6 21:33:14 video-stream kernel: [ 1867]     0  1867',
      { host: 'video-stream', program: 'kernel', repair: 'syslog month "un" repaired to "Jun"' },
    ],
    // Not a syslog header: the message is the whole line.
    ['Jun  6 21:33:14 h prog[12]x: y', { message: 'Jun  6 21:33:14 h prog[12]x: y', isKernel: false }],
    ['Jun 116 21:33:14 h a: c', { message: 'Jun 116 21:33:14 h a: c' }],
    ['Jun  6 21:33:14 h a b: c', { message: 'Jun  6 21:33:14 h a b: c' }],
    // A tab is whitespace the scanner leaves to the regexes, which stop at it the same way.
    ['Jun  6 21:33:14 h\tprog: y', { message: 'Jun  6 21:33:14 h\tprog: y' }],
  ];
  for (const [line, expected] of cases)
    it(JSON.stringify(line), () => {
      expect(kernelMessage(line)).toMatchObject(expected);
      if (expected.program === undefined) expect(kernelMessage(line).program).toBeUndefined();
    });

  it('body and decoration lines are still told apart by their first characters', () => {
    expect(isBodyLine(' [<ffffffff8110a5a6>] oom_kill_process+0x1c6/0x2f0')).toBe(true);
    expect(isBodyLine('RIP: 0010:[<ffffffff8106ab1d>]  [<ffffffff8106ab1d>] foo+0x1d/0x30')).toBe(true);
    expect(isBodyLine(' ffff88003f8a7c88 ffffffff81166f2c 0000000000000000 ffff88003f8a7cd8')).toBe(true);
    expect(isBodyLine('kworker/0:1     D ffff88007fc13680     0    36      2 0x00000000')).toBe(true);
    expect(isBodyLine(' #0:  (&mm->mmap_sem){++++}, at: [<c10a0c1e>] do_page_fault+0x1e/0x30')).toBe(true);
    expect(isBodyLine('CPU 3')).toBe(true);
    expect(isBodyLine('[write_iter] inode ifops has restore.')).toBe(false);
    expect(isBodyLine('Accepted publickey for deploy from 10.20.1.17 port 37306 ssh2')).toBe(false);
    expect(isDecorLine('==================================================================')).toBe(true);
    expect(isDecorLine('   ')).toBe(true);
    expect(isDecorLine('[ cut here ]')).toBe(true);
    expect(isDecorLine('Started Session 6106 of user root.')).toBe(false);
  });
});
