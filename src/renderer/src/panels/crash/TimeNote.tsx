import { useEffect, useId, useMemo, useState } from 'react';
import type { Annotation } from '../../../../shared/model/annotation';
import { useLang } from '../../i18n';
import { goToTime } from '../../nav';
import { editInline, flushInline, useInlineNotes } from '../../notes/inline';
import { renderMarkdown } from '../../notes/markdown';
import { useNotes } from '../../notes/store';
import { useCase } from '../../state/case';
import { useClock } from '../../state/clock';
import { parseGoto } from '../../time';
import { formatUtc } from './format';
import { InlineNoteEditor } from './InlineNoteEditor';
import { useCrashT } from './messages';
import { NOTE_TAG } from './notes';

/**
 * A note about a time (no line) on the Crash timeline: shown between the cards at its time,
 * edited in place (saved as typed by notes/inline.ts), or opened in the Notes panel.
 */
export function TimeNoteCard(props: {
  note: Annotation | null;
  /** A new note at this time (the form below the timeline made it). */
  draftTs?: number;
  onDone?: () => void;
}): React.JSX.Element {
  const t = useCrashT();
  const lang = useLang((s) => s.lang);
  const id = useId();
  const { note, draftTs } = props;
  const key = note ? `note:${note.annotationId}` : `time:${draftTs ?? 0}`;
  const entry = useInlineNotes((s) => s.entries[key]);
  const [editing, setEditing] = useState(note === null);
  useEffect(() => () => void flushInline(key), [key]);
  const from = note?.spanStart ?? draftTs ?? 0;
  const to = note?.spanEnd ?? from;
  const body =
    entry && (editing || entry.status !== 'saved') ? entry.body : (note?.body ?? entry?.body ?? '');
  const html = useMemo(() => renderMarkdown(body), [body]);
  const when =
    to > from
      ? t('timenote.span', { from: formatUtc(from, lang, t), to: formatUtc(to, lang, t) })
      : formatUtc(from, lang, t);
  const done = (): void => {
    setEditing(false);
    void flushInline(key).then(() => props.onDone?.());
  };
  return (
    <article
      className="crash-card crash-timenote"
      data-testid="crash-timenote"
      data-annotation-id={note?.annotationId ?? entry?.annotationId ?? ''}
    >
      <div className="crash-card-head">
        <div className="crash-timenote-top">
          <span className="crash-badge sev-note">{t('timenote.kind')}</span>
          <span className="crash-when" data-testid="crash-when">
            {when}
          </span>
          <button type="button" className="crash-link" onClick={() => void goToTime(from)}>
            {t('timenote.show')}
          </button>
          {note && !editing && (
            <button
              type="button"
              className="crash-link"
              data-testid="crash-timenote-edit"
              onClick={() => setEditing(true)}
            >
              {t('note.edit')}
            </button>
          )}
          {note && (
            <button
              type="button"
              className="crash-link"
              onClick={() => {
                useNotes.getState().focusNote(note.annotationId);
                void useNotes.getState().editNote(note.annotationId);
              }}
            >
              {t('timenote.open')}
            </button>
          )}
        </div>
      </div>
      <div className="crash-note">
        {editing ? (
          <InlineNoteEditor
            id={id}
            testPrefix="crash-timenote"
            inlineKey={key}
            body={body}
            entry={entry}
            onChange={(text) =>
              editInline(key, { spanStart: from, spanEnd: to, tags: [NOTE_TAG] }, text, note)
            }
            onDone={done}
          />
        ) : body.trim() ? (
          // markdown-it with html off: the note's text is escaped, never run.
          <div
            className="crash-note-md"
            data-testid="crash-timenote-text"
            dangerouslySetInnerHTML={{ __html: html }}
          />
        ) : (
          <p className="crash-dim">{t('timenote.empty')}</p>
        )}
      </div>
    </article>
  );
}

/** The form that starts a note at a typed time (the case's zone, as the go-to box reads it). */
export function AddTimeNote({ onAdd }: { onAdd: (ts: number) => void }): React.JSX.Element {
  const t = useCrashT();
  const id = useId();
  const [text, setText] = useState('');
  const [bad, setBad] = useState<string | null>(null);
  const submit = (): void => {
    const summary = useCase.getState().summary;
    const target = parseGoto(text, {
      firstTs: summary?.firstTs ?? null,
      lastTs: summary?.lastTs ?? null,
      offsetMin: useClock.getState().offsetMin,
    });
    if (target.kind !== 'time') {
      setBad(text);
      return;
    }
    setBad(null);
    setText('');
    onAdd(target.ts);
  };
  return (
    <form
      className="crash-timenote-form"
      data-testid="crash-timenote-form"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <label htmlFor={id}>{t('timenote.add')}</label>
      <input
        id={id}
        data-testid="crash-timenote-time"
        value={text}
        title={t('timenote.input')}
        placeholder={t('timenote.placeholder')}
        onChange={(e) => setText(e.target.value)}
      />
      <button type="submit" disabled={text.trim() === ''}>
        {t('timenote.submit')}
      </button>
      {bad !== null && (
        <span className="crash-error" role="alert">
          {t('timenote.invalid', { input: bad })}
        </span>
      )}
    </form>
  );
}
