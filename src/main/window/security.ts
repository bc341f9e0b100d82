/**
 * The lock-down every webContents gets: no navigation away from the app, no new windows, no
 * <webview>, no permission granted. The app is offline and shows customer logs: nothing in a
 * log line may turn into a page load or a device prompt.
 */
import type { Session, WebContents } from 'electron';
import { originOf } from '../transports/electron-ipc';

/**
 * Denies every navigation the page starts (the shell's own `loadURL` does not pass through here).
 * Subframes may only hold inert documents (`about:blank`, `srcdoc` previews) or the app's own pages.
 */
export function lockDownWebContents(
  contents: WebContents,
  allowedOrigins: readonly string[],
  log: (message: string) => void,
): void {
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    log(`navigation blocked: ${url}`);
  });
  contents.on('will-frame-navigate', (details) => {
    if (details.isMainFrame) return;
    const url = details.url;
    if (url === 'about:blank' || url === 'about:srcdoc' || allowedOrigins.includes(originOf(url) ?? ''))
      return;
    details.preventDefault();
    log(`frame navigation blocked: ${url}`);
  });
  contents.on('will-redirect', (event, url) => {
    event.preventDefault();
    log(`redirect blocked: ${url}`);
  });
  contents.setWindowOpenHandler(({ url }) => {
    log(`window.open blocked: ${url}`);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log('webview blocked');
  });
}

/** No permission (camera, notifications, clipboard-read, HID, ...) is ever granted. */
export function denyAllPermissions(session: Session, log: (message: string) => void): void {
  session.setPermissionRequestHandler((contents, permission, callback) => {
    log(`permission request denied: ${permission} from ${originOf(contents.getURL()) ?? 'unknown'}`);
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}

/**
 * The app is offline: only its own scheme, the dev server, `data:`/`blob:` (Monaco, fonts) and
 * devtools may be requested; anything else (http(s) out of a log line, file://) is cancelled.
 */
export function blockNetwork(
  session: Session,
  allowedOrigins: readonly string[],
  log: (message: string) => void,
): void {
  session.webRequest.onBeforeRequest((details, callback) => {
    const url = details.url;
    const allowed =
      url.startsWith('data:') ||
      url.startsWith('blob:') ||
      url.startsWith('devtools:') ||
      url.startsWith('chrome-extension:') ||
      allowedOrigins.includes(originOf(url) ?? '');
    if (!allowed) log(`request blocked: ${url}`);
    callback({ cancel: !allowed });
  });
}
