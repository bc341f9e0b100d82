import { useMemo, useState } from 'react';
import type { OomReport, OomTask } from '../../../../shared/model/oom';
import { useLang } from '../../i18n';
import { jumpToEvidence } from './Cite';
import { useOomT, type OomT } from './messages';

type NumKey =
  | 'pid'
  | 'uid'
  | 'totalVm'
  | 'rss'
  | 'rssAnon'
  | 'rssFile'
  | 'rssShmem'
  | 'nrPtes'
  | 'nrPmds'
  | 'nrPuds'
  | 'pgtablesBytes'
  | 'swapents'
  | 'oomAdj'
  | 'oomScoreAdj'
  | 'points'
  | 'score';
type SortKey = NumKey | 'name';

/** Printed columns in the kernel's order, under the kernel's names. */
const PRINTED: Array<{ key: NumKey; label: string }> = [
  { key: 'uid', label: 'uid' },
  { key: 'totalVm', label: 'total_vm' },
  { key: 'rss', label: 'rss' },
  { key: 'rssAnon', label: 'rss_anon' },
  { key: 'rssFile', label: 'rss_file' },
  { key: 'rssShmem', label: 'rss_shmem' },
  { key: 'nrPtes', label: 'nr_ptes' },
  { key: 'nrPmds', label: 'nr_pmds' },
  { key: 'nrPuds', label: 'nr_puds' },
  { key: 'pgtablesBytes', label: 'pgtables_bytes' },
  { key: 'swapents', label: 'swapents' },
  { key: 'oomAdj', label: 'oom_adj' },
  { key: 'oomScoreAdj', label: 'oom_score_adj' },
];

/** Ids and adjustments read as printed, without digit grouping. */
const PLAIN = new Set<NumKey>(['uid', 'oomAdj', 'oomScoreAdj']);

const ROW_PX = 22;
const VIEW_ROWS = 16;
const OVERSCAN = 6;

function compare(a: OomTask, b: OomTask, key: SortKey): number {
  if (key === 'name') return a.name.localeCompare(b.name);
  const x = a[key];
  const y = b[key];
  // Rows without a value sort last whatever the direction.
  if (x === null && y === null) return 0;
  if (x === null) return 1;
  if (y === null) return -1;
  return x - y;
}

function headLabel(key: SortKey, t: OomT): string {
  if (key === 'points') return t('tasks.points');
  if (key === 'score') return t('tasks.score');
  if (key === 'name') return 'name';
  if (key === 'pid') return 'pid';
  return PRINTED.find((c) => c.key === key)?.label ?? key;
}

/** The task table as printed plus the recomputed points; sortable, windowed for long tables. */
export function TaskTable({ r }: { r: OomReport }): React.JSX.Element | null {
  const t = useOomT();
  const lang = useLang((s) => s.lang);
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'points', desc: true });
  const [scrollTop, setScrollTop] = useState(0);
  const tasks = r.tasks;
  const printed = useMemo(() => PRINTED.filter((c) => tasks.some((row) => row[c.key] !== null)), [tasks]);
  const rows = useMemo(() => {
    const out = [...tasks];
    out.sort((a, b) => {
      const c = compare(a, b, sort.key);
      const nullish = sort.key !== 'name' && (a[sort.key] === null || b[sort.key] === null);
      return nullish ? c : sort.desc ? -c : c;
    });
    return out;
  }, [tasks, sort]);
  if (tasks.length === 0) return null;

  const victimPid = r.victim?.pid ?? null;
  // The recomputed columns sit beside the name, ahead of the printed ones, so a narrow panel shows them.
  const cols: SortKey[] = ['pid', 'name', 'points', 'score', ...printed.map((c) => c.key)];
  const first = Math.max(0, Math.floor(scrollTop / ROW_PX) - OVERSCAN);
  const last = Math.min(rows.length, first + VIEW_ROWS + OVERSCAN * 2);
  const shown = rows.slice(first, last);
  const num = (v: number | null): string => (v === null ? '—' : v.toLocaleString(lang));
  const onSort = (key: SortKey): void =>
    setSort((s) => (s.key === key ? { key, desc: !s.desc } : { key, desc: key !== 'name' && key !== 'pid' }));

  return (
    <section className="oom-section" data-testid="oom-tasks">
      <h3>
        {t('tasks.title')}{' '}
        <span className="oom-h-extra oom-dim">{t('tasks.count', { count: tasks.length })}</span>
      </h3>
      {r.taskTable && (
        <p className="oom-dim">
          <span className="oom-mono">{t('tasks.layout', { layout: r.taskTable.layout })}</span>
          {r.taskTable.layoutInferred && <span className="oom-warn"> · {t('tasks.layoutInferred')}</span>}
        </p>
      )}
      <div
        className="oom-table-wrap"
        style={{ maxHeight: ROW_PX * (VIEW_ROWS + 1) + 2 }}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
        data-testid="oom-task-scroll"
      >
        <table className="oom-table">
          <thead>
            <tr>
              {cols.map((key) => (
                <th
                  key={key}
                  className={
                    key === 'points' || key === 'score' ? 'computed' : key === 'name' ? 'name-col' : undefined
                  }
                  aria-sort={sort.key === key ? (sort.desc ? 'descending' : 'ascending') : 'none'}
                >
                  <button
                    type="button"
                    onClick={() => onSort(key)}
                    title={t('tasks.sortBy', { column: headLabel(key, t) })}
                    data-testid={`oom-sort-${key}`}
                  >
                    {headLabel(key, t)}
                    {sort.key === key && <span aria-hidden="true">{sort.desc ? ' ▾' : ' ▴'}</span>}
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {first > 0 && (
              <tr className="oom-spacer" aria-hidden="true">
                <td colSpan={cols.length} style={{ height: first * ROW_PX }} />
              </tr>
            )}
            {shown.map((row) => {
              const victim = row.pid === victimPid;
              const cls = [
                victim ? 'victim' : '',
                row.repaired ? 'repaired' : '',
                !row.eligible ? 'ineligible' : '',
              ]
                .filter(Boolean)
                .join(' ');
              return (
                <tr
                  key={`${row.pid}-${row.evidence.lineId}`}
                  className={cls || undefined}
                  style={{ height: ROW_PX }}
                  data-testid="oom-task-row"
                  data-pid={row.pid}
                  data-line-id={row.evidence.lineId}
                  title={t('cite.title', { where: `${row.evidence.sourcePath}:${row.evidence.lineNo}` })}
                  onClick={() => jumpToEvidence(row.evidence)}
                >
                  <td className="oom-num">{row.pid}</td>
                  <td className="oom-name">
                    <span className="oom-mono">{row.name}</span>
                    {victim && <span className="oom-tag oom-tag-victim">{t('tasks.victim')}</span>}
                    {row.repaired && (
                      <span
                        className="oom-tag oom-tag-repaired"
                        data-testid="oom-task-repaired"
                        title={lang === 'en' ? row.repaired : undefined}
                      >
                        {t('tasks.repaired')}
                      </span>
                    )}
                    {!row.eligible && <span className="oom-tag">{t('tasks.ineligible')}</span>}
                  </td>
                  <td className="oom-num computed">{num(row.points)}</td>
                  <td className="oom-num computed">{num(row.score)}</td>
                  {printed.map((c) => (
                    <td key={c.key} className="oom-num">
                      {PLAIN.has(c.key) ? (row[c.key] ?? '—') : num(row[c.key])}
                    </td>
                  ))}
                </tr>
              );
            })}
            {last < rows.length && (
              <tr className="oom-spacer" aria-hidden="true">
                <td colSpan={cols.length} style={{ height: (rows.length - last) * ROW_PX }} />
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}
