/**
 * What grows with the input stays bounded: a repeated incident keeps its first and last
 * occurrences with the total, log loss is summed per host and reporter, and the bursts and
 * numeric variants of one flooding message are one incident (issue 7: a 10M-line case gave
 * 28k flood incidents and 25 MiB of log-loss occurrences).
 */
import { describe, expect, it } from 'vitest';
import { detectIncidents } from '../../../src/main/engine/analysis/crashes/index';
import { BURSTS_HEAD, BURSTS_TAIL, floodTemplate } from '../../../src/main/engine/analysis/crashes/floods';
import {
  HeadTail,
  OCCURRENCES_HEAD,
  OCCURRENCES_TAIL,
} from '../../../src/main/engine/analysis/crashes/group';
import type { Incident } from '../../../src/shared/model/incident';
import type { RecordLine } from '../../../src/shared/model/log';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const T0 = Date.UTC(2022, 5, 6, 13, 33, 21);

function stamp(ms: number): string {
  const d = new Date(ms);
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)}`;
}

/** A syslog file as rsyslog writes it: `[ms, "host program[pid]: message"]` pairs, times as the ingest resolves them. */
function syslog(entries: [number, string][]): RecordLine[] {
  return entries.map(([ts, rest], i) => ({
    lineId: i + 1,
    sourceId: 1,
    sourcePath: 'var/log/syslog',
    lineNo: i + 1,
    ts,
    tsQuality: 'year-inferred' as const,
    text: `${stamp(ts)} ${rest}`,
  }));
}

const WRITE_ITER = 'video-stream kernel: WARNING: [write_iter] inode ifops has restore.';

/** `bursts` bursts of `n` write_iter warnings 10 s apart, separated by `gapMs` of other traffic. */
function writeIterBursts(bursts: number, n: number, gapMs: number): [number, string][] {
  const out: [number, string][] = [];
  let ts = T0;
  for (let b = 0; b < bursts; b++) {
    for (let i = 0; i < n; i++) {
      out.push([ts, WRITE_ITER]);
      ts += 10_000;
    }
    // Quiet for the flood: a pam line every 20 min (distinct users, so no flood of its own).
    for (let q = 0; q < gapMs / 1_200_000; q++) {
      ts += 1_200_000;
      out.push([
        ts,
        `video-stream sshd[${4100 + q}]: pam_unix(sshd:session): session opened for user u${b}-${q}`,
      ]);
    }
  }
  return out;
}

function only(incidents: Incident[], kind: Incident['kind']): Incident {
  const found = incidents.filter((i) => i.kind === kind);
  expect(found).toHaveLength(1);
  return found[0]!;
}

describe('HeadTail', () => {
  it('keeps the first and the last items in order, and the total', () => {
    const h = new HeadTail<number>(3, 4);
    for (let i = 1; i <= 20; i++) h.push(i);
    expect(h.items()).toEqual([1, 2, 3, 17, 18, 19, 20]);
    expect(h.total).toBe(20);
    expect(h.truncated).toBe(true);
    const small = new HeadTail<number>(3, 4);
    for (let i = 1; i <= 6; i++) small.push(i);
    expect(small.items()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(small.truncated).toBe(false);
  });
});

describe('log loss over a long case', () => {
  // journald prints this every time forwarding falls behind; 5,000 of them on one host.
  const entries: [number, string][] = [];
  let lost = 0;
  for (let i = 0; i < 5000; i++) {
    const n = 1 + (i % 20);
    lost += n;
    entries.push([
      T0 + i * 30_000,
      `video-stream systemd-journald[${291 + (i % 3)}]: Forwarding to syslog missed ${n} messages.`,
    ]);
  }
  entries.push([
    T0 + 5000 * 30_000,
    'db-primary systemd-journald[288]: Forwarding to syslog missed 7 messages.',
  ]);
  const lines = syslog(entries);
  const incidents = detectIncidents(lines);

  it('is one incident per host and reporter, with the lost messages summed', () => {
    const loss = incidents.filter((i) => i.kind === 'log-loss');
    expect(loss).toHaveLength(2);
    const vs = loss.find((i) => i.details.type === 'log-loss' && i.signature.startsWith('video-stream|'))!;
    expect(vs.count).toBe(5000);
    expect(vs.details.type === 'log-loss' && vs.details.lost).toBe(lost);
    expect(vs.summary).toContain(`: ${lost} in 5000 reports`);
    expect(vs.firstTs).toBe(T0);
    expect(vs.lastTs).toBe(T0 + 4999 * 30_000);
    const db = loss.find((i) => i !== vs)!;
    expect(db.count).toBe(1);
    expect(db.details.type === 'log-loss' && db.details.lost).toBe(7);
    expect(db.occurrencesTruncated).toBeUndefined();
    expect(db.occurrences.map((o) => o.lineNo)).toEqual([5001]);
  });

  it('keeps the first and last occurrences with the total', () => {
    const vs = incidents.find((i) => i.kind === 'log-loss' && i.count === 5000)!;
    expect(vs.occurrences).toHaveLength(OCCURRENCES_HEAD + OCCURRENCES_TAIL);
    expect(vs.occurrencesTruncated).toBe(true);
    expect(vs.occurrencesTotal).toBe(5000);
    const nos = vs.occurrences.map((o) => o.lineNo);
    expect(nos.slice(0, 3)).toEqual([1, 2, 3]);
    expect(nos.slice(-2)).toEqual([4999, 5000]);
    expect(nos[OCCURRENCES_HEAD]).toBe(5000 - OCCURRENCES_TAIL + 1);
    expect(vs.line.lineNo).toBe(1);
    expect(JSON.stringify(vs).length).toBeLessThan(32 * 1024);
  });
});

describe('journald missing kernel messages', () => {
  it('is a log-loss incident (journald-kmsg.c prints "Missed N kernel messages")', () => {
    const incidents = detectIncidents(
      syslog([
        [T0, 'video-stream systemd-journald[291]: Missed 42 kernel messages'],
        [T0 + 60_000, 'video-stream systemd-journald[291]: Missed 8 kernel messages'],
      ]),
    );
    const loss = incidents.filter((i) => i.kind === 'log-loss');
    expect(loss).toHaveLength(1);
    expect(loss[0]!.details.type === 'log-loss' && loss[0]!.details.reporter).toBe(
      'journald: missed kernel messages',
    );
    expect(loss[0]!.details.type === 'log-loss' && loss[0]!.details.lost).toBe(50);
  });
});

describe('a flood in bursts', () => {
  it('is one incident listing its bursts, counting every message', () => {
    // Three bursts of 30 warnings (5 min each), two hours apart: three runs, one incident.
    const incidents = detectIncidents(syslog(writeIterBursts(3, 30, 2 * 3_600_000)));
    const f = only(incidents, 'flood');
    if (f.details.type !== 'flood') throw new Error('flood details');
    expect(f.count).toBe(90);
    expect(f.details.burstCount).toBe(3);
    expect(f.details.bursts?.map((b) => b.count)).toEqual([30, 30, 30]);
    expect(f.details.bursts?.map((b) => b.spanSecs)).toEqual([290, 290, 290]);
    expect(f.details.bursts?.[0]?.perMinute).toBe(6.21);
    expect(f.details.medianIntervalSecs).toBe(10);
    expect(f.details.variants).toBe(1);
    expect(f.details.template).toBe('WARNING: [write_iter] inode ifops has restore.');
    expect(f.occurrences.map((o) => o.lineNo)).toEqual([1, 37, 73]);
    expect(f.firstTs).toBe(T0);
    expect(f.lastTs).toBe(f.details.bursts?.[2]?.lastTs);
    expect(f.details.spanSecs).toBe((f.lastTs! - f.firstTs!) / 1000);
    expect(f.summary).toContain('repeated 90 times in 3 bursts');
  });

  it('lists the first and last bursts when there are many', () => {
    const n = BURSTS_HEAD + BURSTS_TAIL + 25;
    const incidents = detectIncidents(syslog(writeIterBursts(n, 6, 2 * 3_600_000)));
    const f = only(incidents, 'flood');
    if (f.details.type !== 'flood') throw new Error('flood details');
    expect(f.count).toBe(6 * n);
    expect(f.details.burstCount).toBe(n);
    expect(f.details.bursts).toHaveLength(BURSTS_HEAD + BURSTS_TAIL);
    expect(f.details.bursts?.at(-1)?.lastTs).toBe(f.lastTs);
    // Each burst's first line is an occurrence: 65 fit under the cap, so all are listed.
    expect(f.occurrencesTruncated).toBeUndefined();
    expect(f.occurrencesTotal).toBeUndefined();
    expect(f.occurrences).toHaveLength(n);
    expect(f.occurrences.at(-1)?.lineNo).toBe(f.details.bursts?.at(-1)?.first.lineNo);
  });

  it('a single burst keeps the shape it always had', () => {
    const incidents = detectIncidents(syslog(writeIterBursts(1, 12, 0)));
    const f = only(incidents, 'flood');
    if (f.details.type !== 'flood') throw new Error('flood details');
    expect(f.details.bursts).toBeUndefined();
    expect(f.details.spanSecs).toBe(110);
    expect(f.summary).toBe(
      '"WARNING: [write_iter] inode ifops has restore." repeated 12 times over 110 s, 6.55/min',
    );
  });
});

describe('flood templates', () => {
  it('replaces numbers, not the digits of device and interface names', () => {
    expect(
      floodTemplate(
        'level=error ts=1654522394123 caller=textfile.go:197 collector=textfile msg="failed to read textfile collector directory"',
      ),
    ).toBe(
      'level=error ts=# caller=textfile.go:# collector=textfile msg="failed to read textfile collector directory"',
    );
    expect(floodTemplate('IPv4: martian source 10.20.1.17 from 192.168.122.1, on dev eth0')).toBe(
      'IPv4: martian source #.#.#.# from #.#.#.#, on dev eth0',
    );
    expect(floodTemplate('EXT4-fs (vda1): re-mounted. Opts: errors=remount-ro')).toBe(
      'EXT4-fs (vda1): re-mounted. Opts: errors=remount-ro',
    );
    expect(floodTemplate('bad page at 0xffff8801a2b3c4d0 pfn 4ebca70f')).toBe('bad page at # pfn #');
  });

  it('gathers texts that differ only in numbers, and keeps different words apart', () => {
    // node_exporter prints its own epoch-ms stamp: each text repeats a few times, the template all day.
    const entries: [number, string][] = [];
    let ts = T0;
    for (let s = 0; s < 40; s++) {
      const own = 1654522394000 + s * 15_000;
      for (let i = 0; i < 6; i++) {
        ts += 2_500;
        entries.push([
          ts,
          `video-stream node_exporter[1976]: level=error ts=${own} caller=textfile.go:197 collector=textfile msg="failed to read textfile collector directory" path=/var/lib/node_exporter err="open /var/lib/node_exporter: no such file or directory"`,
        ]);
        entries.push([
          ts + 1,
          `video-stream sshd[${3000 + i}]: pam_unix(sshd:session): session closed for user ${s % 2 ? 'root' : 'deploy'}`,
        ]);
      }
    }
    const floods = detectIncidents(syslog(entries)).filter((i) => i.kind === 'flood');
    const ne = floods.filter((i) => i.details.type === 'flood' && i.details.program === 'node_exporter');
    expect(ne).toHaveLength(1);
    const d = ne[0]!.details;
    if (d.type !== 'flood') throw new Error('flood details');
    expect(ne[0]!.count).toBe(240);
    expect(d.variants).toBe(40);
    expect(d.burstCount).toBe(40);
    expect(d.bursts?.[1]?.message).toContain(`ts=${1654522394000 + 15_000} `);
    expect(d.bursts?.[0]?.message).toBeUndefined();
    expect(ne[0]!.summary).toContain('(40 texts differing only in numbers) repeated 240 times in 40 bursts');
    const pam = floods.filter((i) => i.details.type === 'flood' && i.details.program === 'sshd');
    expect(
      pam.map((i) => (i.details.type === 'flood' ? i.details.message.split(' ').at(-1) : '')).sort(),
    ).toEqual(['deploy', 'root']);
    expect(pam.map((i) => i.count)).toEqual([120, 120]);
  });
});
