/**
 * Process deaths are grouped as they become final instead of all being kept to the end: a
 * unit's latest death stays open for its `Failed with result` line. The incidents must be the
 * same as grouping every draft at the end.
 */
import { describe, expect, it } from 'vitest';
import { detectIncidents } from '../../../src/main/engine/analysis/crashes';
import { DeathDetector } from '../../../src/main/engine/analysis/crashes/deaths';
import { groupDrafts } from '../../../src/main/engine/analysis/crashes/group';
import { kernelMessage } from '../../../src/main/engine/analysis/kernel/message';
import type { RecordLine } from '../../../src/shared/model/log';

const T0 = Date.UTC(2022, 5, 6, 21, 33, 13);

function stamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `Jun ${String(d.getUTCDate()).padStart(2, ' ')} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/** A day of systemd and systemd-coredump lines for three units dying in turn, some restarts between. */
function dayOfDeaths(): RecordLine[] {
  const out: RecordLine[] = [];
  let t = T0;
  const add = (ms: number, rest: string): void => {
    out.push({
      lineId: out.length + 1,
      sourceId: 1,
      sourcePath: 'var/log/syslog',
      lineNo: out.length + 1,
      ts: ms,
      tsQuality: 'year-inferred',
      text: `${stamp(ms)} video-stream ${rest}`,
    });
  };
  for (let i = 0; i < 2400; i++) {
    t += 7_000 + ((i * 7919) % 90_000);
    const unit = ['stream-convert.service', 'nginx.service', 'redis-server.service'][i % 3]!;
    if (i % 5 === 0) {
      add(t, `systemd[1]: ${unit}: Main process exited, code=dumped, status=11/SEGV`);
      add(
        t + 400,
        `systemd-coredump[${4000 + i}]: Process ${4000 + i} (${unit.split('.')[0]}) of user 33 dumped core.`,
      );
      add(t + 500, `systemd[1]: ${unit}: Failed with result 'core-dump'.`);
    } else if (i % 5 === 1) {
      add(t, `systemd[1]: ${unit}: Main process exited, code=killed, status=9/KILL`);
      // the result line comes late: more than a minute after, it is a death of its own
      add(t + (i % 2 ? 500 : 70_000), `systemd[1]: ${unit}: Failed with result 'signal'.`);
    } else if (i % 5 === 2) {
      add(t, `systemd[1]: ${unit}: Main process exited, code=killed, status=6/ABRT`);
    } else {
      add(t, `systemd[1]: ${unit}: Scheduled restart job, restart counter is at ${i}.`);
      add(t + 100, `systemd[1]: Stopped ${unit}.`);
    }
  }
  return out;
}

describe('deaths grouped as they become final', () => {
  it('gives the incidents of grouping every draft at the end', () => {
    const lines = dayOfDeaths();
    const streamed = detectIncidents(lines, { floods: false, prefilter: false });

    const all = new DeathDetector();
    for (const l of lines) all.push(l, kernelMessage(l.text));
    const drafts = all.finish();
    const atEnd = groupDrafts(drafts).sort(
      (a, b) => a.line.sourceId - b.line.sourceId || a.line.lineNo - b.line.lineNo,
    );

    expect(drafts.length).toBeGreaterThan(300);
    expect(streamed.length).toBeGreaterThan(5);
    expect(streamed.some((i) => i.occurrencesTruncated)).toBe(true);
    // a death that gained its result line while open
    expect(streamed.some((i) => i.details.type === 'death' && i.lines.length === 2)).toBe(true);
    expect(JSON.stringify(streamed)).toEqual(JSON.stringify(atEnd));
  });
});
