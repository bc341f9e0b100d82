import type { CrashArtefact } from '../../../../shared/model/incident';
import { useLang } from '../../i18n';
import { Cite } from './Cite';
import { formatNumber, formatUtc } from './format';
import { useCrashT, type CrashKey } from './messages';
import { dumpKey } from './timeline';

function bytes(n: number, lang: Parameters<typeof formatNumber>[1]): string {
  const units: [number, string][] = [
    [1 << 30, 'GiB'],
    [1 << 20, 'MiB'],
    [1 << 10, 'KiB'],
  ];
  for (const [size, unit] of units)
    if (n >= size) return `${formatNumber(Math.round((n / size) * 10) / 10, lang)} ${unit}`;
  return `${formatNumber(n, lang)} B`;
}

/**
 * Issue 6: kdump directories, vmcores, core files, coredumpctl, apport and ABRT reports, each
 * with what is missing. Those with a time are cards on the panel's timeline; this section counts
 * them all, says when there are none, and lists the ones with no time.
 */
export function Dumps({ crashes }: { crashes: readonly CrashArtefact[] }): React.JSX.Element {
  const t = useCrashT();
  const untimed = crashes.filter((a) => a.ts === null);
  return (
    <section className="crash-dumps" data-testid="crash-dumps">
      <h3>
        {t('dumps.title')} <span className="crash-dim">{t('dumps.count', { count: crashes.length })}</span>
      </h3>
      {crashes.length === 0 && <p className="crash-dim">{t('dumps.none')}</p>}
      {untimed.length > 0 && (
        <>
          {untimed.length < crashes.length && <p className="crash-dim">{t('dumps.untimed')}</p>}
          <ol className="crash-dump-list">
            {untimed.map((a) => (
              <li key={dumpKey(a)}>
                <DumpCard a={a} />
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}

/** Artefacts whose own fields (crash's `sys`, gdb's core line) say what the dump is; others show theirs above. */
const SHOWN_FIELDS = new Set<CrashArtefact['kind']>(['crash-session', 'gdb-backtrace']);

export function DumpCard({ a }: { a: CrashArtefact }): React.JSX.Element {
  const t = useCrashT();
  const lang = useLang((s) => s.lang);
  const state = a.completeness;
  const bad = state === 'missing' || state === 'incomplete' || state === 'truncated';
  return (
    <article
      className={`crash-dump${bad ? ' crash-dump-bad' : ''}`}
      data-testid="crash-dump"
      data-kind={a.kind}
      data-completeness={state ?? ''}
    >
      <header className="crash-dump-head">
        <span className="crash-badge">{t(`dumps.kind.${a.kind}` as CrashKey)}</span>
        <span className="crash-dump-path mono">{a.path}</span>
        {state && (
          <span className={`crash-pill state-${state}`}>{t(`dumps.state.${state}` as CrashKey)}</span>
        )}
      </header>
      <dl className="crash-dump-fields">
        <dt>{t('dumps.time')}</dt>
        <dd>
          {a.ts !== null ? formatUtc(a.ts, lang, t) : t('time.none')}
          {a.localTime && <span className="crash-dim"> · {t('dumps.localTime', { time: a.localTime })}</span>}
          {a.tsNote && /zone unknown/.test(a.tsNote) && (
            <span className="crash-dim"> · {t('dumps.zoneUnknown')}</span>
          )}
        </dd>
        {(a.executable !== undefined || a.pid !== undefined) && (
          <>
            <dt>{t('dumps.process')}</dt>
            <dd className="mono">
              {a.executable ?? '?'}
              {a.pid !== undefined && ` [${a.pid}]`}
              {a.uid !== undefined && ` uid ${a.uid}`}
            </dd>
          </>
        )}
        {a.signal && (
          <>
            <dt>{t('dumps.signal')}</dt>
            <dd>
              <span className="mono">
                {a.signal.name}
                {a.signal.number !== null && ` (${a.signal.number})`}
              </span>{' '}
              <span className="crash-dim">
                {lang === 'zh-CN' ? a.signal.meaning.zh : a.signal.meaning.en}
              </span>
            </dd>
          </>
        )}
        {a.sizeBytes !== undefined && (
          <>
            <dt>{t('dumps.size')}</dt>
            <dd>{bytes(a.sizeBytes, lang)}</dd>
          </>
        )}
        {a.panicReason && (
          <>
            <dt>{t('dumps.panic')}</dt>
            <dd className="mono" lang="en">
              {a.panicReason}
            </dd>
          </>
        )}
        {a.files && a.files.length > 0 && (
          <>
            <dt>{t('dumps.files')}</dt>
            <dd className="mono">{a.files.join(' · ')}</dd>
          </>
        )}
        {SHOWN_FIELDS.has(a.kind) && a.fields && Object.keys(a.fields).length > 0 && (
          <>
            <dt>{t(`dumps.fields.${a.kind}` as CrashKey)}</dt>
            <dd className="crash-dump-kv" data-testid="crash-dump-fields">
              {Object.entries(a.fields).map(([k, v]) => (
                <span key={k}>
                  <span className="crash-dim">{k}</span> <span className="mono">{v}</span>
                </span>
              ))}
            </dd>
          </>
        )}
        {a.frames && a.frames.length > 0 && (
          <>
            <dt>{t('dumps.frames')}</dt>
            <dd className="mono">{a.frames.slice(0, 6).join(' ← ')}</dd>
          </>
        )}
        <dt>{t('dumps.boot')}</dt>
        <dd>
          {a.boot
            ? t('dumps.bootOf', { start: formatUtc(Date.parse(a.boot.start), lang, t) })
            : t('dumps.bootNone')}
        </dd>
        {a.explains && a.explains.length > 0 && (
          <>
            <dt>{t('dumps.explains')}</dt>
            <dd>
              {a.explains.map((e) => (
                <Cite
                  key={`${e.line.sourceId}:${e.line.lineNo}`}
                  ev={e.line}
                  label={t(`kind.${e.kind}` as CrashKey)}
                />
              ))}
            </dd>
          </>
        )}
      </dl>
      {a.missing && a.missing.length > 0 && (
        <ul className="crash-dump-missing" data-testid="crash-dump-missing" aria-label={t('dumps.missing')}>
          {a.missing.map((m) => (
            <li key={m.code}>{t(`missing.${m.code}` as CrashKey, { param: m.param ?? '' })}</li>
          ))}
        </ul>
      )}
      <p className="crash-dump-evidence">
        <span className="crash-dim">{t('dumps.evidence')}: </span>
        {a.evidence.map((e) =>
          e.lineId > 0 ? (
            <Cite
              key={`${e.sourceId}:${e.lineNo}`}
              ev={e}
              {...(e.what !== undefined ? { label: e.what } : {})}
            />
          ) : (
            <span key={`${e.sourceId}:${e.lineNo}`} className="crash-dim mono">
              {t('dumps.notRow', { path: e.what ? `${e.sourcePath} — ${e.what}` : e.sourcePath })}
            </span>
          ),
        )}
      </p>
    </article>
  );
}
