/** Starts `postmortem serve` as a child process and waits for its ready line. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { HostReady } from './env';

export interface RunningHost {
  ready: HostReady;
  stop: () => Promise<void>;
}

const READY_TIMEOUT_MS = 120_000;

function isReady(value: unknown): value is HostReady {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.url === 'string' &&
    typeof v.port === 'number' &&
    typeof v.token === 'string' &&
    typeof v.caseId === 'string'
  );
}

function stopGroup(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
      resolve();
      return;
    }
    const pid = child.pid;
    const kill = setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }, 5_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    try {
      // npx and tsx each add a process: signal the whole group this setup created.
      process.kill(-pid, 'SIGTERM');
    } catch {
      clearTimeout(kill);
      resolve();
    }
  });
}

export function startHost(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RunningHost> {
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const stop = (): Promise<void> => stopGroup(child);

  return new Promise((resolve, reject) => {
    const fail = (why: string): void => {
      clearTimeout(timer);
      void stop().then(() => reject(new Error(`${why}\n${command} ${args.join(' ')}\nstderr:\n${stderr}`)));
    };
    const timer = setTimeout(
      () => fail(`the host printed no ready line within ${READY_TIMEOUT_MS / 1000} s`),
      READY_TIMEOUT_MS,
    );
    child.once('error', (err) => fail(`the host could not start: ${err.message}`));
    child.once('exit', (code, signal) =>
      fail(`the host exited before it was ready (code ${code}, signal ${signal})`),
    );
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        return;
      }
      if (!isReady(parsed)) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      lines.removeAllListeners('line');
      // Keep draining stdout so the host never blocks on a full pipe.
      child.stdout?.resume();
      resolve({ ready: parsed, stop });
    });
  });
}
