import './styles.css';
import { getWorkbench } from './api';

// The socket to the browser host opens first, from this entry chunk: its handshake overlaps the
// loading of the boot chunk (the calls the boot chunk sends wait in the client's queue).
try {
  getWorkbench();
} catch {
  // The boot chunk asks again and shows what went wrong.
}

// Two chunks fetched side by side: the small boot chunk (host client, stores) opens the socket
// and sends the first calls (app info, the case's summary and first lines) as soon as it runs;
// the workbench chunk (React, Monaco, the components: most of the code) is fetched and compiled
// meanwhile, and mounts when it is ready.
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
const container = root;

const boot = import('./state/boot').then((m) => m.startOnce());
Promise.all([import('./App'), boot]).then(
  ([{ mount }]) => {
    // The plain-text lines the boot chunk may have painted (first-paint.ts) give way.
    void import('./first-paint').then(({ endFirstPaint }) => {
      endFirstPaint();
      mount(container);
    });
  },
  async (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    const { translate, useLang } = await import('./i18n');
    container.textContent = translate(useLang.getState().lang, 'app.codeFailed', { message });
  },
);
