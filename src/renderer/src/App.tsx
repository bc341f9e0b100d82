import { useEffect } from 'react';
import { getWorkbench } from './api';
import { dropOpener } from './api/drop';
import { ConnectionBanner } from './components/ConnectionBanner';
import { EmptyState } from './components/EmptyState';
import { Header } from './components/Header';
import { PanelSlots, TimelineSlot } from './components/PanelSlots';
import { SearchPanel } from './components/SearchPanel';
import { SourcesList } from './components/SourcesList';
import { useT } from './i18n';
import { useCase } from './state/case';
import { useJobs } from './state/jobs';
import { usePrefersDark } from './theme';
import { LogViewer } from './viewer/LogViewer';

let started = false;

/** Subscribes to the host's events once and opens the initial case. */
function startOnce(): void {
  if (started) return;
  started = true;
  const api = getWorkbench();
  api.on('ingestProgress', (progress) => useJobs.getState().update(progress));
  api.on('caseChanged', (change) => {
    const cases = useCase.getState();
    // The Electron menu opens cases in main: follow it. Anything else refreshes counts and the list.
    if (change.reason === 'opened' && change.caseId !== cases.caseId) void cases.open(change.caseId);
    else void cases.refresh();
  });
  void useCase.getState().start();
}

export function App(): React.JSX.Element {
  const t = useT();
  const status = useCase((s) => s.status);
  const error = useCase((s) => s.error);
  const dark = usePrefersDark();

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
      <main className="workspace" hidden={!hasCase}>
        <SourcesList />
        <div className="centre">
          <SearchPanel />
          <LogViewer />
        </div>
        <PanelSlots />
      </main>
      <TimelineSlot />
    </div>
  );
}
