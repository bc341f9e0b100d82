import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The seed incident as a customer would send it (resources/samples/seed-incident.tar.gz):
 * opened on first launch, and by CLI commands given no input. Found relative to this file
 * in the source tree and in the Electron bundle (out/main → resources/).
 */
function findSample(): string {
  const candidates = [
    path.resolve(__dirname, '../../../resources/samples/seed-incident.tar.gz'),
    path.resolve(__dirname, '../../resources/samples/seed-incident.tar.gz'),
    path.resolve(process.cwd(), 'resources/samples/seed-incident.tar.gz'),
  ];
  const resourcesPath = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath;
  if (resourcesPath) candidates.unshift(path.join(resourcesPath, 'samples/seed-incident.tar.gz'));
  return candidates.find((c) => existsSync(c)) ?? candidates[0]!;
}

export const SAMPLE_ARCHIVE = findSample();
export const SAMPLE_TITLE = 'Sample: video-stream OOM and forced reboot (June 2022)';
export const SAMPLE_CASE_FILE = 'sample-seed-incident.pmcase';
