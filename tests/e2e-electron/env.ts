/** Where the Electron binary comes from: `ELECTRON_OVERRIDE_DIST_PATH`, a dist directory as electron's own index.js reads it. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '../..');
export const MAIN_BUNDLE = resolve(REPO_ROOT, 'out/main/index.js');
export const SAMPLE_ARCHIVE = resolve(REPO_ROOT, 'resources/samples/seed-incident.tar.gz');

/** The executable inside an Electron dist directory (what electron's path.txt names per platform). */
function executableIn(dist: string): string {
  if (process.platform === 'darwin') return join(dist, 'Electron.app/Contents/MacOS/Electron');
  if (process.platform === 'win32') return join(dist, 'electron.exe');
  return join(dist, 'electron');
}

const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH;
export const ELECTRON_EXECUTABLE = dist ? executableIn(dist) : null;
export const hasElectron = ELECTRON_EXECUTABLE !== null && existsSync(ELECTRON_EXECUTABLE);
export const electronSkipReason = !dist
  ? 'ELECTRON_OVERRIDE_DIST_PATH is not set (the Electron binary cannot be downloaded on this machine): the desktop-window tests are skipped'
  : `no Electron executable at ${ELECTRON_EXECUTABLE}: the desktop-window tests are skipped`;
