/**
 * Task-table layouts, each from a real report (or a copy edited the way that kernel prints
 * it). The layout must come from the header line, never from the kernel version.
 */
import { describe, expect, it } from 'vitest';
import { fixture, one, textLines } from './fixture';

/** Applies `f` to the task rows (`[  pid]` lines) of a report and `h` to its header. */
function editTable(text: string, h: (header: string) => string, f: (row: string) => string): string {
  return textLines(text)
    .map((l) => (/\[\s*pid\s*\]/.test(l) ? h(l) : /\[\s*\d+\]\s+-?\d+\s/.test(l) ? f(l) : l))
    .join('\n');
}

describe('task table layouts', () => {
  it('`rss cpu oom_adj` (2.6.32 mainline, old heuristic): rows read, oom_adj -17 ineligible, score not recomputable', () => {
    const text = editTable(
      fixture('03')
        .replace(', oom_adj=0, oom_score_adj=0', ', oom_adj=0')
        .replaceAll('2.6.32-431.11.2.el6.x86_64', '2.6.32-5-amd64'),
      (h) => h.replace(' oom_score_adj', ''),
      (row) => row.replace(/\s+-?\d+ (\S+)$/, ' $1'),
    );
    const r = one(text);
    expect(r.taskTable?.layout).toBe('rss cpu oom_adj');
    expect(r.tasks).toHaveLength(80);
    const udevd = r.tasks.find((t) => t.pid === 478)!;
    expect(udevd.oomAdj).toBe(-17);
    expect(udevd.eligible).toBe(false);
    expect(r.tasks.find((t) => t.pid === 13550)?.cpu).toBe(3);
    expect(r.score.rule).toContain('≤2.6.35');
    expect(r.score.verdict).toContain('cannot be recomputed');
    expect(r.victim?.pid).toBe(13550);
  });

  it('`rss cpu oom_adj oom_score_adj` (RHEL 6)', () => {
    const r = one(fixture('03'));
    expect(r.taskTable?.layout).toBe('rss cpu oom_adj oom_score_adj');
    expect(r.tasks.find((t) => t.pid === 13550)).toMatchObject({
      rss: 1906906,
      cpu: 3,
      oomAdj: 0,
      oomScoreAdj: 0,
      name: 'java',
    });
    expect(r.score.verdict).toContain('the printed 416 implies');
  });

  it('`nr_ptes swapents` (3.10 RHEL 7): 651 recomputed', () => {
    const r = one(fixture('04'));
    expect(r.taskTable?.columns).toEqual([
      'pid',
      'uid',
      'tgid',
      'total_vm',
      'rss',
      'nr_ptes',
      'swapents',
      'oom_score_adj',
      'name',
    ]);
    expect(r.taskTable?.pidHeader).toBe('[ pid ]');
    expect(r.score.computed).toBe(651);
  });

  it('`nr_ptes nr_pmds swapents` (4.4–4.13): 1046 recomputed', () => {
    const r = one(fixture('10'));
    expect(r.taskTable?.layout).toBe('rss nr_ptes nr_pmds swapents oom_score_adj');
    expect(r.tasks[0]).toMatchObject({ nrPtes: 34, nrPmds: 4, swapents: 5489, points: 10718 });
  });

  it('`nr_ptes nr_pmds nr_puds swapents` (4.14): the extra column is read and counted', () => {
    const text = editTable(
      fixture('10'),
      (h) => h.replace('nr_pmds swapents', 'nr_pmds nr_puds swapents'),
      (row) => row.replace(/^(\[\s*\d+\](?:\s+\d+){5}\s+\d+)/, '$1       1'),
    );
    const r = one(text);
    expect(r.taskTable?.layout).toBe('rss nr_ptes nr_pmds nr_puds swapents oom_score_adj');
    expect(r.tasks[0]).toMatchObject({ nrPuds: 1, swapents: 5489, points: 10719 });
    expect(r.score.computed).toBe(1046);
  });

  it('`pgtables_bytes swapents` with `[  pid  ]` (RHEL 8 backport of 4.19+)', () => {
    const r = one(fixture('13'));
    expect(r.taskTable?.layout).toBe('rss pgtables_bytes swapents oom_score_adj');
    expect(r.taskTable?.pidHeader).toBe('[  pid  ]');
    expect(r.tasks.find((t) => t.pid === 3117813)).toMatchObject({
      pgtablesBytes: 22183936,
      points: 1214746 + 5416,
      rank: 1,
    });
  });

  it('takes `pgtables_bytes` from the header even on a 3.10 kernel (backports)', () => {
    const text = editTable(
      fixture('04'),
      (h) => h.replace('nr_ptes', 'pgtables_bytes'),
      (row) =>
        row.replace(
          /^(\[\s*\d+\](?:\s+\d+){4}\s+)(\d+)/,
          (_m, a: string, ptes: string) => `${a}${Number(ptes) * 4096}`,
        ),
    );
    const r = one(text);
    expect(r.kernel).toBe('3.10.0-514.6.1.el7.x86_64');
    expect(r.taskTable?.layout).toBe('rss pgtables_bytes swapents oom_score_adj');
    expect(r.tasks.find((t) => t.pid === 6576)?.pgtablesBytes).toBe(15483 * 4096);
    expect(r.score.computed).toBe(651);
  });

  it('`rss rss_anon rss_file rss_shmem pgtables_bytes swapents` (6.8+)', () => {
    const text = editTable(
      fixture('18'),
      (h) => h.replace('rss pgtables_bytes', 'rss rss_anon rss_file rss_shmem pgtables_bytes'),
      (row) =>
        row.replace(
          /^(\[\s*\d+\](?:\s+\d+){3}\s+)(\d+)/,
          (_m, a: string, rss: string) =>
            `${a}${rss} ${Math.max(Number(rss) - 4, 0)} ${Math.min(Number(rss), 4)} 0`,
        ),
    );
    const r = one(text);
    expect(r.taskTable?.layout).toBe('rss rss_anon rss_file rss_shmem pgtables_bytes swapents oom_score_adj');
    const dox = r.tasks.find((t) => t.pid === 473206)!;
    expect(dox).toMatchObject({
      rss: 2308581,
      rssAnon: 2308577,
      rssFile: 4,
      rssShmem: 0,
      pgtablesBytes: 60686336,
      swapents: 5225427,
      rank: 1,
    });
    expect(dox.points).toBe(2308581 + 14816 + 5225427);
  });

  it('`[ pid ]` and `[  pid  ]` headers are both read whatever the pid width', () => {
    const narrow = one(
      textLines(fixture('13'))
        .map((l) => l.replace('[  pid  ]', '[ pid ]'))
        .join('\n'),
    );
    expect(narrow.taskTable?.pidHeader).toBe('[ pid ]');
    expect(narrow.tasks).toHaveLength(35);
    const wide = one(
      editTable(
        fixture('04'),
        (h) => h.replace('[ pid ]', '[  pid  ]'),
        (row) => row.replace(/^\[\s*(\d+)\]/, (_m, pid: string) => `[${pid.padStart(7)}]`),
      ),
    );
    expect(wide.taskTable?.pidHeader).toBe('[  pid  ]');
    expect(wide.tasks).toHaveLength(85);
    expect(wide.score.computed).toBe(651);
  });

  it('reads task names with spaces', () => {
    const text = textLines(fixture('13'))
      .map((l) => l.replace(/ tuned$/, ' C2 CompilerThre'))
      .join('\n');
    expect(one(text).tasks.find((t) => t.pid === 804)?.name).toBe('C2 CompilerThre');
  });
});
