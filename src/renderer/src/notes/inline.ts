/**
 * Notes edited in place (a Crash card's note): one entry per key, each saved as typed by the same
 * `Saver` as the Notes panel's editor (debounced, one save in flight, `saved` only once the host
 * answered, flushed on blur, close, case switch and page hide, retried on the next edit or flush).
 * Saved notes go into the one list of the notes store, so the Notes panel, the timeline and the
 * report see them at once. An emptied note is deleted rather than kept empty.
 */
import { create } from 'zustand';
import type { Annotation } from '../../../shared/model/annotation';
import { errorMessage, getWorkbench } from '../api';
import { Saver, type SaveState } from './saver';
import { noteRemoved, noteSaved, registerFlusher, SAVE_DELAY_MS, useNotes } from './store';

/** What a new in-place note is attached to, and the tags it starts with. */
export interface InlineTarget {
  lineId?: number;
  spanStart?: number;
  spanEnd?: number;
  tags: string[];
}

export interface InlineEntry {
  /** The note this entry saved into (null until its first save, or after it was emptied). */
  annotationId: number | null;
  body: string;
  status: SaveState;
  error: string | null;
}

interface InlineState {
  caseId: string | null;
  entries: Record<string, InlineEntry>;
}

export const useInlineNotes = create<InlineState>(() => ({ caseId: null, entries: {} }));

interface Session {
  caseId: string;
  annotationId: number | null;
  target: InlineTarget;
  saver: Saver<string, Annotation | null>;
}

const sessions = new Map<string, Session>();

function patch(key: string, change: Partial<InlineEntry>): void {
  useInlineNotes.setState((s) => ({
    entries: {
      ...s.entries,
      [key]: {
        ...(s.entries[key] ?? { annotationId: null, body: '', status: 'idle', error: null }),
        ...change,
      },
    },
  }));
}

function session(key: string, caseId: string, target: InlineTarget, existing: Annotation | null): Session {
  const have = sessions.get(key);
  if (have && have.caseId === caseId) return have;
  const s: Session = {
    caseId,
    annotationId: existing?.annotationId ?? null,
    target,
    saver: new Saver<string, Annotation | null>({
      delayMs: SAVE_DELAY_MS,
      save: async (body) => {
        const api = getWorkbench();
        const list = useNotes.getState().caseId === s.caseId ? useNotes.getState().notes : [];
        const stored =
          s.annotationId === null ? undefined : list.find((n) => n.annotationId === s.annotationId);
        // Deleted elsewhere (the Notes panel) while this card kept its text: create it again.
        if (s.annotationId !== null && !stored && useNotes.getState().caseId === s.caseId)
          s.annotationId = null;
        if (body.trim() === '') {
          if (s.annotationId === null) return null;
          const id = s.annotationId;
          await api.deleteAnnotation({ caseId: s.caseId, annotationId: id });
          s.annotationId = null;
          noteRemoved(s.caseId, id);
          if (sessions.get(key) === s) patch(key, { annotationId: null });
          return null;
        }
        const saved = await api.saveAnnotation({
          caseId: s.caseId,
          ...(s.annotationId !== null
            ? { annotationId: s.annotationId }
            : s.target.lineId !== undefined
              ? { lineId: s.target.lineId }
              : { spanStart: s.target.spanStart ?? null, spanEnd: s.target.spanEnd ?? null }),
          body,
          // Tags and the star set elsewhere are kept.
          tags: stored ? stored.tags : s.target.tags,
          starred: stored?.starred ?? false,
        });
        s.annotationId = saved.annotationId;
        noteSaved(s.caseId, saved);
        if (sessions.get(key) === s) patch(key, { annotationId: saved.annotationId });
        return saved;
      },
      onState: (state, detail) => {
        if (sessions.get(key) !== s || useInlineNotes.getState().caseId !== s.caseId) return;
        patch(key, { status: state, error: state === 'error' ? errorMessage(detail.error) : null });
      },
    }),
  };
  sessions.set(key, s);
  return s;
}

/**
 * Records an edit of the in-place note `key` (e.g. `line:123`); `existing` is the stored note it
 * edits, if any. Saved after a pause in typing.
 */
export function editInline(
  key: string,
  target: InlineTarget,
  body: string,
  existing: Annotation | null,
): void {
  const caseId = useNotes.getState().caseId;
  if (!caseId) return;
  if (useInlineNotes.getState().caseId !== caseId) useInlineNotes.setState({ caseId, entries: {} });
  const s = session(key, caseId, target, existing);
  patch(key, { body, annotationId: s.annotationId });
  s.saver.edit(body);
}

/** Sends what is pending now (blur, Done); resolves when saved or failed. All keys when none given. */
export async function flushInline(key?: string): Promise<void> {
  const list =
    key === undefined ? [...sessions.values()] : [sessions.get(key)].filter((s) => s !== undefined);
  await Promise.all(list.map((s) => s.saver.flush()));
}

registerFlusher(async (switching) => {
  await flushInline();
  if (switching) {
    sessions.clear();
    useInlineNotes.setState({ caseId: null, entries: {} });
  }
});
