import { memo, useEffect, useRef, useState } from 'react';
import type { BootFlagKind } from '../../../../shared/model/boot';
import { useLang, type Lang } from '../../i18n';
import { useCase } from '../../state/case';
import { CiteLink } from './Cite';
import { endReasonZh, markerZh, reasonText } from './reason';
import { START_FROM_ZH, useRebootsT, type RebootsT } from './messages';
import { formatDuration, formatUtc, resolveLine, type BootRow, type Cite } from './model';

/** Rows shown before "show all": a machine rebooting hourly has thousands of boots. */
const FIRST_ROWS = 50;

function duration(t: RebootsT, seconds: number): string {
  return formatDuration(seconds, (u, n) => t(`dur.${u}`, { n: String(n) }));
}

function DurationCell({ seconds, testId }: { seconds: number | null; testId: string }): React.JSX.Element {
  const t = useRebootsT();
  if (seconds === null) {
    return (
      <td className="rb-num" data-testid={testId} title={t('notKnown')}>
        —
      </td>
    );
  }
  if (seconds < 0) {
    return (
      <td
        className="rb-num rb-bad"
        data-testid={testId}
        title={t('dur.negativeDesc', { dur: duration(t, -seconds) })}
      >
        {t('dur.negative')}
      </td>
    );
  }
  return (
    <td className="rb-num" data-testid={testId}>
      {duration(t, seconds)}
    </td>
  );
}

/**
 * An evidence label in zh-CN: a marker name, `last sign of life: …`, or a start-from value. The
 * part with no zh-CN name stays in the analyser's English, marked as such.
 */
function WhatLabel({ what }: { what: string }): React.JSX.Element {
  const lsol = /^last sign of life: (.*)$/.exec(what);
  const rest = lsol ? lsol[1]! : what;
  const zh = START_FROM_ZH[rest] ?? markerZh(rest);
  return (
    <span className="rb-what">
      {lsol && '最后活动迹象：'}
      {zh !== rest ? zh : <span lang="en">{rest}</span>}
    </span>
  );
}

function startFromText(lang: Lang, from: string): string {
  return lang === 'zh-CN' ? (START_FROM_ZH[from] ?? from) : from;
}

/** The flag's message, built from the boot's fields so it reads in the UI language. */
function flagMessage(t: RebootsT, lang: Lang, kind: BootFlagKind, row: BootRow): string {
  const source = row.boot.flags.find((f) => f.kind === kind)?.source;
  switch (kind) {
    case 'not-in-wtmp':
    case 'not-in-logs':
      return source !== undefined ? t(`flagMsg.${kind}.src`, { source }) : t(`flagMsg.${kind}`);
    case 'kernel-changed':
      return row.previousKernel && row.boot.kernel
        ? t('flagMsg.kernel-changed', { from: row.previousKernel, to: row.boot.kernel })
        : t('flagMsg.kernel-changed-any');
    case 'short-boot':
      return t('flagMsg.short-boot', {
        dur: row.boot.uptimeS !== null ? duration(t, row.boot.uptimeS) : t('notKnown'),
      });
    case 'time-inferred':
      return t('flagMsg.time-inferred', { from: startFromText(lang, row.boot.startFrom) });
    default:
      return t(`flagMsg.${kind}`);
  }
}

function Explanation({ row }: { row: BootRow }): React.JSX.Element | null {
  const t = useRebootsT();
  const lang = useLang((s) => s.lang);
  const b = row.boot;
  const flagged = b.flags.some((f) => f.kind === 'still-running-old');
  if (!b.explanation && !flagged) return null;
  const text =
    row.nextStart !== null
      ? t('explain.stillRunning', { next: formatUtc(row.nextStart, lang), kind: t(`kind.${b.endKind}`) })
      : (b.explanation ?? t('flagMsg.still-running-old'));
  return (
    <p className="rb-explain" data-testid="boot-explanation">
      {text}
    </p>
  );
}

function Details({ row }: { row: BootRow }): React.JSX.Element {
  const t = useRebootsT();
  const lang = useLang((s) => s.lang);
  const b = row.boot;
  const reasonZh = endReasonZh(b);
  return (
    <div className="rb-details" data-testid="boot-details">
      <h4>{t('details.why', { kind: t(`kind.${b.endKind}`) })}</h4>
      <p>{t(`kindDesc.${b.endKind}`)}</p>
      <p className="rb-label">{t('details.reason')}</p>
      {lang !== 'en' && reasonZh !== null ? (
        <>
          <blockquote className="rb-reason" data-testid="boot-end-reason">
            {reasonZh.map((p, i) =>
              typeof p === 'string' ? (
                p
              ) : (
                <span key={i} className="rb-data rb-mono">
                  {p.data}
                </span>
              ),
            )}
          </blockquote>
          <p lang="en" className="rb-original">
            {b.endReason}
          </p>
        </>
      ) : (
        <blockquote lang="en" className="rb-reason" data-testid="boot-end-reason">
          {b.endReason}
        </blockquote>
      )}
      {b.flags.length > 0 && (
        <>
          <p className="rb-label">{t('details.flags')}</p>
          <ul className="rb-flag-list">
            {b.flags.map((f, i) => (
              <li key={i}>
                <span className="rb-chip">{t(`flag.${f.kind}`)}</span>{' '}
                {lang !== 'en' && flagMessage(t, lang, f.kind, row)}
                <span lang="en" className="rb-original">
                  {f.message}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
      <dl className="rb-facts">
        <dt>{t('details.startFrom')}</dt>
        <dd>{startFromText(lang, b.startFrom)}</dd>
        {b.commandLine !== null && (
          <>
            <dt>{t('details.commandLine')}</dt>
            <dd className="rb-mono rb-data">{b.commandLine}</dd>
          </>
        )}
        {b.bootId !== null && (
          <>
            <dt>{t('details.bootId')}</dt>
            <dd className="rb-mono rb-data">{b.bootId}</dd>
          </>
        )}
      </dl>
      {b.evidence.length > 0 && (
        <>
          <p className="rb-label">{t('details.evidence')}</p>
          <ul className="rb-evidence">
            {b.evidence.map((e, i) => {
              const cite =
                e.line === row.startCite?.line && e.source === row.startCite.source ? row.startCite : null;
              const lsol =
                e.line === row.lsolCite?.line && e.source === row.lsolCite.source ? row.lsolCite : null;
              const resolved = cite ?? lsol;
              return (
                <li key={i}>
                  {resolved ? (
                    <CiteLink cite={resolved} testId="boot-evidence" />
                  ) : (
                    <EvidenceLink source={e.source} line={e.line} lineId={e.lineId} what={e.what} />
                  )}{' '}
                  {lang !== 'en' ? (
                    <WhatLabel what={e.what} />
                  ) : (
                    <span lang="en" className="rb-what">
                      {e.what}
                    </span>
                  )}
                </li>
              );
            })}
          </ul>
        </>
      )}
    </div>
  );
}

function EvidenceLink({
  source,
  line,
  lineId,
  what,
}: {
  source: string;
  line: number;
  lineId: number;
  what: string;
}): React.JSX.Element {
  const resolve = useRebootsResolve();
  return (
    <CiteLink cite={{ source, line, what, target: resolve(source, line, lineId) }} testId="boot-evidence" />
  );
}

function useRebootsResolve(): (
  source: string,
  line: number,
  lineId: number,
) => ReturnType<typeof resolveLine> {
  const sources = useCase((s) => s.summary?.sources);
  return (source, line, lineId) => resolveLine(sources ?? [], source, line, lineId);
}

function sameLine(a: Cite, b: Cite | null): boolean {
  return b !== null && a.source === b.source && a.line === b.line;
}

interface RowProps {
  row: BootRow;
  selected: boolean;
  /** Running at the time of the viewer's cursor line. */
  atCursor: boolean;
  onSelect: (n: number) => void;
}

/** One boot's rows; memoised so the cursor entering another boot re-renders only the two rows whose mark changed. */
const BootRowGroup = memo(function BootRowGroup({
  row,
  selected,
  atCursor,
  onSelect,
}: RowProps): React.JSX.Element {
  const t = useRebootsT();
  const lang = useLang((s) => s.lang);
  const [open, setOpen] = useState(false);
  const b = row.boot;
  const zhReason = lang === 'en' ? null : endReasonZh(b);
  const inferred = b.flags.find((f) => f.kind === 'time-inferred');
  const startText = row.start !== null ? formatUtc(row.start, lang) : t('noTime');
  const lsol = b.lastSignOfLife;
  return (
    <tbody
      className={`rb-group${selected ? ' selected' : ''}${atCursor ? ' at-cursor' : ''}`}
      data-testid="boot-row"
      data-boot={row.n}
      data-at-cursor={atCursor ? 'true' : undefined}
      title={atCursor ? t('row.atCursor') : undefined}
      data-end-kind={b.endKind}
      onClick={() => onSelect(row.n)}
    >
      <tr>
        <td className="rb-n">{row.n}</td>
        <td>
          {row.startCite ? (
            <CiteLink cite={row.startCite} testId="boot-start">
              {startText}
            </CiteLink>
          ) : (
            <span data-testid="boot-start">{startText}</span>
          )}
          <div className="rb-sub">
            <span
              className={`rb-conf rb-conf-${b.startConfidence}`}
              title={t(`confDesc.${b.startConfidence}`)}
            >
              {t(`conf.${b.startConfidence}`)}
            </span>
            {inferred && (
              <span
                className="rb-inferred"
                data-testid="boot-start-inferred"
                title={flagMessage(t, lang, 'time-inferred', row)}
              >
                {t('inferred')}
              </span>
            )}
          </div>
        </td>
        <td
          className="rb-mono rb-data"
          data-testid="boot-kernel"
          title={b.kernel !== null && b.kernelTruncated ? t('kernel.truncated') : (b.kernel ?? t('notKnown'))}
        >
          {b.kernel ?? '—'}
          {b.kernel !== null && b.kernelTruncated && (
            <span className="rb-trunc" data-testid="boot-kernel-truncated" aria-label={t('kernel.truncated')}>
              …
            </span>
          )}
        </td>
        <td>
          <span
            className={`rb-kind rb-bg-${b.endKind}`}
            data-testid="boot-kind"
            title={
              lang === 'en'
                ? b.endReason
                : zhReason !== null
                  ? reasonText(zhReason)
                  : t(`kindDesc.${b.endKind}`)
            }
          >
            {t(`kind.${b.endKind}`)}
          </span>
          {b.endKind !== 'running' && (
            <div className="rb-sub" data-testid="boot-end">
              {row.end !== null ? formatUtc(row.end, lang) : t('endUnknown')}
            </div>
          )}
        </td>
        <DurationCell seconds={b.uptimeS} testId="boot-uptime" />
        <DurationCell seconds={b.downtimeS} testId="boot-downtime" />
      </tr>
      <tr className="rb-more">
        <td />
        <td colSpan={5}>
          <div className="rb-lsol" data-testid="boot-lsol">
            <span className="rb-label">{t('lsol.label')}</span>
            {lsol && row.lsolCite && sameLine(row.lsolCite, row.startCite) ? (
              <>
                <span className="rb-dim">{t('lsol.same')}</span>
                <CiteLink cite={row.lsolCite} testId="boot-lsol-link" />
              </>
            ) : lsol && row.lsolCite ? (
              <>
                <span className="rb-lsol-when">
                  {row.lsolTs !== null ? formatUtc(row.lsolTs, lang) : t('noTime')}
                </span>
                <CiteLink cite={row.lsolCite} testId="boot-lsol-link" />
                <code className="rb-lsol-text rb-data" title={lsol.text} data-testid="boot-lsol-text">
                  {lsol.text}
                </code>
              </>
            ) : (
              <span className="rb-dim">{t('lsol.none')}</span>
            )}
          </div>
          <Explanation row={row} />
          {b.flags
            .filter((f) => f.kind === 'not-in-wtmp' || f.kind === 'not-in-logs')
            .map((f, i) => (
              <p key={i} className="rb-flag-note" data-testid="boot-flag-note" data-flag-kind={f.kind}>
                <strong>{t(`flag.${f.kind}`)}</strong>: {flagMessage(t, lang, f.kind, row)}
              </p>
            ))}
          <div className="rb-chips">
            {/* time-inferred shows as the marker beside the start it qualifies */}
            {b.flags
              .filter((f) => f.kind !== 'time-inferred')
              .map((f, i) => (
                <span
                  key={i}
                  className={`rb-chip rb-chip-${f.kind}`}
                  data-testid="boot-flag"
                  data-flag-kind={f.kind}
                  title={flagMessage(t, lang, f.kind, row)}
                >
                  {t(`flag.${f.kind}`)}
                </span>
              ))}
            <button
              type="button"
              className="rb-toggle"
              aria-expanded={open}
              data-testid="boot-details-toggle"
              onClick={(e) => {
                e.stopPropagation();
                setOpen(!open);
              }}
            >
              {open ? t('details.hide') : t('details.show')}
            </button>
          </div>
          {open && <Details row={row} />}
        </td>
      </tr>
    </tbody>
  );
});

interface Props {
  rows: BootRow[];
  selected: number | null;
  /** The boot (`n`) running at the time of the viewer's cursor line: marked and scrolled to. */
  atCursor: number | null;
  onSelect: (n: number) => void;
}

/** The boots, newest first, as the engineer reads `last`; capped until "show all". */
export function BootTable({ rows, selected, atCursor, onSelect }: Props): React.JSX.Element {
  const t = useRebootsT();
  const [all, setAll] = useState(false);
  const tableRef = useRef<HTMLTableElement>(null);
  const newestFirst = [...rows].reverse();
  const hidden = (n: number | null): boolean =>
    n !== null && newestFirst.findIndex((r) => r.n === n) >= FIRST_ROWS;
  const selectedHidden = hidden(selected) || hidden(atCursor);
  const shown = all || selectedHidden ? newestFirst : newestFirst.slice(0, FIRST_ROWS);

  useEffect(() => {
    if (selected === null) return;
    tableRef.current?.querySelector(`tbody[data-boot="${selected}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [selected]);

  useEffect(() => {
    if (atCursor === null) return;
    tableRef.current?.querySelector(`tbody[data-boot="${atCursor}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [atCursor]);

  return (
    <>
      <table className="rb-table" ref={tableRef} data-testid="boot-table">
        <thead>
          <tr>
            <th className="rb-n">{t('col.boot')}</th>
            <th>{t('col.start')}</th>
            <th>{t('col.kernel')}</th>
            <th>{t('col.end')}</th>
            <th className="rb-num">{t('col.uptime')}</th>
            <th className="rb-num">{t('col.downtime')}</th>
          </tr>
        </thead>
        {shown.map((r) => (
          <BootRowGroup
            key={r.n}
            row={r}
            selected={selected === r.n}
            atCursor={atCursor === r.n}
            onSelect={onSelect}
          />
        ))}
      </table>
      {shown.length < newestFirst.length && (
        <button type="button" className="rb-show-all" onClick={() => setAll(true)}>
          {t('showAll', { count: newestFirst.length })}
        </button>
      )}
    </>
  );
}
