/** What the e2e-web suite needs from the machine, and how the global setup hands the host over. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const chromiumSkipReason = `${CHROMIUM_PATH} is absent (apt-get install chromium)`;
export const hasChromium = existsSync(CHROMIUM_PATH);
// Playwright records a skip's reason only in its report: say it on the console too.
if (!hasChromium) console.warn(`[skip] e2e-web: ${chromiumSkipReason}`);

export const REPO_ROOT = resolve(__dirname, '../..');
/** The built renderer the host serves; POSTMORTEM_RENDERER_DIR points at a private build. */
export const RENDERER_INDEX = resolve(
  process.env.POSTMORTEM_RENDERER_DIR ?? resolve(REPO_ROOT, 'out/renderer'),
  'index.html',
);
export const SAMPLE_ARCHIVE = resolve(REPO_ROOT, 'resources/samples/seed-incident.tar.gz');
export const SCREENSHOT_PATH = resolve(REPO_ROOT, 'docs/screenshot.png');

/** The one JSON line `postmortem serve --json-ready` prints when it listens. */
export interface HostReady {
  url: string;
  port: number;
  token: string;
  caseId: string;
}

const ENV_KEY = 'POSTMORTEM_E2E_HOST';

export function publishHost(ready: HostReady): void {
  process.env[ENV_KEY] = JSON.stringify(ready);
}

export function hostFromEnv(): HostReady {
  const raw = process.env[ENV_KEY];
  if (!raw) throw new Error(`${ENV_KEY} is not set: the global setup did not start the browser host`);
  return JSON.parse(raw) as HostReady;
}
