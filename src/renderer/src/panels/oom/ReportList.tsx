import { useEffect, useRef } from 'react';
import type { TimeQuality } from '../../../../shared/model/log';
import type { OomReport, OomTimelineEntry } from '../../../../shared/model/oom';
import { useLang } from '../../i18n';
import { formatGap, formatTs } from './format';
import { useOomT, type OomKey } from './messages';

/** The case's OOM reports in time order; picking one fills the rest of the panel. */
export function ReportList(props: {
  reports: OomReport[];
  timeline: OomTimelineEntry[];
  selected: string | null;
  /** The report holding the viewer's cursor: highlighted and scrolled into view. */
  atCursor: string | null;
  /** Time quality of the selected report's first line (the model keeps only the UTC ms). */
  selectedQuality: TimeQuality | null;
  onPick: (id: string) => void;
}): React.JSX.Element {
  const t = useOomT();
  const lang = useLang((s) => s.lang);
  const since = new Map(props.timeline.map((e) => [e.reportId, e.sincePreviousSecs]));
  const listRef = useRef<HTMLUListElement>(null);
  useEffect(() => {
    if (props.atCursor === null) return;
    listRef.current?.querySelector('[data-at-cursor="true"]')?.scrollIntoView({ block: 'nearest' });
  }, [props.atCursor]);
  return (
    <section className="oom-section oom-list-section">
      <h3>
        {t('reports.title')}{' '}
        <span className="oom-h-extra oom-dim">{t('reports.count', { count: props.reports.length })}</span>
      </h3>
      <ul className="oom-list" data-testid="oom-report-list" ref={listRef}>
        {props.reports.map((r) => {
          const time = formatTs(r.ts, r.id === props.selected ? props.selectedQuality : null, lang, t);
          const gap = since.get(r.id) ?? null;
          const here = r.id === props.atCursor;
          return (
            <li key={r.id}>
              <button
                type="button"
                className={`oom-list-item${r.id === props.selected ? ' selected' : ''}${here ? ' at-cursor' : ''}`}
                aria-pressed={r.id === props.selected}
                data-testid="oom-report-item"
                data-at-cursor={here ? 'true' : undefined}
                title={here ? t('reports.atCursor') : undefined}
                onClick={() => props.onPick(r.id)}
              >
                <span className="oom-list-time">
                  {time.text}
                  {time.note && <span className="oom-note"> ({time.note})</span>}
                </span>
                <span className="oom-list-victim">
                  {r.victim ? (
                    <>
                      <strong>{r.victim.comm}</strong> ({r.victim.pid})
                    </>
                  ) : (
                    <span className="oom-dim">{t('reports.unknownVictim')}</span>
                  )}
                </span>
                <span className={`oom-kind kind-${r.kind}`}>{t(`kind.${r.kind}` as OomKey)}</span>
                {r.host && <span className="oom-dim oom-list-host">{r.host}</span>}
                {gap !== null && (
                  <span className="oom-dim">{t('cross.since', { gap: formatGap(gap, t) })}</span>
                )}
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
