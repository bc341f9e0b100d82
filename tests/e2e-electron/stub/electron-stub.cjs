// A stand-in for the `electron` module, so the built main bundle can run under plain Node where
// no Electron binary exists. It implements only what out/main/index.js touches, and records
// what the shell did (schemes, handlers, windows, menus) for run-main.cjs to check.
const { EventEmitter } = require('node:events');
const os = require('node:os');
const path = require('node:path');

const record = {
  privileged: null,
  privilegedBeforeReady: false,
  lock: null,
  protocolHandlers: new Map(),
  ipcHandlers: new Map(),
  permissionRequest: null,
  permissionCheck: null,
  beforeRequest: null,
  menu: null,
  windows: [],
  quitCount: 0,
};

let ready = false;
let markReady;
const readyPromise = new Promise((resolve) => (markReady = resolve));

class App extends EventEmitter {
  constructor() {
    super();
    this.isPackaged = false;
    this.paths = {
      temp: os.tmpdir(),
      documents: os.tmpdir(),
      userData: path.join(os.tmpdir(), 'postmortem-stub'),
    };
  }
  getPath(name) {
    return this.paths[name] ?? path.join(this.paths.userData, name);
  }
  setPath(name, value) {
    this.paths[name] = value;
  }
  getVersion() {
    return '0.0.0-stub';
  }
  requestSingleInstanceLock(data) {
    record.lock = data;
    return true;
  }
  whenReady() {
    return readyPromise;
  }
  isReady() {
    return ready;
  }
  setAboutPanelOptions(options) {
    record.about = options;
  }
  showAboutPanel() {}
  quit() {
    record.quitCount += 1;
    let prevented = false;
    this.emit('will-quit', { preventDefault: () => (prevented = true) });
    if (!prevented) this.emit('quit');
  }
}
const app = new App();

class WebContents extends EventEmitter {
  constructor() {
    super();
    this.mainFrame = { url: '', parent: null, processId: 1, routingId: 1 };
    this.sent = [];
    this.windowOpenHandler = null;
  }
  setWindowOpenHandler(handler) {
    this.windowOpenHandler = handler;
  }
  send(channel, message) {
    this.sent.push({ channel, message });
  }
  isDestroyed() {
    return false;
  }
  getURL() {
    return this.mainFrame.url;
  }
}

class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    this.options = options;
    this.webContents = new WebContents();
    this.loadedURL = null;
    record.windows.push(this);
    app.emit('web-contents-created', {}, this.webContents);
  }
  static getAllWindows() {
    return record.windows;
  }
  loadURL(url) {
    this.loadedURL = url;
    this.webContents.mainFrame.url = url;
    setImmediate(() => this.emit('ready-to-show'));
    return Promise.resolve();
  }
  loadFile(file) {
    return this.loadURL(`file://${file}`);
  }
  show() {}
  focus() {}
  restore() {}
  maximize() {}
  destroy() {}
  isDestroyed() {
    return false;
  }
  isMinimized() {
    return false;
  }
  isMaximized() {
    return false;
  }
  getNormalBounds() {
    return { x: 40, y: 30, width: this.options.width, height: this.options.height };
  }
}

function makeSession() {
  return {
    protocol: { handle: (scheme, handler) => record.protocolHandlers.set(scheme, handler) },
    webRequest: { onBeforeRequest: (listener) => (record.beforeRequest = listener) },
    setPermissionRequestHandler: (handler) => (record.permissionRequest = handler),
    setPermissionCheckHandler: (handler) => (record.permissionCheck = handler),
    setDevicePermissionHandler: () => undefined,
  };
}
const defaultSession = makeSession();

module.exports = {
  app,
  BrowserWindow,
  session: { defaultSession, fromPartition: () => makeSession() },
  protocol: {
    registerSchemesAsPrivileged: (schemes) => {
      record.privileged = schemes;
      record.privilegedBeforeReady = !ready;
    },
  },
  ipcMain: {
    handle: (channel, listener) => record.ipcHandlers.set(channel, listener),
    removeHandler: (channel) => record.ipcHandlers.delete(channel),
  },
  Menu: {
    buildFromTemplate: (template) => ({ template }),
    setApplicationMenu: (menu) => (record.menu = menu),
  },
  dialog: {
    showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
    showSaveDialog: async () => ({ canceled: true }),
    showMessageBox: async (...args) => {
      record.messageBoxes = [...(record.messageBoxes ?? []), args[args.length - 1]];
      return { response: 0 };
    },
  },
  screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
  __stub: {
    record,
    becomeReady() {
      ready = true;
      markReady();
    },
  },
};
