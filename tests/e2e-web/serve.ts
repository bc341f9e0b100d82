import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
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
