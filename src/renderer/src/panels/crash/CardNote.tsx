import { useEffect, useId, useState } from 'react';
import { editInline, flushInline, useInlineNotes } from '../../notes/inline';
import { useNotes } from '../../notes/store';
import { InlineNoteEditor, useNoteStatusText } from './InlineNoteEditor';
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
  const { status, text: statusText } = useNoteStatusText(entry);

  // Closing the panel or the card sends what was typed.
  useEffect(() => () => void flushInline(key), [key]);

  if (lineId <= 0 || !loaded) return null;
  // While typing (or until the host confirmed) the typed text wins; afterwards the stored note does.
  const body =
    entry && (editing || entry.status !== 'saved') ? entry.body : (note?.body ?? entry?.body ?? '');
  const done = (): void => {
    setEditing(false);
    void flushInline(key);
  };
  return (
    <div className="crash-note" data-testid="crash-note">
      {editing ? (
        <InlineNoteEditor
          id={id}
          testPrefix="crash-note"
          inlineKey={key}
          body={body}
          entry={entry}
          onChange={(text) => editInline(key, { lineId, tags: [NOTE_TAG] }, text, note)}
          onDone={done}
        />
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
