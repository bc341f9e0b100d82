import { errorMessage, getWorkbench } from '../api';
import { useT } from '../i18n';
import { useCase } from '../state/case';
import type { OpenResult } from '../../../shared/api';

/** Shown when the host has no case: how to open an archive, in the app and in a browser. */
export function EmptyState(): React.JSX.Element {
  const t = useT();
  const canPickFiles = useCase((s) => s.canPickFiles);
  const error = useCase((s) => s.error);

  const opened = (p: Promise<OpenResult>): void => {
    p.then((r) => {
      if (r.status === 'opened') void useCase.getState().open(r.caseId);
    }).catch((err: unknown) => useCase.setState({ error: errorMessage(err) }));
  };
  const api = getWorkbench();

  return (
    <div className="empty" data-testid="empty-state">
      <h1>{t('empty.title')}</h1>
      <p>{t('empty.body')}</p>
      <p>{t('empty.app')}</p>
      {canPickFiles && (
        <div className="empty-actions">
          <button type="button" onClick={() => opened(api.openInput({ pick: 'archive' }))}>
            {t('open.archive')}
          </button>
          <button type="button" onClick={() => opened(api.openInput({ pick: 'folder' }))}>
            {t('open.folder')}
          </button>
          <button type="button" onClick={() => opened(api.openInput({ pick: 'files' }))}>
            {t('open.files')}
          </button>
          <button type="button" onClick={() => opened(api.openCaseFile({}))}>
            {t('open.case')}
          </button>
        </div>
      )}
      <p>{t('empty.browser')}</p>
      <pre className="empty-command">{t('empty.command')}</pre>
      {error && (
        <p className="empty-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
