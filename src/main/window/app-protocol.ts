/**
 * The `app://postmortem` scheme the renderer is served from. `file://` gives the page origin
 * `null`, which blocks its module scripts and workers; a privileged standard scheme gives it a
 * real origin that the CSP's `'self'` and the IPC sender check can name.
 */
import { readFile } from 'node:fs/promises';
import { protocol, type Session } from 'electron';
import { APP_SCHEME, RENDERER_CSP, resolveAppRequest } from './protocol-path';

/** Must run before `app` is ready. `corsEnabled` stays off so no other origin can read the scheme. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
    },
  ]);
}

const SECURITY_HEADERS = {
  'content-security-policy': RENDERER_CSP,
  'x-content-type-options': 'nosniff',
  'cross-origin-opener-policy': 'same-origin',
  'referrer-policy': 'no-referrer',
} as const;

function refusal(status: number, reason: string): Response {
  return new Response(reason, {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS },
  });
}

/** Serves `rootDir` (the built renderer) on `app://postmortem/` in the given session. */
export function serveRenderer(session: Session, rootDir: string, log: (message: string) => void): void {
  session.protocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return refusal(405, 'method not allowed');
    const target = resolveAppRequest(rootDir, request.url);
    if (target.kind === 'refused') {
      log(`app:// refused ${request.url}: ${target.reason}`);
      return refusal(target.status, target.reason);
    }
    let body: Buffer;
    try {
      body = await readFile(target.path);
    } catch {
      return refusal(404, 'not found');
    }
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: {
        'content-type': target.mime,
        'content-length': String(body.byteLength),
        ...SECURITY_HEADERS,
      },
    });
  });
}
