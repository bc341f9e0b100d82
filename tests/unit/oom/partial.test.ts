/** A report missing parts yields what it has and says what is missing. */
import { describe, expect, it } from 'vitest';
import { corpusAvailable, readCorpus } from '../../helpers/corpus';
import { fixture, one, textLines } from './fixture';

describe('incomplete reports', () => {
  it.skipIf(!corpusAvailable)(
    'reads the tail of a task table before a panic_on_oom (abrt kernel_panic_oom, a log that starts mid-report)',
    () => {
      const r = one(readCorpus('b-dmesg', 'abrt__kernel_panic_oom.test').toString('utf8'));
      expect(r.kernel).toBe('3.10.0-327.28.2.el7.x86_64');
      expect(r.taskTable).toMatchObject({
        layout: 'rss nr_ptes swapents oom_score_adj',
        layoutInferred: true,
      });
      expect(r.tasks.map((t) => t.pid)).toEqual([1804, 2079, 38910, 39971, 32384]);
      expect(r.victim).toBeNull();
      expect(r.audit.explanation).toContain('the largest task in the table was 39971 (webservice)');
      expect(r.findings.find((f) => f.code === 'panic-on-oom')?.evidence[0]?.lineNo).toBe(6);
      const missing = r.damage.filter((d) => d.kind === 'missing').map((d) => d.text);
      expect(missing.some((t) => t.includes('header is missing'))).toBe(true);
      expect(missing.some((t) => t.includes('the trigger line'))).toBe(true);
      expect(missing.some((t) => t.includes('start of this report is missing'))).toBe(true);
    },
  );

  it('says which parts are missing when the task table and kill line were lost', () => {
    const cut = textLines(fixture('06'));
    const r = one(
      cut
        .slice(
          0,
          cut.findIndex((l) => l.startsWith('[ pid ]')),
        )
        .join('\n'),
    );
    expect(r.victim).toBeNull();
    expect(r.trigger?.comm).toBe('badsysprogram');
    expect(r.zones).toHaveLength(2);
    expect(r.damage.find((d) => d.kind === 'missing')?.text).toBe(
      'Missing from this report: the task table; the kill line (`Killed process …`).',
    );
  });

  it('opens a report at a kill line whose start was lost', () => {
    const r = one(textLines(fixture('04')).slice(-2).join('\n'));
    expect(r.victim).toMatchObject({ pid: 6576, comm: 'mysqld' });
    expect(r.score.printed).toBe(651);
    expect(r.damage.some((d) => d.text.startsWith('The start of this report is missing'))).toBe(true);
  });
});
