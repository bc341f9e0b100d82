import { useEffect, useState } from 'react';
import type { ReportFormat, ReportLang } from '../../../shared/model/report';
import { formatBytes } from '../format';
import { useLang } from '../i18n';
import { fromUtcInput, toUtcInput } from '../notes/format';
import { ExcerptPicker } from './ExcerptPicker';
import { useReportT } from './messages';
import { RedactionSettingsView } from './RedactionSettings';
import '../notes/notes.css';
import './report.css';
import { SectionEditor, SectionList } from './Sections';
import { openReportEditor, useReportEditor } from './store';

const FORMATS: ReportFormat[] = ['pdf', 'html', 'md', 'jsonl', 'timesketch'];
const REPORT_LANGS: Array<{ lang: ReportLang; endonym: string }> = [
  { lang: 'zh-CN', endonym: '简体中文' },
  { lang: 'en', endonym: 'English' },
];

/** The header's button that opens the report editor. */
export function ReportButton(): React.JSX.Element {
  const t = useReportT();
  return (
    <button
      type="button"
      className="report-open"
      data-testid="open-report-editor"
      title={t('editor.openTitle')}
      onClick={() => void openReportEditor()}
    >
      {t('editor.open')}
    </button>
  );
}

/**
 * Issue 8's report editor, over the workbench: header fields, sections (enable, reorder, rename,
 * edit or reset to the generated text), excerpts, language, redaction, paper, a live preview in
 * a sandboxed frame, and the exports. Renders nothing while closed.
 */
export function ReportEditor(): React.JSX.Element | null {
  const t = useReportT();
  const open = useReportEditor((s) => s.open);
  const draft = useReportEditor((s) => s.draft);
  const loading = useReportEditor((s) => s.loading);
  const error = useReportEditor((s) => s.error);
  const lang = useReportEditor((s) => s.lang);
  const paper = useReportEditor((s) => s.paper);
  const redact = useReportEditor((s) => s.redact);
  const store = useReportEditor.getState();

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') void useReportEditor.getState().closeEditor();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);

  if (!open) return null;
  return (
    <div
      className="report-overlay"
      role="dialog"
      aria-modal="true"
      aria-label={t('editor.title')}
      data-testid="report-editor"
    >
      <div className="report-bar">
        <h2>{t('editor.title')}</h2>
        <label>
          <span>{t('lang.label')}</span>
          <select
            data-testid="report-lang"
            value={lang}
            onChange={(e) => void store.setLang(e.target.value as ReportLang)}
          >
            {REPORT_LANGS.map((l) => (
              <option key={l.lang} value={l.lang}>
                {l.endonym}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>{t('paper.label')}</span>
          <select
            data-testid="report-paper"
            value={paper}
            onChange={(e) => store.setPaper(e.target.value === 'Letter' ? 'Letter' : 'A4')}
          >
            <option value="A4">A4</option>
            <option value="Letter">Letter</option>
          </select>
        </label>
        <label title={t('redact.title')}>
          <input
            type="checkbox"
            data-testid="report-redact"
            checked={redact}
            onChange={(e) => store.setRedact(e.target.checked)}
          />
          <span>{t('redact.label')}</span>
        </label>
        <ReportSaveBadge />
        <span className="report-spacer" />
        <ExportButtons />
        <button
          type="button"
          className="note-button"
          data-testid="report-close"
          onClick={() => void store.closeEditor()}
        >
          {t('editor.close')}
        </button>
      </div>
      {error && (
        <p className="note-error report-message" role="alert">
          {t('editor.error', { message: error })}
        </p>
      )}
      {!draft && loading && <p className="report-message notes-dim">{t('editor.loading')}</p>}
      {draft && (
        <div className="report-body">
          <div className="report-side">
            <MetaFields />
            <SectionList />
            <ExcerptPicker />
            <RedactionSettingsView />
          </div>
          <SectionEditor />
          <Preview />
        </div>
      )}
    </div>
  );
}

function ReportSaveBadge(): React.JSX.Element {
  const t = useReportT();
  const state = useReportEditor((s) => s.save);
  const error = useReportEditor((s) => s.saveError);
  return (
    <span
      className={`note-save note-save-${state}`}
      data-testid="report-save-state"
      data-state={state}
      aria-live="polite"
    >
      {state === 'error' ? t('save.error', { message: error ?? '' }) : t(`save.${state}`)}
    </span>
  );
}

function MetaFields(): React.JSX.Element | null {
  const t = useReportT();
  const draft = useReportEditor((s) => s.draft);
  const setMeta = useReportEditor((s) => s.setMeta);
  if (!draft) return null;
  return (
    <fieldset className="report-meta">
      <label>
        <span>{t('meta.title')}</span>
        <input
          data-testid="report-title"
          value={draft.title}
          onChange={(e) => setMeta({ title: e.target.value })}
        />
      </label>
      <label>
        <span>{t('meta.customer')}</span>
        <input
          data-testid="report-customer"
          value={draft.customer}
          onChange={(e) => setMeta({ customer: e.target.value })}
        />
      </label>
      <label>
        <span>{t('meta.host')}</span>
        <input
          data-testid="report-host"
          value={draft.host}
          onChange={(e) => setMeta({ host: e.target.value })}
        />
      </label>
      <label>
        <span>{t('meta.from')}</span>
        <input
          type="datetime-local"
          data-testid="report-window-from"
          value={toUtcInput(draft.windowFrom)}
          onChange={(e) => setMeta({ windowFrom: fromUtcInput(e.target.value) })}
        />
      </label>
      <label>
        <span>{t('meta.to')}</span>
        <input
          type="datetime-local"
          data-testid="report-window-to"
          value={toUtcInput(draft.windowTo)}
          onChange={(e) => setMeta({ windowTo: fromUtcInput(e.target.value) })}
        />
      </label>
    </fieldset>
  );
}

/** The host's HTML in a frame that runs nothing (`sandbox=""`: no scripts, no forms, opaque origin). */
function Preview(): React.JSX.Element {
  const t = useReportT();
  const preview = useReportEditor((s) => s.preview);
  const previewing = useReportEditor((s) => s.previewing);
  const error = useReportEditor((s) => s.previewError);
  return (
    <section className="report-preview">
      <h3>
        {t('preview.title')}
        {previewing && <span className="notes-dim"> {t('preview.updating')}</span>}
      </h3>
      {error && <p className="note-error">{t('preview.error', { message: error })}</p>}
      <iframe
        sandbox=""
        title={t('preview.frame')}
        data-testid="report-preview"
        data-updated={preview?.at ?? ''}
        srcDoc={preview?.html ?? ''}
      />
    </section>
  );
}

function ExportButtons(): React.JSX.Element {
  const t = useReportT();
  const lang = useLang((s) => s.lang);
  const exports = useReportEditor((s) => s.exports);
  const exportAs = useReportEditor((s) => s.exportAs);
  const cancelExport = useReportEditor((s) => s.cancelExport);
  const running = FORMATS.some((f) => exports[f]?.state === 'running');
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [running]);
  const last = FORMATS.map((f) => [f, exports[f]] as const).filter(([, s]) => s !== undefined);
  return (
    <div className="report-exports" data-testid="report-exports">
      <span className="notes-dim">{t('export.title')}</span>
      {FORMATS.map((f) => (
        <button
          key={f}
          type="button"
          className="note-button"
          data-testid={`report-export-${f}`}
          disabled={exports[f]?.state === 'running'}
          aria-busy={exports[f]?.state === 'running'}
          onClick={() => void exportAs(f)}
        >
          {t(`export.${f}`)}
        </button>
      ))}
      <span className="report-export-status" data-testid="report-export-status" aria-live="polite">
        {last.map(([f, s]) => {
          if (!s) return null;
          let text: string;
          const seconds = s.state === 'running' ? Math.round((now - s.startedAt) / 1000) : 0;
          if (s.state === 'running' && s.progress) {
            const phase = s.progress.phase;
            const known = ['drafting', 'rendering', 'printing', 'writing'].includes(phase);
            text = s.progress.cancelling
              ? t('export.cancelling')
              : t('export.progress', {
                  phase: known ? t(`export.phase.${phase as 'drafting'}`) : phase,
                  seconds,
                });
            if (s.progress.pages !== null) text += ` · ${t('export.pages', { count: s.progress.pages })}`;
          } else if (s.state === 'running') text = t('export.running', { seconds });
          else if (s.state === 'error') text = t('export.error', { message: s.message });
          else if (s.result.status === 'cancelled') text = t('export.cancelled');
          else {
            text = t(s.result.status === 'saved' ? 'export.saved' : 'export.download', {
              file: s.result.fileName,
              size: formatBytes(s.result.bytes, lang),
              seconds: (s.ms / 1000).toFixed(1),
            });
            if (s.pages !== null) text += ` · ${t('export.pages', { count: s.pages })}`;
          }
          return (
            <span
              key={f}
              data-format={f}
              data-state={s.state}
              className={s.state === 'error' ? 'note-error' : ''}
            >
              {t(`export.${f}`)}: {text}
              {s.state === 'running' && s.progress && !s.progress.cancelling && (
                <button
                  type="button"
                  className="note-link"
                  data-testid={`report-export-cancel-${f}`}
                  onClick={() => void cancelExport(f)}
                >
                  {t('export.cancel')}
                </button>
              )}
            </span>
          );
        })}
      </span>
    </div>
  );
}
