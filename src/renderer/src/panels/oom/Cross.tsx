import type { OomCrossReport, OomReport } from '../../../../shared/model/oom';
import { useLang } from '../../i18n';
import { Cite, CiteList } from './Cite';
import { formatGap } from './format';
import { useOomT, type OomKey } from './messages';
import { crossFindingText } from './sentences';

/** All reports of the case together: repeat victims, cadence, and what happened after each kill. */
export function Cross({
  cross,
  reports,
  onPick,
}: {
  cross: OomCrossReport;
  reports: OomReport[];
  onPick: (id: string) => void;
}): React.JSX.Element | null {
  const t = useOomT();
  const lang = useLang((s) => s.lang);
  if (reports.length < 2 && cross.aftermath.length === 0 && cross.findings.length === 0) return null;
  const byId = new Map(reports.map((r) => [r.id, r]));
  return (
    <section className="oom-section" data-testid="oom-cross">
      <h3>{t('cross.title')}</h3>
      {cross.findings.length > 0 && (
        <ul className="oom-findings">
          {cross.findings.map((f, i) => (
            <li key={`${f.code}-${i}`} className={`sev-${f.severity}`}>
              <Cite ev={f.evidence[0]} className="oom-finding-text">
                {crossFindingText(cross, reports, f, lang, t)}
              </Cite>
              <CiteList evidence={f.evidence.slice(0, 6)} />
            </li>
          ))}
        </ul>
      )}
      {reports.length > 1 && cross.cadence.length > 0 && (
        <ul className="oom-plain">
          {cross.cadence.map((c) => (
            <li key={c.host ?? ''}>
              {c.host
                ? t('cross.cadence', { count: c.kills, host: c.host })
                : t('cross.cadenceNoHost', { count: c.kills })}
              {c.medianIntervalSecs !== null && (
                <span className="oom-dim">
                  {' '}
                  · {t('cross.median', { gap: formatGap(c.medianIntervalSecs, t) })}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      {cross.aftermath.length > 0 && (
        <>
          <h4>{t('cross.aftermath')}</h4>
          <ul className="oom-plain" data-testid="oom-aftermath">
            {cross.aftermath.map((a, i) => {
              const r = byId.get(a.reportId);
              return (
                <li key={`${a.reportId}-${i}`}>
                  {r?.victim && (
                    <button type="button" className="oom-linkish" onClick={() => onPick(a.reportId)}>
                      {r.victim.comm} ({r.victim.pid})
                    </button>
                  )}{' '}
                  <Cite ev={a.evidence} showWhere>
                    {t(`aftermath.${a.kind}` as OomKey)}
                    {a.afterSecs !== null && (
                      <span className="oom-dim"> {t('cross.after', { gap: formatGap(a.afterSecs, t) })}</span>
                    )}
                  </Cite>{' '}
                  {lang === 'en' && <span className="oom-mono oom-dim oom-wrap">{a.link}</span>}
                </li>
              );
            })}
          </ul>
        </>
      )}
    </section>
  );
}
