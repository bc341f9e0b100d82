import { getWorkbench } from '../api';
import { useLang } from '../i18n';
import { useCase } from './case';
import { useFindings } from './findings';
import { useJobs } from './jobs';
import { startPersistence } from './persist';
import { useSearch } from './search';

let started = false;

/**
 * Subscribes to the host's events once and opens the initial case. main.tsx calls it before
 * the workbench's code (Monaco and the components, a separate chunk) has loaded, so the case's
 * first reads travel while that chunk is fetched and compiled.
 */
export function startOnce(): void {
  if (started) return;
  started = true;
  document.documentElement.lang = useLang.getState().lang;
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
