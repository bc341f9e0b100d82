import { useId, useState } from 'react';
import { useCrashT } from './messages';
import { useCrashNotes } from './notes';

/** The engineer's own note on a card: plain preformatted text, edited in place and autosaved. */
export function CardNote({ lineId }: { lineId: number }): React.JSX.Element | null {
  const t = useCrashT();
  const id = useId();
  const note = useCrashNotes((s) => s.byLine[lineId]);
  const loaded = useCrashNotes((s) => s.loaded);
  const edit = useCrashNotes((s) => s.edit);
  const [editing, setEditing] = useState(false);
  if (lineId <= 0 || !loaded) return null;
  const body = note?.body ?? '';
  const status = note?.status ?? 'idle';
  const statusText =
    status === 'saving'
      ? t('note.saving')
      : status === 'saved'
        ? t('note.saved')
        : status === 'pending'
          ? t('note.pending')
          : status === 'error'
            ? t('note.error', { message: note?.error ?? '' })
            : '';
  return (
    <div className="crash-note" data-testid="crash-note">
      {editing ? (
        <>
          <label htmlFor={id} className="crash-note-label">
            {t('note.label')}
          </label>
          <textarea
            id={id}
            data-testid="crash-note-input"
            className="crash-note-input"
            value={body}
            rows={Math.min(14, Math.max(3, body.split('\n').length + 1))}
            placeholder={t('note.placeholder')}
            spellCheck={false}
            autoFocus
            onChange={(e) => edit(lineId, e.target.value)}
          />
          <div className="crash-note-bar">
            <span
              className={status === 'error' ? 'crash-note-status error' : 'crash-note-status'}
              data-testid="crash-note-status"
              role="status"
            >
              {statusText}
            </span>
            <button type="button" onClick={() => setEditing(false)}>
              {t('note.done')}
            </button>
          </div>
        </>
      ) : body.trim() !== '' ? (
        <>
          <div className="crash-note-head">
            <span className="crash-note-title">{t('note.title')}</span>
            <button type="button" className="crash-link" onClick={() => setEditing(true)}>
              {t('note.edit')}
            </button>
            {status !== 'idle' && (
              <span
                className={status === 'error' ? 'crash-note-status error' : 'crash-note-status'}
                data-testid="crash-note-status"
                role="status"
              >
                {statusText}
              </span>
            )}
          </div>
          <pre className="crash-note-text" data-testid="crash-note-text">
            {body}
          </pre>
        </>
      ) : (
        <button
          type="button"
          className="crash-link"
          data-testid="crash-note-add"
          onClick={() => setEditing(true)}
        >
          {t('note.add')}
        </button>
      )}
    </div>
  );
}
