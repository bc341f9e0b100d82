/**
 * The OOM aftermath read through line ranges (AnalysisInput.linesOf) finds exactly what a second
 * full pass finds, and the time index behind it covers every line of a window.
 */
import { describe, expect, it } from 'vitest';
import { analyzeCase, type AnalysisInput } from '../../../src/main/engine/analysis/run';
import { SourceTimeIndex, type LineRange } from '../../../src/main/engine/analysis/oom/aftermath-ranges';
import type { RecordLine } from '../../../src/shared/model/log';
import { memCase, type MemSource } from '../reboots/mem-case';
import { fixture, textLines } from './fixture';

const T0 = Date.UTC(2024, 8, 29, 8, 12, 34);

/** Deterministic PRNG (mulberry32), so a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Timed = Omit<RecordLine, 'sourceId' | 'sourcePath' | 'lineNo' | 'lineId'>;

function stamp(ms: number): string {
  const d = new Date(ms);
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][
    d.getUTCMonth()
  ];
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${mon} ${String(d.getUTCDate()).padStart(2, ' ')} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

function at(ms: number, rest: string): Timed {
  return { ts: ms, tsQuality: 'year-inferred', text: `${stamp(ms)} hnsin-varnish ${rest}` };
}

/** Hours of ordinary syslog around T0, with small steps back in time as rsyslog writes them. */
function chatter(r: () => number, from: number, n: number): Timed[] {
  const out: Timed[] = [];
  let t = from;
  for (let i = 0; i < n; i++) {
    t += Math.floor(r() * 4000);
    const back = r() < 0.05 ? Math.floor(r() * 2000) : 0;
    const ms = t - back;
    const x = Math.floor(r() * 3);
    out.push(
      x === 0
        ? at(
            ms,
            `sshd[${1000 + i}]: Accepted publickey for deploy from 10.0.0.${i % 250} port ${40000 + i} ssh2`,
          )
        : x === 1
          ? at(
              ms,
              `containerd[812]: time="${new Date(ms).toISOString()}" level=info msg="shim containerd-shim started" address="/containerd-shim/moby/${(i * 7919).toString(16)}/shim.sock" debug=false pid=${2000 + i}`,
            )
          : at(ms, `CRON[${3000 + i}]: (root) CMD (run-parts /etc/cron.hourly)`),
    );
  }
  return out;
}

function caseWithKills(): AnalysisInput {
  const r = rng(7);
  const report = textLines(fixture('13')).map((text) => ({
    ts: T0,
    tsQuality: 'year-inferred' as const,
    text,
  }));
  const messages: Timed[] = [
    ...chatter(r, T0 - 4 * 3600_000, 3000),
    ...report,
    ...chatter(r, T0 + 1000, 3000),
  ];
  const journal: Timed[] = [
    ...chatter(r, T0 - 3 * 3600_000, 2000),
    at(T0 - 60_000, 'systemd[1]: varnish.service: Scheduled restart job, restart counter is at 3.'),
    at(T0 - 500, 'systemd[1]: varnish.service: Main process exited, code=killed, status=9/KILL'),
    at(T0 + 1000, 'systemd[1]: varnish.service: A process of this unit has been killed by the OOM killer.'),
    at(T0 + 1000, "systemd[1]: varnish.service: Failed with result 'oom-kill'."),
    at(T0 + 11_000, 'systemd[1]: varnish.service: Scheduled restart job, restart counter is at 1.'),
    at(T0 + 11 * 60_000, 'systemd[1]: varnish.service: Scheduled restart job, restart counter is at 2.'),
    ...chatter(r, T0 + 12 * 60_000, 2000),
  ];
  // The same report in a file without times (a dmesg copy): only the 500 lines after its kill count.
  const untimed = [
    ...Array.from(
      { length: 800 },
      (_, i) => `[ ${1000 + i}.000000] usb 1-1: new high-speed USB device number ${i % 128} using xhci_hcd`,
    ),
    ...textLines(fixture('13')).map((l) =>
      l.replace(/^Sep 29 08:12:34 hnsin-varnish kernel: /, '[ 9012.345678] '),
    ),
    ...Array.from(
      { length: 300 },
      (_, i) => `[ ${9013 + i}.000000] e1000e: eth0 NIC Link is Up 1000 Mbps Full Duplex`,
    ),
    '[ 9400.000000] systemd[1]: varnish.service: Scheduled restart job, restart counter is at 4.',
    ...Array.from({ length: 300 }, (_, i) => `[ ${9401 + i}.000000] e1000e: eth0 NIC Link is Down`),
    '[ 9800.000000] systemd[1]: varnish.service: Scheduled restart job, restart counter is at 5.',
  ];
  const sources: MemSource[] = [
    { path: 'var/log/journal.txt', lines: journal },
    { path: 'var/log/messages', lines: messages },
    { path: 'dmesg-copy', lines: untimed },
  ];
  return memCase(sources);
}

function withRanges(input: AnalysisInput): { input: AnalysisInput; read: () => number } {
  let read = 0;
  const all = new Map<number, RecordLine[]>();
  for (const s of input.sources) all.set(s.sourceId, [...input.lines([s])]);
  return {
    input: {
      ...input,
      linesOf: (s, from, to) => {
        const lines = (all.get(s.sourceId) ?? []).slice(from - 1, to);
        read += lines.length;
        return lines;
      },
    },
    read: () => read,
  };
}

describe('OOM aftermath through line ranges', () => {
  it('finds the same restarts as a second full pass, reading a small part of the case', () => {
    const full = analyzeCase(caseWithKills());
    const ranged = withRanges(caseWithKills());
    const part = analyzeCase(ranged.input);
    const { timingsMs: _a, ...fullAnalysis } = full.analysis;
    const { timingsMs: _b, ...partAnalysis } = part.analysis;
    expect(JSON.stringify(partAnalysis)).toEqual(JSON.stringify(fullAnalysis));
    expect(part.findings).toEqual(full.findings);

    // What makes the comparison worth something: kills in a timed and an untimed file, and
    // aftermath lines inside and outside their windows.
    expect(full.analysis.oom.filter((o) => o.victim)).toHaveLength(2);
    const linked = full.analysis.oomCross.aftermath.map((x) => [x.evidence.sourcePath, x.kind, x.text]);
    // the lines 60 s before and 11 min after the kill are outside its window
    expect(linked).toEqual([
      [
        'var/log/journal.txt',
        'systemd-killed',
        'varnish.service: Main process exited, code=killed, status=9/KILL',
      ],
      [
        'var/log/journal.txt',
        'systemd-killed',
        'varnish.service: A process of this unit has been killed by the OOM killer.',
      ],
      ['var/log/journal.txt', 'systemd-oom-result', "varnish.service: Failed with result 'oom-kill'."],
      [
        'var/log/journal.txt',
        'systemd-restart',
        'varnish.service: Scheduled restart job, restart counter is at 1.',
      ],
    ]);
    const total = caseWithKills()
      .sources.map((s) => [...caseWithKills().lines([s])].length)
      .reduce((a, b) => a + b, 0);
    expect(ranged.read()).toBeGreaterThan(0);
    expect(ranged.read()).toBeLessThan(total / 4);
  });

  it('the time index covers every line of any window, through jitter, untimed lines and stride doubling', () => {
    const r = rng(42);
    for (let round = 0; round < 20; round++) {
      // tiny sample limits so the stride doubles many times
      const index = new SourceTimeIndex(8, 4);
      const lines: RecordLine[] = [];
      let t = 1_000_000;
      const n = 500 + Math.floor(r() * 3000);
      const jitter = round % 3 === 0 ? 0 : Math.floor(r() * 30_000);
      for (let i = 1; i <= n; i++) {
        t += Math.floor(r() * 1000);
        const ts = r() < 0.1 ? null : t - (r() < 0.1 ? Math.floor(r() * jitter) : 0);
        const line: RecordLine = {
          lineId: i,
          sourceId: 1,
          sourcePath: 's',
          lineNo: i,
          ts,
          tsQuality: ts === null ? 'none' : 'exact',
          text: '',
        };
        lines.push(line);
        index.push(line);
      }
      for (let w = 0; w < 30; w++) {
        const from = 1_000_000 + Math.floor(r() * (t - 1_000_000));
        const to = from + Math.floor(r() * 60_000);
        const ranges = index.ranges(1, [{ kind: 'time', from, to }]);
        const inside = (no: number): boolean => ranges.some((x: LineRange) => no >= x.from && no <= x.to);
        for (const l of lines)
          if (l.ts !== null && l.ts >= from && l.ts <= to) expect(inside(l.lineNo)).toBe(true);
        // a window of a minute in an hour-long source is not the whole source
        if (jitter === 0) expect(ranges.reduce((a, x) => a + x.to - x.from + 1, 0)).toBeLessThan(n / 2);
      }
      const byLines = index.ranges(1, [
        { kind: 'lines', from: 10, to: 20 },
        { kind: 'lines', from: 15, to: 30 },
        { kind: 'lines', from: n - 5, to: n + 500 },
      ]);
      expect(byLines).toEqual([
        { from: 10, to: 30 },
        { from: n - 5, to: n },
      ]);
    }
  });
});
