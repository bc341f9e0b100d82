/** The Crash panel's one timeline (incidents, dated dumps, notes about a time) on the sample case. */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../src/main/engine/engine';
import { crashTimeline, isTimeNote } from '../../../src/renderer/src/panels/crash/timeline';
import type { CaseAnalysis } from '../../../src/shared/model/analysis';
import type { Annotation } from '../../../src/shared/model/annotation';
import { SAMPLE, tmpDir } from '../../helpers/tmp';

describe('crashTimeline', () => {
  const dir = tmpDir('pm-crash-timeline-');
  const engine = new Engine();
  let caseId = '';
  let analysis: CaseAnalysis;
  let notes: Annotation[] = [];
  beforeAll(async () => {
    caseId = engine.openCase({ file: path.join(dir, 's.pmcase'), create: true, title: 's' }).caseId;
    await engine.ingest({ caseId, jobId: 'j', inputs: [SAMPLE] });
    analysis = engine.analysis({ caseId });
    const flood = analysis.incidents.find((i) => i.kind === 'flood')!;
    notes = [
      // 21:33:15 on the machine: between the log loss (21:33:13) and the killed container (21:33:17).
      engine.saveAnnotation({
        caseId,
        draft: {
          spanStart: Date.UTC(2022, 5, 6, 13, 33, 15),
          spanEnd: Date.UTC(2022, 5, 6, 13, 33, 15),
          body: 'at a time',
          tags: [],
          starred: false,
        },
      }),
      // A span after everything.
      engine.saveAnnotation({
        caseId,
        draft: {
          spanStart: Date.UTC(2022, 5, 8, 2, 0, 0),
          spanEnd: Date.UTC(2022, 5, 8, 2, 10, 0),
          body: 'reset',
          tags: [],
          starred: false,
        },
      }),
      // A note on a line is on its card, not a card of its own.
      engine.saveAnnotation({
        caseId,
        draft: { lineId: flood.line.lineId, body: 'on the flood', tags: ['crash-note'], starred: false },
      }),
    ];
  });
  afterAll(() => engine.closeAll());

  it('puts incidents and notes about a time in time order; notes on lines stay on their cards', () => {
    expect(notes.map(isTimeNote)).toEqual([true, true, false]);
    const entries = crashTimeline(analysis.incidents, analysis.crashes, notes);
    expect(
      entries.map((e) =>
        e.type === 'incident' ? e.incident.kind : e.type === 'note' ? e.note.body : e.type,
      ),
    ).toEqual(['log-loss', 'at a time', 'process-killed', 'flood', 'reset']);
    const ts = entries.map((e) => e.ts!);
    expect([...ts].sort((a, b) => a - b)).toEqual(ts);
    expect(new Set(entries.map((e) => e.key)).size).toBe(entries.length);
  });

  it('a dated dump is a card at its time; an undated incident goes last', () => {
    const killed = analysis.incidents.find((i) => i.kind === 'process-killed')!;
    const dump = {
      kind: 'coredump' as const,
      path: 'sos_commands/systemd/coredumpctl_list_--no-pager',
      ts: (killed.ts ?? 0) + 1000,
      summary: 'coredumpctl: /opt/stream/bin/stream_convert (pid 30002) SIGKILL, core none',
      evidence: [],
    };
    const undated = {
      ...killed,
      ts: null,
      firstTs: null,
      lastTs: null,
      line: { ...killed.line, lineNo: 9999 },
    };
    const entries = crashTimeline([...analysis.incidents, undated], [dump], []);
    const kinds = entries.map((e) =>
      e.type === 'incident' ? (e.ts === null ? 'undated' : e.incident.kind) : e.type,
    );
    expect(kinds).toEqual(['log-loss', 'process-killed', 'dump', 'flood', 'undated']);
  });
});
