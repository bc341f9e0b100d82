import { useState } from 'react';
import { useT, type MessageKey } from '../i18n';
import {
  ERROR_SEVERITIES,
  goTo,
  seekSeverity,
  stepBookmark,
  stepFinding,
  toggleBookmarkAtCursor,
  WARNING_SEVERITIES,
  type NavResult,
} from '../nav';
import { useCase } from '../state/case';
import { useLayout } from '../state/layout';
import { useViewer } from '../state/viewer';
import { activeViewer } from '../viewer/active';

export const GOTO_INPUT_ID = 'goto-input';

/** What a failed navigation says, in the bar. */
export function navMessage(r: NavResult): MessageKey | null {
  if (r.ok) return null;
  if (r.reason === 'invalid') return 'goto.invalid';
  if (r.reason === 'none') return 'nav.none';
  return 'nav.failed';
}

/**
 * Go to a line or a time, next / previous finding, error, warning and bookmark, back / forward
 * through the jump history, and the bookmarks list. Every action has a key (see Shortcuts).
 */
export function NavBar(): React.JSX.Element {
  const t = useT();
  const caseId = useCase((s) => (s.status === 'ready' ? s.caseId : null));
  const canBack = useViewer((s) => s.back.length > 0);
  const canForward = useViewer((s) => s.forward.length > 0);
  const bookmarks = useViewer((s) => s.bookmarks);
  // Booleans, so a cursor move re-renders the bar only when they change.
  const hasCursor = useViewer((s) => s.cursor !== null);
  const marked = useViewer((s) => s.cursor !== null && s.bookmarks.includes(s.cursor.lineId));
  const [text, setText] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [showMarks, setShowMarks] = useState(false);

  const report = (r: NavResult): void => {
    const key = navMessage(r);
    setMessage(key === null ? null : r.ok ? null : r.message ? `${t(key)}: ${r.message}` : t(key));
  };
  const act = (fn: () => NavResult | Promise<NavResult>): void => {
    void Promise.resolve(fn()).then(report);
  };

  return (
    <div className="navbar" data-testid="navbar">
      <form
        className="goto"
        onSubmit={(e) => {
          e.preventDefault();
          // The viewer takes the keys after a jump (U, M, N…), also when the jump was absorbed by a
          // view change in flight rather than run by the viewer's jump effect; unless the user
          // has moved on to another field while a go-to-time was being located.
          if (text.trim())
            act(async () => {
              const r = await goTo(text);
              if (r.ok && document.activeElement?.id === GOTO_INPUT_ID) activeViewer()?.focus();
              return r;
            });
        }}
      >
        <input
          type="text"
          id={GOTO_INPUT_ID}
          data-testid="goto-input"
          placeholder={t('goto.placeholder')}
          aria-label={t('goto.label')}
          title={t('goto.hint')}
          value={text}
          disabled={!caseId}
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit" disabled={!caseId}>
          {t('goto.submit')}
        </button>
      </form>
      <div className="nav-buttons" role="toolbar" aria-label={t('nav.toolbar')}>
        <button
          type="button"
          disabled={!canBack}
          onClick={() => useViewer.getState().goBack()}
          title={`${t('nav.back')} (Alt+←)`}
        >
          ←
        </button>
        <button
          type="button"
          disabled={!canForward}
          onClick={() => useViewer.getState().goForward()}
          title={`${t('nav.forward')} (Alt+→)`}
        >
          →
        </button>
        <span className="nav-sep" />
        <button
          type="button"
          data-testid="prev-finding"
          onClick={() => act(() => stepFinding(-1))}
          title={`${t('nav.prevFinding')} (Shift+F)`}
        >
          {t('nav.findingShort')} ↑
        </button>
        <button
          type="button"
          data-testid="next-finding"
          onClick={() => act(() => stepFinding(1))}
          title={`${t('nav.nextFinding')} (F)`}
        >
          {t('nav.findingShort')} ↓
        </button>
        <button
          type="button"
          data-testid="prev-error"
          onClick={() => act(() => seekSeverity(-1, ERROR_SEVERITIES))}
          title={`${t('nav.prevError')} (Shift+E)`}
        >
          {t('nav.errorShort')} ↑
        </button>
        <button
          type="button"
          data-testid="next-error"
          onClick={() => act(() => seekSeverity(1, ERROR_SEVERITIES))}
          title={`${t('nav.nextError')} (E)`}
        >
          {t('nav.errorShort')} ↓
        </button>
        <button
          type="button"
          onClick={() => act(() => seekSeverity(1, WARNING_SEVERITIES))}
          title={`${t('nav.nextWarning')} (W)`}
        >
          {t('nav.warningShort')} ↓
        </button>
        <span className="nav-sep" />
        <button
          type="button"
          data-testid="bookmark-toggle"
          aria-pressed={marked}
          disabled={!hasCursor}
          onClick={() => act(toggleBookmarkAtCursor)}
          title={`${t('nav.toggleBookmark')} (M)`}
        >
          {marked ? '★' : '☆'}
        </button>
        <button
          type="button"
          onClick={() => act(() => stepBookmark(-1))}
          title={`${t('nav.prevBookmark')} (Shift+U)`}
        >
          ★ ↑
        </button>
        <button
          type="button"
          onClick={() => act(() => stepBookmark(1))}
          title={`${t('nav.nextBookmark')} (U)`}
        >
          ★ ↓
        </button>
        <button
          type="button"
          data-testid="bookmarks-button"
          aria-expanded={showMarks}
          onClick={() => setShowMarks(!showMarks)}
        >
          {t('nav.bookmarks', { count: bookmarks.length })}
        </button>
        <button
          type="button"
          onClick={() => useLayout.getState().setShortcutsOpen(true)}
          title={`${t('shortcuts.title')} (?)`}
        >
          ?
        </button>
      </div>
      {message && (
        <span className="nav-message" role="status">
          {message}
        </span>
      )}
      {showMarks && (
        <ul className="bookmarks" data-testid="bookmarks">
          {bookmarks.length === 0 && <li className="dim">{t('nav.noBookmarks')}</li>}
          {bookmarks.map((id) => (
            <li key={id}>
              <button type="button" className="bookmark" onClick={() => useViewer.getState().jumpTo(id)}>
                {t('nav.line', { lineId: id })}
              </button>
              <button
                type="button"
                className="chip-remove"
                aria-label={t('nav.removeBookmark', { lineId: id })}
                onClick={() => useViewer.getState().toggleBookmark(id)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
