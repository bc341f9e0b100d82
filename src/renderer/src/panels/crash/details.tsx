/** The decoded details of one incident, every value opening the line it was read from. */
import { Fragment, useState } from 'react';
import type { ViewLine } from '../../../../shared/model/case';
import type {
  DeathDetails,
  FloodDetails,
  Incident,
  KernelBlockDetails,
  KernelFrame,
  LogLossDetails,
  SegfaultDetails,
} from '../../../../shared/model/incident';
import { useLang } from '../../i18n';
import { Cite, LineLink } from './Cite';
import { Field } from './Field';
import {
  deathInferred,
  faultBits,
  formatNumber,
  formatSpan,
  formatUtc,
  lossReporter,
  taintMeaning,
} from './format';
import { useBlockLines } from './lines';
import { useCrashT } from './messages';

/** Occurrence or block-line lists longer than this wait for "show all". */
const LIST_CAP = 20;

export function IncidentDetails({ incident }: { incident: Incident }): React.JSX.Element {
  const d = incident.details;
  const header = incident.line.lineId;
  return (
    <div className="crash-details" data-testid="crash-details">
      {d.type === 'kernel' && <KernelDetails d={d} incident={incident} />}
      {d.type === 'segfault' && <SegfaultView d={d} header={header} />}
      {d.type === 'death' && <DeathView d={d} header={header} />}
      {d.type === 'flood' && <FloodView d={d} incident={incident} />}
      {d.type === 'log-loss' && <LossView d={d} header={header} />}
      {/* A flood's first and last lines are already its First and Last values. */}
      {d.type !== 'flood' && <Occurrences incident={incident} />}
    </div>
  );
}

function Occurrences({ incident }: { incident: Incident }): React.JSX.Element | null {
  const t = useCrashT();
  const lang = useLang((s) => s.lang);
  const [all, setAll] = useState(false);
  const list =
    incident.occurrences.length > 1 ? incident.occurrences : incident.lines.length > 1 ? incident.lines : [];
  if (list.length === 0) return null;
  const shown = all ? list : list.slice(0, LIST_CAP);
  const dropped =
    incident.occurrencesTruncated && list === incident.occurrences
      ? (incident.occurrencesTotal ?? list.length) - list.length
      : 0;
  return (
    <div className="crash-sub">
      <h4>{incident.occurrences.length > 1 ? t('card.occurrences') : t('card.blockLines')}</h4>
      <div className="crash-cites">
        {shown.map((ev, i) => (
          <Fragment key={`${ev.sourceId}:${ev.lineNo}`}>
            {/* The analysis keeps only the first and last occurrences of a long list: say where the gap is. */}
            {dropped > 0 && shown.length === list.length && i === Math.floor(list.length / 2) && (
              <span className="crash-gap">
                {t('card.moreOccurrences', { count: formatNumber(dropped, lang) })}
              </span>
            )}
            <Cite ev={ev} />
          </Fragment>
        ))}
        {list.length > LIST_CAP && (
          <button type="button" className="crash-more" onClick={() => setAll(!all)}>
            {all
              ? t('incidents.showFewer', { count: LIST_CAP })
              : t('incidents.showAll', { count: list.length })}
          </button>
        )}
      </div>
    </div>
  );
}

function FloodView({ d, incident }: { d: FloodDetails; incident: Incident }): React.JSX.Element {
  const t = useCrashT();
  const lang = useLang((s) => s.lang);
  const first = incident.lines[0] ?? incident.line;
  const last = incident.lines[incident.lines.length - 1] ?? first;
  const h = incident.line.lineId;
  return (
    <dl className="crash-fields">
      <Field label={t('flood.message')} lineId={h} mono>
        {d.message}
      </Field>
      {d.program !== undefined && (
        <Field label={t('flood.program')} lineId={h}>
          {d.program}
        </Field>
      )}
      {d.host !== undefined && (
        <Field label={t('flood.host')} lineId={h}>
          {d.host}
        </Field>
      )}
      <Field label={t('flood.first')} lineId={first.lineId}>
        {incident.firstTs !== null ? formatUtc(incident.firstTs, lang, t) : t('time.none')}
      </Field>
      <Field label={t('flood.last')} lineId={last.lineId}>
        {incident.lastTs !== null ? formatUtc(incident.lastTs, lang, t) : t('time.none')}
      </Field>
      {d.spanSecs !== null && (
        <Field label={t('flood.span')} lineId={last.lineId}>
          {formatSpan(d.spanSecs, lang)}
        </Field>
      )}
      {d.perMinute !== null && (
        <Field label={t('flood.rate')} lineId={h}>
          {t('flood.rateValue', { rate: formatNumber(d.perMinute, lang) })}
        </Field>
      )}
      {d.medianIntervalSecs !== null && (
        <Field label={t('flood.median')} lineId={h}>
          {formatSpan(d.medianIntervalSecs, lang)}
        </Field>
      )}
      {d.repeatedReported > 0 && (
        <Field label={t('flood.repeated')} lineId={last.lineId}>
          {formatNumber(d.repeatedReported, lang)}
        </Field>
      )}
      {d.variants !== undefined && d.variants > 1 && d.template !== undefined && (
        <>
          <Field label={t('flood.template')} lineId={h} mono>
            {d.template}
          </Field>
          <Field label={t('flood.variants')} lineId={h}>
            {formatNumber(d.variants, lang)}
          </Field>
        </>
      )}
      {d.bursts !== undefined && d.bursts.length > 1 && (
        <Field label={t('flood.bursts')} lineId={h}>
          {t('flood.burstsValue', { count: formatNumber(d.burstCount ?? d.bursts.length, lang) })}
          {(d.burstCount ?? d.bursts.length) > d.bursts.length && (
            <> · {t('flood.burstsShown', { count: d.burstCount ?? 0, shown: d.bursts.length / 2 })}</>
          )}
          <ul className="crash-bursts" data-testid="flood-bursts">
            {d.bursts.map((b) => (
              <li key={`${b.first.sourceId}:${b.first.lineNo}`}>
                <LineLink lineId={b.first.lineId}>
                  {t('flood.burstRow', {
                    first: b.firstTs !== null ? formatUtc(b.firstTs, lang, t) : t('time.none'),
                    last: b.lastTs !== null ? formatUtc(b.lastTs, lang, t) : t('time.none'),
                    count: formatNumber(b.count, lang),
                  })}
                </LineLink>
                {b.message !== undefined && <code> {b.message}</code>}
              </li>
            ))}
          </ul>
        </Field>
      )}
    </dl>
  );
}

function LossView({ d, header }: { d: LogLossDetails; header: number }): React.JSX.Element {
  const t = useCrashT();
  return (
    <dl className="crash-fields">
      <Field label={t('loss.reporter')} lineId={header}>
        {lossReporter(d.reporter, t)}
      </Field>
      <Field label={t('loss.lost')} lineId={header}>
        <span data-testid="crash-lost">{t('loss.lostValue', { count: d.lost })}</span>
      </Field>
    </dl>
  );
}

function DeathView({ d, header }: { d: DeathDetails; header: number }): React.JSX.Element {
  const t = useCrashT();
  const lang = useLang((s) => s.lang);
  const inferred = deathInferred(d, t);
  const sig = d.signal;
  const num = (n: number | null): string => (n === null ? '—' : String(n));
  return (
    <dl className="crash-fields">
      {d.unit !== undefined && (
        <Field label={t('death.unit')} lineId={header} mono>
          {d.unit}
        </Field>
      )}
      {d.container !== undefined && (
        <Field label={t('death.container')} lineId={header} mono>
          {d.container}
        </Field>
      )}
      {d.comm !== undefined && (
        <Field label={t('death.process')} lineId={d.oomEvidence?.lineId ?? header} mono>
          {d.pid !== undefined ? `${d.comm}[${d.pid}]` : d.comm}
        </Field>
      )}
      <Field label={t('death.printed')} lineId={header} mono>
        {d.printed}
      </Field>
      {sig && (
        <>
          <Field label={t('death.signal')} lineId={header} mono>
            {t('death.signalNumbers', {
              name: sig.name,
              number: num(sig.number),
              alpha: num(sig.alphaSparc),
              mips: num(sig.mips),
            })}
          </Field>
          <Field label={t('death.action')} lineId={header}>
            {t(`action.${sig.action}`)}
            {sig.uncatchable && ` · ${t('death.uncatchable')}`}
          </Field>
          <Field label={t('death.core')} lineId={header}>
            {sig.dumpsCore ? t('death.coreYes') : t('death.coreNo')}
          </Field>
          <Field label={t('death.meaning')} lineId={header}>
            {lang === 'en' ? sig.meaning.en : sig.meaning.zh}
          </Field>
        </>
      )}
      {d.exitStatus !== undefined && (
        <Field label={t('death.exitStatus')} lineId={header} mono>
          {d.exitStatus}
        </Field>
      )}
      {d.result !== undefined && (
        <Field label={t('death.result')} lineId={header} mono>
          {d.result}
        </Field>
      )}
      {d.oomKill && (
        <Field label={t('death.oom')} lineId={d.oomEvidence?.lineId ?? header}>
          {t('death.oomYes')}
          {d.oomEvidence && ` · ${d.oomEvidence.sourcePath}:${d.oomEvidence.lineNo}`}
        </Field>
      )}
      {d.coreArtefact !== undefined && (
        <Field label={t('death.coreArtefact')} lineId={header} mono>
          {d.coreArtefact}
        </Field>
      )}
      {d.restarts !== undefined && (
        <Field label={t('death.restarts')} lineId={header}>
          {d.restarts}
        </Field>
      )}
      {inferred !== null && (
        <Field label={t('death.inferred')} lineId={d.oomEvidence?.lineId ?? header}>
          {inferred}
        </Field>
      )}
    </dl>
  );
}

function SegfaultView({ d, header }: { d: SegfaultDetails; header: number }): React.JSX.Element {
  const t = useCrashT();
  const [copied, setCopied] = useState(false);
  const copy = (text: string): void => {
    void navigator.clipboard
      .writeText(text)
      .then(() => setCopied(true))
      .catch(() => setCopied(false));
  };
  const nonPie = d.addr2line !== undefined && d.offset !== undefined && !d.addr2line.endsWith(` ${d.offset}`);
  return (
    <>
      <dl className="crash-fields">
        <Field label={t('seg.process')} lineId={header} mono>
          {`${d.comm}[${d.pid}]`}
        </Field>
        <Field label={t('seg.what')} lineId={header} mono>
          {d.what}
        </Field>
        {d.faultAddress !== undefined && (
          <Field label={t('seg.faultAddress')} lineId={header} mono>
            {d.faultAddress}
          </Field>
        )}
        <Field label={t('seg.ip')} lineId={header} mono>
          {d.ip}
        </Field>
        {d.sp !== undefined && (
          <Field label={t('seg.sp')} lineId={header} mono>
            {d.sp}
          </Field>
        )}
        {d.error && (
          <Field label={t('seg.error')} lineId={header}>
            <span className="mono">{`${d.error.code} (0x${d.error.code.toString(16)})`}</span>
            {d.what === 'segfault' && `: ${faultBits(d.error.code, t).join(', ')}`}
          </Field>
        )}
        {d.object !== undefined && (
          <Field label={t('seg.object')} lineId={header} mono>
            {`${d.object}${d.base !== undefined ? ` [${d.base}${d.mappingSize !== undefined ? `+${d.mappingSize}` : ''}]` : ''}`}
          </Field>
        )}
        {d.offset !== undefined && (
          <Field label={t('seg.offset')} lineId={header} mono>
            {d.offset}
          </Field>
        )}
        {d.cpu !== undefined && (
          <Field label={t('seg.cpu')} lineId={header}>
            {d.cpu}
          </Field>
        )}
      </dl>
      {d.addr2line !== undefined && (
        <div className="crash-sub">
          <h4>{t('seg.addr2line')}</h4>
          <div className="crash-command">
            <code data-testid="crash-addr2line">{d.addr2line}</code>
            <button type="button" onClick={() => copy(d.addr2line ?? '')}>
              {copied ? t('seg.copied') : t('seg.copy')}
            </button>
          </div>
          {d.addr2lineNote !== undefined && (
            <p className="crash-note-inferred">
              {nonPie
                ? t('seg.noteNonPie', { object: d.object ?? '', base: d.base ?? '' })
                : t('seg.noteOffset')}
            </p>
          )}
        </div>
      )}
    </>
  );
}

/** Finds the block line a decoded value was printed on, else the header. */
function locator(
  block: readonly ViewLine[],
  ids: ReadonlySet<number>,
  header: number,
): (test: (text: string) => boolean, from?: number) => number {
  return (test, from = 0) => {
    for (let i = 0; i < block.length; i++) {
      const l = block[i]!;
      if (l.lineId < from || !ids.has(l.lineId)) continue;
      if (test(l.text)) return l.lineId;
    }
    return header;
  };
}

/** Each frame's line: the frames are printed in order after `Call Trace:`. */
function frameLines(
  frames: readonly KernelFrame[],
  at: ReturnType<typeof locator>,
  header: number,
): { f: KernelFrame; lineId: number }[] {
  const traceStart = at((x) => x.includes('Call Trace'));
  let from = traceStart === header ? 0 : traceStart;
  return frames.map((f) => {
    const lineId = at((x) => x.includes(f.fn), from);
    if (lineId !== header) from = lineId + 1;
    return { f, lineId };
  });
}

function KernelDetails({ d, incident }: { d: KernelBlockDetails; incident: Incident }): React.JSX.Element {
  const t = useCrashT();
  const lang = useLang((s) => s.lang);
  const block = useBlockLines(incident.lines, true);
  const header = incident.line.lineId;
  const ids = new Set(incident.lines.map((l) => l.lineId));
  const at = locator(block, ids, header);
  const has = (s: string) => (text: string) => text.includes(s);
  const taskLine = at((x) => /\bCPU: ?\d+ PID: ?\d+|\b(?:Not tainted|Tainted:)/.test(x));
  const frames = frameLines(d.callTrace ?? [], at, header);
  return (
    <>
      <dl className="crash-fields">
        <Field label={t('kernel.headline')} lineId={header} mono>
          {d.headline}
        </Field>
        {d.panicReason !== undefined && (
          <Field label={t('kernel.panicReason')} lineId={at(has('Kernel panic'))} mono>
            {d.panicReason}
          </Field>
        )}
        {d.location !== undefined && (
          <Field label={t('kernel.location')} lineId={at(has(d.location))} mono>
            {d.location}
          </Field>
        )}
        {d.faultAddress !== undefined && (
          <Field label={t('kernel.faultAddress')} lineId={at(has(d.faultAddress))} mono>
            {d.faultAddress}
          </Field>
        )}
        {d.oopsCode !== undefined && (
          <Field label={t('kernel.oops')} lineId={at(has('Oops'))} mono>
            {d.oopsCode}
            {d.dieCounter !== undefined && ` [#${d.dieCounter}]`}
          </Field>
        )}
        {d.cpu !== undefined && (
          <Field label={t('kernel.cpu')} lineId={taskLine}>
            {d.cpu}
          </Field>
        )}
        {(d.comm !== undefined || d.pid !== undefined) && (
          <Field label={t('kernel.task')} lineId={taskLine} mono>
            {`${d.comm ?? ''}${d.pid !== undefined ? `[${d.pid}]` : ''}`}
          </Field>
        )}
        {d.kernelRelease !== undefined && (
          <Field label={t('kernel.release')} lineId={at(has(d.kernelRelease))} mono>
            {d.kernelRelease}
          </Field>
        )}
        {d.hardware !== undefined && (
          <Field label={t('kernel.hardware')} lineId={at(has('Hardware name'))}>
            {d.hardware}
          </Field>
        )}
        {d.ip !== undefined && (
          <Field label={t('kernel.ip')} lineId={at(has(d.ip))} mono>
            {d.ip}
          </Field>
        )}
        {d.arch !== undefined && (
          <Field label={t('kernel.arch')} lineId={header} mono>
            {d.arch}
          </Field>
        )}
        {d.seconds !== undefined && (
          <Field label={t('kernel.seconds')} lineId={header}>
            {t('kernel.secondsValue', { count: d.seconds })}
          </Field>
        )}
        {d.bootSecs !== undefined && (
          <Field label={t('kernel.bootSecs')} lineId={header}>
            {formatSpan(d.bootSecs, lang)}
          </Field>
        )}
        {d.checker !== undefined && (
          <Field label={t('kernel.checker')} lineId={header} mono>
            {d.checker}
          </Field>
        )}
        {d.device !== undefined && (
          <Field label={t('kernel.device')} lineId={at(has(d.device))} mono>
            {d.device}
          </Field>
        )}
        {d.sector !== undefined && (
          <Field label={t('kernel.sector')} lineId={at(has(String(d.sector)))} mono>
            {d.sector}
          </Field>
        )}
        {d.mce !== undefined && (
          <Field label={t('kernel.mce')} lineId={at(has(d.mce))} mono>
            {d.mce}
          </Field>
        )}
      </dl>
      {d.taint && (
        <div className="crash-sub">
          <h4>{t('kernel.taint')}</h4>
          <LineLink lineId={at(has('Tainted:'))} mono>
            {d.taint.printed}
          </LineLink>
          {d.taint.letters.length === 0 ? (
            <p className="crash-dim">{t('kernel.notTainted')}</p>
          ) : (
            <ul className="crash-taint">
              {d.taint.letters.map((letter) => (
                <li key={letter}>
                  <span className="mono crash-letter">{letter}</span> {taintMeaning(letter, t)}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {d.registers && Object.keys(d.registers).length > 0 && (
        <div className="crash-sub">
          <h4>{t('kernel.registers')}</h4>
          <div className="crash-registers">
            {Object.entries(d.registers).map(([name, value]) => (
              <LineLink key={name} lineId={at((x) => x.includes(name) && x.includes(value))} mono>
                <span className="crash-reg-name">{name}</span> {value}
              </LineLink>
            ))}
          </div>
        </div>
      )}
      {frames.length > 0 && (
        <div className="crash-sub">
          <h4>{t('kernel.callTrace')}</h4>
          <ol className="crash-frames">
            {frames.map(({ f, lineId }, i) => (
              <li key={i}>
                <LineLink lineId={lineId} mono>
                  {f.reliable ? '' : '? '}
                  {f.fn}
                  {f.offset !== undefined && `+${f.offset}`}
                  {f.size !== undefined && `/${f.size}`}
                  {f.module !== undefined && ` [${f.module}]`}
                </LineLink>
              </li>
            ))}
          </ol>
          {frames.some(({ f }) => !f.reliable) && <p className="crash-dim">{t('kernel.unreliable')}</p>}
        </div>
      )}
      {d.modules && d.modules.length > 0 && (
        <div className="crash-sub">
          <h4>{t('kernel.modules', { count: d.modules.length })}</h4>
          <LineLink lineId={at(has('Modules linked in'))} mono>
            <span className="crash-modules">{d.modules.join(' ')}</span>
          </LineLink>
        </div>
      )}
    </>
  );
}
