/**
 * System facts from the files of an archive: sysctl -a, proc/sys/** one-value files, meminfo,
 * proc/swaps, limits.conf, kdump configuration, proc/cmdline, kexec_crash_loaded, pstore,
 * uname. Every fact cites its line; a fact the archive does not hold is unknown, never assumed.
 */
import {
  DERIVED_FACT_KEYS,
  SYSCTL_FACT_KEYS,
  type Bilingual,
  type SystemFact,
  type SystemFactKey,
} from '../../../../shared/model/incident';
import { evidenceOf, type Evidence, type RecordLine } from '../../../../shared/model/log';
import { parseMeminfo } from '../../formats/meminfo';
import { parseSysctl, sysctlKeyFromPath } from '../../formats/sysctl';
import { UNKNOWN, meaningOf } from './meanings';

export interface SystemFile {
  /** Path inside the archive (e.g. `sos_commands/kernel/sysctl_-a`, `proc/sys/vm/panic_on_oom`). */
  path: string;
  lines: RecordLine[];
}

export interface SystemHints {
  /** `Total swap = NkB` from an OOM report, when the archive has one. */
  swapFromOom?: { totalSwapKb: number; evidence: Evidence };
}

const SYSCTL_KEYS: readonly SystemFactKey[] = SYSCTL_FACT_KEYS;

export const ALL_FACT_KEYS: SystemFactKey[] = [...SYSCTL_FACT_KEYS, ...DERIVED_FACT_KEYS];

type Found = { value: string; meaning: Bilingual; from: string; evidence: Evidence[]; inferred?: boolean };

function text(f: SystemFile): string {
  return f.lines.map((l) => l.text).join('\n');
}

function isSysctlDump(path: string): boolean {
  return /(?:^|\/)sysctl[_ ]-a$/.test(path) || /(?:^|\/)sysctl_-a$/.test(path);
}

function limitsCore(f: SystemFile, found: Map<SystemFactKey, Found>): void {
  for (const l of f.lines) {
    const m = /^\s*(\S+)\s+(soft|hard|-)\s+core\s+(\S+)/.exec(l.text);
    if (!m) continue;
    const [, domain, type, value] = m;
    // The soft limit (or "-", both) is what a crashing process gets; a later line overrides an earlier one.
    if (type === 'hard' && found.has('core-size-limit')) continue;
    const v = value!;
    const meaning: Bilingual =
      v === '0'
        ? {
            en: `limits.conf: ${domain} ${type} core 0 — core dumps are off for these users`,
            zh: `limits.conf:${domain} ${type} core 0 —— 这些用户的core dump被关闭`,
          }
        : v === 'unlimited' || v === 'infinity' || v === '-1'
          ? {
              en: `limits.conf: ${domain} ${type} core unlimited — core files are not size-limited`,
              zh: `limits.conf:${domain} ${type} core unlimited —— core文件大小不受限制`,
            }
          : {
              en: `limits.conf: ${domain} ${type} core ${v} KB — larger cores are truncated`,
              zh: `limits.conf:${domain} ${type} core ${v} KB —— 超过的core会被截断`,
            };
    found.set('core-size-limit', {
      value: v,
      meaning,
      from: f.path,
      evidence: [evidenceOf(l, 'core limit')],
    });
  }
}

export function collectSystemFacts(files: readonly SystemFile[], hints: SystemHints = {}): SystemFact[] {
  const found = new Map<SystemFactKey, Found>();
  const put = (
    key: SystemFactKey,
    value: string,
    from: string,
    line: RecordLine | undefined,
    meaning?: Bilingual,
  ): void => {
    // A one-value proc/sys file is read on the machine itself: it wins over a sysctl -a line.
    if (found.has(key) && !from.includes('proc/sys/')) return;
    found.set(key, {
      value,
      meaning: meaning ?? meaningOf(key, value),
      from,
      evidence: line ? [evidenceOf(line, key)] : [],
    });
  };
  for (const f of files) {
    const path = f.path.replace(/\\/g, '/');
    if (isSysctlDump(path)) {
      for (const e of parseSysctl(text(f))) {
        if ((SYSCTL_KEYS as string[]).includes(e.key))
          put(e.key as SystemFactKey, e.value, 'sysctl -a', f.lines[e.lineNo - 1]);
      }
      continue;
    }
    const key = sysctlKeyFromPath(path);
    if (key !== null) {
      const first = f.lines.find((l) => l.text.trim() !== '');
      if (first && (SYSCTL_KEYS as string[]).includes(key))
        put(key as SystemFactKey, first.text.trim(), path, first);
      continue;
    }
    if (/(?:^|\/)proc\/meminfo$/.test(path)) {
      const mi = parseMeminfo(text(f)).SwapTotal;
      if (mi) {
        const v = String(mi.value);
        put(
          'swap',
          v,
          path,
          f.lines[mi.lineNo - 1],
          mi.value === 0
            ? { en: 'SwapTotal 0 kB: no swap configured', zh: 'SwapTotal 0 kB:未配置swap' }
            : { en: `SwapTotal ${v} kB of swap configured`, zh: `已配置swap ${v} kB` },
        );
      }
      continue;
    }
    if (/(?:^|\/)proc\/swaps$/.test(path)) {
      const rows = f.lines.filter((l) => l.text.trim() !== '' && !l.text.startsWith('Filename'));
      if (!found.has('swap')) {
        put(
          'swap',
          rows.length === 0 ? '0' : `${rows.length} device(s)`,
          path,
          rows[0] ?? f.lines[0],
          rows.length === 0
            ? { en: '/proc/swaps lists no swap device: no swap', zh: '/proc/swaps中没有swap设备:未配置swap' }
            : { en: `${rows.length} swap device(s) active`, zh: `${rows.length}个swap设备已启用` },
        );
      }
      continue;
    }
    if (/(?:^|\/)etc\/security\/limits(?:\.conf|\.d\/[^/]+\.conf)$/.test(path)) {
      limitsCore(f, found);
      continue;
    }
    if (/(?:^|\/)proc\/cmdline$/.test(path)) {
      const line = f.lines[0];
      if (!line) continue;
      const m = /(?:^|\s)crashkernel=(\S+)/.exec(line.text);
      if (m)
        put('crashkernel', m[1]!, path, line, {
          en: `crashkernel=${m[1]}: memory is reserved for the kdump capture kernel`,
          zh: `crashkernel=${m[1]}:已为kdump捕获内核预留内存`,
        });
      else
        put('crashkernel', 'absent', path, line, {
          en: 'no crashkernel= on the kernel command line: kdump has no memory reserved and cannot capture a vmcore',
          zh: '内核命令行没有crashkernel=:kdump没有预留内存,无法生成vmcore',
        });
      continue;
    }
    if (/(?:^|\/)sys\/kernel\/kexec_crash_loaded$/.test(path)) {
      const line = f.lines[0];
      if (!line) continue;
      const v = line.text.trim();
      put(
        'kexec_crash_loaded',
        v,
        path,
        line,
        v === '1'
          ? {
              en: 'kexec_crash_loaded=1: a kdump capture kernel is loaded; a panic will save a vmcore',
              zh: 'kexec_crash_loaded=1:kdump捕获内核已加载,panic时会保存vmcore',
            }
          : {
              en: 'kexec_crash_loaded=0: no capture kernel is loaded; a panic leaves no vmcore',
              zh: 'kexec_crash_loaded=0:未加载捕获内核,panic时不会生成vmcore',
            },
      );
      continue;
    }
    if (/(?:^|\/)etc\/default\/kdump-tools$/.test(path)) {
      const line = f.lines.find((l) => /^\s*USE_KDUMP=/.test(l.text));
      if (line) {
        const on = /=\s*"?1/.test(line.text);
        put(
          'kdump',
          on ? 'enabled' : 'disabled',
          path,
          line,
          on
            ? { en: 'kdump-tools enabled (USE_KDUMP=1)', zh: 'kdump-tools已启用(USE_KDUMP=1)' }
            : { en: 'kdump-tools disabled (USE_KDUMP=0)', zh: 'kdump-tools未启用(USE_KDUMP=0)' },
        );
      }
      continue;
    }
    if (/(?:^|\/)etc\/kdump\.conf$/.test(path)) {
      const line = f.lines.find((l) => /^\s*(?:path|core_collector|nfs|ssh|raw|ext4|xfs)\s/.test(l.text));
      put('kdump', 'configured', path, line ?? f.lines[0], {
        en: 'kdump is configured (/etc/kdump.conf present); whether it is loaded is a separate fact',
        zh: 'kdump已配置(存在/etc/kdump.conf);是否已加载是另一个事实',
      });
      continue;
    }
    if (/kdump-config_show$/.test(path)) {
      const line = f.lines.find((l) => /current state:/.test(l.text));
      if (line) {
        const ready = /ready to kdump/.test(line.text);
        put(
          'kdump',
          ready ? 'ready' : line.text.replace(/.*current state:\s*/, '').trim(),
          path,
          line,
          ready
            ? { en: 'kdump-config: ready to kdump', zh: 'kdump-config:已就绪(ready to kdump)' }
            : { en: `kdump-config: ${line.text.trim()}`, zh: `kdump-config:${line.text.trim()}` },
        );
      }
      continue;
    }
    if (/(?:^|\/)sys\/fs\/pstore\/[^/]+$/.test(path) || /(?:^|\/)var\/lib\/systemd\/pstore\/.+/.test(path)) {
      put('pstore', 'records present', path, f.lines[0], {
        en: `pstore holds records of an earlier crash (${path})`,
        zh: `pstore中有之前崩溃的记录(${path})`,
      });
      continue;
    }
    if (/(?:^|\/)uname(?:_-a)?$/.test(path)) {
      const line = f.lines[0];
      const m = line ? /^Linux \S+ (\S+)/.exec(line.text) : null;
      if (m && line) put('kernel-release', m[1]!, path, line, { en: `kernel ${m[1]}`, zh: `内核 ${m[1]}` });
    }
  }
  if (!found.has('swap') && hints.swapFromOom) {
    const kb = hints.swapFromOom.totalSwapKb;
    found.set('swap', {
      value: String(kb),
      meaning:
        kb === 0
          ? {
              en: 'no swap (inferred from the OOM report: Total swap = 0kB)',
              zh: '没有swap(由OOM报告中的Total swap = 0kB推断)',
            }
          : { en: `${kb} kB of swap (inferred from the OOM report)`, zh: `swap ${kb} kB(由OOM报告推断)` },
      from: 'OOM report',
      evidence: [hints.swapFromOom.evidence],
      inferred: true,
    });
  }
  return ALL_FACT_KEYS.map((key) => {
    const f = found.get(key);
    if (!f) return { key, value: null, known: false, meaning: UNKNOWN, evidence: [] };
    const fact: SystemFact = {
      key,
      value: f.value,
      known: true,
      meaning: f.meaning,
      from: f.from,
      evidence: f.evidence,
    };
    if (f.inferred) fact.inferred = true;
    return fact;
  });
}
