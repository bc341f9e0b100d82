/**
 * The built main bundle (out/main/index.js) run under plain Node with a stand-in `electron`
 * (stub/electron-stub.cjs): the shell's wiring with the real services, engine worker and sample,
 * checked where no Electron binary can run. The window itself is covered by app.spec.ts.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { API_CALLS } from '../../src/shared/api';
import { RENDERER_CSP } from '../../src/main/window/protocol-path';
import { readMember } from '../e2e-web/sample';
import { MAIN_BUNDLE, REPO_ROOT, SAMPLE_ARCHIVE } from './env';

const RUNNER = resolve(__dirname, 'stub/run-main.cjs');
const OOM_TEXT = 'invoked oom-killer';

interface StubResult {
  privileged: { scheme: string; privileges: Record<string, boolean> }[];
  privilegedBeforeReady: boolean;
  lock: { paths: string[] };
  loadedURL: string;
  webPreferences: Record<string, unknown>;
  ipcChannels: string[];
  index: { status: number; csp: string | null; type: string | null; body: string };
  traversal: { status: number };
  missing: { status: number };
  navigationPrevented: boolean;
  windowOpen: { action: string };
  permission: boolean;
  permissionCheck: boolean;
  blocked: { remote: boolean; own: boolean };
  appInfo: { ok: boolean; value: { transport: string; initialCaseId: string; canPickFiles: boolean } };
  sources: { path: string; lineCount: number }[];
  searchHits: string[];
  lineAtHit: { text: string };
  invalid: { ok: boolean; error: { code: string } };
  foreign: { ok: boolean; error: { code: string } };
  subframe: { ok: boolean; error: { code: string } };
  eventsSent: string[];
  fileMenu: string[];
  recentMenu: (string | null)[];
  exportEnabled: boolean;
  secondInstanceCase: string;
  recentAfter: string[];
  windowState: { width: number; height: number; maximized: boolean };
  quitCount: number;
}

test('main bundle under a stand-in electron: protocol, lock-down, IPC to the sample, second instance, quit', async () => {
  test.skip(!existsSync(MAIN_BUNDLE), `${MAIN_BUNDLE} is missing: run npm run build first`);
  const userData = mkdtempSync(join(tmpdir(), 'postmortem-stub-'));
  try {
    const out = execFileSync(process.execPath, [RUNNER, MAIN_BUNDLE, userData, SAMPLE_ARCHIVE], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 90_000,
      maxBuffer: 16 << 20,
    });
    const line = out.split('\n').find((l) => l.startsWith('STUB-RESULT '));
    expect(line, out).toBeDefined();
    const r = JSON.parse(line!.slice('STUB-RESULT '.length)) as StubResult;

    // app:// registered as privileged before ready; the renderer served with the strict CSP.
    expect(r.privilegedBeforeReady).toBe(true);
    expect(r.privileged).toEqual([
      {
        scheme: 'app',
        privileges: expect.objectContaining({ standard: true, secure: true, supportFetchAPI: true }),
      },
    ]);
    expect(r.privileged[0]?.privileges.corsEnabled).toBeUndefined();
    expect(r.lock).toEqual({ paths: [] });
    expect(r.loadedURL).toBe('app://postmortem/index.html');
    expect(r.index).toMatchObject({ status: 200, csp: RENDERER_CSP, type: 'text/html; charset=utf-8' });
    expect(r.index.body).toContain('<div id="root">');
    expect(r.traversal.status).toBe(403);
    expect(r.missing.status).toBe(404);

    expect(r.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      preload: '../preload/index.js',
    });
    expect(r.navigationPrevented).toBe(true);
    expect(r.windowOpen).toEqual({ action: 'deny' });
    expect(r.permission).toBe(false);
    expect(r.permissionCheck).toBe(false);
    expect(r.blocked).toEqual({ remote: true, own: false });

    // Every call registered; the first launch opens the sample; its OOM line comes back over IPC.
    expect(r.ipcChannels).toEqual(API_CALLS.map((c) => `pm:${c}`).sort());
    expect(r.appInfo.value).toMatchObject({ transport: 'electron', canPickFiles: true });
    expect(r.appInfo.value.initialCaseId).toMatch(/^[a-f0-9]{16}$/);
    const syslog = readMember(SAMPLE_ARCHIVE, 'var/log/syslog');
    const oomLine = syslog.text.split('\n').find((l) => l.includes(OOM_TEXT));
    expect(r.sources.map((s) => s.path)).toContain('var/log/syslog');
    expect(r.searchHits).toContain(oomLine);
    expect(r.lineAtHit.text).toBe(oomLine);
    expect(r.invalid.error.code).toBe('invalid-input');
    expect(r.foreign.error.code).toBe('forbidden');
    expect(r.subframe.error.code).toBe('forbidden');
    expect(r.eventsSent).toEqual(['pm:event:caseChanged', 'pm:event:ingestProgress']);

    expect(r.fileMenu).toEqual([
      'Open Archive…',
      'Open Folder…',
      'Open Files…',
      'Open Case…',
      'Open Recent',
      'Export Report…',
      'Export Report as HTML…',
      'Export Report as Markdown…',
      'Export Timeline as JSONL…',
      'Export Timeline as Timesketch CSV…',
    ]);
    expect(r.recentMenu[0]).toMatch(/^&1 Sample: /);
    expect(r.exportEnabled).toBe(true);

    // A second launch's input opens as a new case in the first instance and leads the recent list.
    expect(r.secondInstanceCase).toMatch(/^[a-f0-9]{16}$/);
    expect(r.secondInstanceCase).not.toBe(r.appInfo.value.initialCaseId);
    expect(r.recentAfter).toEqual([r.secondInstanceCase, r.appInfo.value.initialCaseId]);
    expect(r.windowState).toMatchObject({ width: 1400, height: 900, maximized: false });
    // The first quit is held until the engine has closed its databases, then quits for real.
    expect(r.quitCount).toBe(2);
  } finally {
    rmSync(userData, { recursive: true, force: true });
  }
});
