import { describe, expect, it } from 'vitest';
import type { BootJson } from '../../src/shared/model/boot';
import type { Incident, Recommendation, SystemFact } from '../../src/shared/model/incident';
import type { OomReport } from '../../src/shared/model/oom';
import { runCli } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';

interface Doc {
  oom: OomReport[];
  boots: BootJson[];
  incidents: Incident[];
  system: { facts: SystemFact[]; recommendations: Recommendation[] };
}

describe('postmortem analyze --json on the sample case: the analysers run over the indexed case', () => {
  const r = runCli(['analyze', '--json'], tmpDir());
  const doc = JSON.parse(r.stdout) as Doc;

  it('takes the OOM report apart and checks the kernel’s score', () => {
    expect(doc.oom).toHaveLength(1);
    const o = doc.oom[0]!;
    expect(o).toMatchObject({
      source: 'var/log/syslog',
      line: 1,
      kind: 'global',
      victim: { pid: 30002, comm: 'stream_convert' },
    });
    expect(o.lineId).toBe(1);
    expect(o.score).toMatchObject({
      printed: 731,
      computed: 731,
      rootDiscount: false,
      totalPages: 8388477 - 151785,
    });
    expect(o.trigger?.gfpFlags).toEqual(['GFP_HIGHUSER_MOVABLE', '__GFP_ZERO']);
    expect(o.memInfo.totalSwapKb).toBe(0);
  });

  it('finds the write_iter flood after the kill, the journald log loss and the container’s death', () => {
    const flood = doc.incidents.find((i) => i.kind === 'flood');
    expect(flood).toMatchObject({ count: 5, source: 'var/log/syslog' });
    expect(flood!.line.lineNo).toBeGreaterThan(doc.oom[0]!.lastLine);
    expect(doc.incidents.find((i) => i.kind === 'log-loss')?.details).toMatchObject({ lost: 6 });
    expect(doc.incidents.some((i) => i.kind === 'process-killed')).toBe(true);
    expect(doc.incidents.some((i) => ['panic', 'oops', 'bug'].includes(i.kind))).toBe(false);
  });

  it('reads the machine’s settings and says what is unknown rather than assuming it', () => {
    const fact = (k: string): SystemFact | undefined => doc.system.facts.find((f) => f.key === k);
    expect(fact('vm.panic_on_oom')).toMatchObject({
      value: '0',
      known: true,
      evidence: [{ sourcePath: 'proc/sys/vm/panic_on_oom', lineNo: 1 }],
    });
    expect(fact('vm.overcommit_memory')).toMatchObject({
      known: false,
      meaning: { en: 'unknown (not in the archive)' },
    });
    expect(fact('swap')).toMatchObject({ value: '0', known: true, inferred: true });
    expect(doc.system.recommendations.map((x) => x.id)).toEqual(
      expect.arrayContaining(['no-vmcore', 'hang-to-vmcore', 'no-swap', 'core-dumps']),
    );
  });

  it('lists the five boots of the last listing, years pinned by weekdays, local times read in the zone the logs revealed', () => {
    // `last` prints local time; containerd's ISO stamps in the syslog say +08:00.
    expect(doc.boots.map((b) => `${b.start.slice(0, 16)} ${b.endKind}`)).toEqual([
      '2020-10-26T11:38 hard',
      '2021-10-26T12:44 hard',
      '2022-03-29T09:46 hard',
      '2022-04-06T12:21 hard',
      '2022-06-08T02:10 running',
    ]);
    for (const b of doc.boots.slice(0, 4)) expect(b.explanation).toMatch(/still running/);
  });

  it('the boot before the forced reboot ended hard; its last sign of life is the last write_iter warning', () => {
    const before = doc.boots[3]!;
    expect(before.endKind).toBe('hard');
    expect(before.lastSignOfLife).toMatchObject({
      ts: '2022-06-06T13:33:51.000Z',
      source: 'var/log/syslog',
      line: 111,
      text: 'Jun  6 21:33:51 video-stream kernel: WARNING: [write_iter] inode ifops has restore.',
    });
    // from 21:33:51 on Jun 6 to 10:10 on Jun 8 (+08:00)
    expect(before.downtimeS).toBe(86_400 + 12 * 3600 + 36 * 60 + 9);
    expect(doc.boots[4]!.uptimeS).toBe(20 * 60); // booted 10:10, archive collected 10:30
  });

  it('gives the OOM kill its time, with the year inferred from the ISO stamps in the containerd lines', () => {
    expect(new Date(doc.oom[0]!.ts!).toISOString()).toBe('2022-06-06T13:33:13.000Z');
  });
});
