import { create } from 'zustand';
import type { ExportResult } from '../../../shared/api';
import type {
  Redaction,
  RedactionSettings,
  ReportDraft,
  ReportEdits,
  ReportFormat,
  ReportLang,
  ReportOptions,
  ReportSection,
  ReportSectionId,
} from '../../../shared/model/report';
import { errorMessage, getWorkbench } from '../api';
import { useLang } from '../i18n';
import { Saver, type SaveState } from '../notes/saver';
import { useCase } from '../state/case';
import { editsOf, mergeGenerated, moveTo } from './edits';
import { formatOfFile } from './export-file';

/** What the host says of a running export (`ingestProgress` events of kind `report`). */
export interface ExportProgress {
  jobId: string;
  /** drafting, rendering, printing, writing. */
  phase: string;
  pages: number | null;
  bytesDone: number;
  bytesTotal: number | null;
  cancelling: boolean;
}

export type ExportState =
  | { state: 'running'; startedAt: number; progress: ExportProgress | null }
  | { state: 'done'; result: ExportResult; ms: number; pages: number | null }
  | { state: 'error'; message: string };

export type SectionPatch = Partial<Pick<ReportSection, 'title' | 'body' | 'enabled'>>;
export type MetaPatch = Partial<Pick<ReportDraft, 'title' | 'customer' | 'host' | 'windowFrom' | 'windowTo'>>;

interface ReportEditorState {
  open: boolean;
  caseId: string | null;
  lang: ReportLang;
  paper: ReportOptions['paper'];
  redact: boolean;
  draft: ReportDraft | null;
  loading: boolean;
  error: string | null;
  save: SaveState;
  saveError: string | null;
  selected: ReportSectionId | null;
  redaction: { settings: RedactionSettings; replacements: Redaction[] } | null;
  redactionError: string | null;
  preview: { html: string; at: number } | null;
  previewing: boolean;
  previewError: string | null;
  exports: Partial<Record<ReportFormat, ExportState>>;
  openEditor: () => Promise<void>;
  closeEditor: () => Promise<void>;
  setLang: (lang: ReportLang) => Promise<void>;
  setPaper: (paper: ReportOptions['paper']) => void;
  setRedact: (redact: boolean) => void;
  select: (id: ReportSectionId) => void;
  setMeta: (patch: MetaPatch) => void;
  setSection: (id: ReportSectionId, patch: SectionPatch) => void;
  /** Moves a section to an index of the printed order. */
  moveSection: (id: ReportSectionId, toIndex: number) => void;
  setExcerpts: (ids: number[] | null) => void;
  setRedaction: (settings: RedactionSettings) => void;
  exportAs: (format: ReportFormat) => Promise<void>;
  /** Asks the host to stop a running export (it then answers `cancelled`). */
  cancelExport: (format: ReportFormat) => Promise<void>;
  refreshPreview: () => void;
  /** Sends pending edits now (blur). */
  flush: () => Promise<void>;
}

export const EDIT_DELAY_MS = 400;
const PREVIEW_DELAY_MS = 300;
const LANG_KEY = 'postmortem.reportLang';

function rememberedLang(caseId: string): ReportLang {
  try {
    const saved = localStorage.getItem(`${LANG_KEY}.${caseId}`);
    if (saved === 'en' || saved === 'zh-CN') return saved;
  } catch {
    // Storage unavailable: the UI language decides.
  }
  return useLang.getState().lang;
}

function rememberLang(caseId: string, lang: ReportLang): void {
  try {
    localStorage.setItem(`${LANG_KEY}.${caseId}`, lang);
  } catch {
    // Not remembered; the choice still applies now.
  }
}

let editSaver: Saver<{ caseId: string; edits: ReportEdits }, ReportDraft> | null = null;
let redactionSaver: Saver<{ caseId: string; settings: RedactionSettings }, { saved: boolean }> | null = null;
let previewTimer: ReturnType<typeof setTimeout> | null = null;
let previewRunning = false;
let previewAgain = false;
let progressSubscribed = false;

export const useReportEditor = create<ReportEditorState>((set, get) => {
  editSaver = new Saver({
    delayMs: EDIT_DELAY_MS,
    save: ({ caseId, edits }) => getWorkbench().saveReportDraft({ caseId, edits }),
    onState: (state, detail) => {
      set({ save: state, saveError: state === 'error' ? errorMessage(detail.error) : null });
      // Saved with nothing newer typed: the host's draft equals ours; the preview follows it.
      if (state === 'saved' && detail.result && detail.result.lang === get().lang) {
        const local = get().draft;
        if (local)
          set({
            draft: {
              ...local,
              updatedAt: detail.result.updatedAt,
              sections: mergeGenerated(local, detail.result),
            },
          });
        get().refreshPreview();
      }
    },
  });
  redactionSaver = new Saver({
    delayMs: EDIT_DELAY_MS,
    save: ({ caseId, settings }) => getWorkbench().saveRedaction({ caseId, settings }),
    onState: (state, detail) => {
      set({ redactionError: state === 'error' ? errorMessage(detail.error) : null });
      if (state === 'saved' && get().redact) get().refreshPreview();
    },
  });

  function edit(draft: ReportDraft): void {
    const caseId = get().caseId;
    if (!caseId) return;
    set({ draft });
    editSaver?.edit({ caseId, edits: editsOf(draft) });
  }

  async function loadDraft(caseId: string, lang: ReportLang): Promise<void> {
    set({ loading: true, error: null });
    try {
      const draft = await getWorkbench().getReportDraft({ caseId, lang });
      if (get().caseId !== caseId || get().lang !== lang) return;
      const selected = get().selected;
      set({
        draft,
        loading: false,
        selected:
          selected && draft.sections.some((s) => s.id === selected)
            ? selected
            : (draft.sections[0]?.id ?? null),
      });
      get().refreshPreview();
    } catch (err) {
      if (get().caseId === caseId) set({ loading: false, error: errorMessage(err) });
    }
  }

  async function loadRedaction(caseId: string): Promise<void> {
    try {
      const redaction = await getWorkbench().getRedaction({ caseId });
      if (get().caseId === caseId) set({ redaction, redactionError: null });
    } catch (err) {
      if (get().caseId === caseId) set({ redactionError: errorMessage(err) });
    }
  }

  return {
    open: false,
    caseId: null,
    lang: 'en',
    paper: 'A4',
    redact: false,
    draft: null,
    loading: false,
    error: null,
    save: 'idle',
    saveError: null,
    selected: null,
    redaction: null,
    redactionError: null,
    preview: null,
    previewing: false,
    previewError: null,
    exports: {},

    openEditor: async () => {
      const caseId = useCase.getState().caseId;
      if (!caseId) return;
      const sameCase = get().caseId === caseId;
      const lang = sameCase ? get().lang : rememberedLang(caseId);
      set({
        open: true,
        caseId,
        lang,
        ...(sameCase ? {} : { draft: null, preview: null, redaction: null, exports: {}, selected: null }),
      });
      await Promise.all([loadDraft(caseId, lang), loadRedaction(caseId)]);
    },

    closeEditor: async () => {
      // Nothing typed is lost: the pending edits are sent before the editor goes away.
      await Promise.all([editSaver?.flush(), redactionSaver?.flush()]);
      set({ open: false });
    },

    setLang: async (lang) => {
      const caseId = get().caseId;
      if (!caseId || lang === get().lang) return;
      await editSaver?.flush();
      rememberLang(caseId, lang);
      set({ lang, preview: null });
      await loadDraft(caseId, lang);
      // Keep the choice in the case too: the edits carry their language.
      const draft = get().draft;
      if (draft && draft.lang === lang) editSaver?.edit({ caseId, edits: editsOf(draft) });
    },

    setPaper: (paper) => {
      set({ paper });
      get().refreshPreview();
    },

    setRedact: (redact) => {
      set({ redact });
      get().refreshPreview();
    },

    select: (id) => set({ selected: id }),

    setMeta: (patch) => {
      const draft = get().draft;
      if (draft) edit({ ...draft, ...patch });
    },

    setSection: (id, patch) => {
      const draft = get().draft;
      if (!draft) return;
      edit({ ...draft, sections: draft.sections.map((s) => (s.id === id ? { ...s, ...patch } : s)) });
    },

    moveSection: (id, toIndex) => {
      const draft = get().draft;
      if (!draft) return;
      const from = draft.sections.findIndex((s) => s.id === id);
      const sections = moveTo(draft.sections, from, toIndex);
      if (sections !== draft.sections) edit({ ...draft, sections });
    },

    setExcerpts: (ids) => {
      const draft = get().draft;
      if (draft) edit({ ...draft, excerptAnnotationIds: ids });
    },

    setRedaction: (settings) => {
      const caseId = get().caseId;
      const current = get().redaction;
      if (!caseId) return;
      set({ redaction: { settings, replacements: current?.replacements ?? [] } });
      redactionSaver?.edit({ caseId, settings });
    },

    exportAs: async (format) => {
      const { caseId, lang, paper, redact } = get();
      if (!caseId || get().exports[format]?.state === 'running') return;
      subscribeProgress();
      const startedAt = Date.now();
      set({ exports: { ...get().exports, [format]: { state: 'running', startedAt, progress: null } } });
      try {
        // What was typed last is in the export.
        await Promise.all([editSaver?.flush(), redactionSaver?.flush()]);
        const result = await getWorkbench().exportReport({
          caseId,
          format,
          options: { lang, paper, redact },
        });
        if (result.status === 'download') download(result.url, result.fileName);
        const before = get().exports[format];
        const pages = before?.state === 'running' ? (before.progress?.pages ?? null) : null;
        set({
          exports: {
            ...get().exports,
            [format]: { state: 'done', result, ms: Date.now() - startedAt, pages },
          },
        });
        if (redact) void loadRedaction(caseId);
      } catch (err) {
        set({ exports: { ...get().exports, [format]: { state: 'error', message: errorMessage(err) } } });
      }
    },

    cancelExport: async (format) => {
      const s = get().exports[format];
      if (s?.state !== 'running' || !s.progress) return;
      set({
        exports: { ...get().exports, [format]: { ...s, progress: { ...s.progress, cancelling: true } } },
      });
      try {
        await getWorkbench().cancelJob({ jobId: s.progress.jobId });
      } catch (err) {
        set({ exports: { ...get().exports, [format]: { state: 'error', message: errorMessage(err) } } });
      }
    },

    flush: async () => {
      await Promise.all([editSaver?.flush(), redactionSaver?.flush()]);
    },

    refreshPreview: () => {
      if (previewTimer) clearTimeout(previewTimer);
      previewTimer = setTimeout(() => {
        previewTimer = null;
        void runPreview();
      }, PREVIEW_DELAY_MS);
    },
  };

  async function runPreview(): Promise<void> {
    if (previewRunning) {
      previewAgain = true;
      return;
    }
    const { caseId, lang, paper, redact, open } = get();
    if (!caseId || !open) return;
    previewRunning = true;
    set({ previewing: true });
    try {
      const { html } = await getWorkbench().previewReport({ caseId, options: { lang, paper, redact } });
      if (get().caseId === caseId && get().lang === lang)
        set({ preview: { html, at: Date.now() }, previewError: null });
    } catch (err) {
      set({ previewError: errorMessage(err) });
    } finally {
      previewRunning = false;
      set({ previewing: false });
      if (previewAgain) {
        previewAgain = false;
        void runPreview();
      }
    }
  }
});

/** Follows the host's progress of this case's exports (once, on the first export). */
function subscribeProgress(): void {
  if (progressSubscribed) return;
  progressSubscribed = true;
  getWorkbench().on('ingestProgress', (p) => {
    if (p.kind !== 'report') return;
    const st = useReportEditor.getState();
    const format = formatOfFile(p.current);
    if (p.caseId !== st.caseId || !format) return;
    const cur = st.exports[format];
    // Only the export this editor is waiting for; its end comes with exportReport's answer.
    if (cur?.state !== 'running' || p.state !== 'running') return;
    const pages = p.pages;
    useReportEditor.setState({
      exports: {
        ...st.exports,
        [format]: {
          ...cur,
          progress: {
            jobId: p.jobId,
            phase: p.phase,
            pages: typeof pages === 'number' ? pages : (cur.progress?.pages ?? null),
            bytesDone: p.bytesDone,
            bytesTotal: p.bytesTotal,
            cancelling: cur.progress?.cancelling ?? false,
          },
        },
      },
    });
  });
}

/** Starts the browser's download of an export the host keeps at `url`. */
function download(url: string, fileName: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/** Opens the report editor on the open case (the header's Report button calls this). */
export function openReportEditor(): Promise<void> {
  return useReportEditor.getState().openEditor();
}
