import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { REPO } from './tmp';

/** Runs the real `postmortem` command (bin/postmortem.cjs) with its own cases folder. */
export function runCli(
  args: string[],
  home: string,
  timeout = 120_000,
): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(REPO, 'bin/postmortem.cjs'), ...args], {
    cwd: REPO,
    env: { ...process.env, POSTMORTEM_HOME: home },
    encoding: 'utf8',
    timeout,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts the real `postmortem` command without waiting (to kill it, or read a case beside it). */
export function startCli(args: string[], home: string): ChildProcess {
  return spawn(process.execPath, [path.join(REPO, 'bin/postmortem.cjs'), ...args], {
    cwd: REPO,
    env: { ...process.env, POSTMORTEM_HOME: home },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}
