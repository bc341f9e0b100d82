import type { OomReport, OomZone } from '../../../../shared/model/oom';
import { useLang } from '../../i18n';
import { BuddyTable } from './BuddyTable';
import { Cite } from './Cite';
import { humanKb } from './format';
import { useOomT } from './messages';
import { zoneName } from './sentences';

const kbText = (kb: number | null): string => (kb === null ? '?' : `${kb}kB`);

/** One zone: free memory against its watermarks, on a scale that shows the gap to min. */
function ZoneRow({
  z,
  classZone,
  requestedOrder,
}: {
  z: OomZone;
  classZone: string | null;
  requestedOrder: number | null;
}): React.JSX.Element {
  const t = useOomT();
  const lang = useLang((s) => s.lang);
  const zoneEv = z.evidence[0];
  const reserveEv = z.evidence.find((e) => e.what?.includes('lowmem_reserve')) ?? zoneEv;
  const buddyEv = z.buddy?.evidence[0] ?? zoneEv;
  const marks = [z.freeKb, z.minKb, z.lowKb, z.highKb, z.requiredKb].filter((x): x is number => x !== null);
  // Scale to the highest mark plus a margin, so small zones still show their watermarks.
  const scale = Math.max(...marks, 1) * 1.15;
  const at = (kb: number): string => `${Math.min((kb * 100) / scale, 100)}%`;
  const reserveKb = z.requiredKb !== null && z.minKb !== null ? z.requiredKb - z.minKb : 0;
  const short = z.requiredKb !== null && z.freeKb !== null && z.freeKb < z.requiredKb;
  const cls = ['oom-zone', z.belowMin ? 'below-min' : '', !z.usable ? 'unusable' : '']
    .filter(Boolean)
    .join(' ');
  return (
    <li
      className={cls}
      data-testid="oom-zone"
      data-zone={z.zone}
      data-below-min={z.belowMin ? 'true' : 'false'}
    >
      <div className="oom-zone-head">
        <Cite ev={zoneEv} className="oom-zone-name">
          <strong>{zoneName(z)}</strong>
        </Cite>
        <Cite ev={zoneEv} className="oom-zone-free oom-num" testId="oom-zone-free">
          {t('zones.free', { size: kbText(z.freeKb) })}
          {z.freeKb !== null && z.freeKb >= 1024 && (
            <span className="oom-dim"> ({humanKb(z.freeKb, lang)})</span>
          )}
        </Cite>
        {z.belowMin && <span className="oom-flag oom-flag-error">{t('zones.belowMin')}</span>}
        {!z.usable && <span className="oom-flag">{t('zones.notUsable')}</span>}
        {z.allUnreclaimable && <span className="oom-flag oom-mono">{t('zones.unreclaimable')}</span>}
      </div>
      <Cite ev={zoneEv} className="oom-wm-wrap">
        <span className="oom-wm" aria-hidden="true">
          {z.freeKb !== null && (
            <span
              className={z.belowMin ? 'oom-wm-free below' : short ? 'oom-wm-free short' : 'oom-wm-free'}
              style={{ width: at(z.freeKb) }}
            />
          )}
          {reserveKb > 0 && z.requiredKb !== null && (
            <span className="oom-wm-mark required" style={{ left: at(z.requiredKb) }} />
          )}
          {z.minKb !== null && <span className="oom-wm-mark min" style={{ left: at(z.minKb) }} />}
          {z.lowKb !== null && <span className="oom-wm-mark low" style={{ left: at(z.lowKb) }} />}
          {z.highKb !== null && <span className="oom-wm-mark high" style={{ left: at(z.highKb) }} />}
        </span>
      </Cite>
      <Cite ev={zoneEv} className="oom-dim oom-num oom-zone-marks" testId="oom-zone-marks">
        {t('zones.marks', { min: kbText(z.minKb), low: kbText(z.lowKb), high: kbText(z.highKb) })}
      </Cite>
      {reserveKb > 0 && z.requiredKb !== null && (
        <Cite ev={reserveEv} className={short ? 'oom-zone-reserve oom-warn' : 'oom-zone-reserve oom-dim'}>
          {t('zones.reserve', {
            reserve: kbText(reserveKb),
            zone: classZone ?? '?',
            required: kbText(z.requiredKb),
          })}
        </Cite>
      )}
      {z.buddy && (
        <Cite ev={buddyEv} className="oom-dim oom-zone-buddy">
          {z.largestFreeOrder !== null
            ? t('zones.largestOrder', { order: String(z.largestFreeOrder) })
            : t('zones.noFreeBlock')}
        </Cite>
      )}
      {z.buddy && z.buddy.orders.length > 0 && <BuddyTable buddy={z.buddy} requestedOrder={requestedOrder} />}
    </li>
  );
}

/** The zones of the report with their watermark bars; a zone below min is drawn in the error colour. */
export function Zones({ r }: { r: OomReport }): React.JSX.Element | null {
  const t = useOomT();
  if (r.zones.length === 0) return null;
  const classZone = r.trigger?.gfpZones[0] ?? null;
  return (
    <section className="oom-section" data-testid="oom-zones">
      <h3>{t('zones.title')}</h3>
      <ul className="oom-zones">
        {r.zones.map((z, i) => (
          <ZoneRow
            key={`${z.node ?? ''}-${z.zone}-${i}`}
            z={z}
            classZone={classZone}
            requestedOrder={r.trigger?.order ?? null}
          />
        ))}
      </ul>
    </section>
  );
}
