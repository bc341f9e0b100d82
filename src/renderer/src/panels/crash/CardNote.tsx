import { useEffect, useId, useState } from 'react';
import { editInline, flushInline, useInlineNotes } from '../../notes/inline';
import { useNotes } from '../../notes/store';
import { useCrashT } from './messages';
import { NOTE_TAG, useCardNote } from './notes';

/**
 * The engineer's own note on a card: plain preformatted text, edited in place and saved as typed
 * by the notes module (notes/inline.ts); it is an annotation like any other (Notes panel, timeline, report).
 */
export function CardNote({ lineId }: { lineId: number }): React.JSX.Element | null {
  const t = useCrashT();
  const id = useId();
  const key = `line:${lineId}`;
  const note = useCardNote(lineId);
  const loaded = useNotes((s) => s.status === 'ready' || s.notes.length > 0);
  const entry = useInlineNotes((s) => s.entries[key]);
  const [editing, setEditing] = useState(false);

  // Closing the panel or the card sends what was typed.
  useEffect(() => () => void flushInline(key), [key]);

  if (lineId <= 0 || !loaded) return null;
  // While typing (or until the host confirmed) the typed text wins; afterwards the stored note does.
  const body =
    entry && (editing || entry.status !== 'saved') ? entry.body : (note?.body ?? entry?.body ?? '');
  const status = entry?.status ?? 'idle';
  const statusText =
    status === 'saving'
      ? t('note.saving')
      : status === 'saved'
        ? t('note.saved')
        : status === 'pending'
          ? t('note.pending')
          : status === 'error'
            ? t('note.error', { message: entry?.error ?? '' })
            : '';
  const done = (): void => {
    setEditing(false);
    void flushInline(key);
  };
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
            onChange={(e) => editInline(key, { lineId, tags: [NOTE_TAG] }, e.target.value, note)}
            onBlur={() => void flushInline(key)}
          />
          <div className="crash-note-bar">
            <span
              className={status === 'error' ? 'crash-note-status error' : 'crash-note-status'}
              data-testid="crash-note-status"
              role="status"
            >
              {statusText}
              {status === 'error' && (
                <button type="button" className="crash-link" onClick={() => void flushInline(key)}>
                  {t('note.retry')}
                </button>
              )}
            </span>
            <button type="button" onClick={done}>
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
