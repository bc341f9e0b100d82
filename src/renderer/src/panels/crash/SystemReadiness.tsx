import { DERIVED_FACT_KEYS, type Recommendation, type SystemFact } from '../../../../shared/model/incident';
import { useLang } from '../../i18n';
import { Cite, LineLink } from './Cite';
import { useCrashT, type CrashKey } from './messages';

const LABELLED = new Set<string>(DERIVED_FACT_KEYS);

/** The machine's readiness: what the archive says about its settings, and what to change. */
export function SystemReadiness({
  facts,
  recommendations,
}: {
  facts: SystemFact[];
  recommendations: Recommendation[];
}): React.JSX.Element {
  const t = useCrashT();
  const lang = useLang((s) => s.lang);
  return (
    <section className="crash-system" data-testid="crash-system">
      <h3>{t('system.title')}</h3>
      <h4>{t('system.recommendations')}</h4>
      {recommendations.length === 0 ? (
        <p className="crash-dim">{t('system.noRecommendations')}</p>
      ) : (
        <ul className="crash-recs">
          {recommendations.map((r) => (
            <li key={r.id} className={`crash-rec rec-${r.severity}`} data-testid="crash-rec" data-rec={r.id}>
              <div className="crash-rec-head">
                <span className={`crash-badge rec-${r.severity}`}>{t(`rec.${r.severity}`)}</span>
                <strong className="crash-rec-title">{lang === 'en' ? r.title.en : r.title.zh}</strong>
              </div>
              <p className="crash-rec-text">{lang === 'en' ? r.text.en : r.text.zh}</p>
              {r.evidence.length > 0 && (
                <div className="crash-cites">
                  <span className="crash-dim">{t('rec.evidence')}:</span>
                  {r.evidence.map((ev) => (
                    <Cite key={`${ev.sourceId}:${ev.lineNo}`} ev={ev} />
                  ))}
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      <h4>{t('system.facts')}</h4>
      {facts.length === 0 ? (
        <p className="crash-dim">{t('system.noFacts')}</p>
      ) : (
        <table className="crash-facts" data-testid="crash-facts">
          <thead>
            <tr>
              <th>{t('system.key')}</th>
              <th>{t('system.value')}</th>
              <th>{t('system.meaning')}</th>
            </tr>
          </thead>
          <tbody>
            {facts.map((f) => (
              <FactRow key={f.key} fact={f} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function FactRow({ fact }: { fact: SystemFact }): React.JSX.Element {
  const t = useCrashT();
  const lang = useLang((s) => s.lang);
  const key = LABELLED.has(fact.key) ? t(`fact.${fact.key}` as CrashKey) : fact.key;
  const first = fact.evidence[0];
  if (!fact.known || fact.value === null) {
    return (
      <tr className="crash-fact unknown" data-testid="crash-fact" data-key={fact.key}>
        <th scope="row" className="mono">
          {key}
        </th>
        <td colSpan={2} className="crash-dim" data-testid="crash-fact-value">
          {t('system.unknown')}
        </td>
      </tr>
    );
  }
  return (
    <tr className="crash-fact" data-testid="crash-fact" data-key={fact.key}>
      <th scope="row" className="mono">
        {key}
      </th>
      <td data-testid="crash-fact-value">
        {first ? (
          <LineLink lineId={first.lineId} mono>
            {fact.value}
          </LineLink>
        ) : (
          <span className="mono">{fact.value}</span>
        )}
        {fact.inferred && <span className="crash-inferred"> {t('system.inferred')}</span>}
      </td>
      <td>
        <span data-testid="crash-fact-meaning">{lang === 'en' ? fact.meaning.en : fact.meaning.zh}</span>
        {fact.evidence.length > 0 && (
          <span className="crash-cites">
            {fact.evidence.map((ev) => (
              <Cite key={`${ev.sourceId}:${ev.lineNo}`} ev={ev} />
            ))}
          </span>
        )}
      </td>
    </tr>
  );
}
