import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromiumSkipReason, hasChromium, publishHost, RENDERER_INDEX, REPO_ROOT } from './env';
import { startHost } from './host';

/** Starts the browser host on the sample case once for the whole suite. */
export default async function globalSetup(): Promise<(() => Promise<void>) | void> {
  if (!hasChromium) {
    console.log(`e2e-web: not starting the browser host: ${chromiumSkipReason}`);
    return;
  }
  if (!existsSync(RENDERER_INDEX)) {
    throw new Error(`${RENDERER_INDEX} is missing: build the renderer first (npm run build)`);
  }
  // A fresh cases folder: the sample is indexed by the code under test, never reused from an earlier run.
  const home = mkdtempSync(path.join(os.tmpdir(), 'pm-e2e-home-'));
  const host = await startHost(
    'npx',
    ['tsx', 'src/main/cli/main.ts', 'serve', '--port', '0', '--json-ready'],
    REPO_ROOT,
    {
      ...process.env,
      POSTMORTEM_HOME: home,
    },
  );
  publishHost(host.ready);
  return async () => {
    await host.stop();
    rmSync(home, { recursive: true, force: true });
  };
}
