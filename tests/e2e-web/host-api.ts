/** Calls the browser host's contract from Node, as the renderer would, to learn expected values. */
import WebSocket from 'ws';
import type { ApiCall, ApiInput, ApiOutput } from '../../src/shared/api';

export function wsUrl(port: number, token: string | null): string {
  return `ws://127.0.0.1:${port}/ws${token === null ? '' : `?token=${encodeURIComponent(token)}`}`;
}

export async function callHost<K extends ApiCall>(
  port: number,
  token: string,
  call: K,
  input: ApiInput<K>,
): Promise<ApiOutput<K>> {
  const ws = new WebSocket(wsUrl(port, token));
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return await new Promise<ApiOutput<K>>((resolve, reject) => {
      ws.on('message', (data) => {
        const msg = JSON.parse(String(data)) as {
          type: string;
          id?: number;
          ok?: boolean;
          value?: unknown;
          error?: { message: string };
        };
        if (msg.type !== 'result' || msg.id !== 1) return;
        if (msg.ok) resolve(msg.value as ApiOutput<K>);
        else reject(new Error(`${call} failed: ${msg.error?.message ?? 'no message'}`));
      });
      ws.send(JSON.stringify({ type: 'call', id: 1, call, input }));
    });
  } finally {
    ws.close();
  }
}

/** How the host answers a WebSocket upgrade: `open`, or the HTTP status it refused with. */
export function probeSocket(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ opened: boolean; status: number | null }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => {
      ws.close();
      resolve({ opened: true, status: null });
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve({ opened: false, status: res.statusCode ?? null });
      ws.terminate();
    });
    ws.once('error', () => resolve({ opened: false, status: null }));
  });
}
