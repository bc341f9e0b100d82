import { useRef, useState } from 'react';
import type { LineView, SearchResult } from '../../../shared/model/case';
import { errorMessage, getWorkbench } from '../api';
import { useT } from '../i18n';
import { useCase } from '../state/case';
import { sameView, useViewer } from '../state/viewer';

const HIT_LIMIT = 1000;

interface Shown {
  caseId: string;
  view: LineView;
  result: SearchResult;
  caseSensitive: boolean;
}

/** Splits a hit's text around the query so matches can be marked (as text nodes, never HTML). */
function splitMatches(
  text: string,
  query: string,
  caseSensitive: boolean,
): Array<{ text: string; match: boolean }> {
  const hay = caseSensitive ? text : text.toLowerCase();
  const needle = caseSensitive ? query : query.toLowerCase();
  const parts: Array<{ text: string; match: boolean }> = [];
  let from = 0;
  for (let at = hay.indexOf(needle); at !== -1 && needle.length > 0; at = hay.indexOf(needle, from)) {
    if (at > from) parts.push({ text: text.slice(from, at), match: false });
    parts.push({ text: text.slice(at, at + needle.length), match: true });
    from = at + needle.length;
  }
  if (from < text.length) parts.push({ text: text.slice(from), match: false });
  return parts;
}

/** Text search over the whole current view, run by the engine; hits jump the viewer. */
export function SearchPanel(): React.JSX.Element {
  const t = useT();
  const caseId = useCase((s) => (s.status === 'ready' ? s.caseId : null));
  const view = useViewer((s) => s.view);
  const jumpTo = useViewer((s) => s.jumpTo);
  const [query, setQuery] = useState('');
  const [caseSensitive, setCaseSensitive] = useState(false);
  const [shown, setShown] = useState<Shown | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const seq = useRef(0);

  const run = (): void => {
    const q = query;
    if (!caseId || q.length === 0) {
      seq.current++;
      setShown(null);
      setRunning(false);
      setError(null);
      return;
    }
    const mine = ++seq.current;
    setRunning(true);
    setError(null);
    getWorkbench()
      .search({ caseId, view, query: q, mode: 'text', caseSensitive, limit: HIT_LIMIT })
      .then((result) => {
        if (mine !== seq.current) return;
        setShown({ caseId, view, result, caseSensitive });
      })
      .catch((err: unknown) => {
        if (mine === seq.current) setError(errorMessage(err));
      })
      .finally(() => {
        if (mine === seq.current) setRunning(false);
      });
  };

  // A result belongs to the case and view it was run over; after switching, it is not shown.
  const current = shown && shown.caseId === caseId && sameView(shown.view, view) ? shown : null;

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
          data-testid="search-input"
          placeholder={t('search.placeholder')}
          aria-label={t('search.placeholder')}
          value={query}
          maxLength={1000}
          onChange={(e) => setQuery(e.target.value)}
          disabled={!caseId}
        />
        <label className="search-case">
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
        {running && <span className="search-status">{t('search.running')}</span>}
        {!running && current && (
          <span className="search-status">
            <span data-testid="search-count">{current.result.total}</span> {t('search.count')}
            {current.result.truncated && ` (${t('search.truncated', { count: current.result.hits.length })})`}
          </span>
        )}
        {error && (
          <span className="search-error" role="alert">
            {t('search.failed', { message: error })}
          </span>
        )}
      </form>
      {current && current.result.hits.length > 0 && (
        <ol className="hits" data-testid="search-hits">
          {current.result.hits.map((hit) => (
            <li key={hit.lineId}>
              <button type="button" className="hit" onClick={() => jumpTo(hit.lineId)}>
                <span className="hit-line">{hit.lineId}</span>
                <span className="hit-text">
                  {splitMatches(hit.text, current.result.query, current.caseSensitive).map((p, i) =>
                    p.match ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>,
                  )}
                </span>
              </button>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
