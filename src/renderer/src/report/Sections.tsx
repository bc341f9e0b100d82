import { useState } from 'react';
import type { ReportSectionId } from '../../../shared/model/report';
import { useReportT } from './messages';
import { useReportEditor } from './store';

/** The sections in print order: include or leave out, reorder with the buttons or by dragging. */
export function SectionList(): React.JSX.Element | null {
  const t = useReportT();
  const sections = useReportEditor((s) => s.draft?.sections);
  const selected = useReportEditor((s) => s.selected);
  const select = useReportEditor((s) => s.select);
  const setSection = useReportEditor((s) => s.setSection);
  const moveSection = useReportEditor((s) => s.moveSection);
  const [dragging, setDragging] = useState<ReportSectionId | null>(null);
  const [over, setOver] = useState<number | null>(null);
  if (!sections) return null;
  return (
    <section className="report-sections">
      <h3>{t('sections.title')}</h3>
      <ol data-testid="report-sections">
        {sections.map((s, i) => (
          <li
            key={s.id}
            data-testid="report-section-item"
            data-section-id={s.id}
            className={[
              'report-section-item',
              s.id === selected ? 'selected' : '',
              s.enabled ? '' : 'disabled',
              over === i && dragging !== null ? 'drop-target' : '',
            ].join(' ')}
            draggable
            title={t('sections.drag')}
            onDragStart={(e) => {
              setDragging(s.id);
              e.dataTransfer.effectAllowed = 'move';
              e.dataTransfer.setData('text/plain', s.id);
            }}
            onDragOver={(e) => {
              if (dragging === null) return;
              e.preventDefault();
              setOver(i);
            }}
            onDragLeave={() => setOver((o) => (o === i ? null : o))}
            onDrop={(e) => {
              e.preventDefault();
              if (dragging !== null) moveSection(dragging, i);
              setDragging(null);
              setOver(null);
            }}
            onDragEnd={() => {
              setDragging(null);
              setOver(null);
            }}
          >
            <span className="report-grip" aria-hidden="true">
              ⋮⋮
            </span>
            <input
              type="checkbox"
              data-testid="report-section-enabled"
              checked={s.enabled}
              aria-label={t('sections.enable', { title: s.title })}
              onChange={(e) => setSection(s.id, { enabled: e.target.checked })}
            />
            <button
              type="button"
              className="report-section-name"
              data-testid="report-section-title"
              onClick={() => select(s.id)}
            >
              {s.title}
              {s.body !== null && <span className="report-edited"> · {t('sections.edited')}</span>}
            </button>
            <button
              type="button"
              className="note-link"
              data-testid="report-section-up"
              disabled={i === 0}
              aria-label={t('sections.up')}
              title={t('sections.up')}
              onClick={() => moveSection(s.id, i - 1)}
            >
              ↑
            </button>
            <button
              type="button"
              className="note-link"
              data-testid="report-section-down"
              disabled={i === sections.length - 1}
              aria-label={t('sections.down')}
              title={t('sections.down')}
              onClick={() => moveSection(s.id, i + 1)}
            >
              ↓
            </button>
          </li>
        ))}
      </ol>
    </section>
  );
}

/**
 * The selected section: its title and markdown. It shows the generated text until the engineer
 * types; "Reset to generated" goes back to it (and follows the analysis again).
 */
export function SectionEditor(): React.JSX.Element | null {
  const t = useReportT();
  const section = useReportEditor((s) => s.draft?.sections.find((x) => x.id === s.selected) ?? null);
  const setSection = useReportEditor((s) => s.setSection);
  if (!section) return <section className="report-section-editor" />;
  return (
    <section
      className="report-section-editor"
      data-testid="report-section-editor"
      data-section-id={section.id}
    >
      <label className="report-field">
        <span>{t('section.rename')}</span>
        <input
          data-testid="report-section-rename"
          value={section.title}
          onChange={(e) => setSection(section.id, { title: e.target.value })}
        />
      </label>
      {!section.enabled && <p className="notes-dim">{t('section.disabled')}</p>}
      <div className="report-section-state">
        <span className="notes-dim" data-testid="report-section-origin">
          {section.body === null ? t('section.generated') : t('section.edited')}
        </span>
        <button
          type="button"
          className="note-button"
          data-testid="report-section-reset"
          disabled={section.body === null}
          onClick={() => setSection(section.id, { body: null })}
        >
          {t('section.reset')}
        </button>
      </div>
      <label className="report-field report-field-grow">
        <span className="visually-hidden">{t('section.body')}</span>
        <textarea
          data-testid="report-section-body"
          value={section.body ?? section.generated}
          onChange={(e) => setSection(section.id, { body: e.target.value })}
          onBlur={() => void useReportEditor.getState().flush()}
        />
      </label>
    </section>
  );
}
