import { useEffect, useMemo, useState } from 'react';
import { useAnalysis } from '../../state/analysis';
import { useCase } from '../../state/case';
import './crash.css';
import { Dumps } from './Dumps';
import { byTime } from './format';
import { IncidentCard } from './IncidentCard';
import { useCrashT } from './messages';
import { useCrashNotes } from './notes';
import { SystemReadiness } from './SystemReadiness';
import { useClock } from '../../state/clock';

/** Cards beyond this wait for "show all", so a log with thousands of incidents stays fast. */
const FIRST_CARDS = 50;

/** Issue 6: kernel incidents, process deaths, floods and log loss as cards, then the machine's readiness. */
export function CrashPanel(): React.JSX.Element {
  // Times show in the machine's zone once the viewer has learned it: re-render then.
  useClock((s) => s.offsetMin);
  const t = useCrashT();
  const analysis = useAnalysis((s) => s.analysis);
  const loading = useAnalysis((s) => s.loading);
  const error = useAnalysis((s) => s.error);
  const caseId = useCase((s) => (s.status === 'ready' ? s.caseId : null));
  const notesError = useCrashNotes((s) => s.loadError);
  const [all, setAll] = useState(false);

  useEffect(() => {
    if (caseId) void useCrashNotes.getState().load(caseId);
  }, [caseId]);

  const incidents = useMemo(() => byTime(analysis?.incidents ?? []), [analysis]);

  if (!analysis) {
    return (
      <div className="crash-panel">
        {error ? (
          <p className="crash-error" role="alert">
            {t('panel.error', { message: error })}
          </p>
        ) : (
          loading && <p className="crash-dim">{t('panel.loading')}</p>
        )}
      </div>
    );
  }
  const shown = all ? incidents : incidents.slice(0, FIRST_CARDS);
  return (
    <div className="crash-panel">
      <section className="crash-incidents">
        <h3>
          {t('incidents.title')}{' '}
          <span className="crash-dim">{t('incidents.count', { count: incidents.length })}</span>
        </h3>
        {notesError && (
          <p className="crash-error" role="alert">
            {t('note.loadError', { message: notesError })}
          </p>
        )}
        {incidents.length === 0 ? (
          <p className="crash-dim">{t('incidents.none')}</p>
        ) : (
          <ol className="crash-timeline" data-testid="crash-incidents">
            {shown.map((inc) => (
              <li key={`${inc.kind}|${inc.line.sourceId}|${inc.line.lineNo}`}>
                <IncidentCard incident={inc} />
              </li>
            ))}
          </ol>
        )}
        {incidents.length > FIRST_CARDS && (
          <button type="button" className="crash-more" onClick={() => setAll(!all)}>
            {all
              ? t('incidents.showFewer', { count: FIRST_CARDS })
              : t('incidents.showAll', { count: incidents.length })}
          </button>
        )}
      </section>
      <Dumps crashes={analysis.crashes ?? []} />
      <SystemReadiness facts={analysis.system.facts} recommendations={analysis.system.recommendations} />
    </div>
  );
}
