import { lazy, StrictMode, Suspense, useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { dropOpener } from './api/drop';
import { ConnectionBanner } from './components/ConnectionBanner';
import { EmptyState } from './components/EmptyState';
import { FilterBar } from './components/FilterBar';
import { FindingsList } from './components/FindingsList';
import { Header } from './components/Header';
import { NavBar } from './components/NavBar';
import { Resizer } from './components/Resizer';
import { SearchPanel } from './components/SearchPanel';
import { ShortcutsOverlay, useShortcuts } from './components/Shortcuts';
import { SourcesList } from './components/SourcesList';
import { useT } from './i18n';
import { startOnce } from './state/boot';
import { useCase } from './state/case';
import { useLayout } from './state/layout';
import { useAfterFirstPaint } from './state/painted';
import { useDarkTheme } from './theme';
import { LogViewer } from './viewer/LogViewer';

// Not needed for the first painted lines: loaded (and rendered) once the viewer has painted, so
// their code (uPlot, markdown-it, the panels, the report editor) stays off the open's path.
const Timeline = lazy(() => import('./components/Timeline').then((m) => ({ default: m.Timeline })));
const PanelSlots = lazy(() => import('./components/PanelSlots').then((m) => ({ default: m.PanelSlots })));
const ReportEditor = lazy(() => import('./report').then((m) => ({ default: m.ReportEditor })));

export function App(): React.JSX.Element {
  const t = useT();
  const status = useCase((s) => s.status);
  const error = useCase((s) => s.error);
  const sizes = useLayout((s) => s.sizes);
  const dark = useDarkTheme();
  const late = useAfterFirstPaint();
  useShortcuts();

  useEffect(() => {
    startOnce();
  }, []);

  useEffect(() => {
    document.documentElement.dataset.theme = dark ? 'dark' : 'light';
  }, [dark]);

  const hasCase = status === 'ready' || status === 'loading';
  const openDropped = dropOpener();
  const onDragOver = (e: React.DragEvent): void => {
    if (openDropped && e.dataTransfer.types.includes('Files')) e.preventDefault();
  };
  const onDrop = (e: React.DragEvent): void => {
    if (!openDropped) return;
    e.preventDefault();
    const files = [...e.dataTransfer.files];
    if (files.length === 0) return;
    void openDropped(files).then((r) => {
      if (r.status === 'opened') void useCase.getState().open(r.caseId);
    });
  };
  return (
    <div className="app" onDragOver={onDragOver} onDrop={onDrop}>
      <Header />
      <ConnectionBanner />
      {status === 'starting' && <div className="starting">{t('app.loading')}</div>}
      {(status === 'none' || (status === 'error' && !hasCase)) && <EmptyState />}
      {status === 'error' && error && hasCase && (
        <div className="banner" role="alert">
          {t('case.loadFailed', { message: error })}
        </div>
      )}
      <main
        className="workspace"
        hidden={!hasCase}
        style={{ gridTemplateColumns: `${sizes.left}px 5px minmax(300px, 1fr) 5px ${sizes.right}px` }}
      >
        <div className="left" data-testid="left-region">
          <SourcesList />
          <FindingsList />
        </div>
        <Resizer region="left" sign={1} />
        <div className="centre" data-testid="centre-region">
          <SearchPanel />
          <FilterBar />
          <NavBar />
          <LogViewer />
        </div>
        <Resizer region="right" sign={-1} />
        {late ? (
          <Suspense fallback={<aside className="panels" />}>
            <PanelSlots />
          </Suspense>
        ) : (
          <aside className="panels" />
        )}
      </main>
      {hasCase && (
        <>
          <Resizer region="bottom" sign={-1} />
          <div className="bottom" style={{ height: sizes.bottom }}>
            {late && (
              <Suspense fallback={null}>
                <Timeline />
              </Suspense>
            )}
          </div>
        </>
      )}
      <ShortcutsOverlay />
      {late && (
        <Suspense fallback={null}>
          <ReportEditor />
        </Suspense>
      )}
    </div>
  );
}

/** Renders the workbench into the page's root element (main.tsx, once this chunk has loaded). */
export function mount(container: HTMLElement): void {
  createRoot(container).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
