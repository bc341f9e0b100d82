import type { InlineEntry } from '../../notes/inline';
import { flushInline } from '../../notes/inline';
import { useCrashT } from './messages';

type Status = InlineEntry['status'] | 'idle';

/** What a note's save state reads as (empty while idle). */
export function useNoteStatusText(entry: InlineEntry | undefined): { status: Status; text: string } {
  const t = useCrashT();
  const status: Status = entry?.status ?? 'idle';
  const text =
    status === 'saving'
      ? t('note.saving')
      : status === 'saved'
        ? t('note.saved')
        : status === 'pending'
          ? t('note.pending')
          : status === 'error'
            ? t('note.error', { message: entry?.error ?? '' })
            : '';
  return { status, text };
}

/**
 * The in-place editor of a Crash-panel note (on a card or at a time): a textarea saved as typed
 * by notes/inline.ts, its save state (with Retry after an error) and Done.
 */
export function InlineNoteEditor(props: {
  id: string;
  /** `crash-note` or `crash-timenote`: prefixes the test ids of the input, status and Done. */
  testPrefix: string;
  inlineKey: string;
  body: string;
  entry: InlineEntry | undefined;
  onChange: (text: string) => void;
  onDone: () => void;
}): React.JSX.Element {
  const t = useCrashT();
  const { status, text } = useNoteStatusText(props.entry);
  const { id, testPrefix, inlineKey, body } = props;
  return (
    <>
      <label htmlFor={id} className="crash-note-label">
        {t('note.label')}
      </label>
      <textarea
        id={id}
        data-testid={`${testPrefix}-input`}
        className="crash-note-input"
        value={body}
        rows={Math.min(14, Math.max(3, body.split('\n').length + 1))}
        placeholder={t('note.placeholder')}
        spellCheck={false}
        autoFocus
        onChange={(e) => props.onChange(e.target.value)}
        onBlur={() => void flushInline(inlineKey)}
      />
      <div className="crash-note-bar">
        <span
          className={status === 'error' ? 'crash-note-status error' : 'crash-note-status'}
          data-testid={`${testPrefix}-status`}
          role="status"
        >
          {text}
          {status === 'error' && (
            <button type="button" className="crash-link" onClick={() => void flushInline(inlineKey)}>
              {t('note.retry')}
            </button>
          )}
        </span>
        <button type="button" data-testid={`${testPrefix}-done`} onClick={props.onDone}>
          {t('note.done')}
        </button>
      </div>
    </>
  );
}
