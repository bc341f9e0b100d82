/** Across reports: timeline, cadence, repeat victims, and what restarted the victim. */
import { describe, expect, it } from 'vitest';
import type { RecordLine } from '../../../src/shared/model/log';
import { analyzeOomCase, fixture, lines, textLines } from './fixture';

const T0 = Date.UTC(2024, 8, 29, 8, 12, 34);

/** Lines of a source with a time on each (the ingest would have set it from the syslog header). */
function timed(text: string, sourceId: number, path: string, startMs: number): RecordLine[] {
  return lines(text, path, sourceId).map((l) => ({ ...l, ts: startMs, tsQuality: 'year-inferred' as const }));
}

describe('cross-report analysis', () => {
  // systemd lines as systemd 239+ prints them for an OOM-killed unit member (cf. the
  // `ceph-osd@0.service: Scheduled restart job, restart counter is at 1.` line in f-sos)
  const journal = [
    'Sep 29 08:12:35 hnsin-varnish systemd[1]: varnish.service: A process of this unit has been killed by the OOM killer.',
    "Sep 29 08:12:35 hnsin-varnish systemd[1]: varnish.service: Failed with result 'oom-kill'.",
    'Sep 29 08:12:45 hnsin-varnish systemd[1]: varnish.service: Scheduled restart job, restart counter is at 1.',
    'Sep 29 08:12:45 hnsin-varnish systemd[1]: nginx.service: Scheduled restart job, restart counter is at 1.',
  ].join('\n');

  it('links systemd lines of the victim unit (from task_memcg) in another source, by time', () => {
    const kern = timed(fixture('13'), 1, 'var/log/messages', T0);
    const jl = timed(journal, 2, 'journal', T0).map((l, i) => ({ ...l, ts: T0 + (i < 2 ? 1000 : 11000) }));
    const a = analyzeOomCase([...jl, ...kern]);
    expect(a.reports).toHaveLength(1);
    expect(a.cross.aftermath.map((x) => [x.kind, x.link, x.afterSecs])).toEqual([
      ['systemd-killed', 'unit varnish.service', 1],
      ['systemd-oom-result', 'unit varnish.service', 1],
      ['systemd-restart', 'unit varnish.service', 11],
    ]);
    const f = a.cross.findings.find((x) => x.code === 'victim-restarted')!;
    expect(f.text).toContain('cache-main (pid 3117813)');
    expect(f.evidence.map((e) => e.sourcePath)).toEqual(['journal', 'journal', 'journal']);
  });

  it('does not link lines from before the kill or from another host', () => {
    const kern = timed(fixture('13'), 1, 'var/log/messages', T0);
    const early = timed(journal, 2, 'journal', T0 - 60_000);
    const other = timed(journal.replaceAll('hnsin-varnish', 'other-host'), 3, 'journal2', T0 + 2000);
    const a = analyzeOomCase([...early, ...other, ...kern]);
    expect(a.cross.aftermath).toEqual([]);
  });

  it('puts kills on one timeline with their cadence', () => {
    const first = timed(fixture('13'), 1, 'messages', T0);
    const second = timed(fixture('13').replaceAll('3117813', '3120000'), 1, 'messages', T0 + 300_000).map(
      (l) => ({ ...l, lineNo: l.lineNo + 1000 }),
    );
    const a = analyzeOomCase([...first, ...second]);
    expect(a.cross.timeline.map((t) => [t.victimPid, t.sincePreviousSecs])).toEqual([
      [3117813, null],
      [3120000, 300],
    ]);
    expect(a.cross.cadence).toEqual([
      { host: 'hnsin-varnish', kills: 2, firstTs: T0, lastTs: T0 + 300_000, medianIntervalSecs: 300 },
    ]);
    expect(a.cross.repeatVictims[0]).toMatchObject({ comm: 'cache-main', count: 2 });
  });

  it('audits a victim when the top row was killed by an earlier report and was still exiting', () => {
    const text = textLines(fixture('06'));
    const second = text
      .map((l) =>
        l
          .replace('Kill process 1532 (badsysprogram) score 919', 'Kill process 1476 (tail) score 0')
          .replace('Killed process 1532 (badsysprogram)', 'Killed process 1476 (tail)'),
      )
      .join('\n');
    const a = analyzeOomCase(lines([text.join('\n'), second].join('\n')));
    expect(a.reports.map((r) => r.victim?.pid)).toEqual([1532, 1476]);
    expect(a.reports[1]!.audit.explanation).toContain('killed by an earlier OOM kill and was still exiting');
  });
});
