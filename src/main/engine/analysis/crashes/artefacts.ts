/**
 * Crash artefacts found in the archive's file list and small files: kdump dump directories
 * (vmcore, vmcore-dmesg.txt, vmcore-incomplete, Ubuntu dump./dmesg.<stamp>), core files named by
 * core_pattern, coredumpctl list/info, apport `.crash` files, ABRT problem directories and
 * systemd-coredump journal entries. Each says when, what crashed, with which signal, what was
 * found and what is missing, the boot it happened in and the incidents it explains.
 *
 * A vmcore or core is binary: the ingest skips it but lists it with its size, and that listing is
 * all this reads of it (it is never loaded).
 */
import type { BootJson } from '../../../../shared/model/boot';
import type {
  CrashArtefact,
  CrashMissing,
  CrashMissingCode,
  Incident,
  SystemFact,
} from '../../../../shared/model/incident';
import { evidenceOf, type Evidence, type RecordLine } from '../../../../shared/model/log';
import { parseAbrtProblem, isAbrtProblemDir } from '../../formats/abrt';
import { parseApportCrash } from '../../formats/apport';
import { parseCoredumpInfo, parseCoredumpList } from '../../formats/coredumpctl';
import { zoneAbbrevOffset } from '../../formats/journal-text';
import { decodeCoreName, kdumpFileRole, parseKdumpDirName } from '../../formats/kdump-dir';
import { sessionArtefacts } from './sessions';
import { signalByName, signalByNumber } from './signals';

export interface ArtefactSource {
  sourceId: number;
  path: string;
  kind: string;
  status?: string;
  sizeBytes?: number;
}

export interface ArtefactInput {
  sources: readonly ArtefactSource[];
  /** Lines of one source (small files only are asked for). */
  lines: (s: ArtefactSource) => readonly RecordLine[];
  incidents: readonly Incident[];
  boots: readonly BootJson[];
  facts: readonly SystemFact[];
  /** The machine's zone offset in minutes east of UTC, when the ingest learned it. */
  zoneOffsetMin?: number;
}

const KDUMP_FILE = /(?:^|\/)var\/crash\/([^/]+)\/([^/]+)$/;
const APPORT = /(?:^|\/)var\/crash\/[^/]+\.crash$/;
const COREDUMPCTL = /(?:^|\/)coredumpctl_(list|info)[^/]*$/;
const CORE_NAME = /^core(?:[.-].*)?$/;
// small ABRT field files read to describe the problem
const ABRT_FIELDS = [
  'reason',
  'executable',
  'cmdline',
  'pid',
  'uid',
  'time',
  'last_occurrence',
  'kernel',
  'package',
  'count',
  'type',
  'analyzer',
  'core_backtrace',
  'backtrace',
];

function miss(code: CrashMissingCode, text: string, param?: string): CrashMissing {
  return param === undefined ? { code, text } : { code, param, text };
}

function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

function baseOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Evidence for a file that is not a case row (a skipped binary): its path, line 0, no line id. */
function fileEvidence(s: ArtefactSource, what: string): Evidence {
  return {
    sourceId: s.sourceId,
    sourcePath: s.path,
    lineNo: s.status === 'skipped' ? 0 : 1,
    lineId: 0,
    what,
  };
}

function lineEvidence(
  s: ArtefactSource,
  lines: readonly RecordLine[],
  lineNo: number,
  what: string,
): Evidence {
  const l = lines[lineNo - 1];
  return l ? evidenceOf(l, what) : fileEvidence(s, what);
}

function localToTs(local: string, zoneOffsetMin: number | undefined): { ts: number; note: string } | null {
  const m = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d)(?::(\d\d))?$/.exec(local);
  if (!m) return null;
  const wall = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +(m[6] ?? 0));
  if (zoneOffsetMin !== undefined)
    return {
      ts: wall - zoneOffsetMin * 60_000,
      note: `from the directory name (local time, zone learned from the logs)`,
    };
  return { ts: wall, note: 'from the directory name (local time; zone unknown, read as UTC)' };
}

function sizeText(n: number | undefined): string {
  if (n === undefined) return 'size unknown';
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(1)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

function kdumpDirs(input: ArtefactInput, out: CrashArtefact[]): void {
  const dirs = new Map<string, { name: string; files: ArtefactSource[] }>();
  for (const s of input.sources) {
    const m = KDUMP_FILE.exec(s.path);
    if (!m || !parseKdumpDirName(m[1]!)) continue;
    const key = dirOf(s.path);
    const d = dirs.get(key) ?? { name: m[1]!, files: [] };
    d.files.push(s);
    dirs.set(key, d);
  }
  for (const [dir, { name, files }] of dirs) {
    const parsed = parseKdumpDirName(name)!;
    const roles = new Map(files.map((f) => [kdumpFileRole(baseOf(f.path)), f]));
    const vmcore = roles.get('vmcore') ?? roles.get('vmcore-flat') ?? roles.get('ubuntu-dump');
    const incomplete = roles.get('vmcore-incomplete');
    const dmesg =
      roles.get('vmcore-dmesg') ?? roles.get('ubuntu-dmesg') ?? roles.get('vmcore-dmesg-incomplete');
    const status = roles.get('creation-status');
    const a: CrashArtefact = {
      kind: 'kdump-dir',
      path: dir,
      ts: null,
      localTime: parsed.localTime,
      summary: '',
      files: files.map((f) => baseOf(f.path)).sort(),
      evidence: [],
      missing: [],
    };
    const t = localToTs(parsed.localTime, input.zoneOffsetMin);
    if (t) {
      a.ts = t.ts;
      a.tsNote = t.note;
    }
    let statusText: string | null = null;
    if (status) {
      const lines = input.lines(status);
      statusText =
        lines
          .map((l) => l.text)
          .join(' ')
          .trim() || null;
      if (lines[0]) a.evidence.push(evidenceOf(lines[0], 'vmcore-creation.status'));
    }
    const failed = statusText !== null && /fail|error/i.test(statusText);
    if (vmcore) {
      a.sizeBytes = vmcore.sizeBytes;
      a.completeness = incomplete || failed ? 'incomplete' : 'complete';
      a.evidence.push(fileEvidence(vmcore, `vmcore (${sizeText(vmcore.sizeBytes)})`));
    } else if (incomplete) {
      a.sizeBytes = incomplete.sizeBytes;
      a.completeness = 'incomplete';
      a.evidence.push(fileEvidence(incomplete, `vmcore-incomplete (${sizeText(incomplete.sizeBytes)})`));
      a.missing!.push(
        miss(
          'vmcore-incomplete',
          'vmcore-incomplete: makedumpfile did not finish (the dump target ran out of space or the capture was interrupted); crash(8) may read part of it.',
        ),
      );
    } else {
      a.completeness = 'missing';
      a.missing!.push(
        dmesg
          ? miss(
              'no-vmcore',
              `${baseOf(dmesg.path)} present but no vmcore: kdump ran out of space or was interrupted, or the archive was collected without it (sosreport never collects vmcores).`,
              baseOf(dmesg.path),
            )
          : miss(
              'no-vmcore-no-dmesg',
              'no vmcore in the directory: kdump ran out of space or was interrupted, or the archive was collected without it.',
            ),
      );
    }
    if (failed)
      a.missing!.push(miss('creation-failed', `vmcore-creation.status says: ${statusText}`, statusText!));
    if (dmesg) {
      const lines = input.lines(dmesg);
      const panic = lines.find((l) => /Kernel panic - not syncing:/.test(l.text));
      if (panic) {
        a.panicReason = panic.text.replace(/^.*Kernel panic - not syncing:\s*/, '').trim();
        a.evidence.push(evidenceOf(panic, 'panic in the dump directory’s dmesg'));
      } else if (lines[0]) a.evidence.push(evidenceOf(lines[0], baseOf(dmesg.path)));
    } else {
      a.missing!.push(
        miss(
          'no-vmcore-dmesg',
          'no vmcore-dmesg.txt: the kernel log of the crashed boot was not saved (or not collected).',
        ),
      );
    }
    // the incidents the dump directory's dmesg holds (the panic and the oops before it)
    const inDir = input.incidents.filter((i) => dirOf(i.source) === dir);
    a.explains = inDir.map((i) => ({ kind: i.kind, signature: i.signature, line: i.line }));
    const first = inDir.find((i) =>
      ['panic', 'oops', 'bug', 'gpf', 'soft-lockup', 'hard-lockup', 'hung-task'].includes(i.kind),
    );
    const what = a.panicReason ? `panic: ${a.panicReason}` : first ? first.summary : 'kernel crash';
    const core =
      a.completeness === 'complete'
        ? `vmcore ${sizeText(a.sizeBytes)}`
        : a.completeness === 'incomplete'
          ? 'vmcore incomplete'
          : 'no vmcore';
    a.summary = `kdump ${parsed.flavour === 'rhel' ? 'RHEL' : 'Ubuntu'} dump directory of ${parsed.localTime} (${core}): ${what}`;
    if (a.evidence.length === 0 && files[0]) a.evidence.push(fileEvidence(files[0], 'kdump directory'));
    out.push(a);
  }
}

function coreFiles(input: ArtefactInput, out: CrashArtefact[]): void {
  const fact = (k: string): string | null => input.facts.find((f) => f.key === k && f.known)?.value ?? null;
  const pattern = fact('kernel.core_pattern');
  const usesPid = fact('kernel.core_uses_pid') === '1';
  for (const s of input.sources) {
    const base = baseOf(s.path);
    if (KDUMP_FILE.test(s.path) && parseKdumpDirName(KDUMP_FILE.exec(s.path)![1]!)) continue;
    const fromPattern = pattern && !pattern.startsWith('|') ? decodeCoreName(base, pattern, usesPid) : null;
    const plain = CORE_NAME.test(base) && s.status === 'skipped';
    if (!fromPattern && !plain) continue;
    // a text file named core.* is not a core dump (core.conf, core.log …)
    if (!fromPattern && s.status !== 'skipped') continue;
    const f = fromPattern ?? (/^core\.(\d+)$/.exec(base) ? { pid: Number(base.slice(5)) } : {});
    const a: CrashArtefact = {
      kind: 'core-file',
      path: s.path,
      ts: f.epochSecs !== undefined ? f.epochSecs * 1000 : null,
      summary: '',
      completeness: s.status === 'skipped' ? 'present' : 'unknown',
      evidence: [fileEvidence(s, `core file (${sizeText(s.sizeBytes)})`)],
    };
    if (f.epochSecs !== undefined) a.tsNote = 'from %t in the file name (seconds since the epoch, UTC)';
    if (s.sizeBytes !== undefined) a.sizeBytes = s.sizeBytes;
    if (f.exe) a.executable = f.exePath ?? f.exe;
    if (f.pid !== undefined) a.pid = f.pid;
    if (f.uid !== undefined) a.uid = f.uid;
    if (f.signal !== undefined) {
      const sig = signalByNumber(f.signal);
      if (sig) a.signal = sig;
    }
    const fields: Record<string, string> = {};
    if (fromPattern) fields.core_pattern = pattern!;
    if (Object.keys(fields).length) a.fields = fields;
    a.summary = `core file ${base}${a.executable ? ` of ${a.executable}` : ''}${a.pid !== undefined ? ` (pid ${a.pid})` : ''}${a.signal ? `, ${a.signal.name}` : ''}${fromPattern ? ' — name decoded with kernel.core_pattern' : ''}`;
    if (s.sizeBytes === 0) {
      a.completeness = 'truncated';
      a.missing = [
        miss('core-empty', 'the core file is empty: the core size limit (ulimit -c) or the disk cut it off.'),
      ];
    }
    out.push(a);
  }
}

const CTL_TIME = /^(?:\w{3} )?(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?: (\S+))?/;

function ctlTime(printed: string, zoneOffsetMin: number | undefined): { ts: number; note: string } | null {
  const m = CTL_TIME.exec(printed.trim());
  if (!m) return null;
  const wall = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  const named = m[7] !== undefined ? zoneAbbrevOffset(m[7]) : undefined;
  if (named !== undefined) return { ts: wall - named * 60_000, note: `as printed (${m[7]})` };
  if (zoneOffsetMin !== undefined)
    return { ts: wall - zoneOffsetMin * 60_000, note: 'local time, zone learned from the logs' };
  return { ts: wall, note: `local time${m[7] ? ` (${m[7]} not a known offset)` : ''}; read as UTC` };
}

function coredumpctl(input: ArtefactInput, out: CrashArtefact[]): void {
  for (const s of input.sources) {
    const m = COREDUMPCTL.exec(s.path);
    if (!m || s.status === 'skipped') continue;
    const lines = input.lines(s);
    const text = lines.map((l) => l.text).join('\n');
    if (m[1] === 'list') {
      for (const r of parseCoredumpList(text)) {
        const a: CrashArtefact = {
          kind: 'coredump',
          path: s.path,
          ts: null,
          summary: `coredumpctl: ${r.exe} (pid ${r.pid}) ${r.signal}, core ${r.corefile}`,
          executable: r.exe,
          pid: r.pid,
          uid: r.uid,
          completeness:
            r.corefile === 'present' || r.corefile === 'journal'
              ? 'present'
              : r.corefile === 'missing'
                ? 'missing'
                : r.corefile === 'truncated'
                  ? 'truncated'
                  : 'unknown',
          fields: { COREFILE: r.corefile, TIME: r.time },
          evidence: [lineEvidence(s, lines, r.lineNo, 'coredumpctl list row')],
        };
        const t = ctlTime(r.time, input.zoneOffsetMin);
        if (t) {
          a.ts = t.ts;
          a.tsNote = t.note;
        }
        const sig =
          signalByName(r.signal) ?? (/^\d+$/.test(r.signal) ? signalByNumber(Number(r.signal)) : null);
        if (sig) a.signal = sig;
        if (r.corefile === 'missing')
          a.missing = [
            miss(
              'coredumpctl-missing',
              'coredumpctl lists the core as missing: removed by systemd-tmpfiles or the size limits of coredump.conf.',
            ),
          ];
        if (r.corefile === 'none')
          a.missing = [
            miss(
              'coredumpctl-storage',
              'coredumpctl lists no core (Storage=none in coredump.conf, or the core was over its size limit): only the metadata and the stack trace were kept in the journal.',
              'none',
            ),
          ];
        if (r.size) a.fields!.SIZE = r.size;
        out.push(a);
      }
    } else {
      for (const r of parseCoredumpInfo(text)) {
        const a: CrashArtefact = {
          kind: 'coredump',
          path: s.path,
          ts: null,
          summary: `coredumpctl info: ${r.executable ?? r.comm ?? '?'}${r.pid !== undefined ? ` (pid ${r.pid})` : ''}${r.signalName ? ` ${r.signalName}` : ''}`,
          fields: r.fields,
          evidence: [lineEvidence(s, lines, r.lineNo, 'coredumpctl info record')],
          frames: r.threads[0]?.frames.map((f) => f.fn) ?? [],
        };
        if (r.executable) a.executable = r.executable;
        if (r.pid !== undefined) a.pid = r.pid;
        if (r.uid !== undefined) a.uid = r.uid;
        if (r.timestamp) {
          const t = ctlTime(r.timestamp, input.zoneOffsetMin);
          if (t) {
            a.ts = t.ts;
            a.tsNote = t.note;
          }
        }
        const sig =
          r.signal !== undefined
            ? signalByNumber(r.signal)
            : r.signalName
              ? signalByName(r.signalName)
              : null;
        if (sig) a.signal = sig;
        const st = r.storageState;
        a.completeness =
          st === 'present' || st === 'journal'
            ? 'present'
            : st === 'missing'
              ? 'missing'
              : st === 'truncated'
                ? 'truncated'
                : 'unknown';
        if (st === 'missing' || st === 'none' || st === 'inaccessible')
          a.missing = [
            miss(
              'coredumpctl-storage',
              `Storage: ${r.storage ?? st} — the core is not on the customer's disk.`,
              r.storage ?? st,
            ),
          ];
        out.push(a);
      }
    }
  }
}

function apport(input: ArtefactInput, out: CrashArtefact[]): void {
  for (const s of input.sources) {
    if (!APPORT.test(s.path) || s.status === 'skipped') continue;
    const lines = input.lines(s);
    const r = parseApportCrash(lines.map((l) => l.text));
    const a: CrashArtefact = {
      kind: 'apport',
      path: s.path,
      ts: null,
      summary: `apport ${r.problemType ?? 'crash'} report of ${r.executablePath ?? '?'}`,
      frames: r.stacktrace,
      evidence: [],
      fields: Object.fromEntries(
        ['ProblemType', 'Date', 'ExecutablePath', 'Signal', 'ProcCmdline', 'Uname', 'Package']
          .filter((k) => r.fields[k])
          .map((k) => [k, r.fields[k]!.value]),
      ),
    };
    if (r.executablePath) a.executable = r.executablePath;
    if (r.signal !== undefined) {
      const sig = signalByNumber(r.signal);
      if (sig) {
        a.signal = sig;
        a.summary += `, ${sig.name}`;
      }
    }
    const pid = r.fields.Pid?.value ?? r.fields.ProcStatus?.value.match(/^Pid:\s*(\d+)/m)?.[1];
    if (pid && /^\d+$/.test(pid.trim())) a.pid = Number(pid.trim());
    const dateLine = r.fields.Date;
    if (r.date) {
      // apport writes `Date: Wed Jun  8 10:10:10 2022` in the machine's local time
      const m = /^\w{3} (\w{3})\s+(\d+) (\d\d):(\d\d):(\d\d) (\d{4})$/.exec(r.date.trim());
      const mo = m
        ? ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].indexOf(m[1]!)
        : -1;
      if (m && mo >= 0) {
        const wall = Date.UTC(+m[6]!, mo, +m[2]!, +m[3]!, +m[4]!, +m[5]!);
        a.localTime = r.date.trim();
        if (input.zoneOffsetMin !== undefined) {
          a.ts = wall - input.zoneOffsetMin * 60_000;
          a.tsNote = 'Date field (local time, zone learned from the logs)';
        } else {
          a.ts = wall;
          a.tsNote = 'Date field (local time; zone unknown, read as UTC)';
        }
      }
    }
    if (dateLine) a.evidence.push(lineEvidence(s, lines, dateLine.lineNo, 'apport Date'));
    const sigLine = r.fields.Signal;
    if (sigLine) a.evidence.push(lineEvidence(s, lines, sigLine.lineNo, 'apport Signal'));
    const blob = r.base64.find((b) => b.key === 'CoreDump');
    if (blob) {
      a.completeness = 'present';
      a.sizeBytes = Math.round((blob.chars * 3) / 4);
      a.evidence.push(
        lineEvidence(s, lines, blob.lineNo, `CoreDump (${sizeText(a.sizeBytes)} compressed, not decoded)`),
      );
    } else {
      a.completeness = 'missing';
      a.missing = [
        miss(
          'apport-no-core',
          'no CoreDump field: apport kept the report without the core (ulimit -c 0, or the report was retraced/stripped).',
        ),
      ];
    }
    if (a.evidence.length === 0 && lines[0]) a.evidence.push(evidenceOf(lines[0], 'apport report'));
    out.push(a);
  }
}

function abrt(input: ArtefactInput, out: CrashArtefact[]): void {
  const dirs = new Map<string, ArtefactSource[]>();
  for (const s of input.sources) {
    const d = dirOf(s.path);
    const list = dirs.get(d) ?? [];
    list.push(s);
    dirs.set(d, list);
  }
  for (const [dir, files] of dirs) {
    const names = new Map(files.map((f) => [baseOf(f.path), f]));
    if (!isAbrtProblemDir(new Set(names.keys()))) continue;
    const texts = new Map<string, string>();
    const firstLine = new Map<string, RecordLine>();
    for (const k of ABRT_FIELDS) {
      const f = names.get(k);
      if (!f || f.status === 'skipped') continue;
      const lines = input.lines(f);
      texts.set(k, lines.map((l) => l.text).join('\n'));
      if (lines[0]) firstLine.set(k, lines[0]);
    }
    const p = parseAbrtProblem(texts);
    const core = names.get('coredump');
    const a: CrashArtefact = {
      kind: 'abrt',
      path: dir,
      ts: p.ts ?? null,
      summary: `ABRT ${p.type ?? 'problem'}: ${p.reason ?? p.executable ?? dir}${p.count !== undefined && p.count > 1 ? ` (${p.count} times)` : ''}`,
      files: [...names.keys()].sort(),
      frames: p.frames,
      evidence: [],
      completeness: core ? 'present' : 'missing',
      fields: Object.fromEntries(
        (['reason', 'cmdline', 'kernel', 'package', 'count', 'type'] as const)
          .filter((k) => texts.has(k === 'type' && !texts.has('type') ? 'analyzer' : k))
          .map((k) => [k, (texts.get(k) ?? texts.get('analyzer') ?? '').trim()]),
      ),
    };
    if (p.ts !== undefined)
      a.tsNote = 'from the problem directory’s `time` file (seconds since the epoch, UTC)';
    if (p.executable) a.executable = p.executable;
    if (p.pid !== undefined) a.pid = p.pid;
    if (p.uid !== undefined) a.uid = p.uid;
    const sig =
      p.signal !== undefined
        ? signalByNumber(p.signal)
        : p.reason
          ? signalByName(/\bby (SIG[A-Z0-9]+)/.exec(p.reason)?.[1] ?? '')
          : null;
    if (sig) a.signal = sig;
    if (core) {
      if (core.sizeBytes !== undefined) a.sizeBytes = core.sizeBytes;
      a.evidence.push(fileEvidence(core, `coredump (${sizeText(core.sizeBytes)})`));
    } else {
      a.missing = [
        miss(
          'abrt-no-core',
          'no coredump file in the problem directory: ABRT deleted it after reporting, or it was not collected.',
        ),
      ];
    }
    for (const k of ['reason', 'executable', 'time', 'pid'] as const) {
      const l = firstLine.get(k);
      if (l) a.evidence.unshift(evidenceOf(l, `ABRT ${k}`));
    }
    out.push(a);
  }
}

/** systemd-coredump / abrt journal lines the incident detector found ("Process N (c) of user U dumped core."). */
function journalCores(input: ArtefactInput, out: CrashArtefact[]): void {
  for (const i of input.incidents) {
    if (i.kind !== 'core-dumped' || i.details.type !== 'death') continue;
    const d = i.details;
    if (!/dumped core\.|Saved core dump/.test(d.printed)) continue;
    const a: CrashArtefact = {
      kind: 'coredump',
      path: i.source,
      ts: i.ts,
      summary: `${/Saved core dump/.test(d.printed) ? 'abrt' : 'systemd-coredump'}: ${d.comm ?? '?'}${d.pid !== undefined ? ` (pid ${d.pid})` : ''} dumped core${i.count > 1 ? ` (${i.count} times)` : ''}`,
      evidence: [i.line],
      completeness: 'unknown',
      missing: [
        d.coreArtefact
          ? miss(
              'journal-core-saved',
              `the core was saved to ${d.coreArtefact} on the machine; check whether the archive has it.`,
              d.coreArtefact,
            )
          : miss(
              'journal-core-elsewhere',
              'the core itself is kept on the machine (/var/lib/systemd/coredump or the journal), not in this archive: run `coredumpctl info` there.',
            ),
      ],
      explains: [{ kind: i.kind, signature: i.signature, line: i.line }],
    };
    if (d.comm) a.executable = d.comm;
    if (d.pid !== undefined) a.pid = d.pid;
    if (d.signal) a.signal = d.signal;
    out.push(a);
  }
}

const PROCESS_KINDS = new Set(['core-dumped', 'segfault', 'trap', 'process-killed']);
const KERNEL_KINDS = new Set([
  'panic',
  'oops',
  'bug',
  'gpf',
  'soft-lockup',
  'hard-lockup',
  'hung-task',
  'rcu-stall',
  'mce',
]);

/** The boot whose span holds ts (start ≤ ts < next start). */
function bootOf(boots: readonly BootJson[], ts: number | null): CrashArtefact['boot'] {
  if (ts === null) return null;
  const starts = boots
    .map((b) => Date.parse(b.start))
    .map((t, index) => ({ t, index }))
    .sort((x, y) => x.t - y.t);
  let found: { t: number; index: number } | null = null;
  for (const s of starts) if (s.t <= ts) found = s;
  return found ? { index: found.index, start: boots[found.index]!.start } : null;
}

function pidOf(i: Incident): number | undefined {
  const d = i.details;
  if (d.type === 'death' || d.type === 'segfault') return d.pid;
  if (d.type === 'kernel') return d.pid;
  return undefined;
}

function commOf(i: Incident): string | undefined {
  const d = i.details;
  return d.type === 'death' || d.type === 'segfault' ? d.comm : undefined;
}

/** Links each artefact to its boot and to the incidents it explains; a core links its death back. */
function link(input: ArtefactInput, out: CrashArtefact[]): void {
  for (const a of out) {
    a.boot = bootOf(input.boots, a.ts);
    const explains = a.explains ?? [];
    const seen = new Set(explains.map((e) => `${e.line.sourceId}:${e.line.lineNo}`));
    const add = (i: Incident): void => {
      const k = `${i.line.sourceId}:${i.line.lineNo}`;
      if (seen.has(k)) return;
      seen.add(k);
      explains.push({ kind: i.kind, signature: i.signature, line: i.line });
    };
    for (const i of input.incidents) {
      if (a.kind === 'kdump-dir' || a.kind === 'crash-session') {
        // a panic or hang in the logs shortly before the dump directory's stamp
        if (
          KERNEL_KINDS.has(i.kind) &&
          a.ts !== null &&
          i.lastTs !== null &&
          a.ts - i.lastTs >= -120_000 &&
          a.ts - i.lastTs <= 30 * 60_000
        )
          add(i);
        continue;
      }
      if (a.kind === 'gdb-backtrace') {
        // gdb names the program, not its pid: a death or fault of that program is what it shows.
        if (PROCESS_KINDS.has(i.kind) && a.executable !== undefined && commOf(i) === baseOf(a.executable))
          add(i);
        continue;
      }
      if (!PROCESS_KINDS.has(i.kind) || a.pid === undefined || pidOf(i) !== a.pid) continue;
      const near = a.ts === null || i.ts === null || Math.abs(a.ts - i.ts) <= 24 * 3600_000;
      if (!near) continue;
      add(i);
      if (i.details.type === 'death' && !i.details.coreArtefact && a.kind !== 'coredump')
        i.details.coreArtefact = a.path;
    }
    a.explains = explains;
  }
}

export function findCrashArtefacts(input: ArtefactInput): CrashArtefact[] {
  const out: CrashArtefact[] = [];
  kdumpDirs(input, out);
  coreFiles(input, out);
  coredumpctl(input, out);
  apport(input, out);
  abrt(input, out);
  journalCores(input, out);
  sessionArtefacts(input, out);
  link(input, out);
  return out.sort((a, b) => (a.ts ?? Infinity) - (b.ts ?? Infinity));
}
