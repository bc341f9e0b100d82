import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { EngineClient } from '../../src/main/engine/client';
import { WorkbenchService } from '../../src/main/services/workbench-service';
import { BrowserHost, DownloadSink } from '../../src/main/transports/browser-host';
import { tmpDir } from '../helpers/tmp';

function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        let body = '';
        res.on('data', (c) => (body += String(c)));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      })
      .on('error', reject);
  });
}

function wsCall(url: string, headers: Record<string, string>, msg: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => ws.send(JSON.stringify(msg)));
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as { type: string };
      if (m.type === 'result') {
        ws.close();
        resolve(m);
      }
    });
    ws.on('error', reject);
    ws.on('unexpected-response', (_req, res) => reject(new Error(`refused ${res.statusCode}`)));
  });
}

describe('browser host', () => {
  const dir = tmpDir();
  const renderer = path.join(dir, 'renderer');
  const engine = new EngineClient();
  const sink = new DownloadSink();
  const service = new WorkbenchService({
    engine,
    casesDir: path.join(dir, 'cases'),
    transport: 'browser-host',
    version: 'test',
    printer: () => {
      throw new Error('no printing in this test');
    },
    sink,
  });
  const host = new BrowserHost(service, sink, { rendererDir: renderer });
  let base = '';
  let origin = '';

  beforeAll(async () => {
    mkdirSync(renderer, { recursive: true });
    writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>pm</title>');
    const ready = await host.start();
    origin = `http://127.0.0.1:${ready.port}`;
    base = ready.url;
    expect(ready.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32}$/);
  });
  afterAll(async () => {
    await host.stop();
    await engine.close();
  });

  it('refuses a request without the token and serves with it, setting a strict cookie', async () => {
    expect((await get(`${origin}/`)).status).toBe(401);
    expect((await get(`${origin}/?token=wrong`)).status).toBe(401);
    const ok = await get(base);
    expect(ok.status).toBe(200);
    expect(ok.headers['content-security-policy']).toContain("script-src 'self'");
    const cookie = ok.headers['set-cookie']?.[0] ?? '';
    expect(cookie).toMatch(/HttpOnly; SameSite=Strict/);
    expect((await get(`${origin}/index.html`, { cookie: cookie.split(';')[0]! })).status).toBe(200);
    expect((await get(`${origin}/../../etc/passwd`, { cookie: cookie.split(';')[0]! })).status).toBe(404);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const r = await get(base, { host: 'evil.example:80' });
    expect(r.status).toBe(403);
  });

  it('carries the contract over the WebSocket only with the token and our origin', async () => {
    const wsUrl = `ws://127.0.0.1:${new URL(origin).port}/ws`;
    await expect(wsCall(wsUrl, {}, { type: 'call', id: 1, call: 'appInfo', input: {} })).rejects.toThrow(
      /refused 403/,
    );
    const token = new URL(base).searchParams.get('token')!;
    await expect(
      wsCall(
        `${wsUrl}?token=${token}`,
        { origin: 'http://evil.example' },
        { type: 'call', id: 1, call: 'appInfo', input: {} },
      ),
    ).rejects.toThrow(/refused 403/);
    const ok = (await wsCall(
      `${wsUrl}?token=${token}`,
      { origin },
      { type: 'call', id: 7, call: 'appInfo', input: {} },
    )) as { id: number; ok: boolean; value: { transport: string } };
    expect(ok).toMatchObject({ id: 7, ok: true, value: { transport: 'browser-host', name: 'Postmortem' } });
    const bad = (await wsCall(
      `${wsUrl}?token=${token}`,
      { origin },
      { type: 'call', id: 8, call: 'getLines', input: { caseId: 'nope' } },
    )) as { ok: boolean; error: { code: string; message: string } };
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(bad.error.message).toMatch(/^getLines: caseId/);
    const unknown = (await wsCall(
      `${wsUrl}?token=${token}`,
      { origin },
      { type: 'call', id: 9, call: 'rm -rf', input: {} },
    )) as { ok: boolean; error: { code: string } };
    expect(unknown).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
  });
});
