import type { Evidence } from '../../../../shared/model/log';
import type { OomReport } from '../../../../shared/model/oom';
import { useLang } from '../../i18n';
import { Cite } from './Cite';
import { humanKb } from './format';
import { useOomT } from './messages';
import { ledgerLabel } from './sentences';

const SEGMENT_CLASS: Record<string, string> = {
  free: 'seg-free',
  anon: 'seg-anon',
  shmem: 'seg-shmem',
  file: 'seg-file',
  unevictable: 'seg-unevictable',
  slabReclaimable: 'seg-slab-r',
  slabUnreclaimable: 'seg-slab-u',
  pagetables: 'seg-pt',
  kernelStack: 'seg-stack',
  hugetlb: 'seg-huge',
  reserved: 'seg-reserved',
  slab: 'seg-slab-r',
  percpu: 'seg-stack',
  sock: 'seg-huge',
};

function itemEvidence(r: OomReport, key: string): Evidence | undefined {
  const ev = r.memInfo.evidence;
  if (key === 'reserved') return ev.pagesReserved ?? ev.counters;
  if (key === 'hugetlb') return r.memInfo.hugepages[0]?.evidence[0] ?? ev.counters;
  if (key === 'kernelStack') return r.zones[0]?.evidence[0] ?? ev.counters;
  return ev.counters ?? r.memcg?.evidence.find((e) => e.what?.includes('stats')) ?? r.memcg?.evidence[0];
}

/** Where the RAM was when the report was printed, as one stacked bar, plus swap said plainly. */
export function Ledger({ r }: { r: OomReport }): React.JSX.Element | null {
  const t = useOomT();
  const lang = useLang((s) => s.lang);
  const l = r.ledger;
  const items = l.items.filter((i) => i.kb > 0);
  if (items.length === 0 && l.swap.configured === null) return null;
  const rest = l.unaccountedKb !== null && l.unaccountedKb > 0 ? l.unaccountedKb : 0;
  const whole =
    l.totalRamKb !== null && l.totalRamKb > 0
      ? Math.max(
          l.totalRamKb,
          items.reduce((a, i) => a + i.kb, 0),
        )
      : items.reduce((a, i) => a + i.kb, 0) + rest;
  const pct = (kb: number): string => `${whole > 0 ? (kb * 100) / whole : 0}%`;
  const ev = r.memInfo.evidence;
  const swapEv = ev.totalSwapKb ?? ev.freeSwapKb;
  return (
    <section className="oom-section" data-testid="oom-ledger">
      <h3>
        {t('ledger.title')}
        {l.totalRamKb !== null &&
          (r.kind === 'memcg' && r.memcg ? (
            <Cite ev={r.memcg.counters.find((c) => c.name === 'memory')?.evidence} className="oom-h-extra">
              {t('ledger.limit', { size: humanKb(l.totalRamKb, lang) })}
            </Cite>
          ) : (
            <Cite ev={ev.pagesRam} className="oom-h-extra">
              {t('ledger.total', { size: humanKb(l.totalRamKb, lang) })}
            </Cite>
          ))}
      </h3>
      {items.length > 0 && (
        <div className="oom-bar" role="img" aria-label={t('ledger.title')}>
          {items.map((i) => (
            <span
              key={i.key}
              className={`oom-seg ${SEGMENT_CLASS[i.key] ?? 'seg-other'}`}
              style={{ width: pct(i.kb) }}
              title={`${ledgerLabel(i.key, i.label, t)} ${humanKb(i.kb, lang)}`}
            />
          ))}
          {rest > 0 && (
            <span
              className="oom-seg seg-rest"
              style={{ width: pct(rest) }}
              title={`${t('ledger.unaccounted')} ${humanKb(rest, lang)}`}
            />
          )}
        </div>
      )}
      <ul className="oom-legend">
        {items.map((i) => (
          <li key={i.key}>
            <Cite ev={itemEvidence(r, i.key)} className="oom-legend-item">
              <span className={`oom-swatch ${SEGMENT_CLASS[i.key] ?? 'seg-other'}`} />
              <span>{ledgerLabel(i.key, i.label, t)}</span>
              <span className="oom-num">{humanKb(i.kb, lang)}</span>
            </Cite>
          </li>
        ))}
        {l.unaccountedKb !== null && l.unaccountedKb !== 0 && (
          <li>
            <Cite ev={ev.counters} className="oom-legend-item">
              <span className="oom-swatch seg-rest" />
              {l.unaccountedKb > 0 ? (
                <>
                  <span>{t('ledger.unaccounted')}</span>
                  <span className="oom-num">{humanKb(l.unaccountedKb, lang)}</span>
                </>
              ) : (
                <span>{t('ledger.overlap', { size: humanKb(-l.unaccountedKb, lang) })}</span>
              )}
            </Cite>
          </li>
        )}
      </ul>
      {l.taskRssSumKb !== null && l.anonLruKb !== null && (
        <p className="oom-dim">
          <Cite ev={r.taskTable?.evidence ?? ev.counters}>
            {t('ledger.rssSum', { rss: humanKb(l.taskRssSumKb, lang), anon: humanKb(l.anonLruKb, lang) })}
          </Cite>
        </p>
      )}
      <div className="oom-swap" data-testid="oom-swap">
        {l.swap.configured === false && r.kind !== 'memcg' ? (
          <Cite ev={swapEv} className="oom-swap-none">
            <strong>{t('swap.none')}</strong> <span className="oom-dim">{t('swap.noneDetail')}</span>
          </Cite>
        ) : l.swap.configured === true && l.swap.totalKb !== null ? (
          <Cite ev={swapEv}>
            {l.swap.statement.startsWith('Swap exhausted')
              ? t('swap.exhausted', { free: humanKb(0, lang), total: humanKb(l.swap.totalKb, lang) })
              : t('swap.configured', {
                  total: humanKb(l.swap.totalKb, lang),
                  free: humanKb(l.swap.freeKb ?? 0, lang),
                })}
          </Cite>
        ) : lang === 'en' ? (
          <span className="oom-dim">{l.swap.statement}</span>
        ) : l.swap.configured === null && r.kind !== 'memcg' ? (
          <span className="oom-dim">{t('swap.unknown')}</span>
        ) : null}
      </div>
    </section>
  );
}
