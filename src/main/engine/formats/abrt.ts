/**
 * ABRT problem directories (`/var/spool/abrt/ccpp-<date>-<pid>/`, `/var/tmp/abrt/…`): one small
 * file per field (`reason`, `executable`, `cmdline`, `pid`, `uid`, `time` in epoch seconds,
 * `kernel`, `package`, `count`, `type`/`analyzer`), a `backtrace` (gdb text) or `core_backtrace`
 * (satyr JSON), and the `coredump` itself when it was kept.
 */

/** Files whose presence makes a directory an ABRT problem directory (with `reason` or `executable`). */
const MARKERS = ['analyzer', 'type', 'abrt_version', 'time', 'uuid', 'last_occurrence'];

export function isAbrtProblemDir(fileNames: ReadonlySet<string>): boolean {
  if (!fileNames.has('reason') && !fileNames.has('executable')) return false;
  return MARKERS.filter((m) => fileNames.has(m)).length >= 2;
}

export interface AbrtProblem {
  reason?: string;
  executable?: string;
  cmdline?: string;
  pid?: number;
  uid?: number;
  /** UTC ms from the `time` file (epoch seconds). */
  ts?: number;
  lastOccurrence?: number;
  kernel?: string;
  package?: string;
  count?: number;
  /** `CCpp`, `Python`, `Kerneloops`, `vmcore`, … */
  type?: string;
  /** Function names of the crashing thread, from `core_backtrace` (JSON) or `backtrace` (gdb). */
  frames: string[];
  /** Signal number from `core_backtrace`'s `signal`, when present. */
  signal?: number;
}

function num(v: string | undefined): number | undefined {
  if (v === undefined || !/^\s*-?\d+\s*$/.test(v)) return undefined;
  return Number(v.trim());
}

/** Reads the field files given as name → text (only the small ones need be given). */
export function parseAbrtProblem(files: ReadonlyMap<string, string>): AbrtProblem {
  const get = (k: string): string | undefined => {
    const v = files.get(k);
    return v === undefined ? undefined : v.replace(/\s+$/, '');
  };
  const p: AbrtProblem = { frames: [] };
  const set = <K extends keyof AbrtProblem>(k: K, v: AbrtProblem[K] | undefined): void => {
    if (v !== undefined && v !== '') p[k] = v;
  };
  set('reason', get('reason'));
  set('executable', get('executable'));
  set('cmdline', get('cmdline'));
  set('pid', num(get('pid')));
  set('uid', num(get('uid')));
  const t = num(get('time'));
  if (t !== undefined) p.ts = t * 1000;
  const lo = num(get('last_occurrence'));
  if (lo !== undefined) p.lastOccurrence = lo * 1000;
  set('kernel', get('kernel'));
  set('package', get('package'));
  set('count', num(get('count')));
  set('type', get('type') ?? get('analyzer'));
  const core = get('core_backtrace');
  if (core) {
    try {
      const j = JSON.parse(core) as {
        signal?: number;
        stacktrace?: { crash_thread?: boolean; frames?: { function_name?: string }[] }[];
      };
      if (typeof j.signal === 'number') p.signal = j.signal;
      const thread = j.stacktrace?.find((s) => s.crash_thread) ?? j.stacktrace?.[0];
      for (const f of thread?.frames ?? []) p.frames.push(f.function_name ?? '??');
    } catch {
      // not JSON: an older text core_backtrace; the gdb backtrace below may still give frames
    }
  }
  const bt = get('backtrace');
  if (p.frames.length === 0 && bt) {
    for (const l of bt.split('\n')) {
      const f = /^#\d+\s+(?:0x[0-9a-f]+ in )?([^\s(]+)/.exec(l);
      if (f) p.frames.push(f[1]!);
      else if (p.frames.length > 0 && l.trim() === '') break;
    }
  }
  return p;
}
