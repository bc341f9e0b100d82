import { useSyncExternalStore } from 'react';
import { useLayout } from './state/layout';

const QUERY = '(prefers-color-scheme: dark)';

function subscribe(onChange: () => void): () => void {
  const media = window.matchMedia(QUERY);
  media.addEventListener('change', onChange);
  return () => media.removeEventListener('change', onChange);
}

/** True when the system asks for a dark theme; follows changes while the app runs. */
export function usePrefersDark(): boolean {
  return useSyncExternalStore(subscribe, () => window.matchMedia(QUERY).matches);
}

/** The theme in use: the one chosen in the header, or the system's. */
export function useDarkTheme(): boolean {
  const system = usePrefersDark();
  const choice = useLayout((s) => s.theme);
  return choice === 'system' ? system : choice === 'dark';
}
