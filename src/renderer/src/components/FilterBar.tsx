import { useEffect, useState } from 'react';
import { SEVERITY_NAMES, type Facets, type LineFilter, type SeverityName } from '../../../shared/model/view';
import { errorMessage, getWorkbench } from '../api';
import { useLang, useT, type Translate } from '../i18n';
import { useCase } from '../state/case';
import { useClock } from '../state/clock';
import { isEmptyFilter } from '../../../shared/model/view';
import { useViewer } from '../state/viewer';
import { formatTime, parseGoto } from '../time';

type ChipKind = 'include' | 'exclude' | 'program' | 'host' | 'severity' | 'source' | 'time';
const KINDS: ChipKind[] = ['include', 'exclude', 'program', 'host', 'severity', 'source', 'time'];

interface Chip {
  key: string;
  label: string;
  remove: (f: LineFilter) => LineFilter;
}

function chipsOf(
  f: LineFilter,
  t: Translate,
  sourceName: (id: number) => string,
  time: (ts: number) => string,
): Chip[] {
  const chips: Chip[] = [];
  const pat = (m: { pattern: string; mode: string }): string =>
    m.mode === 'regex' ? `/${m.pattern}/` : `"${m.pattern}"`;
  f.include.forEach((m, i) =>
    chips.push({
      key: `in${i}`,
      label: `${t('filter.kind.include')} ${pat(m)}`,
      remove: (x) => ({ ...x, include: x.include.filter((_, j) => j !== i) }),
    }),
  );
  f.exclude.forEach((m, i) =>
    chips.push({
      key: `ex${i}`,
      label: `${t('filter.kind.exclude')} ${pat(m)}`,
      remove: (x) => ({ ...x, exclude: x.exclude.filter((_, j) => j !== i) }),
    }),
  );
  for (const p of f.programs)
    chips.push({
      key: `p:${p}`,
      label: `${t('filter.kind.program')}: ${p}`,
      remove: (x) => ({ ...x, programs: x.programs.filter((v) => v !== p) }),
    });
  for (const h of f.hosts)
    chips.push({
      key: `h:${h}`,
      label: `${t('filter.kind.host')}: ${h}`,
      remove: (x) => ({ ...x, hosts: x.hosts.filter((v) => v !== h) }),
    });
  for (const s of f.severities)
    chips.push({
      key: `s:${s}`,
      label: `${t('filter.kind.severity')}: ${t(`severity.${s}`)}`,
      remove: (x) => ({ ...x, severities: x.severities.filter((v) => v !== s) }),
    });
  for (const id of f.sourceIds)
    chips.push({
      key: `src:${id}`,
      label: `${t('filter.kind.source')}: ${sourceName(id)}`,
      remove: (x) => ({ ...x, sourceIds: x.sourceIds.filter((v) => v !== id) }),
    });
  if (f.from !== null || f.to !== null)
    chips.push({
      key: 'time',
      label: `${t('filter.kind.time')}: ${f.from !== null ? time(f.from) : '…'} – ${f.to !== null ? time(f.to) : '…'}`,
      remove: (x) => ({ ...x, from: null, to: null }),
    });
  return chips;
}

/** The case's facets (hosts, programs, severities with counts) for the chip pickers. */
function useFacets(
  caseId: string | null,
  stamp: number | null,
): { facets: Facets | null; error: string | null } {
  const [state, setState] = useState<{ facets: Facets | null; error: string | null }>({
    facets: null,
    error: null,
  });
  useEffect(() => {
    if (!caseId) return;
    let live = true;
    getWorkbench()
      .facets({ caseId })
      .then((facets) => live && setState({ facets, error: null }))
      .catch((err: unknown) => live && setState({ facets: null, error: errorMessage(err) }));
    return () => {
      live = false;
    };
  }, [caseId, stamp]);
  return state;
}

/**
 * The filter as removable chips, and the picker that adds one (text or regex in / out, program,
 * host, severity, source, time range). The filter narrows the viewer, the timeline and the
 * counts together: they all read the one filter in the viewer store.
 */
export function FilterBar(): React.JSX.Element {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const caseId = useCase((s) => (s.status === 'ready' ? s.caseId : null));
  const summary = useCase((s) => s.summary);
  const filter = useViewer((s) => s.filter);
  const setFilter = useViewer((s) => s.setFilter);
  const total = useViewer((s) => s.total);
  const offsetMin = useClock((s) => s.offsetMin);
  const { facets, error: facetsError } = useFacets(caseId, summary?.updatedAt ?? null);
  const [kind, setKind] = useState<ChipKind>('include');
  const [value, setValue] = useState('');
  const [value2, setValue2] = useState('');
  const [regex, setRegex] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const sourceName = (id: number): string =>
    summary?.sources.find((s) => s.sourceId === id)?.path ?? `#${id}`;
  const time = (ts: number): string => formatTime(ts, lang, offsetMin);
  const chips = chipsOf(filter, t, sourceName, time);

  const parseTime = (text: string): number | null | 'invalid' => {
    if (text.trim() === '') return null;
    const r = parseGoto(text, {
      firstTs: summary?.firstTs ?? null,
      lastTs: summary?.lastTs ?? null,
      offsetMin,
    });
    return r.kind === 'time' ? r.ts : 'invalid';
  };

  const add = (): void => {
    setProblem(null);
    const v = value.trim();
    const next: LineFilter = { ...filter };
    switch (kind) {
      case 'include':
      case 'exclude': {
        if (!v) return;
        if (regex) {
          try {
            new RegExp(v);
          } catch (err) {
            setProblem(t('filter.badRegex', { message: errorMessage(err) }));
            return;
          }
        }
        const m = { pattern: v, mode: regex ? ('regex' as const) : ('text' as const), caseSensitive: false };
        next[kind] = [...filter[kind], m];
        break;
      }
      case 'program':
        if (!v || filter.programs.includes(v)) return;
        next.programs = [...filter.programs, v];
        break;
      case 'host':
        if (!v || filter.hosts.includes(v)) return;
        next.hosts = [...filter.hosts, v];
        break;
      case 'severity':
        if (!v || filter.severities.includes(v as SeverityName)) return;
        next.severities = [...filter.severities, v as SeverityName];
        break;
      case 'source': {
        const id = Number(v);
        if (!v || filter.sourceIds.includes(id)) return;
        next.sourceIds = [...filter.sourceIds, id];
        break;
      }
      case 'time': {
        const from = parseTime(value);
        const to = parseTime(value2);
        if (from === 'invalid' || to === 'invalid') {
          setProblem(t('goto.invalid'));
          return;
        }
        if (from === null && to === null) return;
        next.from = from;
        next.to = to;
        break;
      }
    }
    setFilter(next);
    setValue('');
    setValue2('');
  };

  const sevCount = (s: SeverityName): string => {
    const n = facets?.severities[SEVERITY_NAMES.indexOf(s)];
    return n === undefined ? '' : ` (${n.toLocaleString(lang)})`;
  };

  return (
    <div className="filters" data-testid="filters">
      <ul className="chips" aria-label={t('filter.title')}>
        {chips.map((c) => (
          <li key={c.key} className="chip" data-testid="filter-chip">
            <span className="chip-label">{c.label}</span>
            <button
              type="button"
              className="chip-remove"
              aria-label={t('filter.remove', { what: c.label })}
              title={t('filter.remove', { what: c.label })}
              onClick={() => setFilter(c.remove(filter))}
            >
              ×
            </button>
          </li>
        ))}
        {!isEmptyFilter(filter) && (
          <li>
            <button
              type="button"
              className="chip-clear"
              onClick={() =>
                setFilter({
                  ...filter,
                  include: [],
                  exclude: [],
                  hosts: [],
                  programs: [],
                  severities: [],
                  sourceIds: [],
                  from: null,
                  to: null,
                })
              }
            >
              {t('filter.clear')}
            </button>
          </li>
        )}
      </ul>
      <form
        className="filter-add"
        onSubmit={(e) => {
          e.preventDefault();
          add();
        }}
      >
        <select
          aria-label={t('filter.kind')}
          data-testid="filter-kind"
          value={kind}
          onChange={(e) => {
            setKind(e.target.value as ChipKind);
            setValue('');
            setValue2('');
            setProblem(null);
          }}
        >
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`filter.kind.${k}`)}
            </option>
          ))}
        </select>
        {(kind === 'include' || kind === 'exclude') && (
          <>
            <input
              type="text"
              data-testid="filter-value"
              aria-label={t('filter.value')}
              placeholder={t('filter.textPlaceholder')}
              value={value}
              onChange={(e) => setValue(e.target.value)}
            />
            <label className="search-opt">
              <input type="checkbox" checked={regex} onChange={(e) => setRegex(e.target.checked)} />
              {t('search.regex')}
            </label>
          </>
        )}
        {(kind === 'program' || kind === 'host') && (
          <>
            <input
              type="text"
              data-testid="filter-value"
              aria-label={t('filter.value')}
              list={`facet-${kind}`}
              placeholder={t(kind === 'program' ? 'filter.programPlaceholder' : 'filter.hostPlaceholder')}
              value={value}
              onChange={(e) => setValue(e.target.value)}
            />
            <datalist id={`facet-${kind}`}>
              {(kind === 'program' ? facets?.programs : facets?.hosts)?.slice(0, 500).map((f) => (
                <option key={f.value} value={f.value}>
                  {`${f.value} (${f.count.toLocaleString(lang)})`}
                </option>
              ))}
            </datalist>
          </>
        )}
        {(kind === 'severity' || kind === 'source') && (
          <select
            data-testid="filter-value"
            aria-label={t('filter.value')}
            value={value}
            onChange={(e) => setValue(e.target.value)}
          >
            <option value="">{t('filter.choose')}</option>
            {kind === 'severity'
              ? SEVERITY_NAMES.map((s) => (
                  <option key={s} value={s}>
                    {t(`severity.${s}`)}
                    {sevCount(s)}
                  </option>
                ))
              : summary?.sources
                  .filter((s) => s.lineCount > 0)
                  .map((s) => (
                    <option key={s.sourceId} value={s.sourceId}>
                      {s.path}
                    </option>
                  ))}
          </select>
        )}
        {kind === 'time' && (
          <>
            <input
              type="text"
              data-testid="filter-value"
              aria-label={t('filter.from')}
              placeholder={t('filter.from')}
              value={value}
              onChange={(e) => setValue(e.target.value)}
            />
            <input
              type="text"
              data-testid="filter-value2"
              aria-label={t('filter.to')}
              placeholder={t('filter.to')}
              value={value2}
              onChange={(e) => setValue2(e.target.value)}
            />
          </>
        )}
        <button type="submit" data-testid="filter-add" disabled={!caseId}>
          {t('filter.add')}
        </button>
        {total !== null && (
          <span className="view-count" data-testid="view-count">
            {t('filter.inView', { count: total })}
          </span>
        )}
        {problem && (
          <span className="search-error" role="alert">
            {problem}
          </span>
        )}
        {facetsError && (
          <span className="filter-note" title={facetsError}>
            {t('filter.noFacets')}
          </span>
        )}
      </form>
    </div>
  );
}
