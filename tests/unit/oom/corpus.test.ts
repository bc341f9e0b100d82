import { describe, expect, it } from 'vitest';
import { corpusAvailable, listCorpus, readCorpus, readManifest } from '../../helpers/corpus';
import { analyzeOom, lines } from './fixture';

describe.skipIf(!corpusAvailable)('OOM reports of ../shared/corpus/g-oom', () => {
  const manifest = corpusAvailable ? readManifest('g-oom') : [];
  const recomputes: Record<string, number> = { '04': 651, '06': 919, '10': 1046 };

  it('has ten reports listed', () => {
    expect(listCorpus('g-oom').filter((f) => f.endsWith('.log'))).toHaveLength(10);
    expect(manifest).toHaveLength(10);
  });

  for (const row of manifest) {
    const file = row.file!;
    const id = file.slice(0, 2);
    it(`${file}: victim ${row.victim_pid} ${row.victim_comm}, score ${row.printed_score}`, () => {
      const reports = analyzeOom(lines(readCorpus('g-oom', file).toString('utf8'), file));
      expect(reports).toHaveLength(1);
      const r = reports[0]!;
      expect(r.victim?.pid).toBe(Number(row.victim_pid));
      expect(r.victim?.comm).toBe(row.victim_comm);
      expect(r.kernel).toBe(row.kernel_version);
      expect(r.kind).toBe(
        row.kind!.startsWith('memcg') ? 'memcg' : row.kind!.includes('manual') ? 'manual' : 'global',
      );
      const printed = row.printed_score === 'none printed' ? null : Number(row.printed_score);
      expect(r.score.printed).toBe(printed);
      expect(r.score.verdict.length).toBeGreaterThan(40);
      if (recomputes[id] !== undefined) {
        expect(r.score.computed).toBe(recomputes[id]);
        expect(r.score.result).toMatch(/^match/);
      } else if (printed === null) {
        // 5.1+ and RHEL 8 print no score: the victim is ranked by recomputed points instead
        expect(r.score.result).toBe('not-printed');
        expect(r.audit.victimRank).toBe(1);
      } else {
        expect(['not-computable', 'match']).toContain(r.score.result);
      }
      expect(r.tasks.length).toBeGreaterThan(0);
      expect(r.findings.every((f) => f.evidence.length > 0 || f.code === 'missing')).toBe(true);
    });
  }

  it('explains the RHEL 6 scores it cannot recompute with what the printed score implies', () => {
    const r02 = analyzeOom(
      lines(readCorpus('g-oom', '02-rhel6-2.6.32-642-global-mysqld.log').toString('utf8')),
    )[0]!;
    expect(r02.score.result).toBe('not-computable');
    expect(r02.score.totalPages).toBe(8388607 - 181790 + Math.floor(2097148 / 4));
    expect(r02.score.verdict).toContain('no nr_ptes and swapents column');
    expect(r02.score.verdict).toContain('rss alone (3287 pages');
    expect(r02.taskTable?.layout).toBe('rss cpu oom_adj oom_score_adj');
    expect(r02.tasks).toHaveLength(793);
    expect(r02.victim?.form).toContain('RHEL 6');
  });

  it('infers the host swap a 3.13 memcg score implies (07: limit 245 pages, score 996)', () => {
    const r = analyzeOom(
      lines(readCorpus('g-oom', '07-ubuntu-3.13.0-43-memcg-v1-memorymonster.log').toString('utf8')),
    )[0]!;
    expect(r.score.points).toBe(343 + 16267 + 8324326);
    expect(r.score.totalPagesFrom).toMatch(/memcg limit 245 pages \+ host swap \d+–\d+ pages \(inferred\)/);
    expect(r.memcg?.version).toBe(1);
    expect(r.taint?.letters).toEqual(['P', 'O', 'X']);
  });
});
