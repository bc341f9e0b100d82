import { useState } from 'react';
import { incidentContains } from '../../state/span';
import { useViewer } from '../../state/viewer';
import type { Incident } from '../../../../shared/model/incident';
import { useLang } from '../../i18n';
import { CardNote } from './CardNote';
import { openLine } from './Cite';
import { IncidentDetails } from './details';
import { formatUtc, qualityNote, severityOf, summaryOf } from './format';
import { useHeaderLine } from './lines';
import { useCrashT } from './messages';

/** One incident: badge, summary, count and times, citation; opens its block; expands to its details. */
export function IncidentCard({ incident }: { incident: Incident }): React.JSX.Element {
  const t = useCrashT();
  const lang = useLang((s) => s.lang);
  const [open, setOpen] = useState(false);
  const header = useHeaderLine(incident.line);
  const sev = severityOf(incident.kind);
  const quality = qualityNote(header?.tsQuality, t);
  const first = incident.firstTs ?? incident.ts;
  const grouped =
    incident.count > 1 && incident.lastTs !== null && first !== null && incident.lastTs !== first;
  const when =
    first === null
      ? t('time.none')
      : grouped
        ? t('card.firstLast', {
            first: formatUtc(first, lang, t),
            last: formatUtc(incident.lastTs ?? first, lang, t),
          })
        : formatUtc(first, lang, t);
  const summary = summaryOf(incident, lang, t);
  // Highlighted while the shared cursor is on its lines (re-renders only when that changes).
  const here = useViewer((s) => incidentContains(incident, s.cursor));
  return (
    <article
      className={`crash-card sev-${sev}${here ? ' at-cursor' : ''}`}
      data-testid="crash-card"
      data-kind={incident.kind}
      data-at-cursor={here ? 'true' : undefined}
      aria-label={summary}
    >
      <div className="crash-card-head">
        <button
          type="button"
          className="crash-card-open"
          data-testid="crash-card-open"
          title={t('card.open')}
          disabled={incident.line.lineId <= 0}
          onClick={() => openLine(incident.line.lineId)}
        >
          <span className="crash-card-top">
            <span className={`crash-badge sev-${sev}`} data-testid="crash-kind" title={t(`sev.${sev}`)}>
              {t(`kind.${incident.kind}`)}
            </span>
            {incident.count > 1 && (
              <span className="crash-count" data-testid="crash-count">
                {t('card.times', { count: incident.count })}
              </span>
            )}
            <span className="crash-cite-inline" data-testid="crash-card-cite">
              {incident.line.sourcePath}:{incident.line.lineNo}
            </span>
          </span>
          <span className="crash-summary" data-testid="crash-summary">
            {summary}
          </span>
          <span className="crash-when" data-testid="crash-when">
            {when}
            {first !== null && quality !== null && <span className="crash-quality"> ({quality})</span>}
          </span>
        </button>
        <button
          type="button"
          className="crash-toggle"
          data-testid="crash-toggle"
          aria-expanded={open}
          onClick={() => setOpen(!open)}
        >
          {open ? t('card.hideDetails') : t('card.details')}
        </button>
      </div>
      {open && <IncidentDetails incident={incident} />}
      <CardNote lineId={incident.line.lineId} />
    </article>
  );
}
