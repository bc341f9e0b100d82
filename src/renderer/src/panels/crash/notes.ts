/**
 * The engineer's notes on Crash cards: annotations tagged `crash-note` on the card's header
 * line, loaded with the case and autosaved while typing (one save in flight per card).
 */
import { create } from 'zustand';
import type { Annotation } from '../../../../shared/model/annotation';
import { errorMessage, getWorkbench } from '../../api';

export const NOTE_TAG = 'crash-note';
const DEBOUNCE_MS = 500;

export type NoteStatus = 'idle' | 'pending' | 'saving' | 'saved' | 'error';

export interface CardNote {
  annotationId: number | null;
  body: string;
  /** Kept from the stored annotation so a save here does not drop tags or stars set elsewhere. */
  tags: string[];
  starred: boolean;
  status: NoteStatus;
  error: string | null;
}

interface NotesState {
  caseId: string | null;
  loaded: boolean;
  loadError: string | null;
  byLine: Record<number, CardNote>;
  load: (caseId: string) => Promise<void>;
  edit: (lineId: number, body: string) => void;
}

const timers = new Map<number, ReturnType<typeof setTimeout>>();
const inFlight = new Set<number>();
/** Cards edited again while their save was in flight. */
const again = new Set<number>();
let loading: string | null = null;

function emptyNote(): CardNote {
  return { annotationId: null, body: '', tags: [NOTE_TAG], starred: false, status: 'idle', error: null };
}

/** The newest crash note per line. */
export function notesByLine(annotations: readonly Annotation[]): Record<number, CardNote> {
  const out: Record<number, CardNote> = {};
  const newest: Record<number, number> = {};
  for (const a of annotations) {
    if (a.lineId === null || !a.tags.includes(NOTE_TAG)) continue;
    if ((newest[a.lineId] ?? -Infinity) > a.updatedAt) continue;
    newest[a.lineId] = a.updatedAt;
    out[a.lineId] = {
      annotationId: a.annotationId,
      body: a.body,
      tags: a.tags,
      starred: a.starred,
      status: 'idle',
      error: null,
    };
  }
  return out;
}

export const useCrashNotes = create<NotesState>((set, get) => {
  const patch = (lineId: number, change: Partial<CardNote>): void =>
    set((s) => ({ byLine: { ...s.byLine, [lineId]: { ...(s.byLine[lineId] ?? emptyNote()), ...change } } }));

  const flush = async (lineId: number): Promise<void> => {
    timers.delete(lineId);
    const caseId = get().caseId;
    if (!caseId) return;
    if (inFlight.has(lineId)) {
      again.add(lineId);
      return;
    }
    const note = get().byLine[lineId] ?? emptyNote();
    const body = note.body;
    inFlight.add(lineId);
    patch(lineId, { status: 'saving', error: null });
    try {
      const api = getWorkbench();
      if (body.trim() === '' && note.annotationId !== null) {
        // An emptied note is removed rather than kept as an empty annotation.
        await api.deleteAnnotation({ caseId, annotationId: note.annotationId });
        if (get().caseId === caseId) patch(lineId, { annotationId: null });
      } else if (body.trim() !== '') {
        const saved = await api.saveAnnotation({
          caseId,
          ...(note.annotationId !== null ? { annotationId: note.annotationId } : {}),
          lineId,
          body,
          tags: note.tags.includes(NOTE_TAG) ? note.tags : [...note.tags, NOTE_TAG],
          starred: note.starred,
        });
        if (get().caseId === caseId)
          patch(lineId, { annotationId: saved.annotationId, tags: saved.tags, starred: saved.starred });
      }
      if (get().caseId !== caseId) return;
      const now = get().byLine[lineId];
      patch(lineId, { status: now && now.body !== body ? 'pending' : 'saved' });
    } catch (err) {
      if (get().caseId === caseId) patch(lineId, { status: 'error', error: errorMessage(err) });
    } finally {
      inFlight.delete(lineId);
      if (again.delete(lineId) && get().caseId === caseId) void flush(lineId);
    }
  };

  return {
    caseId: null,
    loaded: false,
    loadError: null,
    byLine: {},
    load: async (caseId) => {
      if (get().caseId === caseId && (get().loaded || loading === caseId)) return;
      loading = caseId;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      again.clear();
      set({ caseId, loaded: false, loadError: null, byLine: {} });
      try {
        const annotations = await getWorkbench().listAnnotations({ caseId });
        if (get().caseId !== caseId) return;
        // Keep what was typed while the list was read.
        set((s) => ({ loaded: true, byLine: { ...notesByLine(annotations), ...s.byLine } }));
      } catch (err) {
        if (get().caseId === caseId) set({ loadError: errorMessage(err) });
      } finally {
        if (loading === caseId) loading = null;
      }
    },
    edit: (lineId, body) => {
      patch(lineId, { body, status: 'pending', error: null });
      const old = timers.get(lineId);
      if (old) clearTimeout(old);
      timers.set(
        lineId,
        setTimeout(() => void flush(lineId), DEBOUNCE_MS),
      );
    },
  };
});
