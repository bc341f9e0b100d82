/**
 * The Electron transport and the shell's Node-testable parts, under plain Node: the IPC router
 * with a fake ipcMain, the preload with a mocked `electron`, and the pure helpers of window/ and
 * platform/ (app:// paths, argv, bounds, recent cases, menu). The Electron binary is not needed.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { API_CALLS, API_EVENTS, ApiError, type ApiCall, type WorkbenchApi } from '../../src/shared/api';
import type { CaseInfo } from '../../src/shared/model/case';
import { WorkbenchEventBus } from '../../src/main/services/events';
import {
  callChannel,
  checkSender,
  forwardEvents,
  IPC_EVENT_CHANNEL,
  originOf,
  registerIpc,
  type FrameLike,
  type IpcMainLike,
  type IpcReply,
  type SenderEvent,
} from '../../src/main/transports/electron-ipc';
import { resolveAppRequest, RENDERER_CSP } from '../../src/main/window/protocol-path';
import { inputPathsFromArgv, parseSecondInstanceData } from '../../src/main/platform/argv';
import {
  fitToDisplays,
  MIN_WINDOW_SIZE,
  parseWindowState,
  WindowStateStore,
} from '../../src/main/platform/window-state';
import {
  parseRecentCases,
  resolveRecent,
  touchRecent,
  RecentCasesStore,
  MAX_RECENT_CASES,
} from '../../src/main/platform/recent-cases';
import { menuTemplate, type MenuActions } from '../../src/main/window/menu';

const APP = 'app://postmortem';
const CASE_ID = '0123456789abcdef';
// A line of the seed incident, as a user would search for it.
const SEED_QUERY = 'stream_convert invoked oom-killer: gfp_mask=0x24280ca';

type Handler = (event: SenderEvent, ...args: unknown[]) => unknown;

class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Handler>();
  handle(channel: string, listener: Handler): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  async invoke(call: ApiCall, event: SenderEvent, ...args: unknown[]): Promise<IpcReply> {
    const handler = this.handlers.get(callChannel(call));
    if (!handler) throw new Error(`no handler for ${call}`);
    return (await handler(event, ...args)) as IpcReply;
  }
}

function frame(url: string, ids: Partial<FrameLike> = {}): FrameLike {
  return { url, parent: null, processId: 4, routingId: 1, ...ids };
}

/** An invoke event from the window's top-level frame at `url`. */
function mainFrameEvent(url: string): SenderEvent {
  const main = frame(url);
  return { senderFrame: main, sender: { mainFrame: main } };
}

/** A service whose every call records its input and answers a fixed value. */
function fakeService(): { service: WorkbenchApi; calls: { call: ApiCall; input: unknown }[] } {
  const calls: { call: ApiCall; input: unknown }[] = [];
  const answers: Partial<Record<ApiCall, unknown>> = {
    appInfo: {
      name: 'Postmortem',
      version: '0.1.0',
      transport: 'electron',
      initialCaseId: CASE_ID,
      canPickFiles: true,
    },
    search: { query: SEED_QUERY, hits: [], total: 0, truncated: false, elapsedMs: 1 },
    openPaths: { status: 'opened', caseId: CASE_ID, jobId: 'ingest-0a1b2c' },
  };
  const service = Object.fromEntries(
    API_CALLS.map((call) => [
      call,
      async (input: unknown) => {
        calls.push({ call, input });
        return answers[call] ?? null;
      },
    ]),
  ) as unknown as WorkbenchApi;
  return { service, calls };
}

describe('IPC router (fake ipcMain)', () => {
  let ipc: FakeIpcMain;
  let calls: { call: ApiCall; input: unknown }[];
  let service: WorkbenchApi;
  let logged: string[];
  let unregister: () => void;

  beforeEach(() => {
    ipc = new FakeIpcMain();
    ({ service, calls } = fakeService());
    logged = [];
    unregister = registerIpc(ipc, service, { allowedOrigins: [APP], log: (m) => logged.push(m) });
  });

  it('registers every call of the contract on pm:<call>, and nothing else; the disposer removes them', () => {
    expect([...ipc.handlers.keys()].sort()).toEqual(API_CALLS.map((c) => `pm:${c}`).sort());
    unregister();
    expect(ipc.handlers.size).toBe(0);
  });

  it('passes a valid call from the app origin to the service and returns its value', async () => {
    const input = {
      caseId: CASE_ID,
      view: { kind: 'merged' },
      query: SEED_QUERY,
      mode: 'text',
      caseSensitive: false,
      limit: 200,
    };
    const reply = await ipc.invoke('search', mainFrameEvent(`${APP}/index.html`), input);
    expect(reply).toEqual({
      ok: true,
      value: { query: SEED_QUERY, hits: [], total: 0, truncated: false, elapsedMs: 1 },
    });
    expect(calls).toEqual([{ call: 'search', input }]);
  });

  it('treats a missing input of an empty-input call as {}', async () => {
    const reply = await ipc.invoke('appInfo', mainFrameEvent(`${APP}/index.html`));
    expect(reply.ok).toBe(true);
    expect(calls).toEqual([{ call: 'appInfo', input: {} }]);
  });

  it.each([
    ['a caseId that is a path', 'caseSummary', { caseId: '../../etc/passwd' }, 'caseId'],
    [
      'a page of zero lines',
      'getLines',
      { caseId: CASE_ID, view: { kind: 'merged' }, start: 0, count: 0 },
      'count',
    ],
    [
      'an unknown view kind',
      'getLines',
      { caseId: CASE_ID, view: { kind: 'all' }, start: 0, count: 10 },
      'view',
    ],
    ['an extra key', 'listFindings', { caseId: CASE_ID, sql: 'DROP TABLE lines' }, 'sql'],
    ['no paths', 'openPaths', { paths: [] }, 'paths'],
    ['a string instead of an object', 'openInput', 'archive', 'input'],
  ] as const)(
    'rejects %s with invalid-input before the service sees it',
    async (_name, call, input, field) => {
      const reply = await ipc.invoke(call, mainFrameEvent(`${APP}/index.html`), input);
      expect(reply.ok).toBe(false);
      if (reply.ok) return;
      expect(reply.error.code).toBe('invalid-input');
      expect(reply.error.message).toContain(field);
      expect(Object.keys(reply.error).sort()).toEqual(['code', 'message']);
      expect(calls).toEqual([]);
    },
  );

  it('rejects a second argument', async () => {
    const reply = await ipc.invoke('listCases', mainFrameEvent(`${APP}/`), {}, { extra: true });
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(calls).toEqual([]);
  });

  it.each([
    ['another web origin', mainFrameEvent('https://attacker.example/index.html')],
    ['a file:// page', mainFrameEvent('file:///tmp/evil.html')],
    ['another app:// host', mainFrameEvent('app://evil/index.html')],
    ['the app scheme on another port', mainFrameEvent('app://postmortem:8080/index.html')],
    ['about:blank', mainFrameEvent('about:blank')],
    ['a data: URL', mainFrameEvent('data:text/html,<script>1</script>')],
    ['a frame that is gone', { senderFrame: null, sender: { mainFrame: frame(`${APP}/index.html`) } }],
    [
      'a subframe of the app page',
      {
        senderFrame: frame(`${APP}/index.html`, { parent: {}, routingId: 7 }),
        sender: { mainFrame: frame(`${APP}/index.html`) },
      },
    ],
    [
      'a subframe with another origin',
      {
        senderFrame: frame('https://ads.example/frame.html', { parent: {}, routingId: 9 }),
        sender: { mainFrame: frame(`${APP}/index.html`) },
      },
    ],
  ] as const)('refuses a call from %s as forbidden', async (_name, event) => {
    const reply = await ipc.invoke('openPaths', event as SenderEvent, { paths: ['/etc/shadow'] });
    expect(reply).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(calls).toEqual([]);
    expect(logged.some((m) => m.includes('forbidden'))).toBe(true);
  });

  it('accepts the dev server origin only when it is listed', async () => {
    const dev = 'http://localhost:5173';
    const refused = await ipc.invoke('listCases', mainFrameEvent(`${dev}/`), {});
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    unregister();
    registerIpc(ipc, service, { allowedOrigins: [APP, dev] });
    expect((await ipc.invoke('listCases', mainFrameEvent(`${dev}/`), {})).ok).toBe(true);
  });

  it('accepts the main frame when Electron hands out a second wrapper object for it', async () => {
    const event: SenderEvent = {
      senderFrame: frame(`${APP}/index.html`),
      sender: { mainFrame: frame(`${APP}/index.html`) },
    };
    expect((await ipc.invoke('listCases', event, {})).ok).toBe(true);
  });

  it('sends service errors as {code, message} without a stack', async () => {
    const failing = {
      ...service,
      caseSummary: async () => {
        throw new ApiError('not-found', `no open case ${CASE_ID}`);
      },
      listFindings: async () => {
        throw new Error('SQLITE_CORRUPT: database disk image is malformed');
      },
    } as WorkbenchApi;
    unregister();
    registerIpc(ipc, failing, { allowedOrigins: [APP] });
    const notFound = await ipc.invoke('caseSummary', mainFrameEvent(`${APP}/`), { caseId: CASE_ID });
    expect(notFound).toEqual({ ok: false, error: { code: 'not-found', message: `no open case ${CASE_ID}` } });
    const failed = await ipc.invoke('listFindings', mainFrameEvent(`${APP}/`), { caseId: CASE_ID });
    expect(failed).toEqual({
      ok: false,
      error: { code: 'failed', message: 'SQLITE_CORRUPT: database disk image is malformed' },
    });
    expect(JSON.stringify(failed)).not.toContain('at ');
  });

  it('tells the observer about successful calls, and survives an observer that throws', async () => {
    const seen: string[] = [];
    unregister();
    registerIpc(ipc, service, {
      allowedOrigins: [APP],
      onSuccess: (call) => {
        seen.push(call);
        throw new Error('observer bug');
      },
    });
    const reply = await ipc.invoke('openPaths', mainFrameEvent(`${APP}/`), {
      paths: ['/tmp/sosreport.tar.xz'],
    });
    expect(reply).toEqual({ ok: true, value: { status: 'opened', caseId: CASE_ID, jobId: 'ingest-0a1b2c' } });
    await ipc.invoke('caseSummary', mainFrameEvent('https://attacker.example/'), { caseId: CASE_ID });
    expect(seen).toEqual(['openPaths']);
  });
});

describe('checkSender and originOf', () => {
  it('builds origins for custom schemes that URL.origin reports as null', () => {
    expect(new URL(`${APP}/index.html`).origin).toBe('null');
    expect(originOf(`${APP}/assets/index.js`)).toBe(APP);
    expect(originOf('http://localhost:5173/src/main.tsx')).toBe('http://localhost:5173');
    expect(originOf('file:///etc/passwd')).toBeNull();
    expect(originOf('')).toBeNull();
    expect(originOf('not a url')).toBeNull();
  });

  it('throws ApiError with code forbidden', () => {
    expect(() => checkSender(mainFrameEvent('https://attacker.example/'), [APP])).toThrow(ApiError);
    expect(() => checkSender(mainFrameEvent(`${APP}/index.html`), [APP])).not.toThrow();
  });
});

describe('event forwarding', () => {
  it('sends every contract event to the window as pm:event {event, payload} until unsubscribed', () => {
    const bus = new WorkbenchEventBus();
    const sent: { channel: string; message: unknown }[] = [];
    let destroyed = false;
    const stop = forwardEvents(bus, {
      send: (channel, message) => sent.push({ channel, message }),
      isDestroyed: () => destroyed,
    });
    const progress = {
      jobId: 'ingest-0a1b2c',
      kind: 'ingest' as const,
      caseId: CASE_ID,
      state: 'running' as const,
      phase: 'reading',
      current: 'var/log/syslog',
      bytesDone: 1024,
      bytesTotal: 4096,
      linesDone: 12,
      rate: 2048,
      etaS: 2,
      message: null,
    };
    bus.emit('ingestProgress', progress);
    bus.emit('caseChanged', { caseId: CASE_ID, reason: 'ingest-finished' });
    expect(sent).toEqual([
      { channel: IPC_EVENT_CHANNEL, message: { event: 'ingestProgress', payload: progress } },
      {
        channel: IPC_EVENT_CHANNEL,
        message: { event: 'caseChanged', payload: { caseId: CASE_ID, reason: 'ingest-finished' } },
      },
    ]);
    destroyed = true;
    bus.emit('caseChanged', { caseId: CASE_ID, reason: 'annotations' });
    expect(sent).toHaveLength(2);
    destroyed = false;
    stop();
    bus.emit('caseChanged', { caseId: CASE_ID, reason: 'findings' });
    expect(sent).toHaveLength(2);
  });
});

// The preload under a mocked `electron` (the real module would try to download the binary).
const bridge = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invoked: [] as { channel: string; args: unknown[] }[],
  replies: new Map<string, unknown>(),
  rendererListeners: new Map<string, (event: unknown, message: unknown) => void>(),
  filePaths: new Map<unknown, string>(),
}));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => bridge.exposed.set(key, api) },
  ipcRenderer: {
    invoke: async (channel: string, ...args: unknown[]) => {
      bridge.invoked.push({ channel, args });
      return bridge.replies.get(channel) ?? { ok: true, value: null };
    },
    on: (channel: string, listener: (event: unknown, message: unknown) => void) =>
      bridge.rendererListeners.set(channel, listener),
  },
  webUtils: { getPathForFile: (file: unknown) => bridge.filePaths.get(file) ?? '' },
}));

describe('preload (mocked electron)', () => {
  type Exposed = Record<string, unknown> & {
    on: (event: string, listener: (payload: unknown) => void) => () => void;
    openDropped: (files: unknown[]) => Promise<unknown>;
  };
  let workbench: Exposed;

  beforeEach(async () => {
    bridge.invoked.length = 0;
    bridge.replies.clear();
    await import('../../src/preload/index');
    workbench = bridge.exposed.get('workbench') as Exposed;
  });

  it('exposes exactly window.workbench: the contract calls, on and openDropped', () => {
    expect([...bridge.exposed.keys()]).toEqual(['workbench']);
    expect(Object.keys(workbench).sort()).toEqual([...API_CALLS, 'on', 'openDropped'].sort());
    expect(Object.values(workbench).every((v) => typeof v === 'function')).toBe(true);
  });

  it('sends each call on its own channel with its one input', async () => {
    bridge.replies.set('pm:caseSummary', { ok: true, value: { caseId: CASE_ID } });
    const value = await (workbench.caseSummary as (i: unknown) => Promise<unknown>)({ caseId: CASE_ID });
    expect(value).toEqual({ caseId: CASE_ID });
    expect(bridge.invoked).toEqual([{ channel: 'pm:caseSummary', args: [{ caseId: CASE_ID }] }]);
  });

  it('rejects a failed call with its code and message (plain data, which contextBridge copies whole)', async () => {
    bridge.replies.set('pm:getJob', {
      ok: false,
      error: { code: 'not-found', message: 'no job ingest-0a1b2c' },
    });
    await expect(
      (workbench.getJob as (i: unknown) => Promise<unknown>)({ jobId: 'ingest-0a1b2c' }),
    ).rejects.toEqual({
      name: 'ApiError',
      code: 'not-found',
      message: 'no job ingest-0a1b2c',
    });
  });

  it('delivers only the contract events to subscribers, until they unsubscribe', () => {
    const send = bridge.rendererListeners.get(IPC_EVENT_CHANNEL);
    expect(send).toBeDefined();
    const got: unknown[] = [];
    const off = workbench.on('caseChanged', (p) => got.push(p));
    expect(() => workbench.on('ipc-raw', () => undefined)).toThrow(/Unknown event/);
    send?.({}, { event: 'caseChanged', payload: { caseId: CASE_ID, reason: 'opened' } });
    send?.({}, { event: 'ingestProgress', payload: { jobId: 'x' } });
    off();
    send?.({}, { event: 'caseChanged', payload: { caseId: CASE_ID, reason: 'findings' } });
    expect(got).toEqual([{ caseId: CASE_ID, reason: 'opened' }]);
    expect(API_EVENTS).toContain('caseChanged');
  });

  it('opens dropped files by their paths, read in the preload with webUtils.getPathForFile', async () => {
    const dropped = [
      { name: 'sosreport-video-stream.tar.xz' },
      { name: 'syslog' },
      { name: 'from-a-web-page.txt' },
    ];
    bridge.filePaths.set(dropped[0], '/home/eng/cases/sosreport-video-stream.tar.xz');
    bridge.filePaths.set(dropped[1], '/home/eng/cases/var/log/syslog');
    await workbench.openDropped(dropped);
    expect(bridge.invoked).toEqual([
      {
        channel: 'pm:openPaths',
        args: [
          { paths: ['/home/eng/cases/sosreport-video-stream.tar.xz', '/home/eng/cases/var/log/syslog'] },
        ],
      },
    ]);
    bridge.invoked.length = 0;
    expect(await workbench.openDropped([{ name: 'clipboard.txt' }])).toEqual({ status: 'cancelled' });
    expect(bridge.invoked).toEqual([]);
  });
});

describe('app:// protocol paths', () => {
  const root = resolve('/opt/postmortem/out/renderer');

  it('serves the entry page and assets from the renderer folder', () => {
    expect(resolveAppRequest(root, `${APP}/`)).toEqual({
      kind: 'file',
      path: join(root, 'index.html'),
      mime: 'text/html; charset=utf-8',
    });
    expect(resolveAppRequest(root, `${APP}/assets/index-CTxLWRQc.js?v=1#x`)).toMatchObject({
      kind: 'file',
      path: join(root, 'assets', 'index-CTxLWRQc.js'),
      mime: 'text/javascript; charset=utf-8',
    });
    expect(resolveAppRequest(root, `${APP}/assets/codicon-DF1abBS2.ttf`)).toMatchObject({
      kind: 'file',
      mime: 'font/ttf',
    });
  });

  it.each([
    `${APP}/assets/%2e%2e%2f%2e%2e%2fmain%2findex.js`,
    `${APP}/assets/..%2f..%2fmain/index.js`,
    `${APP}/assets/..%5c..%5cmain%5cindex.js`,
    `${APP}/index.html%00.png`,
    `${APP}/%E0%A4%A`,
    'app://evil/index.html',
    'app://postmortem:99/index.html',
  ])('refuses %s', (url) => {
    const target = resolveAppRequest(root, url);
    expect(target.kind).toBe('refused');
  });

  it('never resolves outside the root, whatever the URL parser normalises', () => {
    // The URL parser folds `..` and `%2e%2e` segments at the root, so these land inside it.
    for (const url of [
      `${APP}/../../etc/passwd`,
      `${APP}/%2e%2e/%2e%2e/etc/passwd`,
      `${APP}/a/b/../../../x`,
      `${APP}//etc/passwd`,
    ]) {
      const target = resolveAppRequest(root, url);
      expect(target.kind === 'refused' || target.path.startsWith(root + sep)).toBe(true);
    }
    expect(resolveAppRequest(root, `${APP}/%2e%2e/%2e%2e/etc/passwd`)).toMatchObject({
      path: join(root, 'etc', 'passwd'),
    });
  });

  it('carries the CSP that forbids eval and inline scripts', () => {
    expect(RENDERER_CSP).toContain("script-src 'self'");
    expect(RENDERER_CSP).not.toContain('unsafe-eval');
    expect(RENDERER_CSP).toContain("worker-src 'self' blob:");
  });
});

describe('command-line inputs', () => {
  it('skips the executable, the app entry in development and every flag Chromium or Playwright adds', () => {
    const argv = [
      '/opt/electron/electron',
      '--inspect=0',
      '--remote-debugging-port=0',
      'out/main/index.js',
      'sosreport.tar.xz',
    ];
    expect(inputPathsFromArgv(argv, { cwd: '/home/eng', hasAppEntry: true })).toEqual([
      '/home/eng/sosreport.tar.xz',
    ]);
  });

  it('takes every non-flag argument of a packaged app, resolved against the given working directory', () => {
    const argv = [
      '/opt/Postmortem/postmortem-workbench',
      '/var/tmp/messages',
      'logs',
      '--original-process-start-time=13370000000',
      '--',
      '-odd-name.log',
    ];
    expect(inputPathsFromArgv(argv, { cwd: '/srv/incident', hasAppEntry: false })).toEqual([
      '/var/tmp/messages',
      '/srv/incident/logs',
      '/srv/incident/-odd-name.log',
    ]);
    expect(
      inputPathsFromArgv(['/opt/Postmortem/postmortem-workbench'], { cwd: '/', hasAppEntry: false }),
    ).toEqual([]);
  });

  it('accepts a second instance hand-off only with absolute string paths', () => {
    expect(parseSecondInstanceData({ paths: ['/tmp/a.tar.gz'] })).toEqual({ paths: ['/tmp/a.tar.gz'] });
    expect(parseSecondInstanceData({ paths: ['relative'] })).toBeNull();
    expect(parseSecondInstanceData({ paths: [1] })).toBeNull();
    expect(parseSecondInstanceData(null)).toBeNull();
  });
});

describe('window bounds and recent cases (userData files)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pm-shell-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps saved bounds that are on a display and drops a position left on a disconnected one', () => {
    const laptop = { x: 0, y: 0, width: 1920, height: 1050 };
    const monitor = { x: 1920, y: 0, width: 2560, height: 1410 };
    const onMonitor = { x: 2100, y: 100, width: 1600, height: 1000, maximized: false };
    expect(fitToDisplays(onMonitor, [laptop, monitor])).toEqual(onMonitor);
    expect(fitToDisplays(onMonitor, [laptop])).toEqual({ width: 1600, height: 1000, maximized: false });
    expect(fitToDisplays({ width: 5000, height: 200, maximized: true }, [laptop])).toEqual({
      width: 1920,
      height: MIN_WINDOW_SIZE.height,
      maximized: true,
    });
  });

  it('writes bounds atomically and ignores a damaged file', () => {
    const file = join(dir, 'window-state.json');
    const store = new WindowStateStore(file);
    expect(store.load()).toBeNull();
    store.save({ x: 10, y: 20, width: 1200, height: 800, maximized: true });
    expect(store.load()).toEqual({ x: 10, y: 20, width: 1200, height: 800, maximized: true });
    expect(readFileSync(file, 'utf8')).toContain('"maximized": true');
    writeFileSync(file, '{"width": 1200, "hei');
    expect(store.load()).toBeNull();
    expect(parseWindowState({ width: -1, height: 10, maximized: false })).toBeNull();
  });

  it('keeps the most recently opened cases first, without duplicates, persisted across restarts', () => {
    const file = join(dir, 'recent-cases.json');
    const store = new RecentCasesStore(file);
    store.touch('aaaaaaaaaaaaaaaa', 1);
    store.touch('bbbbbbbbbbbbbbbb', 2);
    store.touch('aaaaaaaaaaaaaaaa', 3);
    expect(new RecentCasesStore(file).list().map((r) => r.caseId)).toEqual([
      'aaaaaaaaaaaaaaaa',
      'bbbbbbbbbbbbbbbb',
    ]);
    let list = touchRecent([], 'cccccccccccccccc', 0);
    for (let i = 0; i < MAX_RECENT_CASES + 5; i++)
      list = touchRecent(list, i.toString(16).padStart(16, '0'), i);
    expect(list).toHaveLength(MAX_RECENT_CASES);
    expect(parseRecentCases([{ caseId: '../x', openedAt: 1 }])).toEqual([]);
    store.clear();
    expect(new RecentCasesStore(file).list()).toEqual([]);
  });

  it('lists only recent cases the service still knows, in recent order', () => {
    const info = (caseId: string, title: string): CaseInfo => ({
      caseId,
      title,
      createdAt: 0,
      updatedAt: 0,
      state: 'complete',
      lineCount: 95,
      sourceCount: 3,
    });
    const cases = [
      info('aaaaaaaaaaaaaaaa', 'video-stream sosreport'),
      info('cccccccccccccccc', 'db01 messages'),
    ];
    const recent = [
      { caseId: 'cccccccccccccccc', openedAt: 3 },
      { caseId: 'bbbbbbbbbbbbbbbb', openedAt: 2 },
      { caseId: 'aaaaaaaaaaaaaaaa', openedAt: 1 },
    ];
    expect(resolveRecent(recent, cases).map((c) => c.title)).toEqual([
      'db01 messages',
      'video-stream sosreport',
    ]);
  });
});

describe('native menu template', () => {
  const done: string[] = [];
  const actions: MenuActions = {
    openInput: (pick) => done.push(`open:${pick}`),
    openCaseFile: () => done.push('case'),
    openRecent: (id) => done.push(`recent:${id}`),
    clearRecent: () => done.push('clear'),
    exportReport: (format) => done.push(`export:${format}`),
    showAbout: () => done.push('about'),
  };
  const recentCase: CaseInfo = {
    caseId: 'aaaaaaaaaaaaaaaa',
    title: 'Sample: video-stream OOM & forced reboot',
    createdAt: 0,
    updatedAt: 0,
    state: 'complete',
    lineCount: 1234,
    sourceCount: 3,
  };

  type Item = { label?: string; role?: string; enabled?: boolean; submenu?: Item[]; click?: () => void };
  const find = (items: Item[], label: string): Item | undefined =>
    items.find((i) => i.label?.replace(/&/g, '') === label.replace(/&/g, ''));

  it('has File, View and Help with the open, recent, export and about items wired to the shell', () => {
    done.length = 0;
    const template = menuTemplate(actions, {
      platform: 'linux',
      productName: 'Postmortem',
      recent: [recentCase],
      canExport: true,
      devTools: false,
    }) as Item[];
    const file = find(template, 'File')?.submenu ?? [];
    for (const label of ['Open Archive…', 'Open Folder…', 'Open Files…', 'Open Case…', 'Export Report…']) {
      find(file, label)?.click?.();
    }
    const recent = find(file, 'Open Recent')?.submenu ?? [];
    expect(recent[0]?.label).toBe('&1 Sample: video-stream OOM && forced reboot');
    recent[0]?.click?.();
    find(find(template, 'Help')?.submenu ?? [], 'About Postmortem')?.click?.();
    expect(done).toEqual([
      'open:archive',
      'open:folder',
      'open:files',
      'case',
      'export:pdf',
      'recent:aaaaaaaaaaaaaaaa',
      'about',
    ]);
    const view = find(template, 'View')?.submenu ?? [];
    expect(view.map((i) => i.role).filter(Boolean)).not.toContain('toggleDevTools');
  });

  it('disables export with no case on screen and says when there are no recent cases', () => {
    const template = menuTemplate(actions, {
      platform: 'linux',
      productName: 'Postmortem',
      recent: [],
      canExport: false,
      devTools: true,
    }) as Item[];
    const file = find(template, 'File')?.submenu ?? [];
    expect(find(file, 'Export Report…')?.enabled).toBe(false);
    expect(find(file, 'Open Recent')?.submenu?.[0]).toMatchObject({
      label: 'No Recent Cases',
      enabled: false,
    });
    expect((find(template, 'View')?.submenu ?? []).map((i) => i.role)).toContain('toggleDevTools');
  });
});
