import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

/** A temporary folder removed after the file's tests. */
export function tmpDir(prefix = 'pm-test-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export const REPO = path.resolve(__dirname, '../..');
export const SAMPLE = path.join(REPO, 'resources/samples/seed-incident.tar.gz');
export const SAMPLE_TREE = path.join(REPO, 'resources/samples/seed-incident');
