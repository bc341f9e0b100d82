import { resolve } from 'node:path';
import { defineConfig } from '@playwright/test';
import { electronSkipReason, hasElectron } from './env';

// The desktop window needs a real Electron binary (ELECTRON_OVERRIDE_DIST_PATH); where there is
// none, those tests skip with this reason and the main-bundle test still runs under Node.
if (!hasElectron) console.log(`e2e-electron: ${electronSkipReason}`);

export default defineConfig({
  testDir: __dirname,
  testMatch: '*.spec.ts',
  outputDir: resolve(__dirname, '../../test-results/e2e-electron'),
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 30_000 },
  reporter: [['list'], ['json', { outputFile: resolve(__dirname, '../../test-results/e2e-electron.json') }]],
});
