// Runs the built main bundle (out/main/index.js) under plain Node with electron-stub.cjs in place
// of `electron`, then drives it the way Electron and the page would: app ready, requests on
// app://, IPC calls from the window's frame and from a foreign one, a second instance, quit.
// Prints one line `STUB-RESULT <json>` for main-bundle.spec.ts to check.
const Module = require('node:module');
const path = require('node:path');

const [bundle, userData, secondInput] = process.argv.slice(2);
const stub = require('./electron-stub.cjs');
const originalLoad = Module._load;
Module._load = function load(request, parent, isMain) {
  if (request === 'electron') return stub;
  return originalLoad.call(this, request, parent, isMain);
};

const { record } = stub.__stub;
const APP = 'app://postmortem';
process.env.POSTMORTEM_USER_DATA_DIR = userData;
// As `electron out/main/index.js` starts it: the bundle is the app entry, no inputs follow.
process.defaultApp = true;
process.argv = [process.execPath, bundle];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(what, check, timeoutMs = 60000) {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

function event(url, frameIds = {}) {
  const main = { url: `${APP}/index.html`, parent: null, processId: 1, routingId: 1 };
  const sender = { url, parent: null, processId: 1, routingId: 1, ...frameIds };
  return {
    senderFrame: frameIds.routingId ? sender : url === main.url ? main : sender,
    sender: { mainFrame: main },
  };
}

async function call(name, input, from = event(`${APP}/index.html`)) {
  const handler = record.ipcHandlers.get(`pm:${name}`);
  if (!handler) throw new Error(`no IPC handler for ${name}`);
  return handler(from, input);
}

async function get(url) {
  const response = await record.protocolHandlers.get('app')({ url, method: 'GET' });
  return {
    status: response.status,
    csp: response.headers.get('content-security-policy'),
    type: response.headers.get('content-type'),
    body: response.status === 200 ? (await response.text()).slice(0, 2000) : '',
  };
}

async function scenario() {
  const result = {};
  result.privileged = record.privileged;
  result.privilegedBeforeReady = record.privilegedBeforeReady;
  result.lock = record.lock;

  const window = await until('the window', () => record.windows[0]?.loadedURL && record.windows[0]);
  result.loadedURL = window.loadedURL;
  result.webPreferences = {
    ...window.options.webPreferences,
    preload: path.relative(path.dirname(bundle), window.options.webPreferences.preload),
  };
  result.ipcChannels = [...record.ipcHandlers.keys()].sort();

  result.index = await get(`${APP}/index.html`);
  result.traversal = await get(`${APP}/assets/..%2f..%2fmain%2findex.js`);
  result.missing = await get(`${APP}/assets/no-such-file.js`);

  let prevented = false;
  window.webContents.emit(
    'will-navigate',
    { preventDefault: () => (prevented = true) },
    'https://attacker.example/',
  );
  result.navigationPrevented = prevented;
  result.windowOpen = window.webContents.windowOpenHandler({ url: 'https://attacker.example/popup' });
  result.permission = await new Promise((resolve) =>
    record.permissionRequest(window.webContents, 'media', resolve, {}),
  );
  result.permissionCheck = record.permissionCheck(window.webContents, 'clipboard-read', APP, {});
  const requestVerdict = (url) =>
    new Promise((resolve) => record.beforeRequest({ url }, (r) => resolve(r.cancel)));
  result.blocked = {
    remote: await requestVerdict('https://attacker.example/x.js'),
    own: await requestVerdict(`${APP}/index.html`),
  };

  const info = await call('appInfo', {});
  result.appInfo = info;
  const caseId = info.value.initialCaseId;
  const summary = await until('the sample to be indexed', async () => {
    const reply = await call('caseSummary', { caseId });
    return reply.ok && reply.value.state === 'complete' && reply.value;
  });
  result.sources = summary.sources.map((s) => ({ path: s.path, lineCount: s.lineCount }));
  const search = await call('search', {
    caseId,
    view: { kind: 'merged' },
    query: 'invoked oom-killer',
    mode: 'text',
    caseSensitive: false,
    limit: 10,
  });
  result.searchHits = search.value.hits.map((h) => h.text);
  const firstHit = search.value.hits[0];
  const page = await call('getLines', {
    caseId,
    view: { kind: 'merged' },
    start: firstHit.position,
    count: 1,
  });
  result.lineAtHit = page.value.lines[0];
  result.invalid = await call('getLines', { caseId, view: { kind: 'merged' }, start: -1, count: 1 });
  result.foreign = await call('caseSummary', { caseId }, event('https://attacker.example/'));
  result.subframe = await call(
    'caseSummary',
    { caseId },
    event(`${APP}/index.html`, { parent: {}, routingId: 5 }),
  );
  result.eventsSent = [
    ...new Set(window.webContents.sent.map((s) => `${s.channel}:${s.message.event}`)),
  ].sort();

  const fileMenu = record.menu.template.find((item) => item.label === '&File');
  result.fileMenu = fileMenu.submenu.filter((item) => item.label).map((item) => item.label.replace(/&/g, ''));
  result.recentMenu = fileMenu.submenu
    .find((item) => item.label === 'Open &Recent')
    .submenu.map((item) => item.label);
  result.exportEnabled = fileMenu.submenu.find((item) => item.label === '&Export Report…').enabled;

  // A second launch naming an input: the first instance opens it and tells the page.
  const sentBefore = window.webContents.sent.length;
  const argv = ['/opt/electron/electron', '--original-process-start-time=1', bundle, secondInput];
  stub.app.emit('second-instance', {}, argv, '/', { paths: [path.resolve(secondInput)] });
  const opened = await until('the second-instance case', () =>
    window.webContents.sent
      .slice(sentBefore)
      .find((s) => s.message.event === 'caseChanged' && s.message.payload.reason === 'opened'),
  );
  result.secondInstanceCase = opened.message.payload.caseId;
  result.recentAfter = JSON.parse(
    require('node:fs').readFileSync(path.join(userData, 'recent-cases.json'), 'utf8'),
  ).map((r) => r.caseId);

  window.emit('close');
  result.windowState = JSON.parse(
    require('node:fs').readFileSync(path.join(userData, 'window-state.json'), 'utf8'),
  );
  const quit = new Promise((resolve) => stub.app.once('quit', resolve));
  stub.app.quit();
  await quit;
  result.quitCount = record.quitCount;
  return result;
}

require(path.resolve(bundle));
stub.__stub.becomeReady();
scenario().then(
  (result) => {
    process.stdout.write(`STUB-RESULT ${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  (error) => {
    process.stderr.write(`main bundle scenario failed: ${error.stack}\n`);
    process.exit(1);
  },
);
