import { useCallback, useMemo, useState } from 'react';
import { useLang } from '../../i18n';
import { useAnalysis } from '../../state/analysis';
import { useCase } from '../../state/case';
import { BootBar } from './BootBar';
import { BootTable } from './BootTable';
import { goTo } from './Cite';
import { useRebootsT } from './messages';
import { bootAt } from './boot-at';
import { bootRows, type BootRow } from './model';
import './reboots.css';
import { useClock } from '../../state/clock';
import { useViewer } from '../../state/viewer';

/** A mean interval in its largest unit: "one every 148 d" reads better than minutes here. */
function roughly(seconds: number, unit: (u: 'd' | 'h' | 'm', n: number) => string): string {
  if (seconds >= 86400) return unit('d', Math.round(seconds / 86400));
  if (seconds >= 3600) return unit('h', Math.round(seconds / 3600));
  return unit('m', Math.max(1, Math.round(seconds / 60)));
}

/** Reboot history (issue 5): every boot, how it ended, and the last sign of life before it. */
export function RebootsPanel(): React.JSX.Element {
  // Times show in the machine's zone once the viewer has learned it: re-render then.
  useClock((s) => s.offsetMin);
  const t = useRebootsT();
  const lang = useLang((s) => s.lang);
  const analysis = useAnalysis((s) => s.analysis);
  const loading = useAnalysis((s) => s.loading);
  const error = useAnalysis((s) => s.error);
  const sources = useCase((s) => s.summary?.sources);
  const [selected, setSelected] = useState<number | null>(null);
  // Stable, so the memoised bar is not redrawn when only the boot at the cursor changes.
  const pick = useCallback((row: BootRow): void => {
    setSelected(row.n);
    if (row.startCite?.target) goTo(row.startCite.target);
  }, []);
  const rows = useMemo(() => bootRows(analysis?.boots ?? [], sources ?? []), [analysis, sources]);
  // Boots span sources, so the one under the cursor is found by time: the cursor line's time.
  // Subscribed as the boot's number: a cursor move within the same boot re-renders nothing.
  const atCursor = useViewer((s) => bootAt(rows, s.cursor?.ts ?? null));

  if (!analysis) {
    if (error)
      return (
        <p className="rb-error" role="alert">
          {t('failed', { message: error })}
        </p>
      );
    return loading ? <p className="rb-dim">{t('loading')}</p> : <></>;
  }
  const rate = analysis.rebootsPerDay;
  return (
    <div className="rb" data-testid="reboots">
      {error && (
        <p className="rb-error" role="alert">
          {t('failed', { message: error })}
        </p>
      )}
      {rows.length === 0 ? (
        <p className="rb-dim" data-testid="reboots-none">
          {t('none')}
        </p>
      ) : (
        <>
          <p className="rb-summary" data-testid="reboots-summary">
            <strong>{t('summary.boots', { count: rows.length })}</strong>
            {rate !== null && rate > 0 && (
              <span>
                {' · '}
                {t('summary.rate', {
                  rate: rate.toLocaleString(lang, { maximumFractionDigits: 2 }),
                  every: roughly(86400 / rate, (u, n) => t(`dur.${u}`, { n: String(n) })),
                })}
              </span>
            )}
          </p>
          <BootBar rows={rows} selected={selected} onPick={pick} />
          <p className="rb-dim rb-order">{t('summary.order')}</p>
          <BootTable rows={rows} selected={selected} atCursor={atCursor} onSelect={setSelected} />
        </>
      )}
      {analysis.bootNotes.length > 0 && (
        <section className="rb-notes" data-testid="boot-notes">
          <h4>{t('notes')}</h4>
          <ul lang="en">
            {analysis.bootNotes.map((n, i) => (
              <li key={i}>{n}</li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
