/**
 * Input paths given on a command line (`postmortem-app /tmp/sosreport.tar.xz`), for the first
 * instance and for a second instance whose argv the single-instance lock forwards.
 */
import { isAbsolute, resolve } from 'node:path';

export interface ArgvOptions {
  /** Working directory relative paths are resolved against (the second instance's own). */
  cwd: string;
  /**
   * True when started as `electron <app entry> ...` (`process.defaultApp`): the first
   * non-flag argument is the app, not an input.
   */
  hasAppEntry: boolean;
}

/**
 * Everything after the executable that is not a flag. Chromium and Playwright add flags
 * (`--inspect=0`, `--original-process-start-time=...`) anywhere in argv; a literal `--` ends
 * flag parsing so a path starting with `-` can still be given.
 */
export function inputPathsFromArgv(argv: readonly string[], options: ArgvOptions): string[] {
  const paths: string[] = [];
  let appEntrySkipped = !options.hasAppEntry;
  let flagsEnded = false;
  for (const arg of argv.slice(1)) {
    if (!flagsEnded && arg === '--') {
      flagsEnded = true;
      continue;
    }
    if (!flagsEnded && arg.startsWith('-')) continue;
    if (!appEntrySkipped) {
      appEntrySkipped = true;
      continue;
    }
    if (arg.length === 0) continue;
    paths.push(isAbsolute(arg) ? arg : resolve(options.cwd, arg));
  }
  return paths;
}

/** What a second instance sends to the first through `requestSingleInstanceLock(additionalData)`. */
export interface SecondInstanceData {
  paths: string[];
}

export function parseSecondInstanceData(data: unknown): SecondInstanceData | null {
  if (typeof data !== 'object' || data === null) return null;
  const paths = (data as { paths?: unknown }).paths;
  if (!Array.isArray(paths) || !paths.every((p): p is string => typeof p === 'string' && isAbsolute(p)))
    return null;
  return { paths };
}
