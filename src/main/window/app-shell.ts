/**
 * The desktop shell around the services: the window, the native menu, the recent cases, the
 * second-instance hand-off. It knows which case the window shows only from what the page asked
 * for (its last `getLines` / `caseSummary`) and what was opened, since cases are opaque ids.
 */
import { app, dialog, ipcMain, Menu, type BrowserWindow } from 'electron';
import type { ApiCall, ApiInput, OpenResult, WorkbenchApi } from '../../shared/api';
import type { ReportOptions } from '../../shared/model/report';
import { RecentCasesStore, resolveRecent } from '../platform/recent-cases';
import type { WindowStateStore } from '../platform/window-state';
import { forwardEvents, registerIpc, sendEvent, type WorkbenchEventSource } from '../transports/electron-ipc';
import { createMainWindow } from './main-window';
import { menuTemplate, type MenuActions } from './menu';

export type ShellService = WorkbenchApi & { readonly events: WorkbenchEventSource };

export interface AppShellOptions {
  productName: string;
  preloadPath: string;
  rendererUrl: string;
  allowedOrigins: readonly string[];
  icon?: string;
  devTools: boolean;
  recentFile: string;
  stateStore: WindowStateStore;
  log: (message: string) => void;
}

const OPENING_CALLS: ReadonlySet<ApiCall> = new Set(['openInput', 'openPaths', 'openCaseFile']);

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error) return String(error.message);
  return String(error);
}

export class AppShell {
  private window: BrowserWindow | null = null;
  private service: ShellService | null = null;
  private readonly recent: RecentCasesStore;
  private shownCaseId: string | null = null;
  private readonly disposers: (() => void)[] = [];
  private disposed = false;
  private readonly pendingPaths: string[] = [];

  constructor(private readonly options: AppShellOptions) {
    this.recent = new RecentCasesStore(options.recentFile);
  }

  /** The window dialogs are modal to (null while none is open). */
  currentWindow(): BrowserWindow | null {
    return this.window && !this.window.isDestroyed() ? this.window : null;
  }

  /** Case ids of the Open Recent list, most recent first. */
  recentCaseIds(): string[] {
    return this.recent.list().map((entry) => entry.caseId);
  }

  /**
   * Wires the service to IPC and opens the window on `initialCaseId` (already set as the
   * service's initial case). Call once, after `app` is ready.
   */
  start(service: ShellService, initialCaseId: string | null): void {
    this.service = service;
    if (initialCaseId) this.noteOpened(initialCaseId);
    this.disposers.push(
      registerIpc(ipcMain, service, {
        allowedOrigins: this.options.allowedOrigins,
        onSuccess: (call, input, value) => this.observe(call, input, value),
        log: this.options.log,
      }),
    );
    const onCaseChanged = (payload: { caseId: string; reason: string }): void => {
      if (payload.reason === 'opened') this.noteOpened(payload.caseId);
      else if (payload.reason === 'ingest-finished') void this.refreshMenu();
    };
    service.events.on('caseChanged', onCaseChanged);
    this.disposers.push(() => service.events.off('caseChanged', onCaseChanged));
    this.openWindow();
    if (this.pendingPaths.length > 0) this.onSecondInstance(this.pendingPaths.splice(0));
  }

  openWindow(): void {
    if (this.currentWindow() || !this.service) return;
    const window = createMainWindow({
      title: this.options.productName,
      preloadPath: this.options.preloadPath,
      url: this.options.rendererUrl,
      ...(this.options.icon ? { icon: this.options.icon } : {}),
      stateStore: this.options.stateStore,
      log: this.options.log,
    });
    this.window = window;
    const stopForwarding = forwardEvents(this.service.events, window.webContents);
    window.on('closed', () => {
      stopForwarding();
      if (this.window === window) this.window = null;
    });
    void this.refreshMenu();
  }

  /** A second launch (`postmortem-app file.tar.gz` while the app runs): focus, then open what it named. */
  onSecondInstance(paths: readonly string[]): void {
    if (!this.service) {
      // Still choosing the first case: open these once the service is up.
      this.pendingPaths.push(...paths);
      return;
    }
    if (!this.currentWindow()) this.openWindow();
    const window = this.currentWindow();
    if (window) {
      if (window.isMinimized()) window.restore();
      window.focus();
    }
    if (paths.length > 0) void this.runOpen(() => this.requireService().openPaths({ paths: [...paths] }));
  }

  /** Unhooks IPC and events before the engine closes; later menu refreshes are dropped. */
  dispose(): void {
    this.disposed = true;
    for (const dispose of this.disposers.splice(0)) dispose();
  }

  private requireService(): ShellService {
    if (!this.service) throw new Error('the shell has not started');
    return this.service;
  }

  private observe(call: ApiCall, input: ApiInput<ApiCall>, value: unknown): void {
    if (OPENING_CALLS.has(call)) {
      const result = value as OpenResult;
      if (result.status === 'opened') this.noteOpened(result.caseId);
      return;
    }
    if (
      (call === 'getLines' || call === 'caseSummary') &&
      'caseId' in input &&
      input.caseId !== this.shownCaseId
    ) {
      this.shownCaseId = input.caseId;
      void this.refreshMenu();
    }
  }

  private noteOpened(caseId: string): void {
    this.shownCaseId = caseId;
    try {
      this.recent.touch(caseId);
    } catch (error) {
      this.options.log(`recent cases not saved: ${messageOf(error)}`);
    }
    void this.refreshMenu();
  }

  /** Runs an open started by main (menu, second instance) and tells the page to show the case. */
  private async runOpen(open: () => Promise<OpenResult>): Promise<void> {
    try {
      const result = await open();
      if (result.status !== 'opened') return;
      this.noteOpened(result.caseId);
      this.showCase(result.caseId);
    } catch (error) {
      this.showError('Could not open', error);
    }
  }

  private showCase(caseId: string): void {
    const window = this.currentWindow();
    if (window) sendEvent(window.webContents, 'caseChanged', { caseId, reason: 'opened' });
  }

  /** Shows an error dialog over the window (and logs it). */
  reportError(title: string, error: unknown): void {
    this.showError(title, error);
  }

  private showError(title: string, error: unknown): void {
    this.options.log(`${title}: ${messageOf(error)}`);
    const window = this.currentWindow();
    const options = { type: 'error' as const, title, message: title, detail: messageOf(error) };
    void (window ? dialog.showMessageBox(window, options) : dialog.showMessageBox(options));
  }

  private menuActions(): MenuActions {
    const service = this.requireService();
    return {
      openInput: (pick) => void this.runOpen(() => service.openInput({ pick })),
      openCaseFile: () => void this.runOpen(() => service.openCaseFile({})),
      openRecent: (caseId) => {
        this.noteOpened(caseId);
        this.showCase(caseId);
      },
      clearRecent: () => {
        this.recent.clear();
        void this.refreshMenu();
      },
      exportReport: (format) => {
        const caseId = this.shownCaseId;
        if (!caseId) return;
        service
          .exportReport({ caseId, format, options: menuReportOptions(app.getLocale()) })
          .catch((error: unknown) => this.showError('Could not export the report', error));
      },
      showAbout: () => app.showAboutPanel(),
    };
  }

  private async refreshMenu(): Promise<void> {
    const service = this.service;
    if (!service || this.disposed) return;
    let cases: Awaited<ReturnType<WorkbenchApi['listCases']>> = [];
    try {
      cases = await service.listCases({});
    } catch (error) {
      this.options.log(`recent cases unavailable: ${messageOf(error)}`);
    }
    if (this.disposed) return;
    const template = menuTemplate(this.menuActions(), {
      platform: process.platform,
      productName: this.options.productName,
      recent: resolveRecent(this.recent.list(), cases),
      canExport: this.shownCaseId !== null,
      devTools: this.options.devTools,
    });
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  }
}

/** The menu's export has no editor: the system language, no redaction, the locale's paper. */
function menuReportOptions(locale: string): ReportOptions {
  return {
    lang: locale.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en',
    redact: false,
    paper: /^en-(US|CA)$|-(US|CA|MX|PH)$/i.test(locale) ? 'Letter' : 'A4',
  };
}
