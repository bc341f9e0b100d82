import { memo, useEffect, useRef, useState } from 'react';
import type { SearchHit } from '../../../shared/model/case';
import { useLang, useT } from '../i18n';
import { formatDuration } from '../format';
import { useCase } from '../state/case';
import { HIT_LIMIT, useSearch, type SearchQuery } from '../state/search';
import { sameView, useViewer } from '../state/viewer';

/** Splits a hit's text around the matches so they can be marked (as text nodes, never HTML). */
export function splitMatches(text: string, q: SearchQuery): Array<{ text: string; match: boolean }> {
  let re: RegExp;
  try {
    const source = q.mode === 'regex' ? q.query : q.query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    re = new RegExp(source, q.caseSensitive ? 'g' : 'gi');
  } catch {
    return [{ text, match: false }];
  }
  const parts: Array<{ text: string; match: boolean }> = [];
  let from = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    if (m.index > from) parts.push({ text: text.slice(from, m.index), match: false });
    parts.push({ text: m[0], match: true });
    from = m.index + m[0].length;
  }
  if (from < text.length) parts.push({ text: text.slice(from), match: false });
  return parts;
}

/** The search bar's place for focus from the keyboard (Ctrl+F, `/`). */
export const SEARCH_INPUT_ID = 'search-input';

/** Streaming search over the whole current view, run by the engine; hits jump the viewer. */
export function SearchPanel(): React.JSX.Element {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const caseId = useCase((s) => (s.status === 'ready' ? s.caseId : null));
  const summary = useCase((s) => s.summary);
  const view = useViewer((s) => s.view);
  const cursorLine = useViewer((s) => s.cursor?.lineId ?? null);
  const s = useSearch();
  const [query, setQuery] = useState('');
  const [regex, setRegex] = useState(false);
  const [caseSensitive, setCaseSensitive] = useState(false);
  const listRef = useRef<HTMLOListElement>(null);

  const current = s.caseId === caseId && s.view !== null && sameView(s.view, view) && s.shown !== null;
  const run = (): void => {
    if (!caseId) return;
    void s.run(caseId, view, { query, mode: regex ? 'regex' : 'text', caseSensitive });
  };

  // The hit under the cursor is kept in sight in the list.
  useEffect(() => {
    const el = listRef.current?.querySelector('[aria-current="true"]');
    if (el instanceof HTMLElement) el.scrollIntoView({ block: 'nearest' });
  }, [cursorLine]);

  const scanned = s.totalLines > 0 ? s.scannedLines / s.totalLines : null;
  const rate = s.elapsedMs > 0 ? (s.scannedLines / s.elapsedMs) * 1000 : null;
  const eta = rate && s.totalLines > s.scannedLines ? (s.totalLines - s.scannedLines) / rate : null;
  const sourcePath = (hit: SearchHit): string =>
    summary?.sources.find((x) => x.sourceId === hit.sourceId)?.path ?? `#${hit.sourceId}`;

  return (
    <div className="search">
      <form
        className="search-bar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          run();
        }}
      >
        <input
          type="search"
          id={SEARCH_INPUT_ID}
          data-testid="search-input"
          placeholder={t('search.placeholder')}
          aria-label={t('search.placeholder')}
          value={query}
          maxLength={1000}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              if (s.running) s.cancel();
              else (e.target as HTMLInputElement).blur();
            }
          }}
          disabled={!caseId}
        />
        <label className="search-opt" title={t('search.regexHint')}>
          <input type="checkbox" checked={regex} onChange={(e) => setRegex(e.target.checked)} />
          {t('search.regex')}
        </label>
        <label className="search-opt">
          <input
            type="checkbox"
            checked={caseSensitive}
            onChange={(e) => setCaseSensitive(e.target.checked)}
          />
          {t('search.matchCase')}
        </label>
        <button type="submit" disabled={!caseId}>
          {t('search.submit')}
        </button>
        {s.running && (
          <button type="button" data-testid="search-cancel" onClick={() => s.cancel()}>
            {t('search.cancel')}
          </button>
        )}
        {current && (
          <span className="search-status" role="status">
            <span data-testid="search-count">{s.total}</span> {t('search.count')}
            {s.hits.length < s.total && ` (${t('search.truncated', { count: s.hits.length })})`}
            {s.running && scanned !== null && (
              <span className="search-progress" data-testid="search-progress">
                {' '}
                · {(scanned * 100).toLocaleString(lang, { maximumFractionDigits: 0 })}%
                {rate !== null && ` · ${t('search.rate', { rate: Math.round(rate) })}`}
                {eta !== null && ` · ${t('job.eta', { eta: formatDuration(eta) })}`}
              </span>
            )}
            {!s.running && s.cancelled && ` · ${t('search.cancelled')}`}
            {!s.running &&
              !s.cancelled &&
              s.elapsedMs > 0 &&
              ` · ${t('search.took', { ms: Math.round(s.elapsedMs) })}`}
          </span>
        )}
        {current && s.hits.length > 0 && (
          <span className="search-step">
            <button
              type="button"
              onClick={() => s.step(-1)}
              title={t('search.prev')}
              aria-label={t('search.prev')}
            >
              ↑
            </button>
            <button
              type="button"
              onClick={() => s.step(1)}
              title={t('search.next')}
              aria-label={t('search.next')}
            >
              ↓
            </button>
          </span>
        )}
        {current && s.error && (
          <span className="search-error" role="alert">
            {t('search.failed', { message: s.error })}
          </span>
        )}
      </form>
      {current && s.shown && s.hits.length > 0 && (
        <ol className="hits" data-testid="search-hits" ref={listRef} data-limit={HIT_LIMIT}>
          {s.hits.map((hit, i) => (
            <HitRow
              key={hit.lineId}
              hit={hit}
              index={i}
              where={`${sourcePath(hit)}:${hit.lineNo}`}
              query={s.shown!}
              atCursor={hit.lineId === cursorLine}
            />
          ))}
        </ol>
      )}
    </div>
  );
}

/**
 * One hit. Memoised: a cursor move re-renders only the rows whose `atCursor` changed, not every
 * row's match marking (up to HIT_LIMIT regex splits per move).
 */
const HitRow = memo(function HitRow({
  hit,
  index,
  where,
  query,
  atCursor,
}: {
  hit: SearchHit;
  index: number;
  where: string;
  query: SearchQuery;
  atCursor: boolean;
}): React.JSX.Element {
  return (
    <li>
      <button
        type="button"
        className="hit"
        aria-current={atCursor ? 'true' : undefined}
        onClick={() => {
          useSearch.setState({ current: index });
          useViewer.getState().jumpTo(hit.lineId);
        }}
      >
        <span className="hit-line">{hit.lineId}</span>
        <span className="hit-where">{where}</span>
        <span className="hit-text">
          {splitMatches(hit.text, query).map((p, k) =>
            p.match ? <mark key={k}>{p.text}</mark> : <span key={k}>{p.text}</span>,
          )}
        </span>
      </button>
    </li>
  );
});
