/**
 * Oracle: util-linux `last`. For each binary wtmp whose layout the host's `last` reads, the
 * reboot/shutdown/runlevel lines we derive from the records equal what `last -x -F` prints:
 * against expectations checked in (tests/fixtures/reboots/last-x-F-oracle.json, how they were
 * made is in the file), and against the host's `last` run now when it exists.
 * Files with a partial tail (wtmp.1, utmp_corrupted): `last` reads them backwards from the end,
 * misaligned, so its user lines are garbage; neither it nor we list system lines for them.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusAvailable, corpusPath, readCorpus } from '../../helpers/corpus';
import { parseUtmp } from '../../../src/main/engine/formats/wtmp';
import { parseLastText } from '../../../src/main/engine/formats/last-text';
import { lastSystemEntries } from '../../../src/main/engine/analysis/reboots/last-view';

const oracle = JSON.parse(
  readFileSync(path.join(__dirname, '../../fixtures/reboots/last-x-F-oracle.json'), 'utf8'),
) as {
  how: string;
  files: Record<string, string[]>;
};
const LAST = '/usr/bin/last';
const hostLast = existsSync(LAST);
const hostLayout =
  process.arch === 'x64'
    ? 'x86-64'
    : process.arch === 'arm64'
      ? 'aarch64'
      : process.arch === 's390x'
        ? 's390x'
        : null;
if (!hostLast)
  console.warn(
    `[skip] ${LAST} not found: the live util-linux oracle is skipped, checked-in expectations still run`,
  );

function fmt(ms: number | 'still running'): string {
  return ms === 'still running' ? ms : new Date(ms).toISOString();
}

function ours(file: string): string[] {
  const p = parseUtmp(new Uint8Array(readCorpus('c-wtmp', file)));
  if (!p.ok) throw new Error(p.reason);
  return lastSystemEntries(p.records).map(
    (e) => `${e.kind} ${e.runlevel ?? '-'} ${fmt(e.ts)} ${fmt(e.end)} ${e.host}`,
  );
}

function theirs(lastOutput: string): string[] {
  return parseLastText(lastOutput)
    .entries.filter((e) => e.kind === 'reboot' || e.kind === 'shutdown' || e.kind === 'runlevel')
    .map((e) => {
      const end = e.endKind === 'still-running' ? 'still running' : (e.end ?? NaN);
      return `${e.kind} ${e.runlevel ?? '-'} ${fmt(e.login ?? NaN)} ${fmt(end)} ${e.host}`;
    });
}

describe.skipIf(!corpusAvailable)('boots and shutdowns equal util-linux last -x -F', () => {
  const files = Object.keys(oracle.files);

  it('covers every x86-64 binary wtmp of the corpus', () => {
    expect(files).toContain('util-linux__wtmp-a.LE');
    expect(files).toContain('plaso__utmp');
    for (const f of files) {
      const p = parseUtmp(new Uint8Array(readCorpus('c-wtmp', f)));
      expect(p.ok && p.layout).toBe('x86-64');
    }
  });

  it.each(files)('%s: equals the checked-in last -x -F output', (file) => {
    const expected = theirs((oracle.files[file] ?? []).join('\n'));
    expect(ours(file)).toEqual(expected);
  });

  it('the checked-in expectations hold boots, shutdowns and runlevels (the test can fail)', () => {
    const all = files.flatMap((f) => theirs((oracle.files[f] ?? []).join('\n')));
    expect(all.filter((l) => l.startsWith('reboot'))).toHaveLength(3);
    expect(all.filter((l) => l.startsWith('shutdown'))).toHaveLength(2);
    expect(all.filter((l) => l.startsWith('runlevel'))).toHaveLength(1);
  });

  it.skipIf(!hostLast || hostLayout === null)(
    'equals the host last run now, for every file in the host layout',
    () => {
      let compared = 0;
      for (const file of [
        'plaso__utmp',
        'plaso__utmp_x86_64',
        'plaso__utmp_aarch64',
        'plaso__utmp_s390',
        'plaso__wtmp.1',
        'plaso__utmp_corrupted',
        'util-linux__wtmp-a.LE',
        'util-linux__wtmp-a.BE',
        'util-linux__wtmp-b.LE',
        'util-linux__wtmp-b.BE',
        'util-linux__wtmp-ipv6.LE',
        'util-linux__wtmp-ipv6.BE',
      ]) {
        const p = parseUtmp(new Uint8Array(readCorpus('c-wtmp', file)));
        if (!p.ok || p.layout !== hostLayout) continue;
        const out = execFileSync(LAST, ['-x', '-F', '-f', corpusPath('c-wtmp', file)], {
          env: { ...process.env, TZ: 'UTC', LC_ALL: 'C' },
        }).toString();
        expect(ours(file), file).toEqual(theirs(out));
        compared++;
      }
      expect(compared).toBeGreaterThanOrEqual(7);
    },
  );

  it('big-endian twins give the system lines util-linux expects for them (its own test expectations)', () => {
    // util-linux runs its last tests on the twin matching the host's byte order and expects
    // the same output from both; its "include system" section is `last -x` output.
    const expected = readCorpus('c-wtmp', 'util-linux__last-nodns').toString('utf8');
    const section = expected.split('~~~ include system ~~~\n')[1]?.split('~~~')[0] ?? '';
    const want = parseLastText(section)
      .entries.filter((e) => e.kind === 'reboot' || e.kind === 'shutdown')
      .map(
        (e) =>
          `${e.kind} ${fmt(e.login ?? NaN)} ${e.endKind === 'still-running' ? 'still running' : fmt(e.end ?? NaN)}`,
      );
    expect(want).toHaveLength(4);
    for (const twin of ['util-linux__wtmp-a.LE', 'util-linux__wtmp-a.BE']) {
      const p = parseUtmp(new Uint8Array(readCorpus('c-wtmp', twin)));
      if (!p.ok) throw new Error(p.reason);
      const got = lastSystemEntries(p.records)
        .filter((e) => e.kind !== 'runlevel')
        .map((e) => `${e.kind} ${fmt(e.ts)} ${fmt(e.end)}`);
      expect(got, twin).toEqual(want);
    }
  });
});
