/** Every historical form of the kill lines, from real reports and copies edited as those kernels print. */
import { describe, expect, it } from 'vitest';
import { fixture, one } from './fixture';

describe('kill lines', () => {
  it('RHEL 6 `Killed process N, UID u, (comm)`', () => {
    const r = one(fixture('03'));
    expect(r.victim).toMatchObject({
      pid: 13550,
      comm: 'java',
      uid: 500,
      totalVmKb: 12466024,
      anonRssKb: 7625016,
      fileRssKb: 2608,
      shmemRssKb: null,
    });
    expect(r.victim?.form).toContain('RHEL 6');
  });

  it('RHEL 7 `Killed process N (comm), UID u, …`', () => {
    const r = one(
      fixture('04').replace(
        'Killed process 6576 (mysqld) total-vm',
        'Killed process 6576 (mysqld), UID 12345, total-vm',
      ),
    );
    expect(r.victim).toMatchObject({ pid: 6576, comm: 'mysqld', uid: 12345, anonRssKb: 20629004 });
    expect(r.victim?.form).toContain('RHEL 7');
  });

  it('2.6.36–4.4 `total-vm, anon-rss, file-rss` and 4.5+ with `shmem-rss`', () => {
    const old = one(fixture('06'));
    expect(old.victim).toMatchObject({
      pid: 1532,
      totalVmKb: 1641388,
      anonRssKb: 1595164,
      fileRssKb: 76,
      shmemRssKb: null,
    });
    expect(old.victim?.form).toContain('2.6.36–4.4');
    const shmem = one(fixture('10'));
    expect(shmem.victim).toMatchObject({ pid: 1381, anonRssKb: 18624, fileRssKb: 2140, shmemRssKb: 0 });
    expect(shmem.victim?.form).toContain('4.5+');
  });

  it('5.1+ `Out of memory: Killed process …` without UID, and 5.4+ with `UID:u pgtables:NkB oom_score_adj:a`', () => {
    const plain = one(fixture('18').replace(', UID:504 pgtables:59264kB oom_score_adj:0', ''));
    expect(plain.victim).toMatchObject({ pid: 473206, comm: 'doxygen', uid: 504, pgtablesKb: null });
    expect(plain.victim?.form).toContain('5.1+ prefixed');
    const full = one(fixture('18'));
    expect(full.victim).toMatchObject({
      pid: 473206,
      uid: 504,
      pgtablesKb: 59264,
      oomScoreAdj: 0,
      anonRssKb: 9234320,
      fileRssKb: 4,
      shmemRssKb: 0,
    });
    expect(full.victim?.form).toContain('5.4+');
    expect(full.reaped).toMatchObject({ pid: 473206, anonRssKb: 0 });
  });

  it('`Memory cgroup out of memory` in the selection (≤5.0) and the kill (5.1+) lines', () => {
    const v1 = one(fixture('10'));
    expect(v1.kind).toBe('memcg');
    expect(v1.memcg).toMatchObject({
      version: 1,
      taskIn: '/docker/2e088fe462e25e60be1dafafe2c05c47bda1a97978648d10ad2b7484fc0b8f50',
    });
    expect(v1.memcg?.counters.map((c) => c.name)).toEqual(['memory', 'memory+swap', 'kmem']);
    expect(v1.memcg?.stats.swap).toBe(20460);
    const v2 = one(fixture('17'));
    expect(v2.kind).toBe('memcg');
    expect(v2.constraint).toBe('CONSTRAINT_MEMCG');
    expect(v2.memcg).toMatchObject({
      version: 2,
      oomMemcg: '/lxc/39004',
      statsUnit: 'bytes',
      statsPath: '/lxc/39004',
    });
    expect(v2.memcg?.stats.anon).toBe(31154200576);
    expect(v2.memcg?.stats.thp_collapse_alloc).toBe(0);
    expect(v2.victim?.form).toContain('5.4+');
  });

  it('`Out of memory (oom_kill_allocating_task)`: no ranking, and the score said not to be a badness', () => {
    const r = one(
      fixture('06').replace(
        'Out of memory: Kill process 1532 (badsysprogram) score 919 or sacrifice child',
        'Out of memory (oom_kill_allocating_task): Kill process 1532 (badsysprogram) score 0 or sacrifice child',
      ),
    );
    expect(r.victim?.pid).toBe(1532);
    expect(r.score.printed).toBe(0);
    expect(r.score.verdict).toContain('oom_kill_allocating_task');
    expect(r.audit.explanation).toContain('without ranking');
  });

  it('a child sacrificed: the kill line names another pid than the selection line', () => {
    const r = one(
      fixture('06').replace(
        'Killed process 1532 (badsysprogram) total-vm:1641388kB, anon-rss:1595164kB, file-rss:76kB',
        'Killed process 1476 (tail) total-vm:7236kB, anon-rss:100kB, file-rss:0kB',
      ),
    );
    expect(r.victim?.pid).toBe(1476);
    expect(r.selectedPid).toBe(1532);
    expect(r.score.computed).toBe(919);
    expect(r.audit.explanation).toContain('killed child 1476');
    expect(r.findings.some((f) => f.code === 'child-sacrificed')).toBe(true);
  });

  it('a manual (sysrq) OOM: order=-1, no allocation failed', () => {
    const r = one(fixture('16'));
    expect(r.kind).toBe('manual');
    expect(r.trigger?.order).toBe(-1);
    expect(r.trigger?.gfpZones).toEqual([]);
    expect(r.findings.find((f) => f.code === 'manual')?.text).toContain('no allocation failed');
    expect(r.victim).toMatchObject({ pid: 651, comm: 'unattended-upgr' });
  });
});
