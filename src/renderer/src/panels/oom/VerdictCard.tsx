import type { ViewLine } from '../../../../shared/model/case';
import type { OomReport } from '../../../../shared/model/oom';
import { useLang } from '../../i18n';
import { Cite } from './Cite';
import { formatTs, humanKb, orderKb } from './format';
import { useOomT, type OomKey } from './messages';
import { scoreSentence } from './sentences';

/** Who was killed, what asked for memory, when, and whether the kernel's score adds up. */
export function VerdictCard({ r, first }: { r: OomReport; first: ViewLine | null }): React.JSX.Element {
  const t = useOomT();
  const lang = useLang((s) => s.lang);
  const v = r.victim;
  const g = r.trigger;
  const s = r.score;
  const time = formatTs(
    r.ts,
    r.tsQuality ?? (first && first.lineId === r.lineId ? first.tsQuality : null),
    lang,
    t,
  );
  const firstEv = { sourceId: r.sourceId, sourcePath: r.source, lineNo: r.line, lineId: r.lineId };
  const victimEv = v?.evidence[0];
  const triggerEv = g?.evidence[0];
  const sizes: string[] = [];
  if (v?.anonRssKb != null) sizes.push(t('victim.anon', { size: humanKb(v.anonRssKb, lang) }));
  if (v?.fileRssKb != null) sizes.push(t('victim.file', { size: humanKb(v.fileRssKb, lang) }));
  if (v?.shmemRssKb != null) sizes.push(t('victim.shmem', { size: humanKb(v.shmemRssKb, lang) }));
  if (v?.totalVmKb != null) sizes.push(t('victim.vm', { size: humanKb(v.totalVmKb, lang) }));
  return (
    <section className="oom-card" data-testid="oom-verdict" aria-label={t('verdict.title')}>
      <dl className="oom-facts">
        <dt>{t('verdict.victim')}</dt>
        <dd>
          {v ? (
            <Cite ev={victimEv} className="oom-victim" testId="oom-victim" showWhere>
              <strong>{v.comm}</strong> {t('victim.pid', { pid: String(v.pid) })}
              {v.uid !== null && <> · {t('victim.uid', { uid: String(v.uid) })}</>}
            </Cite>
          ) : (
            <span className="oom-dim">{t('reports.unknownVictim')}</span>
          )}
          {sizes.length > 0 && (
            <Cite ev={victimEv} className="oom-dim oom-sizes">
              {sizes.join(' · ')}
            </Cite>
          )}
          {r.selectedPid !== null && (
            <div className="oom-dim">
              {t('verdict.selected', { comm: r.selectedComm ?? '?', pid: String(r.selectedPid) })}
            </div>
          )}
        </dd>

        <dt>{t('verdict.trigger')}</dt>
        <dd>
          {g ? (
            <>
              <Cite ev={triggerEv} testId="oom-trigger" showWhere>
                <strong>{g.comm}</strong>
                {g.pid !== null && <> {t('victim.pid', { pid: String(g.pid) })}</>}
                {' · '}
                {g.order === -1
                  ? t('trigger.manual')
                  : g.order !== null &&
                    t('trigger.order', { order: String(g.order), size: humanKb(orderKb(g.order), lang) })}
              </Cite>
              {g.gfpMask && (
                <div className="oom-gfp" data-testid="oom-gfp">
                  <Cite ev={triggerEv} className="oom-mono">
                    gfp_mask={g.gfpMask}
                  </Cite>
                  {g.gfpFlags.map((flag) => (
                    <Cite key={flag} ev={triggerEv} className="oom-chip">
                      {flag}
                    </Cite>
                  ))}
                  {g.gfpUnknownBits && (
                    <Cite ev={triggerEv} className="oom-chip oom-chip-warn">
                      {t('trigger.unknownBits', { bits: g.gfpUnknownBits })}
                    </Cite>
                  )}
                </div>
              )}
              <div className="oom-dim">
                {g.gfpTable && t('trigger.table', { table: g.gfpTable })}
                {g.gfpTable && g.gfpZones.length > 0 && ' · '}
                {g.gfpZones.length > 0 && t('trigger.zones', { zones: g.gfpZones.join(t('list.sep')) })}
              </div>
              {g.cpuset !== null && (
                <Cite
                  ev={g.evidence.find((e) => e.what === 'cpuset line') ?? triggerEv}
                  className="oom-dim oom-wrap"
                >
                  {t('trigger.cpuset', { cpuset: g.cpuset, mems: g.memsAllowed ?? '?' })}
                </Cite>
              )}
            </>
          ) : (
            <span className="oom-dim">—</span>
          )}
        </dd>

        <dt>{t('verdict.time')}</dt>
        <dd>
          <Cite ev={firstEv} testId="oom-time">
            {time.text}
          </Cite>
          {time.note && <span className="oom-note"> ({time.note})</span>}
        </dd>

        <dt>{t('verdict.kind')}</dt>
        <dd>
          <Cite ev={firstEv}>{t(`kind.${r.kind}` as OomKey)}</Cite>
          {r.constraint && <span className="oom-dim oom-mono"> {r.constraint}</span>}
        </dd>

        {(r.kernel !== null || r.host !== null) && (
          <>
            <dt>{r.kernel !== null ? t('verdict.kernel') : t('verdict.host')}</dt>
            <dd>
              <Cite ev={g?.evidence.find((e) => e.what?.startsWith('CPU')) ?? firstEv} className="oom-mono">
                {[r.kernel, r.host].filter((x) => x !== null).join(' · ')}
              </Cite>
            </dd>
          </>
        )}

        <dt>{t('verdict.score')}</dt>
        <dd data-testid="oom-score">
          <div className="oom-scores">
            <Cite ev={s.evidence[0]} className="oom-num" testId="oom-score-printed">
              <span className="oom-dim">{t('score.printed')}</span>{' '}
              {s.printed !== null ? String(s.printed) : '—'}
            </Cite>
            <Cite
              ev={s.evidence.find((e) => e.what === 'task row') ?? s.evidence[0]}
              className="oom-num"
              testId="oom-score-computed"
            >
              <span className="oom-dim">{t('score.computed')}</span>{' '}
              {s.computed !== null ? String(s.computed) : '—'}
            </Cite>
            {s.rootDiscount !== null && (
              <span className="oom-num">
                <span className="oom-dim">{t('score.discount')}</span>{' '}
                {s.rootDiscount ? t('score.discount.yes') : t('score.discount.no')}
              </span>
            )}
            {s.points !== null && s.totalPages !== null && (
              <span className="oom-num oom-dim">
                {t('score.points')} {String(s.points)} / {t('score.totalPages')} {String(s.totalPages)}
              </span>
            )}
          </div>
          <p
            className={s.result === 'mismatch' ? 'oom-sentence oom-warn' : 'oom-sentence'}
            data-testid="oom-score-verdict"
          >
            {scoreSentence(r, lang, t)}
          </p>
        </dd>

        <dt>{t('verdict.audit')}</dt>
        <dd>
          <Cite ev={victimEv}>
            {r.audit.victimRank !== null
              ? t('audit.rank', { rank: String(r.audit.victimRank), count: r.audit.eligibleRows })
              : t('audit.noRank')}
          </Cite>
        </dd>
      </dl>
    </section>
  );
}
