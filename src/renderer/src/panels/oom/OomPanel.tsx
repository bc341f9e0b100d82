import { useMemo, useState } from 'react';
import { useAnalysis } from '../../state/analysis';
import { useCase } from '../../state/case';
import { Cross } from './Cross';
import { CallTrace, Damage, Findings, Memcg } from './Details';
import { Ledger } from './Ledger';
import { useOomT } from './messages';
import './oom.css';
import { ReportList } from './ReportList';
import { oomOf } from './sanitize';
import { TaskTable } from './TaskTable';
import { useReportLines } from './useReportLines';
import { VerdictCard } from './VerdictCard';
import { Zones } from './Zones';
import { useClock } from '../../state/clock';
import { useViewer } from '../../state/viewer';

/** The id of the report whose lines hold `lineId` (a report's lines are consecutive in its source). */
export function reportAt(
  reports: readonly { id: string; lineId: number; line: number; lastLine: number }[],
  lineId: number | null,
): string | null {
  if (lineId === null) return null;
  return reports.find((r) => lineId >= r.lineId && lineId <= r.lineId + (r.lastLine - r.line))?.id ?? null;
}

/** Issue 4's panel: every OOM report of the case taken apart, each value linked to its line. */
export function OomPanel(): React.JSX.Element {
  // Times show in the machine's zone once the viewer has learned it: re-render then.
  useClock((s) => s.offsetMin);
  const t = useOomT();
  const caseId = useCase((s) => s.caseId);
  const analysis = useAnalysis((s) => s.analysis);
  const loading = useAnalysis((s) => s.loading);
  const error = useAnalysis((s) => s.error);
  const [picked, setPicked] = useState<string | null>(null);
  const oom = useMemo(() => (analysis ? oomOf(analysis) : null), [analysis]);
  const reports = useMemo(() => oom?.oom ?? [], [oom]);
  const report = reports.find((r) => r.id === picked) ?? reports[0] ?? null;
  const lines = useReportLines(caseId, report);
  // The report whose lines hold the viewer's cursor (a report's lines are consecutive in its source).
  // Subscribed as the report's id: a cursor move within (or outside) the same report re-renders nothing.
  const atCursor = useViewer((s) => reportAt(reports, s.cursor?.lineId ?? null));
  const first = lines?.lines[0]?.lineId === report?.lineId ? (lines?.lines[0] ?? null) : null;

  if (!analysis || !oom) {
    if (error)
      return (
        <p className="oom-error" role="alert">
          {t('error', { message: error })}
        </p>
      );
    return <p className="oom-dim">{loading ? t('loading') : t('none')}</p>;
  }
  if (reports.length === 0)
    return (
      <p className="oom-dim" data-testid="oom-none">
        {t('none')}
      </p>
    );
  return (
    <div className="oom-panel">
      <ReportList
        reports={reports}
        timeline={oom.oomCross.timeline}
        selected={report?.id ?? null}
        atCursor={atCursor}
        selectedQuality={first?.tsQuality ?? null}
        onPick={setPicked}
      />
      {report && (
        <div className="oom-report" data-testid="oom-report" data-report-id={report.id}>
          <VerdictCard r={report} first={first} />
          <Findings r={report} />
          <Damage r={report} />
          <Ledger r={report} />
          <Zones r={report} />
          <Memcg r={report} />
          <TaskTable key={report.id} r={report} />
          <CallTrace r={report} lines={lines?.lines ?? null} />
        </div>
      )}
      <Cross cross={oom.oomCross} reports={reports} onPick={setPicked} />
    </div>
  );
}
