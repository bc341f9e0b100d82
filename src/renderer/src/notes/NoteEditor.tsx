import { useEffect, useRef, useState } from 'react';
import './notes.css';
import { parseTags } from './format';
import { useNotesT } from './messages';
import { useNotes } from './store';

/** The save state as people read it: `saved` appears only once the host confirmed the save. */
export function SaveBadge(): React.JSX.Element {
  const t = useNotesT();
  const state = useNotes((s) => s.save);
  const error = useNotes((s) => s.saveError);
  const flush = useNotes((s) => s.flush);
  return (
    <span
      className={`note-save note-save-${state}`}
      data-testid="note-save-state"
      data-state={state}
      aria-live="polite"
    >
      {state === 'error' ? t('save.error', { message: error ?? '' }) : t(`save.${state}`)}
      {state === 'error' && (
        <button type="button" className="note-link" onClick={() => void flush()}>
          {t('save.retry')}
        </button>
      )}
    </span>
  );
}

/**
 * The open note: markdown body, tags and star, saved as typed. Blur and unmount flush what is
 * pending, so switching panels or closing loses nothing.
 */
export function NoteEditor(): React.JSX.Element | null {
  const t = useNotesT();
  const editor = useNotes((s) => s.editor);
  const change = useNotes((s) => s.change);
  const flush = useNotes((s) => s.flush);
  const closeEditor = useNotes((s) => s.closeEditor);
  const remove = useNotes((s) => s.remove);
  const area = useRef<HTMLTextAreaElement>(null);
  const focusSeq = editor?.focusSeq;

  useEffect(() => {
    if (focusSeq !== undefined) area.current?.focus();
  }, [focusSeq]);

  useEffect(
    () => () => {
      void useNotes.getState().flush();
    },
    [],
  );

  if (!editor) return null;
  return (
    <div className="note-editor" data-testid="note-editor" data-annotation-id={editor.annotationId ?? ''}>
      <label className="note-field">
        <span className="visually-hidden">{t('editor.body')}</span>
        <textarea
          ref={area}
          data-testid="note-body"
          value={editor.body}
          placeholder={t('editor.placeholder')}
          rows={5}
          onChange={(e) => change({ body: e.target.value })}
          onBlur={() => void flush()}
          onKeyDown={(e) => {
            if (e.key === 'Escape' || (e.key === 'Enter' && (e.ctrlKey || e.metaKey))) {
              e.preventDefault();
              void closeEditor();
            }
          }}
        />
      </label>
      <div className="note-editor-row">
        <TagsInput key={editor.key} initial={editor.tags} />
        <button
          type="button"
          className={editor.starred ? 'note-star on' : 'note-star'}
          data-testid="note-star"
          aria-pressed={editor.starred}
          title={editor.starred ? t('editor.unstar') : t('editor.star')}
          onClick={() => change({ starred: !editor.starred })}
        >
          {editor.starred ? '★' : '☆'}
        </button>
        <SaveBadge />
        <span className="note-spacer" />
        <button
          type="button"
          className="note-button"
          data-testid="note-delete"
          onClick={() => void remove(editor.annotationId ?? 0)}
        >
          {t('editor.delete')}
        </button>
        <button
          type="button"
          className="note-button primary"
          data-testid="note-done"
          onClick={() => void closeEditor()}
        >
          {t('editor.done')}
        </button>
      </div>
    </div>
  );
}

/** Tags edited as text, parsed on each change; the text keeps what is half typed (`oom, `). */
function TagsInput({ initial }: { initial: string[] }): React.JSX.Element {
  const t = useNotesT();
  const change = useNotes((s) => s.change);
  const flush = useNotes((s) => s.flush);
  const [text, setText] = useState(initial.join(', '));
  return (
    <label className="note-tags">
      <span>{t('editor.tags')}</span>
      <input
        data-testid="note-tags"
        value={text}
        placeholder={t('editor.tagsPlaceholder')}
        onChange={(e) => {
          setText(e.target.value);
          change({ tags: parseTags(e.target.value) });
        }}
        onBlur={() => void flush()}
      />
    </label>
  );
}

/** The toast offering to undo the last delete. */
export function UndoToast(): React.JSX.Element | null {
  const t = useNotesT();
  const undo = useNotes((s) => s.undo);
  const notice = useNotes((s) => s.notice);
  const undoDelete = useNotes((s) => s.undoDelete);
  const dismiss = useNotes((s) => s.dismissUndo);
  if (!undo && !notice) return null;
  return (
    <div className="note-toast" role="status" data-testid="note-undo-toast">
      {notice && (
        <span className="note-error">{t(`${notice.kind}.failed`, { message: notice.message })}</span>
      )}
      {undo && (
        <>
          <span>{t('undo.deleted')}</span>
          <button
            type="button"
            className="note-link"
            data-testid="note-undo"
            onClick={() => void undoDelete()}
          >
            {t('undo.action')}
          </button>
          <button type="button" className="note-link" aria-label="×" onClick={dismiss}>
            ×
          </button>
        </>
      )}
    </div>
  );
}
