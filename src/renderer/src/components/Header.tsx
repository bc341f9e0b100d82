import { lazy, Suspense } from 'react';
import { LANGUAGES, useLang, useT, type Lang } from '../i18n';
import { useCase } from '../state/case';
import { useLayout, type ThemeChoice } from '../state/layout';
import { useAfterFirstPaint } from '../state/painted';
import { JobBar } from './JobBar';

// The report editor's code loads with its button, off the path to the first painted lines.
const ReportButton = lazy(() => import('../report').then((m) => ({ default: m.ReportButton })));

/** Top bar: the case's title and counts, the case picker, ingest progress, the language. */
export function Header(): React.JSX.Element {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const setLang = useLang((s) => s.setLang);
  const summary = useCase((s) => s.summary);
  const late = useAfterFirstPaint();
  const cases = useCase((s) => s.cases);
  const caseId = useCase((s) => s.caseId);
  const open = useCase((s) => s.open);
  const theme = useLayout((s) => s.theme);
  const setTheme = useLayout((s) => s.setTheme);

  return (
    <header className="header">
      <span className="brand">{t('app.name')}</span>
      {summary && (
        <div className="case-head">
          <h1 className="case-title" data-testid="case-title" data-text="data" title={summary.title}>
            {summary.title}
          </h1>
          <span className="case-counts" data-testid="case-counts">
            {t('case.lines', { count: summary.lineCount })} ·{' '}
            {t('case.sources', { count: summary.sourceCount })}
            {summary.state === 'indexing' && ` · ${t('case.state.indexing')}`}
            {summary.state === 'incomplete' && ` · ${t('case.state.incomplete')}`}
          </span>
          {summary.readOnly && (
            <span className="case-readonly" data-testid="case-readonly" title={summary.readOnly}>
              {t('case.readOnly')}
            </span>
          )}
        </div>
      )}
      {cases.length > 1 && (
        <label className="case-pick">
          <span>{t('case.pick')}</span>
          <select value={caseId ?? ''} onChange={(e) => void open(e.target.value)}>
            {cases.map((c) => (
              <option key={c.caseId} value={c.caseId}>
                {c.title}
              </option>
            ))}
          </select>
        </label>
      )}
      <JobBar />
      {summary && late && (
        <Suspense fallback={null}>
          <ReportButton />
        </Suspense>
      )}
      <label className="lang-pick">
        <span className="visually-hidden">{t('theme.label')}</span>
        <select
          value={theme}
          data-testid="theme-pick"
          onChange={(e) => setTheme(e.target.value as ThemeChoice)}
          aria-label={t('theme.label')}
        >
          <option value="system">{t('theme.system')}</option>
          <option value="light">{t('theme.light')}</option>
          <option value="dark">{t('theme.dark')}</option>
        </select>
      </label>
      <label className="lang-pick">
        <span className="visually-hidden">{t('lang.label')}</span>
        <select
          value={lang}
          data-testid="lang-pick"
          onChange={(e) => setLang(e.target.value as Lang)}
          aria-label={t('lang.label')}
        >
          {LANGUAGES.map((l) => (
            <option key={l.lang} value={l.lang}>
              {l.endonym}
            </option>
          ))}
        </select>
      </label>
    </header>
  );
}
