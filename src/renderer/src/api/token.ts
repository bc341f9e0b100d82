/**
 * The browser host's per-run token. The host sets a cookie when the page is loaded with
 * `?token=`; the token is also kept in sessionStorage (a reload without the query still works)
 * and removed from the address bar so it does not end up in screenshots or history.
 */
const STORAGE_KEY = 'postmortem.token';

export function takeToken(loc: Location, history: History): string | null {
  const params = new URLSearchParams(loc.search);
  const fromUrl = params.get('token');
  if (fromUrl) {
    try {
      sessionStorage.setItem(STORAGE_KEY, fromUrl);
    } catch {
      // Without storage the cookie alone authenticates this tab.
    }
    params.delete('token');
    const rest = params.toString();
    history.replaceState(history.state, '', `${loc.pathname}${rest ? `?${rest}` : ''}${loc.hash}`);
    return fromUrl;
  }
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function socketUrl(loc: Location, token: string | null): string {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = token ? `?token=${encodeURIComponent(token)}` : '';
  return `${scheme}//${loc.host}/ws${query}`;
}
