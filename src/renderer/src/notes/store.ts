import { create } from 'zustand';
import type { Annotation } from '../../../shared/model/annotation';
import type { Finding } from '../../../shared/model/finding';
import { errorMessage, getWorkbench } from '../api';
import { usePanelTabs } from '../state/panels';
import { useCase } from '../state/case';
import { Saver, type SaveState } from './saver';
import { whenPainted } from '../viewer/first-page';

/** What a new note is about: lines, a finding (and its first line), or a time span (UTC ms). */
export type NoteTarget =
  | { lineId: number; lineCount?: number }
  | { findingKey: string; lineId: number }
  | { spanStart: number; spanEnd: number };

/** The note open in the editor. `key` stays the same when its first save assigns an id. */
export interface NoteEditorState {
  key: number;
  annotationId: number | null;
  target: NoteTarget | null;
  body: string;
  tags: string[];
  starred: boolean;
  /** Opened by startNote: the panel keeps it in the new-note slot after its first save gives it an id. */
  created: boolean;
  /** Increments when the editor is asked to take focus (startNote from elsewhere). */
  focusSeq: number;
}

export type NoteFields = Pick<NoteEditorState, 'body' | 'tags' | 'starred'>;

interface NotesState {
  caseId: string | null;
  notes: Annotation[];
  findings: Finding[];
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  editor: NoteEditorState | null;
  save: SaveState;
  saveError: string | null;
  /** The last deleted note, offered for undo. */
  undo: { annotationId: number; seq: number } | null;
  /** A failed delete, undo or star, for people. */
  notice: { kind: 'delete' | 'undo' | 'star'; message: string } | null;
  /** The note picked elsewhere (a timeline marker): the Notes panel scrolls to it and marks it. */
  focused: { annotationId: number; seq: number } | null;
  load: (caseId: string) => Promise<void>;
  startNote: (target: NoteTarget) => Promise<void>;
  editNote: (annotationId: number) => Promise<void>;
  change: (patch: Partial<NoteFields>) => void;
  /** Saves what is pending and closes the editor; false (editor kept) when the save failed. */
  closeEditor: () => Promise<boolean>;
  flush: () => Promise<void>;
  remove: (annotationId: number) => Promise<void>;
  undoDelete: () => Promise<void>;
  dismissUndo: () => void;
  toggleStar: (annotationId: number) => Promise<void>;
  /** Brings the Notes panel forward on this note. */
  focusNote: (annotationId: number) => void;
}

export const SAVE_DELAY_MS = 400;
const UNDO_MS = 15_000;

/** The editor's save session: the saver and the id its first save assigned. */
interface Session {
  key: number;
  caseId: string;
  annotationId: number | null;
  target: NoteTarget | null;
  saver: Saver<NoteFields, Annotation>;
}

let session: Session | null = null;
let nextKey = 1;
let undoTimer: ReturnType<typeof setTimeout> | null = null;
let subscribed = false;
/** Other save loops over notes (in-place notes, notes/inline.ts): flushed with the editor's. */
const flushers = new Set<(switching: boolean) => Promise<void>>();

/** Registers a save loop to flush on a case switch (`switching`) and when the page goes away. */
export function registerFlusher(fn: (switching: boolean) => Promise<void>): void {
  flushers.add(fn);
}

async function flushOthers(switching: boolean): Promise<void> {
  await Promise.all([...flushers].map((fn) => fn(switching)));
}

function upsert(notes: Annotation[], a: Annotation): Annotation[] {
  const i = notes.findIndex((n) => n.annotationId === a.annotationId);
  if (i === -1) return [...notes, a];
  const next = notes.slice();
  next[i] = a;
  return next;
}

function targetFields(target: NoteTarget | null): {
  findingKey?: string;
  lineId?: number;
  lineCount?: number;
  spanStart?: number;
  spanEnd?: number;
} {
  if (!target) return {};
  if ('spanStart' in target) return { spanStart: target.spanStart, spanEnd: target.spanEnd };
  if ('findingKey' in target) return { findingKey: target.findingKey, lineId: target.lineId };
  return target.lineCount !== undefined
    ? { lineId: target.lineId, lineCount: target.lineCount }
    : { lineId: target.lineId };
}

export const useNotes = create<NotesState>((set, get) => {
  function openSession(caseId: string, editor: Omit<NoteEditorState, 'key' | 'focusSeq'>): void {
    const key = nextKey++;
    const s: Session = {
      key,
      caseId,
      annotationId: editor.annotationId,
      target: editor.target,
      saver: new Saver<NoteFields, Annotation>({
        delayMs: SAVE_DELAY_MS,
        save: async (fields) => {
          const api = getWorkbench();
          const saved = await api.saveAnnotation({
            caseId: s.caseId,
            ...(s.annotationId !== null ? { annotationId: s.annotationId } : targetFields(s.target)),
            body: fields.body,
            tags: fields.tags,
            starred: fields.starred,
          });
          // The first save created the note: later saves update it.
          s.annotationId = saved.annotationId;
          if (get().caseId === s.caseId) {
            const ed = get().editor;
            set({
              notes: upsert(get().notes, saved),
              ...(ed && ed.key === s.key ? { editor: { ...ed, annotationId: saved.annotationId } } : {}),
            });
          }
          return saved;
        },
        onState: (state, detail) => {
          if (session !== s) return;
          set({
            save: state,
            saveError: state === 'error' ? errorMessage(detail.error) : null,
          });
        },
      }),
    };
    session = s;
    set({
      editor: { ...editor, key, focusSeq: (get().editor?.focusSeq ?? 0) + 1 },
      save: 'idle',
      saveError: null,
    });
  }

  function reveal(): void {
    usePanelTabs.getState().show('notes');
  }

  return {
    caseId: null,
    notes: [],
    findings: [],
    status: 'idle',
    error: null,
    editor: null,
    save: 'idle',
    saveError: null,
    undo: null,
    notice: null,
    focused: null,

    load: async (caseId) => {
      subscribeOnce();
      const switching = get().caseId !== caseId;
      if (switching) {
        // Never lose what was typed in the previous case's note.
        if (session) await session.saver.flush();
        await flushOthers(true);
        session = null;
        set({
          caseId,
          notes: [],
          findings: [],
          editor: null,
          undo: null,
          focused: null,
          save: 'idle',
          saveError: null,
        });
      }
      set({ status: get().notes.length > 0 ? 'ready' : 'loading', error: null });
      try {
        const api = getWorkbench();
        // The engine answers one call at a time: let the viewer's first page go first.
        await whenPainted(caseId);
        const [notes, findings] = await Promise.all([
          api.listAnnotations({ caseId }),
          api.listFindings({ caseId }).catch(() => [] as Finding[]),
        ]);
        if (get().caseId !== caseId) return;
        set({ notes, findings, status: 'ready' });
      } catch (err) {
        if (get().caseId === caseId) set({ status: 'error', error: errorMessage(err) });
      }
    },

    startNote: async (target) => {
      const caseId = get().caseId ?? useCase.getState().caseId;
      if (!caseId) return;
      reveal();
      if (!(await get().closeEditor())) return;
      if (get().caseId !== caseId) await get().load(caseId);
      openSession(caseId, { annotationId: null, target, body: '', tags: [], starred: false, created: true });
    },

    editNote: async (annotationId) => {
      if (get().editor?.annotationId === annotationId) return;
      const caseId = get().caseId;
      if (!caseId) return;
      if (!(await get().closeEditor())) return;
      const note = get().notes.find((n) => n.annotationId === annotationId);
      if (!note) return;
      openSession(caseId, {
        annotationId,
        target: null,
        body: note.body,
        tags: note.tags,
        starred: note.starred,
        created: false,
      });
    },

    change: (patch) => {
      const ed = get().editor;
      if (!ed || !session || session.key !== ed.key) return;
      const next = { ...ed, ...patch };
      set({ editor: next });
      session.saver.edit({ body: next.body, tags: next.tags, starred: next.starred });
    },

    flush: async () => {
      if (session) await session.saver.flush();
    },

    closeEditor: async () => {
      const s = session;
      if (!s) {
        set({ editor: null });
        return true;
      }
      await s.saver.flush();
      if (s.saver.current === 'error') return false;
      if (session === s) {
        session = null;
        set({ editor: null, save: 'idle', saveError: null });
      }
      return true;
    },

    remove: async (annotationId) => {
      const caseId = get().caseId;
      if (!caseId) return;
      let id: number | null = annotationId;
      const s = session;
      if (s && (s.annotationId === annotationId || (annotationId <= 0 && s.annotationId === null))) {
        // Drop what is pending; wait for a save in flight so the note it creates is the one deleted.
        s.saver.cancel();
        await s.saver.flush();
        id = s.annotationId;
        session = null;
        set({ editor: null, save: 'idle', saveError: null });
      }
      if (id === null) return;
      try {
        await getWorkbench().deleteAnnotation({ caseId, annotationId: id });
        const seq = (get().undo?.seq ?? 0) + 1;
        set({
          notes: get().notes.filter((n) => n.annotationId !== id),
          undo: { annotationId: id, seq },
          notice: null,
        });
        if (undoTimer) clearTimeout(undoTimer);
        undoTimer = setTimeout(() => {
          if (get().undo?.seq === seq) set({ undo: null });
        }, UNDO_MS);
      } catch (err) {
        set({ notice: { kind: 'delete', message: errorMessage(err) } });
      }
    },

    undoDelete: async () => {
      const caseId = get().caseId;
      const undo = get().undo;
      if (!caseId || !undo) return;
      try {
        const restored = await getWorkbench().restoreAnnotation({ caseId, annotationId: undo.annotationId });
        set({ notes: upsert(get().notes, restored).sort(byId), undo: null, notice: null });
      } catch (err) {
        set({ notice: { kind: 'undo', message: errorMessage(err) } });
      }
    },

    dismissUndo: () => set({ undo: null }),

    focusNote: (annotationId) => {
      reveal();
      set({ focused: { annotationId, seq: (get().focused?.seq ?? 0) + 1 } });
    },

    toggleStar: async (annotationId) => {
      const ed = get().editor;
      if (ed && ed.annotationId === annotationId) {
        get().change({ starred: !ed.starred });
        return;
      }
      const caseId = get().caseId;
      const note = get().notes.find((n) => n.annotationId === annotationId);
      if (!caseId || !note) return;
      try {
        const saved = await getWorkbench().saveAnnotation({
          caseId,
          annotationId,
          body: note.body,
          tags: note.tags,
          starred: !note.starred,
        });
        set({ notes: upsert(get().notes, saved) });
      } catch (err) {
        set({ notice: { kind: 'star', message: errorMessage(err) } });
      }
    },
  };
});

/** A note saved by another save loop (notes/inline.ts) joins the one list. */
export function noteSaved(caseId: string, a: Annotation): void {
  if (useNotes.getState().caseId === caseId)
    useNotes.setState({ notes: upsert(useNotes.getState().notes, a) });
}

/** A note deleted by another save loop leaves the list. */
export function noteRemoved(caseId: string, annotationId: number): void {
  if (useNotes.getState().caseId === caseId)
    useNotes.setState({ notes: useNotes.getState().notes.filter((n) => n.annotationId !== annotationId) });
}

function byId(a: Annotation, b: Annotation): number {
  return a.annotationId - b.annotationId;
}

/**
 * Opens the note editor on a line, a range, a finding or a time span, and brings the Notes panel
 * forward. The viewer's context menu, the timeline and the finding cards call this.
 */
export function startNote(target: NoteTarget): Promise<void> {
  return useNotes.getState().startNote(target);
}

function subscribeOnce(): void {
  if (subscribed) return;
  subscribed = true;
  // Another window or the CLI changed the notes: re-read the list (the open editor keeps its text).
  getWorkbench().on('caseChanged', (change) => {
    const { caseId, load } = useNotes.getState();
    if (change.reason === 'annotations' && change.caseId === caseId) void load(caseId);
  });
  // Typing right before the page goes away: send it now (the call leaves synchronously).
  window.addEventListener('pagehide', () => {
    if (session) void session.saver.flush();
    void flushOthers(false);
  });
  window.addEventListener('beforeunload', () => {
    if (session) void session.saver.flush();
    void flushOthers(false);
  });
}

// Follow the open case. This module may load after the case is open (the panels and the timeline
// are loaded lazily): the case open now counts too, not only later changes.
function follow(s: ReturnType<typeof useCase.getState>): void {
  if (s.status === 'ready' && s.caseId && s.caseId !== useNotes.getState().caseId) {
    void useNotes.getState().load(s.caseId);
  }
}
useCase.subscribe(follow);
follow(useCase.getState());
