import './styles.css';

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
