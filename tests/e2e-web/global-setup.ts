import { existsSync } from 'node:fs';
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
  const host = await startHost('npx', ['tsx', 'src/main/cli/main.ts', 'serve', '--port', '0', '--json-ready'], REPO_ROOT);
  publishHost(host.ready);
  return host.stop;
}
