/**
 * Where an `app://postmortem/...` request is answered from, decided without electron so it can
 * be tested under Node: the path must stay inside the built renderer folder, whatever the URL
 * spells (`..`, `%2e%2e`, `%2f`, backslashes, NUL).
 */
import { extname, resolve, sep } from 'node:path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'postmortem';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** Monaco runs under it without violations and nothing may eval (see electron-stack-notes). */
export const RENDERER_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; font-src 'self' data:; worker-src 'self' blob:";

const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

export function mimeFor(path: string): string {
  return MIME[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

export type AppRequestTarget =
  { kind: 'file'; path: string; mime: string } | { kind: 'refused'; status: 400 | 403 | 404; reason: string };

/** Resolves a request URL to a file under `rootDir` (the built renderer), or says why not. */
export function resolveAppRequest(rootDir: string, requestUrl: string): AppRequestTarget {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return { kind: 'refused', status: 400, reason: 'malformed URL' };
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) {
    return { kind: 'refused', status: 404, reason: `unknown host ${url.host}` };
  }
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return { kind: 'refused', status: 400, reason: 'malformed escape in path' };
  }
  // Separators or NUL smuggled in through escapes, and dot segments the URL parser kept.
  if (pathname.includes('\0') || pathname.includes('\\')) {
    return { kind: 'refused', status: 403, reason: 'forbidden character in path' };
  }
  const segments = pathname.split('/').filter((s) => s.length > 0);
  if (segments.some((s) => s === '..' || s === '.')) {
    return { kind: 'refused', status: 403, reason: 'dot segment in path' };
  }
  const root = resolve(rootDir);
  const target = segments.length === 0 ? resolve(root, 'index.html') : resolve(root, ...segments);
  if (!target.startsWith(root + sep)) {
    return { kind: 'refused', status: 403, reason: 'path outside the renderer folder' };
  }
  return { kind: 'file', path: target, mime: mimeFor(target) };
}
