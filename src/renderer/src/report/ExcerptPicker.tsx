import { useEffect } from 'react';
import { useNotes } from '../notes/store';
import { useReportT } from './messages';
import { useReportEditor } from './store';

/** Which notes the Evidence excerpts section quotes: all annotated lines, or the ones ticked. */
export function ExcerptPicker(): React.JSX.Element | null {
  const t = useReportT();
  const caseId = useReportEditor((s) => s.caseId);
  const ids = useReportEditor((s) => s.draft?.excerptAnnotationIds);
  const setExcerpts = useReportEditor((s) => s.setExcerpts);
  const notes = useNotes((s) => s.notes);
  const notesCase = useNotes((s) => s.caseId);

  useEffect(() => {
    if (caseId && notesCase !== caseId) void useNotes.getState().load(caseId);
  }, [caseId, notesCase]);

  if (ids === undefined) return null;
  const picked = new Set(ids ?? notes.filter((n) => n.lineId !== null).map((n) => n.annotationId));
  return (
    <section className="report-excerpts" data-testid="report-excerpts">
      <h3>{t('excerpts.title')}</h3>
      <label>
        <input
          type="radio"
          name="report-excerpts"
          data-testid="report-excerpts-all"
          checked={ids === null}
          onChange={() => setExcerpts(null)}
        />
        <span>{t('excerpts.all')}</span>
      </label>
      <label>
        <input
          type="radio"
          name="report-excerpts"
          data-testid="report-excerpts-pick"
          checked={ids !== null}
          onChange={() => setExcerpts([...picked])}
        />
        <span>{t('excerpts.pick')}</span>
      </label>
      {notes.length === 0 && <p className="notes-dim">{t('excerpts.none')}</p>}
      <ul>
        {notes.map((n) => (
          <li key={n.annotationId}>
            <label>
              <input
                type="checkbox"
                data-testid="report-excerpt"
                data-annotation-id={n.annotationId}
                disabled={ids === null}
                checked={picked.has(n.annotationId)}
                onChange={(e) => {
                  const next = new Set(picked);
                  if (e.target.checked) next.add(n.annotationId);
                  else next.delete(n.annotationId);
                  setExcerpts([...next].sort((a, b) => a - b));
                }}
              />
              <span className="note-where">
                {n.anchor ? `${n.anchor.sourcePath}:${n.anchor.lineNo}` : t('excerpts.noLine')}
              </span>{' '}
              <span className="report-excerpt-body">{n.body.split('\n')[0]}</span>
            </label>
          </li>
        ))}
      </ul>
    </section>
  );
}
