import type { SourceInfo } from '../../../shared/model/case';
import { useT, type Translate } from '../i18n';
import { useCase } from '../state/case';
import { useViewer } from '../state/viewer';

function statusText(t: Translate, s: SourceInfo): string {
  return t(`sources.status.${s.status}`);
}

/** The case's sources; choosing one shows it alone, "All sources" the merged view. */
export function SourcesList(): React.JSX.Element {
  const t = useT();
  const summary = useCase((s) => s.summary);
  const viewSource = useViewer((s) => s.viewSource);
  const setSource = useViewer((s) => s.setSource);
  const sources = summary?.sources ?? [];
  const errors = summary?.errors ?? [];

  return (
    <nav className="sources" data-testid="sources-list" aria-label={t('sources.title')}>
      <h2 className="side-title">{t('sources.title')}</h2>
      <ul>
        <li>
          <button
            type="button"
            className="source"
            data-testid="source-all"
            aria-current={viewSource === null ? 'true' : undefined}
            onClick={() => setSource(null)}
          >
            <span className="source-path">{t('sources.all')}</span>
            <span className="source-meta">{t('sources.lines', { count: summary?.lineCount ?? 0 })}</span>
          </button>
        </li>
        {sources.map((s) => (
          <li key={s.sourceId}>
            <button
              type="button"
              className={`source source-${s.status}`}
              data-testid="source-item"
              data-source-id={s.sourceId}
              aria-current={viewSource === s.sourceId ? 'true' : undefined}
              onClick={() => setSource(s.sourceId)}
              title={`${s.input}: ${s.path}`}
            >
              <span className="source-path" data-text="data">
                {s.path}
              </span>
              <span className="source-meta">
                <span className="source-kind" data-text="data">
                  {s.kind}
                </span>{' '}
                · {t('sources.lines', { count: s.lineCount })} ·{' '}
                <span className="source-status">{statusText(t, s)}</span>
              </span>
              {s.error && (
                <span className="source-error" data-text="data">
                  {s.error}
                </span>
              )}
            </button>
          </li>
        ))}
      </ul>
      {errors.length > 0 && (
        <section className="ingest-errors">
          <h3 className="side-title">{t('sources.errors')}</h3>
          <ul>
            {errors.map((e, i) => (
              <li key={i} className="source-error">
                {e.input}: {e.path}: {e.message}
              </li>
            ))}
          </ul>
        </section>
      )}
    </nav>
  );
}
