import { useEffect } from 'react';
import { useT, type MessageKey } from '../i18n';
import {
  ERROR_SEVERITIES,
  seekSeverity,
  stepBookmark,
  stepFinding,
  toggleBookmarkAtCursor,
  WARNING_SEVERITIES,
} from '../nav';
import { useLayout } from '../state/layout';
import { useSearch } from '../state/search';
import { useViewer } from '../state/viewer';
import { GOTO_INPUT_ID } from './NavBar';
import { SEARCH_INPUT_ID } from './SearchPanel';

interface Shortcut {
  keys: string[];
  what: MessageKey;
  /** Matches a keydown. */
  test: (e: KeyboardEvent) => boolean;
  run: () => void;
}

const plain = (key: string) => (e: KeyboardEvent) => e.key === key && !e.ctrlKey && !e.metaKey && !e.altKey;

function focusInput(id: string): void {
  const el = document.getElementById(id);
  if (el instanceof HTMLInputElement) {
    el.focus();
    el.select();
  }
}

/** Every keyboard shortcut, in the order the `?` overlay lists them. */
export const SHORTCUTS: Shortcut[] = [
  {
    keys: ['Ctrl+F', '/'],
    what: 'shortcuts.search',
    test: (e) => ((e.ctrlKey || e.metaKey) && e.key === 'f') || plain('/')(e),
    run: () => focusInput(SEARCH_INPUT_ID),
  },
  {
    keys: ['Ctrl+G', 'G'],
    what: 'shortcuts.goto',
    test: (e) => ((e.ctrlKey || e.metaKey) && e.key === 'g') || plain('g')(e),
    run: () => focusInput(GOTO_INPUT_ID),
  },
  { keys: ['N'], what: 'shortcuts.nextHit', test: plain('n'), run: () => useSearch.getState().step(1) },
  {
    keys: ['Shift+N'],
    what: 'shortcuts.prevHit',
    test: plain('N'),
    run: () => useSearch.getState().step(-1),
  },
  { keys: ['F'], what: 'shortcuts.nextFinding', test: plain('f'), run: () => void stepFinding(1) },
  { keys: ['Shift+F'], what: 'shortcuts.prevFinding', test: plain('F'), run: () => void stepFinding(-1) },
  {
    keys: ['E'],
    what: 'shortcuts.nextError',
    test: plain('e'),
    run: () => void seekSeverity(1, ERROR_SEVERITIES),
  },
  {
    keys: ['Shift+E'],
    what: 'shortcuts.prevError',
    test: plain('E'),
    run: () => void seekSeverity(-1, ERROR_SEVERITIES),
  },
  {
    keys: ['W'],
    what: 'shortcuts.nextWarning',
    test: plain('w'),
    run: () => void seekSeverity(1, WARNING_SEVERITIES),
  },
  {
    keys: ['Shift+W'],
    what: 'shortcuts.prevWarning',
    test: plain('W'),
    run: () => void seekSeverity(-1, WARNING_SEVERITIES),
  },
  { keys: ['M'], what: 'shortcuts.bookmark', test: plain('m'), run: () => void toggleBookmarkAtCursor() },
  { keys: ['U'], what: 'shortcuts.nextBookmark', test: plain('u'), run: () => void stepBookmark(1) },
  { keys: ['Shift+U'], what: 'shortcuts.prevBookmark', test: plain('U'), run: () => void stepBookmark(-1) },
  {
    keys: ['Alt+←'],
    what: 'shortcuts.back',
    test: (e) => e.altKey && e.key === 'ArrowLeft',
    run: () => useViewer.getState().goBack(),
  },
  {
    keys: ['Alt+→'],
    what: 'shortcuts.forward',
    test: (e) => e.altKey && e.key === 'ArrowRight',
    run: () => useViewer.getState().goForward(),
  },
  {
    keys: ['?'],
    what: 'shortcuts.help',
    test: (e) => e.key === '?' && !e.ctrlKey && !e.metaKey,
    run: () => useLayout.getState().setShortcutsOpen(!useLayout.getState().shortcutsOpen),
  },
];

/**
 * Keys bound where they apply rather than on the window (listed in the overlay, run by their
 * owner): the viewer's note action is a Monaco keybinding (viewer/controller.ts), Escape is
 * handled by the search field and the editors, Ctrl+Enter by the note editor, arrows by dividers.
 */
export const LOCAL_SHORTCUTS: { keys: string[]; what: MessageKey }[] = [
  { keys: ['Ctrl+Alt+N', '⌘+⌥+N'], what: 'shortcuts.addNote' },
  { keys: ['Ctrl+Enter'], what: 'shortcuts.noteDone' },
  { keys: ['Esc'], what: 'shortcuts.escape' },
  { keys: ['←', '→', '↑', '↓'], what: 'shortcuts.resize' },
];

/** Keys typed into a form field are that field's; Monaco's own input belongs to the viewer. */
function typingInField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.closest('.monaco-editor')) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/** Listens for the shortcuts on the whole window (once, from App). */
export function useShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape' && useLayout.getState().shortcutsOpen) {
        useLayout.getState().setShortcutsOpen(false);
        return;
      }
      const inField = typingInField(e.target);
      for (const s of SHORTCUTS) {
        if (!s.test(e)) continue;
        // In a field only the Ctrl shortcuts apply (a `/` or `n` there is text).
        if (inField && !(e.ctrlKey || e.metaKey)) return;
        e.preventDefault();
        e.stopPropagation();
        s.run();
        return;
      }
    };
    // Capture, so Monaco's own bindings (Ctrl+F opens its find widget) do not see these first.
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);
}

/** The `?` overlay: every shortcut and what it does. */
export function ShortcutsOverlay(): React.JSX.Element | null {
  const t = useT();
  const open = useLayout((s) => s.shortcutsOpen);
  const close = (): void => useLayout.getState().setShortcutsOpen(false);
  if (!open) return null;
  return (
    <div className="overlay" role="presentation" onClick={close}>
      <div
        className="shortcuts"
        role="dialog"
        aria-modal="true"
        aria-label={t('shortcuts.title')}
        data-testid="shortcuts"
        onClick={(e) => e.stopPropagation()}
      >
        <h2>{t('shortcuts.title')}</h2>
        <table>
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.what}>
                <td className="keys">
                  {s.keys.map((k) => (
                    <kbd key={k}>{k}</kbd>
                  ))}
                </td>
                <td>{t(s.what)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <h3>{t('shortcuts.elsewhere')}</h3>
        <ul
          className="shortcuts-local"
          data-testid="shortcuts-local"
          style={{ listStyle: 'none', padding: 0 }}
        >
          {LOCAL_SHORTCUTS.map((s) => (
            <li key={s.what} style={{ margin: '3px 0' }}>
              <span className="keys">
                {s.keys.map((k) => (
                  <kbd key={k}>{k}</kbd>
                ))}
              </span>{' '}
              {t(s.what)}
            </li>
          ))}
        </ul>
        <button type="button" onClick={close}>
          {t('shortcuts.close')}
        </button>
      </div>
    </div>
  );
}
