import { errorMessage, getWorkbench } from '../api';
import { formatBytes, formatDuration, formatPercent } from '../format';
import { useLang, useT, type MessageKey, type Translate } from '../i18n';
import { en } from '../i18n/en';
import { useCase } from '../state/case';
import { jobForCase, useJobs } from '../state/jobs';

/** A known phase name in the UI language; an unknown one (from a newer engine) as it came. */
function phaseText(t: Translate, phase: string): string {
  const key = `job.phase.${phase}`;
  return key in en ? t(key as MessageKey) : phase;
}

/** The open case's ingest: phase, file, share done, rate, ETA and cancel; or why it stopped. */
export function JobBar(): React.JSX.Element | null {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const caseId = useCase((s) => s.caseId);
  const job = useJobs((s) => jobForCase(s.jobs, caseId));
  if (!job) return null;

  if (job.state === 'failed') {
    return (
      <div className="job job-failed" role="alert" data-testid="job">
        {t('job.failed', { kind: t(`job.kind.${job.kind}`), message: job.message ?? job.phase })}
      </div>
    );
  }
  if (job.state === 'cancelled') {
    return (
      <div className="job" data-testid="job">
        {t('job.cancelled', { kind: t(`job.kind.${job.kind}`) })}
      </div>
    );
  }

  const cancel = (): void => {
    getWorkbench()
      .cancelJob({ jobId: job.jobId })
      .then((p) => p && useJobs.getState().update(p))
      .catch((err: unknown) => console.error('cancelJob failed:', errorMessage(err)));
  };

  return (
    <div className="job" data-testid="job" role="status">
      <span className="job-phase" title={job.phase === 'fulltext' ? t('job.fulltextHint') : undefined}>
        {t('job.progress', {
          kind: t(`job.kind.${job.kind}`),
          phase: phaseText(t, job.phase),
          percent: formatPercent(job.bytesDone, job.bytesTotal, lang),
        })}
      </span>
      {job.bytesTotal ? <progress max={job.bytesTotal} value={job.bytesDone} /> : <progress />}
      {job.current && (
        <span className="job-current" title={job.current}>
          {job.current}
        </span>
      )}
      <span>{t('job.lines', { count: job.linesDone })}</span>
      {/* Phase 2 runs after the case is browsable: say that search already works. */}
      {job.phase === 'fulltext' && <span className="job-hint">{t('job.fulltextHint')}</span>}
      <span>{t('job.rate', { rate: formatBytes(job.rate, lang) })}</span>
      {job.etaS !== null && <span>{t('job.eta', { eta: formatDuration(job.etaS) })}</span>}
      <button type="button" onClick={cancel}>
        {t('job.cancel')}
      </button>
    </div>
  );
}
