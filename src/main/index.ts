/// <reference types="electron-vite/node" />
/**
 * The Electron main process: app lifecycle only. One instance per user (a second launch hands
 * its paths to the first), the renderer served on `app://postmortem` with a strict CSP, every
 * session denied permissions and network, and the services carried over IPC by the shell.
 */
import { join } from 'node:path';
import { app, session } from 'electron';
import workerPath from './engine/worker-entry?modulePath';
import { EngineClient } from './engine/client';
import { inputPathsFromArgv, parseSecondInstanceData, type SecondInstanceData } from './platform/argv';
import { ElectronArtifactSink, ElectronPathPicker } from './platform/dialogs';
import { ElectronPdfPrinter } from './platform/pdf-printer';
import { WindowStateStore } from './platform/window-state';
import { WorkbenchService } from './services/workbench-service';
import { originOf } from './transports/electron-ipc';
import { AppShell } from './window/app-shell';
import { registerAppScheme, serveRenderer } from './window/app-protocol';
import { APP_ENTRY_URL, APP_ORIGIN } from './window/protocol-path';
import { blockNetwork, denyAllPermissions, lockDownWebContents } from './window/security';

const PRODUCT_NAME = 'Postmortem';

function log(message: string): void {
  console.log(`[postmortem] ${message}`);
}

function main(): void {
  // Lets tests and side-by-side installs run with their own profile (and their own instance lock).
  const userDataDir = process.env.POSTMORTEM_USER_DATA_DIR;
  if (userDataDir) app.setPath('userData', userDataDir);
  registerAppScheme();

  const hasAppEntry = Boolean(process.defaultApp);
  const launchPaths = inputPathsFromArgv(process.argv, { cwd: process.cwd(), hasAppEntry });
  const handOff: SecondInstanceData = { paths: launchPaths };
  if (!app.requestSingleInstanceLock(handOff)) {
    app.quit();
    return;
  }

  const devServerUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
  const devOrigin = devServerUrl ? originOf(devServerUrl) : null;
  const allowedOrigins = devOrigin ? [APP_ORIGIN, devOrigin] : [APP_ORIGIN];
  const userData = app.getPath('userData');

  const shell = new AppShell({
    productName: PRODUCT_NAME,
    preloadPath: join(__dirname, '../preload/index.js'),
    rendererUrl: devServerUrl ?? APP_ENTRY_URL,
    allowedOrigins,
    icon: join(__dirname, '../../resources/icon.png'),
    devTools: !app.isPackaged,
    recentFile: join(userData, 'recent-cases.json'),
    stateStore: new WindowStateStore(join(userData, 'window-state.json')),
    log,
  });
  let engine: EngineClient | null = null;
  let stopService: () => Promise<void> = async () => undefined;

  app.on('web-contents-created', (_event, contents) => lockDownWebContents(contents, allowedOrigins, log));

  app.on('second-instance', (_event, argv, workingDirectory, additionalData) => {
    // additionalData carries the paths exactly; argv is the fallback (Chromium may reorder it).
    const forwarded =
      parseSecondInstanceData(additionalData)?.paths ??
      inputPathsFromArgv(argv, { cwd: workingDirectory, hasAppEntry });
    shell.onSecondInstance(forwarded);
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (app.isReady()) shell.openWindow();
  });

  let closing = false;
  app.on('will-quit', (event) => {
    if (closing || !engine) return;
    // Let the engine checkpoint and close the case databases before the process ends.
    closing = true;
    event.preventDefault();
    shell.dispose();
    const closeEngine = engine;
    void stopService()
      .catch(() => undefined)
      .then(() => closeEngine.close())
      .finally(() => app.quit());
  });

  void app.whenReady().then(async () => {
    const ses = session.defaultSession;
    denyAllPermissions(ses, log);
    blockNetwork(ses, allowedOrigins, log);
    serveRenderer(ses, join(__dirname, '../renderer'), log);
    app.setAboutPanelOptions({
      applicationName: PRODUCT_NAME,
      applicationVersion: app.getVersion(),
      version: `Electron ${process.versions.electron} · Chromium ${process.versions.chrome}`,
      copyright: 'MIT licence',
      iconPath: join(__dirname, '../../resources/icon.png'),
    });

    engine = new EngineClient({ workerPath });
    const service = new WorkbenchService({
      engine,
      casesDir: join(userData, 'cases'),
      transport: 'electron',
      version: app.getVersion(),
      picker: new ElectronPathPicker(() => shell.currentWindow()),
      printer: () => new ElectronPdfPrinter(app.getPath('temp')),
      sink: new ElectronArtifactSink(
        () => shell.currentWindow(),
        () => app.getPath('documents'),
      ),
    });
    stopService = () => service.dispose();
    const initial = await chooseInitialCase(service, launchPaths, shell.recentCaseIds(), log);
    shell.start(service, initial.caseId);
    if (initial.error) shell.reportError('Could not open the command-line input', initial.error);
  });
}

/**
 * What the window shows first: the inputs named on the command line, else the case opened last,
 * else (first launch) the sample incident.
 */
async function chooseInitialCase(
  service: WorkbenchService,
  launchPaths: readonly string[],
  recentIds: readonly string[],
  log: (message: string) => void,
): Promise<{ caseId: string | null; error: unknown }> {
  let error: unknown = null;
  if (launchPaths.length > 0) {
    try {
      return { caseId: (await service.openInputs([...launchPaths])).caseId, error: null };
    } catch (err) {
      error = err;
      log(`command-line input not opened: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (recentIds.length > 0) {
    // listCases opens every case in the cases folder, which makes the last one addressable again.
    const known = new Set((await service.listCases({})).map((info) => info.caseId));
    const last = recentIds.find((id) => known.has(id));
    if (last) {
      service.setInitialCase(last);
      return { caseId: last, error };
    }
  }
  return { caseId: (await service.openSample()).caseId, error };
}

main();
