/**
 * The browser host: serves the built renderer and carries the same contract over a
 * WebSocket, on 127.0.0.1 only, with a random per-run token required on every request
 * (query `?token=` once, then an HttpOnly SameSite=Strict cookie). It is `postmortem serve`
 * (analyse on a jump host through an SSH tunnel) and the host of the end-to-end tests.
 *
 * Wire protocol on /ws:
 *   → {"type":"call","id":N,"call":"<ApiCall>","input":{…}}
 *   ← {"type":"result","id":N,"ok":true,"value":…} | {"type":"result","id":N,"ok":false,"error":{code,message}}
 *   ← {"type":"event","event":"ingestProgress"|"caseChanged","payload":{…}}
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { API_EVENTS, type ExportResult } from '../../shared/api';
import { dispatchCall, toErrorShape } from '../services/dispatch';
import type { ArtifactSink } from '../services/ports';
import type { WorkbenchService } from '../services/workbench-service';

export const RENDERER_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; font-src 'self' data:; img-src 'self' data:; worker-src 'self' blob:; connect-src 'self'";

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

const COOKIE = 'pm_token';

export interface BrowserHostOptions {
  rendererDir: string;
  port?: number;
  token?: string;
}

/** Exported files wait here until the page downloads them: in memory, or on disk for big timelines. */
export class DownloadSink implements ArtifactSink {
  readonly files = new Map<
    string,
    { name: string; mime: string } & (
      { bytes: Buffer; path?: undefined } | { path: string; size: number; bytes?: undefined }
    )
  >();

  async deliver(fileName: string, bytes: Buffer, mime: string): Promise<ExportResult> {
    const id = randomBytes(12).toString('hex');
    this.files.set(id, { name: fileName, bytes, mime });
    return { status: 'download', fileName, bytes: bytes.length, url: `/download/${id}` };
  }

  async deliverFile(fileName: string, file: string, mime: string): Promise<ExportResult> {
    const id = randomBytes(12).toString('hex');
    const size = statSync(file).size;
    this.files.set(id, { name: fileName, path: file, size, mime });
    return { status: 'download', fileName, bytes: size, url: `/download/${id}` };
  }

  /** Removes the files handed over on disk (when the host stops). */
  dispose(): void {
    for (const f of this.files.values()) if (f.path) rmSync(f.path, { force: true });
    this.files.clear();
  }
}

export class BrowserHost {
  readonly token: string;
  private server: http.Server | null = null;
  private wss: WebSocketServer | null = null;
  private port = 0;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly service: WorkbenchService,
    private readonly sink: DownloadSink,
    private readonly opts: BrowserHostOptions,
  ) {
    this.token = opts.token ?? randomBytes(24).toString('base64url');
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/?token=${this.token}`;
  }

  async start(): Promise<{ url: string; port: number; token: string }> {
    if (!existsSync(path.join(this.opts.rendererDir, 'index.html'))) {
      throw new Error(
        `the renderer is not built (${this.opts.rendererDir}/index.html missing): run \`npm run build\` first`,
      );
    }
    const server = http.createServer((req, res) => this.onRequest(req, res));
    const wss = new WebSocketServer({ noServer: true, maxPayload: 8 * 1024 * 1024 });
    server.on('upgrade', (req, socket, head) => {
      if (!this.hostOk(req) || !this.authorised(req) || !this.originOk(req) || !req.url?.startsWith('/ws')) {
        socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
        socket.destroy();
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws));
    });
    for (const event of API_EVENTS) {
      this.unsubscribe.push(
        this.service.events.on(event, (payload) => {
          const msg = JSON.stringify({ type: 'event', event, payload });
          for (const client of wss.clients) if (client.readyState === client.OPEN) client.send(msg);
        }),
      );
    }
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port ?? 0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.wss = wss;
    this.port = (server.address() as AddressInfo).port;
    return { url: this.url, port: this.port, token: this.token };
  }

  async stop(): Promise<void> {
    for (const u of this.unsubscribe.splice(0)) u();
    for (const c of this.wss?.clients ?? []) c.terminate();
    this.wss?.close();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = null;
    // Exported timeline files wait on disk for their download: remove them with the host.
    this.sink.dispose();
  }

  /** DNS rebinding guard: only our own loopback names. */
  private hostOk(req: http.IncomingMessage): boolean {
    const host = req.headers.host ?? '';
    return host === `127.0.0.1:${this.port}` || host === `localhost:${this.port}`;
  }

  private originOk(req: http.IncomingMessage): boolean {
    const origin = req.headers.origin;
    return (
      origin === undefined ||
      origin === `http://127.0.0.1:${this.port}` ||
      origin === `http://localhost:${this.port}`
    );
  }

  private tokenMatches(candidate: string | undefined | null): boolean {
    if (!candidate) return false;
    const a = Buffer.from(candidate);
    const b = Buffer.from(this.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  private queryToken(req: http.IncomingMessage): string | null {
    return new URL(req.url ?? '/', 'http://x').searchParams.get('token');
  }

  private cookieToken(req: http.IncomingMessage): string | undefined {
    for (const part of (req.headers.cookie ?? '').split(';')) {
      const [k, ...v] = part.trim().split('=');
      if (k === COOKIE) return v.join('=');
    }
    return undefined;
  }

  private authorised(req: http.IncomingMessage): boolean {
    const auth = req.headers.authorization;
    return (
      this.tokenMatches(this.queryToken(req)) ||
      this.tokenMatches(this.cookieToken(req)) ||
      (auth?.startsWith('Bearer ') === true && this.tokenMatches(auth.slice(7)))
    );
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const headers: Record<string, string> = {
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    };
    if (!this.hostOk(req)) {
      res.writeHead(403, { ...headers, 'Content-Type': 'text/plain' }).end('forbidden host\n');
      return;
    }
    if (!this.authorised(req)) {
      res
        .writeHead(401, { ...headers, 'Content-Type': 'text/plain' })
        .end('Postmortem: the token printed by `postmortem serve` is required\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, headers).end();
      return;
    }
    if (this.tokenMatches(this.queryToken(req))) {
      headers['Set-Cookie'] = `${COOKIE}=${this.token}; HttpOnly; SameSite=Strict; Path=/`;
    }
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (pathname.startsWith('/download/')) {
      const file = this.sink.files.get(pathname.slice('/download/'.length));
      if (!file) {
        res.writeHead(404, headers).end();
        return;
      }
      res.writeHead(200, {
        ...headers,
        'Content-Type': file.mime,
        'Content-Length': String(file.path !== undefined ? file.size : file.bytes.length),
        'Content-Disposition': `attachment; filename="${file.name.replace(/[^\w.-]/g, '_')}"`,
      });
      if (req.method === 'HEAD') res.end();
      else if (file.path !== undefined) createReadStream(file.path).pipe(res);
      else res.end(file.bytes);
      return;
    }
    const rel = pathname === '/' ? 'index.html' : pathname.replace(/^\/+/, '');
    const root = path.resolve(this.opts.rendererDir);
    const abs = path.resolve(root, rel);
    if (!abs.startsWith(root + path.sep) || !existsSync(abs) || !statSync(abs).isFile()) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    res.writeHead(200, {
      ...headers,
      'Content-Type': MIME[path.extname(abs).toLowerCase()] ?? 'application/octet-stream',
      'Content-Security-Policy': RENDERER_CSP,
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(abs).pipe(res);
  }

  private onSocket(ws: WebSocket): void {
    ws.on('message', (data) => {
      let msg: { type?: unknown; id?: unknown; call?: unknown; input?: unknown };
      try {
        msg = JSON.parse(String(data)) as typeof msg;
      } catch {
        ws.send(
          JSON.stringify({
            type: 'result',
            id: null,
            ok: false,
            error: { code: 'invalid-input', message: 'message is not JSON' },
          }),
        );
        return;
      }
      if (msg.type !== 'call' || typeof msg.id !== 'number') {
        ws.send(
          JSON.stringify({
            type: 'result',
            id: msg.id ?? null,
            ok: false,
            error: { code: 'invalid-input', message: 'expected {type:"call", id:number, call, input}' },
          }),
        );
        return;
      }
      const id = msg.id;
      dispatchCall(this.service, msg.call, msg.input).then(
        (value) =>
          ws.readyState === ws.OPEN &&
          ws.send(JSON.stringify({ type: 'result', id, ok: true, value: value ?? null })),
        (err: unknown) =>
          ws.readyState === ws.OPEN &&
          ws.send(JSON.stringify({ type: 'result', id, ok: false, error: toErrorShape(err) })),
      );
    });
  }
}
