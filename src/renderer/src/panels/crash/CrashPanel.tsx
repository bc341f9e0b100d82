import { useEffect, useMemo, useState } from 'react';
import { useInlineNotes } from '../../notes/inline';
import { useNotes } from '../../notes/store';
import { useAnalysis } from '../../state/analysis';
import { useCase } from '../../state/case';
import { useClock } from '../../state/clock';
import './crash.css';
import { DumpCard, Dumps } from './Dumps';
import { IncidentCard } from './IncidentCard';
import { useCrashT } from './messages';
import { SystemReadiness } from './SystemReadiness';
import { crashTimeline } from './timeline';
import { AddTimeNote, TimeNoteCard } from './TimeNote';

/** Cards beyond this wait for "show all", so a log with thousands of incidents stays fast. */
const FIRST_CARDS = 50;

/**
 * Issue 6: kernel incidents, process deaths, floods, log loss, dumps and the engineer's notes
 * as cards on one timeline, then the machine's readiness.
 */
export function CrashPanel(): React.JSX.Element {
  // Times show in the machine's zone once the viewer has learned it: re-render then.
  useClock((s) => s.offsetMin);
  const t = useCrashT();
  const analysis = useAnalysis((s) => s.analysis);
  const loading = useAnalysis((s) => s.loading);
  const error = useAnalysis((s) => s.error);
  // This panel loads lazily, possibly after the case opened: ask for its analysis (the store
  // reads it once per case and summary).
  const caseId = useCase((s) => (s.status === 'ready' && s.summary?.state === 'complete' ? s.caseId : null));
  const stamp = useCase((s) => s.summary?.updatedAt ?? null);
  useEffect(() => {
    if (caseId && stamp !== null) void useAnalysis.getState().load(caseId, stamp);
  }, [caseId, stamp]);
  const notes = useNotes((s) => s.notes);
  const notesError = useNotes((s) => (s.status === 'error' ? s.error : null));
  const [all, setAll] = useState(false);
  const [draftTs, setDraftTs] = useState<number | null>(null);
  const draftId = useInlineNotes((s) =>
    draftTs === null ? null : (s.entries[`time:${draftTs}`]?.annotationId ?? null),
  );

  const entries = useMemo(
    () => crashTimeline(analysis?.incidents ?? [], analysis?.crashes ?? [], notes),
    [analysis, notes],
  );

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
  // The note being typed in the draft card is not listed a second time.
  const listed = entries.filter((e) => !(e.type === 'note' && e.note.annotationId === draftId));
  const shown = all ? listed : listed.slice(0, FIRST_CARDS);
  const counts = { incident: 0, dump: 0, note: 0 };
  for (const e of listed) counts[e.type]++;
  const draftAt = draftTs === null ? -1 : shown.findIndex((e) => e.ts !== null && e.ts > draftTs);
  const draft =
    draftTs === null ? null : (
      <li key="draft" data-testid="crash-timenote-draft">
        <TimeNoteCard note={null} draftTs={draftTs} onDone={() => setDraftTs(null)} />
      </li>
    );
  return (
    <div className="crash-panel">
      <section className="crash-incidents">
        <h3>
          {t('incidents.title')}{' '}
          <span className="crash-dim" data-testid="crash-timeline-counts">
            {t('timeline.summary', {
              incidents: t('incidents.count', { count: counts.incident }),
              dumps: t('dumps.count', { count: counts.dump }),
              notes: t('timenote.count', { count: counts.note }),
            })}
          </span>
        </h3>
        {notesError && (
          <p className="crash-error" role="alert">
            {t('note.loadError', { message: notesError })}
          </p>
        )}
        {counts.incident === 0 && <p className="crash-dim">{t('incidents.none')}</p>}
        {(shown.length > 0 || draft) && (
          <ol className="crash-timeline" data-testid="crash-incidents">
            {shown.map((e, i) => [
              i === draftAt ? draft : null,
              <li key={e.key} data-entry={e.type}>
                {e.type === 'incident' ? (
                  <IncidentCard incident={e.incident} />
                ) : e.type === 'dump' ? (
                  <DumpCard a={e.artefact} />
                ) : (
                  <TimeNoteCard note={e.note} />
                )}
              </li>,
            ])}
            {draftAt === -1 && draft}
          </ol>
        )}
        {listed.length > FIRST_CARDS && (
          <button type="button" className="crash-more" onClick={() => setAll(!all)}>
            {all
              ? t('incidents.showFewer', { count: FIRST_CARDS })
              : t('incidents.showAll', { count: listed.length })}
          </button>
        )}
        <AddTimeNote onAdd={(ts) => setDraftTs(ts)} />
      </section>
      <Dumps crashes={analysis.crashes ?? []} />
      <SystemReadiness facts={analysis.system.facts} recommendations={analysis.system.recommendations} />
    </div>
  );
}
