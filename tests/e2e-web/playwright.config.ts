import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from '@playwright/test';
import { CHROMIUM_PATH, chromiumSkipReason } from './env';

// The real renderer in Debian's Chromium against the browser host (ARCHITECTURE: the Electron
// binary cannot be downloaded on the build machines, Chromium can be installed).
if (!existsSync(CHROMIUM_PATH)) console.log(`e2e-web: skipped: ${chromiumSkipReason}`);

export default defineConfig({
  testDir: __dirname,
  testMatch: '*.spec.ts',
  outputDir: resolve(__dirname, '../../test-results/e2e-web'),
  globalSetup: resolve(__dirname, 'global-setup.ts'),
  fullyParallel: false,
  workers: 1,
  // One retry: the UI is timing-driven on a shared 2-core machine. A test that needed it is
  // reported by name as flaky in the closing summary (scripts/test-summary.mjs), never hidden.
  retries: 1,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['json', { outputFile: resolve(__dirname, '../../test-results/e2e-web.json') }]],
  use: {
    viewport: { width: 1400, height: 900 },
    colorScheme: 'light',
    locale: 'en-US',
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
