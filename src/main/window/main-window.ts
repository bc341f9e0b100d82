/**
 * The one application window: isolated, sandboxed, no Node in the page, remembered bounds.
 * Navigation and permission lock-down is applied to every webContents by index.ts.
 */
import { BrowserWindow, screen } from 'electron';
import {
  DEFAULT_WINDOW_STATE,
  MIN_WINDOW_SIZE,
  fitToDisplays,
  type WindowState,
  type WindowStateStore,
} from '../platform/window-state';

export interface MainWindowOptions {
  title: string;
  preloadPath: string;
  /** `app://postmortem/index.html`, or the dev server in development. */
  url: string;
  icon?: string;
  stateStore: WindowStateStore;
  log: (message: string) => void;
}

function currentState(window: BrowserWindow): WindowState {
  const bounds = window.getNormalBounds();
  return {
    x: bounds.x,
    y: bounds.y,
    width: bounds.width,
    height: bounds.height,
    maximized: window.isMaximized(),
  };
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const saved = options.stateStore.load() ?? DEFAULT_WINDOW_STATE;
  const state = fitToDisplays(
    saved,
    screen.getAllDisplays().map((display) => display.workArea),
  );
  const window = new BrowserWindow({
    title: options.title,
    ...(options.icon ? { icon: options.icon } : {}),
    width: state.width,
    height: state.height,
    ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    show: false,
    backgroundColor: '#1e1e1e',
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  });
  if (state.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());
  window.on('close', () => {
    try {
      options.stateStore.save(currentState(window));
    } catch (error) {
      options.log(`window bounds not saved: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  void window.loadURL(options.url).catch((error: unknown) => {
    options.log(
      `renderer failed to load from ${options.url}: ${error instanceof Error ? error.message : String(error)}`,
    );
  });
  return window;
}
