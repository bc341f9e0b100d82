import type { OomBuddy } from '../../../../shared/model/oom';
import { Cite } from './Cite';
import { useOomT, type OomKey } from './messages';

/** Migrate-type letters as show_migration_types() prints them (R: MIGRATE_RESERVE, kernels before 4.4). */
const MIGRATE_TYPES = ['U', 'M', 'E', 'H', 'C', 'I', 'R'] as const;

/** A block size as the kernel names it: 4kB … 512kB, then 1MB, 2MB, 4MB. */
function blockSize(kb: number): string {
  return kb >= 1024 && kb % 1024 === 0 ? `${kb / 1024}M` : `${kb}k`;
}

/**
 * One zone's buddy free lists as a compact table: per order the block size, how many free blocks,
 * and their migrate types (hover decodes the letters). Orders at or above the failing allocation's
 * are marked, empty orders dimmed, so fragmentation reads at a glance. The total clicks through to
 * the buddy line.
 */
export function BuddyTable({
  buddy,
  requestedOrder,
}: {
  buddy: OomBuddy;
  requestedOrder: number | null;
}): React.JSX.Element {
  const t = useOomT();
  const orders = [...buddy.orders].sort((a, b) => a.order - b.order);
  // An order-0 request can use any block: marking every column would say nothing.
  const highlight = requestedOrder !== null && requestedOrder > 0;
  const typeTitle = (letters: string[]): string =>
    letters
      .map((l) =>
        (MIGRATE_TYPES as readonly string[]).includes(l)
          ? t(`buddy.mt.${l}` as OomKey)
          : t('buddy.mt.unknown', { l }),
      )
      .join('\n');
  const cellClass = (order: number, count: number): string =>
    [count === 0 ? 'oom-buddy-empty' : '', highlight && order >= requestedOrder ? 'oom-buddy-req' : '']
      .filter(Boolean)
      .join(' ');
  const ev = buddy.evidence[0];
  const mismatch = buddy.totalKb !== null && buddy.totalKb !== buddy.computedTotalKb;
  return (
    <div className="oom-buddy-wrap">
      <table className="oom-buddy" data-testid="oom-buddy">
        <caption className="oom-dim">
          {t('buddy.title')}
          {highlight && (
            <span className="oom-buddy-legend">
              {' '}
              · {t('buddy.requested', { order: String(requestedOrder) })}
            </span>
          )}
        </caption>
        <tbody>
          <tr>
            <th scope="row">{t('buddy.order')}</th>
            {orders.map((o) => (
              <td key={o.order} className={cellClass(o.order, o.count)}>
                {o.order}
              </td>
            ))}
          </tr>
          <tr>
            <th scope="row">{t('buddy.size')}</th>
            {orders.map((o) => (
              <td key={o.order} className={cellClass(o.order, o.count)}>
                {blockSize(o.sizeKb)}
              </td>
            ))}
          </tr>
          <tr>
            <th scope="row">{t('buddy.count')}</th>
            {orders.map((o) => (
              <td
                key={o.order}
                className={cellClass(o.order, o.count)}
                data-order={o.order}
                data-testid="oom-buddy-count"
              >
                {o.count}
              </td>
            ))}
          </tr>
          <tr>
            <th scope="row">{t('buddy.types')}</th>
            {orders.map((o) => (
              <td
                key={o.order}
                className={`${cellClass(o.order, o.count)} oom-mono`}
                title={o.migrateTypes.length > 0 ? typeTitle(o.migrateTypes) : undefined}
                data-testid="oom-buddy-types"
              >
                {o.migrateTypes.join('')}
              </td>
            ))}
          </tr>
        </tbody>
      </table>
      <Cite
        ev={ev}
        className={mismatch ? 'oom-buddy-total oom-warn' : 'oom-buddy-total oom-dim'}
        testId="oom-buddy-total"
      >
        {buddy.totalKb !== null
          ? t(mismatch ? 'buddy.totalMismatch' : 'buddy.total', {
              printed: `${buddy.totalKb}kB`,
              computed: `${buddy.computedTotalKb}kB`,
            })
          : t('buddy.computed', { computed: `${buddy.computedTotalKb}kB` })}
      </Cite>
    </div>
  );
}
