import { useEffect, useMemo, useRef, useState } from 'react';
import type { Annotation } from '../../../../shared/model/annotation';
import type { Finding } from '../../../../shared/model/finding';
import { NoteEditor, UndoToast } from '../../notes/NoteEditor';
import { fromUtcInput, toUtcInput, utc } from '../../notes/format';
import { renderMarkdown } from '../../notes/markdown';
import { useNotesT } from '../../notes/messages';
import { useNotes, type NoteEditorState } from '../../notes/store';
import { useCase } from '../../state/case';
import { useViewer } from '../../state/viewer';
import './notes-panel.css';
import { useExcerpts, type Excerpt } from './useExcerpts';

interface Filter {
  tag: string;
  starred: boolean;
  from: number | null;
  to: number | null;
}

const NO_FILTER: Filter = { tag: '', starred: false, from: null, to: null };

/** The time a note is about: its line's time, its span, or its finding's time. */
function noteTime(
  note: Annotation,
  excerpt: Excerpt | undefined,
  finding: Finding | undefined,
): number | null {
  if (note.spanStart !== null) return note.spanStart;
  if (excerpt?.state === 'ok' && excerpt.line.ts !== null) return excerpt.line.ts;
  return finding?.ts ?? null;
}

/**
 * "New note at the cursor": the only part of the panel that follows the cursor, so a cursor move
 * re-renders this button and not the notes.
 */
function NewNoteButton(): React.JSX.Element {
  const t = useNotesT();
  const lineId = useViewer((s) => s.cursor?.lineId ?? null);
  return (
    <button
      type="button"
      className="note-button primary"
      data-testid="note-new"
      disabled={lineId === null}
      title={lineId !== null ? t('new.atCursorTitle', { line: lineId }) : t('new.noCursor')}
      onClick={() => {
        if (lineId !== null) void useNotes.getState().startNote({ lineId });
      }}
    >
      {t('new.atCursor')}
    </button>
  );
}

/** Issue 8's Notes panel: every note of the case, filtered, each linked to its line. */
export function NotesPanel(): React.JSX.Element {
  const t = useNotesT();
  const caseId = useCase((s) => s.caseId);
  const summary = useCase((s) => s.summary);
  const notes = useNotes((s) => s.notes);
  const findings = useNotes((s) => s.findings);
  const status = useNotes((s) => s.status);
  const error = useNotes((s) => s.error);
  const editor = useNotes((s) => s.editor);
  const [filter, setFilter] = useState<Filter>(NO_FILTER);

  const lineIds = useMemo(
    () => notes.map((n) => n.lineId).filter((id): id is number => id !== null),
    [notes],
  );
  const excerpts = useExcerpts(caseId, summary, lineIds);
  const findingByKey = useMemo(() => new Map(findings.map((f) => [f.findingKey, f])), [findings]);
  const tags = useMemo(() => [...new Set(notes.flatMap((n) => n.tags))].sort(), [notes]);

  const shown = notes.filter((n) => {
    if (filter.tag && !n.tags.includes(filter.tag)) return false;
    if (filter.starred && !n.starred) return false;
    if (filter.from === null && filter.to === null) return true;
    const ts = noteTime(
      n,
      n.lineId !== null ? excerpts.get(n.lineId) : undefined,
      findingByKey.get(n.findingKey ?? ''),
    );
    // A note without a time (orphaned, general) is never hidden by a time filter.
    if (ts === null) return true;
    const end = n.spanEnd ?? ts;
    if (filter.from !== null && end < filter.from) return false;
    if (filter.to !== null && ts > filter.to) return false;
    return true;
  });
  // A new note stays in its slot after its first save (moving it would drop the textarea's focus mid-typing).
  const editingNew = editor !== null && editor.created;
  const filtered = filter.tag !== '' || filter.starred || filter.from !== null || filter.to !== null;

  return (
    <div className="notes-panel" data-testid="notes-panel-body">
      <div className="notes-toolbar">
        <NewNoteButton />
        <span className="notes-count" data-testid="notes-count">
          {t('panel.count', { count: notes.length })}
        </span>
      </div>
      <div className="notes-filter" data-testid="notes-filter">
        <label>
          <span>{t('filter.tag')}</span>
          <select
            data-testid="notes-filter-tag"
            value={filter.tag}
            onChange={(e) => setFilter({ ...filter, tag: e.target.value })}
          >
            <option value="">{t('filter.allTags')}</option>
            {tags.map((tag) => (
              <option key={tag} value={tag}>
                {tag}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input
            type="checkbox"
            data-testid="notes-filter-starred"
            checked={filter.starred}
            onChange={(e) => setFilter({ ...filter, starred: e.target.checked })}
          />
          <span>{t('filter.starred')}</span>
        </label>
        <label>
          <span>{t('filter.from')}</span>
          <input
            type="datetime-local"
            data-testid="notes-filter-from"
            value={toUtcInput(filter.from)}
            onChange={(e) => setFilter({ ...filter, from: fromUtcInput(e.target.value) })}
          />
        </label>
        <label>
          <span>{t('filter.to')}</span>
          <input
            type="datetime-local"
            data-testid="notes-filter-to"
            value={toUtcInput(filter.to)}
            onChange={(e) => setFilter({ ...filter, to: fromUtcInput(e.target.value) })}
          />
        </label>
        {filtered && (
          <button type="button" className="note-link" onClick={() => setFilter(NO_FILTER)}>
            {t('filter.clear')}
          </button>
        )}
        {(filter.from !== null || filter.to !== null) && (
          <span className="notes-dim">{t('filter.timeless')}</span>
        )}
      </div>

      {status === 'error' && (
        <p className="note-error" role="alert">
          {t('panel.error', { message: error ?? '' })}
        </p>
      )}
      {status === 'loading' && notes.length === 0 && <p className="notes-dim">{t('panel.loading')}</p>}
      {editingNew && editor && (
        <div className="note-item editing" data-testid="note-item-new">
          <NewNoteAnchor editor={editor} excerpts={excerpts} findingByKey={findingByKey} />
          <NoteEditor />
        </div>
      )}
      {status === 'ready' && notes.length === 0 && !editingNew && (
        <p className="notes-dim">{t('panel.none')}</p>
      )}
      {notes.length > 0 && shown.length === 0 && <p className="notes-dim">{t('panel.noneMatch')}</p>}
      <ol className="notes-list" data-testid="notes-list">
        {shown
          .filter((n) => !(editingNew && n.annotationId === editor.annotationId))
          .map((n) => (
            <NoteItem
              key={n.annotationId}
              note={n}
              excerpt={n.lineId !== null ? excerpts.get(n.lineId) : undefined}
              finding={findingByKey.get(n.findingKey ?? '')}
              editing={editor?.annotationId === n.annotationId}
            />
          ))}
      </ol>
      <UndoToast />
    </div>
  );
}

function NewNoteAnchor(props: {
  editor: NoteEditorState;
  excerpts: Map<number, Excerpt>;
  findingByKey: Map<string, Finding>;
}): React.JSX.Element | null {
  const t = useNotesT();
  const target = props.editor.target;
  if (!target) return null;
  if ('spanStart' in target)
    return (
      <div className="note-anchor">
        <span className="note-kind">{t('anchor.span')}</span>{' '}
        {t('time.span', { from: utc(target.spanStart), to: utc(target.spanEnd) })}
      </div>
    );
  const finding = 'findingKey' in target ? props.findingByKey.get(target.findingKey) : undefined;
  return (
    <div className="note-anchor">
      {finding && <span className="note-kind">{finding.title}</span>}
      <LineRef lineId={target.lineId} />
    </div>
  );
}

/** `source:line` of a global line id, from the case summary. */
function LineRef({ lineId }: { lineId: number }): React.JSX.Element {
  const summary = useCase((s) => s.summary);
  const source = summary?.sources.find(
    (s) => s.firstLineId !== null && lineId >= s.firstLineId && lineId < s.firstLineId + s.lineCount,
  );
  const where =
    source && source.firstLineId !== null
      ? `${source.path}:${lineId - source.firstLineId + 1}`
      : `#${lineId}`;
  return <span className="note-where">{where}</span>;
}

function NoteItem(props: {
  note: Annotation;
  excerpt: Excerpt | undefined;
  finding: Finding | undefined;
  editing: boolean;
}): React.JSX.Element {
  const t = useNotesT();
  const { note, excerpt, finding, editing } = props;
  const anchor = note.anchor;
  const where = anchor ? `${anchor.sourcePath}:${anchor.lineNo}` : null;
  const ts = noteTime(note, excerpt, finding);
  const quality = excerpt?.state === 'ok' ? excerpt.line.tsQuality : null;
  const jump = (): void => {
    if (note.lineId !== null) useViewer.getState().jumpTo(note.lineId);
  };
  const body = useMemo(() => renderMarkdown(note.body), [note.body]);
  // Picked on the timeline: scroll to it and mark it.
  const focusSeq = useNotes((s) => (s.focused?.annotationId === note.annotationId ? s.focused.seq : null));
  const item = useRef<HTMLLIElement>(null);
  useEffect(() => {
    if (focusSeq !== null) item.current?.scrollIntoView({ block: 'nearest' });
  }, [focusSeq]);

  return (
    <li
      ref={item}
      className={`note-item${editing ? ' editing' : ''}${note.orphaned ? ' orphaned' : ''}${focusSeq !== null ? ' focused' : ''}`}
      data-focused={focusSeq !== null ? 'true' : 'false'}
      data-testid="note-item"
      data-annotation-id={note.annotationId}
      data-orphaned={note.orphaned ? 'true' : 'false'}
    >
      <div className="note-anchor">
        <button
          type="button"
          className={note.starred ? 'note-star on' : 'note-star'}
          data-testid="note-item-star"
          aria-pressed={note.starred}
          title={note.starred ? t('editor.unstar') : t('editor.star')}
          onClick={() => void useNotes.getState().toggleStar(note.annotationId)}
        >
          {note.starred ? '★' : '☆'}
        </button>
        {finding && (
          <span className="note-kind" title={finding.summary}>
            {finding.title}
          </span>
        )}
        {!finding && note.findingKey && <span className="note-kind">{t('anchor.finding')}</span>}
        {note.spanStart !== null && note.spanEnd !== null && (
          <span className="note-kind">{t('anchor.span')}</span>
        )}
        {where && !note.orphaned && note.lineId !== null && (
          <button
            type="button"
            className="note-where note-link"
            data-testid="note-jump"
            data-line-id={note.lineId}
            title={t('anchor.show', { where })}
            onClick={jump}
          >
            {anchor && anchor.lineCount > 1
              ? t('anchor.lines', { where, more: anchor.lineCount - 1 })
              : where}
          </button>
        )}
        {where && note.orphaned && (
          <span
            className="note-orphaned"
            data-testid="note-orphaned"
            title={t('anchor.orphanedTitle', { where })}
          >
            {t('anchor.orphaned')} · {where}
          </span>
        )}
        {!anchor && !note.findingKey && note.spanStart === null && (
          <span className="note-kind">{t('anchor.none')}</span>
        )}
        <span className="notes-dim note-time" data-testid="note-time">
          {note.spanStart !== null && note.spanEnd !== null
            ? t('time.span', { from: utc(note.spanStart), to: utc(note.spanEnd) })
            : ts !== null
              ? t('time.utc', { time: utc(ts) })
              : t('time.none')}
          {quality && quality !== 'exact' && quality !== 'none' && ` (${t(`time.${quality}`)})`}
        </span>
      </div>
      {note.lineId !== null && (
        <button type="button" className="note-excerpt" data-testid="note-excerpt" onClick={jump}>
          {excerpt === undefined
            ? t('excerpt.loading')
            : excerpt.state === 'ok'
              ? excerpt.line.text
              : t('excerpt.missing')}
        </button>
      )}
      {editing ? (
        <NoteEditor />
      ) : (
        <div className="note-view">
          {note.body ? (
            // markdown-it with html:false escapes the text: no log line is ever interpreted as HTML.
            <div
              className="note-md"
              data-testid="note-body-view"
              dangerouslySetInnerHTML={{ __html: body }}
            />
          ) : (
            <p className="notes-dim">{t('editor.empty')}</p>
          )}
          <div className="note-footer">
            {note.tags.map((tag) => (
              <span key={tag} className="note-tag" data-testid="note-tag">
                {tag}
              </span>
            ))}
            <span className="note-spacer" />
            <button
              type="button"
              className="note-link"
              data-testid="note-edit"
              onClick={() => void useNotes.getState().editNote(note.annotationId)}
            >
              {t('editor.edit')}
            </button>
            <button
              type="button"
              className="note-link"
              data-testid="note-item-delete"
              onClick={() => void useNotes.getState().remove(note.annotationId)}
            >
              {t('editor.delete')}
            </button>
          </div>
        </div>
      )}
    </li>
  );
}
