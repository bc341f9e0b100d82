import { useEffect } from 'react';
import { getWorkbench } from './api';
import { dropOpener } from './api/drop';
import { ConnectionBanner } from './components/ConnectionBanner';
import { EmptyState } from './components/EmptyState';
import { FilterBar } from './components/FilterBar';
import { FindingsList } from './components/FindingsList';
import { Header } from './components/Header';
import { NavBar } from './components/NavBar';
import { PanelSlots } from './components/PanelSlots';
import { Resizer } from './components/Resizer';
import { SearchPanel } from './components/SearchPanel';
import { ShortcutsOverlay, useShortcuts } from './components/Shortcuts';
import { SourcesList } from './components/SourcesList';
import { Timeline } from './components/Timeline';
import { useT } from './i18n';
import { ReportEditor } from './report';
import { useCase } from './state/case';
import { useFindings } from './state/findings';
import { useJobs } from './state/jobs';
import { useLayout } from './state/layout';
import { startPersistence } from './state/persist';
import { useSearch } from './state/search';
import { useDarkTheme } from './theme';
import { LogViewer } from './viewer/LogViewer';

let started = false;

/**
 * Subscribes to the host's events once and opens the initial case. main.tsx calls it before the
 * first render so the case's first reads are not held up by it.
 */
export function startOnce(): void {
  if (started) return;
  started = true;
  const api = getWorkbench();
  startPersistence();
  api.on('ingestProgress', (progress) => useJobs.getState().update(progress));
  api.on('searchProgress', (progress) => useSearch.getState().onProgress(progress));
  api.on('caseChanged', (change) => {
    const cases = useCase.getState();
    // The Electron menu opens cases in main: follow it. Anything else refreshes counts and the list.
    if (change.reason === 'opened' && change.caseId !== cases.caseId) void cases.open(change.caseId);
    else if (change.reason === 'annotations' && change.caseId === cases.caseId)
      void useFindings.getState().reloadAnnotations();
    else void cases.refresh();
  });
  void useCase.getState().start();
}

export function App(): React.JSX.Element {
  const t = useT();
  const status = useCase((s) => s.status);
  const error = useCase((s) => s.error);
  const sizes = useLayout((s) => s.sizes);
  const dark = useDarkTheme();
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
        <PanelSlots />
      </main>
      {hasCase && (
        <>
          <Resizer region="bottom" sign={-1} />
          <div className="bottom" style={{ height: sizes.bottom }}>
            <Timeline />
          </div>
        </>
      )}
      <ShortcutsOverlay />
      <ReportEditor />
    </div>
  );
}
