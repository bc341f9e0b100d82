import { useEffect, useState } from 'react';
import type { ViewLine } from '../../../../shared/model/case';
import type { OomReport } from '../../../../shared/model/oom';
import { getWorkbench } from '../../api';

/** Reports longer than this are not read whole (a kernel OOM report is a few hundred lines). */
const MAX_LINES = 5000;

export interface ReportLines {
  reportId: string;
  /** The report's lines in its source, first to last (the viewer's own rows). */
  lines: ViewLine[];
}

/**
 * Reads the selected report's lines from its source: the first line's time quality (the
 * model keeps only the UTC ms) and the lines of the call trace (the model keeps the frames only).
 */
export function useReportLines(caseId: string | null, report: OomReport | null): ReportLines | null {
  const [got, setGot] = useState<ReportLines | null>(null);
  useEffect(() => {
    if (!caseId || !report || report.lineId <= 0) return;
    let live = true;
    const api = getWorkbench();
    const view = { kind: 'source' as const, sourceId: report.sourceId };
    const count = Math.min(Math.max(report.lastLine - report.line + 1, 1), MAX_LINES);
    void api
      .locateLine({ caseId, view, lineId: report.lineId })
      .then(({ position }) =>
        position === null ? null : api.getLines({ caseId, view, start: position, count }),
      )
      .then((page) => {
        if (live && page) setGot({ reportId: report.id, lines: page.lines });
      })
      .catch(() => {
        // Without the lines the panel still shows the model; only the time caveat and trace links are missing.
      });
    return () => {
      live = false;
    };
  }, [caseId, report]);
  return got && report && got.reportId === report.id ? got : null;
}

/** The line of each call-trace frame, matched in order within the report's lines. */
export function traceLines(frames: string[], lines: ViewLine[]): Array<ViewLine | null> {
  const start = lines.findIndex((l) => /Call Trace:/i.test(l.text));
  let at = start === -1 ? 0 : start + 1;
  return frames.map((frame) => {
    for (let i = at; i < lines.length; i++) {
      const line = lines[i];
      if (line && line.text.includes(frame)) {
        at = i + 1;
        return line;
      }
    }
    return null;
  });
}
