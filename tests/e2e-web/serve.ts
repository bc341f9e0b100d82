import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { generateSyslog } from '../../scripts/bench/gen-syslog';
import { REPO_ROOT, type HostReady } from './env';

/** `postmortem serve` of a case as a process group a spec can kill (its own host, apart from the shared one). */
export function serve(casePath: string, home: string): Promise<{ child: ChildProcess; ready: HostReady }> {
  const child = spawn(
    'npx',
    ['tsx', 'src/main/cli/main.ts', 'serve', casePath, '--port', '0', '--json-ready'],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, POSTMORTEM_HOME: home },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-4000);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no ready line:\n${stderr}`)), 120_000);
    child.once('exit', (code) => reject(new Error(`serve exited (${code}):\n${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const ready = JSON.parse(line) as HostReady;
        if (typeof ready.url !== 'string') return;
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve({ child, ready });
      } catch {
        // Not the ready line.
      }
    });
  });
}

export function killGroup(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return resolve();
    child.once('exit', () => resolve());
    try {
      process.kill(-child.pid, signal);
    } catch {
      resolve();
    }
  });
}

/**
 * A generated syslog of about `targetBytes` (bench:ingest's generator) in a new folder, indexed
 * by `postmortem index` and served by `serve`: for specs that need a case bigger than the sample.
 */
export async function serveGenerated(
  prefix: string,
  targetBytes: number,
): Promise<{ dir: string; file: string; lines: number; child: ChildProcess; ready: HostReady }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  const file = path.join(dir, 'syslog');
  const { lines } = await generateSyslog(file, { targetBytes });
  const casePath = path.join(dir, 'case.pmcase');
  execFileSync('npx', ['tsx', 'src/main/cli/main.ts', 'index', file, '-o', casePath], {
    cwd: REPO_ROOT,
    env: { ...process.env, POSTMORTEM_HOME: dir },
    stdio: 'ignore',
  });
  const served = await serve(casePath, dir);
  return { dir, file, lines, ...served };
}
