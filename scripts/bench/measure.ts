/** Runs a command and measures wall time and peak RSS (VmHWM polled from /proc). */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Measured {
  wallMs: number;
  peakRssBytes: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

function hwm(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Peak RSS of a process tree: the largest VmHWM seen of the process and its children. */
function treeHwm(pid: number): number {
  let peak = hwm(pid);
  try {
    const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
    for (const k of kids) peak = Math.max(peak, treeHwm(k));
  } catch {
    /* gone */
  }
  return peak;
}

export function measure(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let peak = 0;
    const timer = setInterval(() => {
      if (child.pid) peak = Math.max(peak, treeHwm(child.pid));
    }, 25);
    child.on('error', (e) => {
      clearInterval(timer);
      reject(e);
    });
    child.on('exit', (code) => {
      clearInterval(timer);
      resolve({ wallMs: performance.now() - started, peakRssBytes: peak, code, stdout, stderr });
    });
  });
}

/** True when a command is on the PATH (the anchors lnav, rg, xz… are optional). */
export function has(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
