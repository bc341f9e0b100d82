/**
 * Recommendations tied to what an incident left missing: no vmcore of a hang, no swap under an
 * OOM, no core of a dead process, lost log lines. Each names the facts and incidents it rests on.
 */
import { lossReporterZh } from '../crashes/floods';
import type {
  CrashArtefact,
  Incident,
  Recommendation,
  SystemFact,
  SystemFactKey,
} from '../../../../shared/model/incident';
import type { Evidence } from '../../../../shared/model/log';

export interface RecommendInput {
  facts: readonly SystemFact[];
  incidents: readonly Incident[];
  /** The OOM-killer reports found (by the OOM analyser), with the lines of their kills. */
  oom?: { evidence: Evidence[] };
  artefacts?: readonly CrashArtefact[];
  /** The machine hung or died without a panic (e.g. the reboot analyser saw an unclean end). */
  hang?: { reason: string; evidence: Evidence[] };
}

const HANG_KINDS = new Set(['hung-task', 'soft-lockup', 'hard-lockup', 'rcu-stall']);
const KERNEL_DEATH_KINDS = new Set(['panic', 'oops', 'bug', 'gpf', 'mce']);

function fact(facts: readonly SystemFact[], key: SystemFactKey): SystemFact | undefined {
  return facts.find((f) => f.key === key);
}

function value(facts: readonly SystemFact[], key: SystemFactKey): string | null {
  const f = fact(facts, key);
  return f?.known ? f.value : null;
}

function ev(facts: readonly SystemFact[], keys: SystemFactKey[]): Evidence[] {
  return keys.flatMap((k) => fact(facts, k)?.evidence ?? []);
}

function state(facts: readonly SystemFact[], key: SystemFactKey): string {
  const v = value(facts, key);
  return v === null ? `${key} unknown (not in the archive)` : `${key}=${v}`;
}

function stateZh(facts: readonly SystemFact[], key: SystemFactKey): string {
  const v = value(facts, key);
  return v === null ? `${key}未知(归档中没有)` : `${key}=${v}`;
}

/** A log-loss incident in Chinese, from its structured details (the summary is English). */
function lossZh(i: Incident): string {
  const d = i.details;
  if (d.type !== 'log-loss') return i.summary;
  const where = `${i.source}:${i.line.lineNo}`;
  return `${lossReporterZh(d.reporter)}丢失了 ${d.lost} 条消息(${where})`;
}

export function recommend(input: RecommendInput): Recommendation[] {
  const { facts, incidents } = input;
  const artefacts = input.artefacts ?? [];
  const out: Recommendation[] = [];
  const hangIncidents = incidents.filter((i) => HANG_KINDS.has(i.kind));
  const kernelDeaths = incidents.filter((i) => KERNEL_DEATH_KINDS.has(i.kind));
  const hang = input.hang !== undefined || hangIncidents.length > 0;
  const hangEvidence = [...(input.hang?.evidence ?? []), ...hangIncidents.map((i) => i.line)];
  const hasVmcore = artefacts.some(
    (a) => a.kind === 'vmcore' || (a.kind === 'kdump-dir' && a.completeness !== 'missing'),
  );
  const kdumpEvidenced =
    value(facts, 'kexec_crash_loaded') === '1' ||
    (value(facts, 'crashkernel') !== null && value(facts, 'crashkernel') !== 'absent') ||
    /^(ready|enabled|configured)$/.test(value(facts, 'kdump') ?? '');

  if ((hang || kernelDeaths.length > 0) && !hasVmcore) {
    const keys: SystemFactKey[] = ['crashkernel', 'kexec_crash_loaded', 'kdump'];
    out.push({
      id: 'no-vmcore',
      severity: 'important',
      title: { en: 'The incident left no vmcore', zh: '本次故障没有留下vmcore' },
      text: {
        en: `No vmcore is in the archive${kdumpEvidenced ? '' : ' and kdump is not evidenced'} (${keys.map((k) => state(facts, k)).join('; ')}). Reserve memory with crashkernel=, enable the kdump service and check that /sys/kernel/kexec_crash_loaded is 1, so the next crash can be analysed with crash(8).`,
        zh: `归档中没有vmcore${kdumpEvidenced ? '' : ',也没有kdump已启用的证据'}(${keys.map((k) => stateZh(facts, k)).join(';')})。请用crashkernel=预留内存、启用kdump服务并确认/sys/kernel/kexec_crash_loaded为1,以便下次崩溃时用crash工具分析vmcore。`,
      },
      because: [
        ...keys,
        ...(input.hang ? ['hang'] : []),
        ...new Set([...hangIncidents, ...kernelDeaths].map((i) => i.kind)),
      ],
      evidence: [...hangEvidence, ...kernelDeaths.map((i) => i.line), ...ev(facts, keys)],
    });
  }

  if (hang) {
    const htp = value(facts, 'kernel.hung_task_panic');
    const slp = value(facts, 'kernel.softlockup_panic');
    if (htp !== '1' || slp !== '1') {
      const keys: SystemFactKey[] = [
        'kernel.hung_task_panic',
        'kernel.softlockup_panic',
        'kernel.hung_task_timeout_secs',
      ];
      out.push({
        id: 'hang-to-vmcore',
        severity: 'important',
        title: { en: 'Turn the next hang into a vmcore', zh: '让下一次夯死生成vmcore' },
        text: {
          en: `The machine hung without panicking (${keys.map((k) => state(facts, k)).join('; ')}). With kdump loaded, kernel.hung_task_panic=1 and kernel.softlockup_panic=1 (and kernel.panic=N to reboot afterwards) make the kernel panic on a hung task or soft lockup, so the next hang produces a vmcore instead of needing a forced reset.`,
          zh: `系统夯死但没有panic(${keys.map((k) => stateZh(facts, k)).join(';')})。在kdump已加载的前提下,设置kernel.hung_task_panic=1和kernel.softlockup_panic=1(再配合kernel.panic=N自动重启),出现hung task或soft lockup时内核会panic,下次夯死就会生成vmcore,而不必强制重启。`,
        },
        because: [...keys, ...(input.hang ? ['hang'] : []), ...new Set(hangIncidents.map((i) => i.kind))],
        evidence: [...hangEvidence, ...ev(facts, keys)],
      });
    }
    if (value(facts, 'pstore') === null) {
      out.push({
        id: 'pstore',
        severity: 'info',
        title: { en: 'Keep the last kernel messages across a reset', zh: '在强制重启后保留最后的内核日志' },
        text: {
          en: 'No pstore records are in the archive (pstore unknown (not in the archive)). With pstore (efi-pstore or ramoops) and systemd-pstore, the kernel log of a panic survives the reboot in /var/lib/systemd/pstore.',
          zh: '归档中没有pstore记录(pstore未知(归档中没有))。启用pstore(efi-pstore或ramoops)和systemd-pstore后,panic时的内核日志在重启后会保存在/var/lib/systemd/pstore。',
        },
        because: ['pstore', 'hang'],
        evidence: hangEvidence,
      });
    }
  }

  const swap = fact(facts, 'swap');
  if (input.oom && swap?.known && swap.value === '0') {
    out.push({
      id: 'no-swap',
      severity: 'warning',
      title: { en: 'The OOM hit a machine without swap', zh: 'OOM发生时系统没有swap' },
      text: {
        en: `${swap.meaning.en}. With no swap, anonymous memory cannot be paged out and the OOM killer fires as soon as RAM runs out. Size memory (or container limits) for the workload, or add swap to absorb peaks.`,
        zh: `${swap.meaning.zh}。没有swap时匿名内存无法换出,内存一耗尽就触发OOM killer。请按业务需要调整内存(或容器限制),或增加swap缓冲峰值。`,
      },
      because: ['swap', 'oom'],
      evidence: [...swap.evidence, ...input.oom.evidence],
    });
  }

  const deaths = incidents.filter(
    (i) =>
      i.kind === 'process-killed' || i.kind === 'core-dumped' || i.kind === 'segfault' || i.kind === 'trap',
  );
  const hasCore = artefacts.some(
    (a) => a.kind === 'coredump' || a.kind === 'apport' || a.kind === 'abrt' || a.kind === 'core-file',
  );
  if ((deaths.length > 0 || input.oom) && !hasCore) {
    const limit = value(facts, 'core-size-limit');
    const pattern = value(facts, 'kernel.core_pattern');
    const off = limit === '0';
    const unknown = limit === null || pattern === null;
    if (off || unknown) {
      const keys: SystemFactKey[] = ['core-size-limit', 'kernel.core_pattern', 'kernel.core_uses_pid'];
      out.push({
        id: 'core-dumps',
        severity: 'warning',
        title: { en: 'No core file of the dead process', zh: '没有被终止进程的core文件' },
        text: {
          en: `Core dumps are ${off ? 'off' : 'not evidenced'} (${keys.map((k) => state(facts, k)).join('; ')}) and the archive holds no core, coredumpctl or apport report. A process killed by the OOM killer gets SIGKILL, which never dumps core; for crashes (SIGSEGV, SIGABRT, …) set a core size limit (LimitCORE= / limits.conf "* soft core unlimited") and a kernel.core_pattern with %e-%p-%t.`,
          zh: `core dump${off ? '已关闭' : '未确认开启'}(${keys.map((k) => stateZh(facts, k)).join(';')}),归档中也没有core文件、coredumpctl或apport报告。被OOM killer杀掉的进程收到的是SIGKILL,不会产生core;对于崩溃(SIGSEGV、SIGABRT等),请设置core大小限制(LimitCORE= 或 limits.conf中"* soft core unlimited")以及包含%e-%p-%t的kernel.core_pattern。`,
        },
        because: [...keys, ...new Set(deaths.map((i) => i.kind)), ...(input.oom ? ['oom'] : [])],
        evidence: [...deaths.map((i) => i.line), ...(input.oom?.evidence ?? []), ...ev(facts, keys)],
      });
    }
  }

  if (input.oom && value(facts, 'vm.oom_dump_tasks') === '0') {
    out.push({
      id: 'oom-dump-tasks',
      severity: 'info',
      title: { en: 'OOM reports without the task table', zh: 'OOM报告不含进程表' },
      text: {
        en: 'vm.oom_dump_tasks=0: set it to 1 so the next OOM report lists every task and its memory.',
        zh: 'vm.oom_dump_tasks=0:设为1后,下次OOM报告会列出所有进程及其内存。',
      },
      because: ['vm.oom_dump_tasks', 'oom'],
      evidence: ev(facts, ['vm.oom_dump_tasks']),
    });
  }

  const losses = incidents.filter((i) => i.kind === 'log-loss');
  if (losses.length > 0) {
    out.push({
      id: 'log-loss',
      severity: 'warning',
      title: { en: 'Log lines were lost around the incident', zh: '故障前后有日志丢失' },
      text: {
        en: `${losses.map((l) => l.summary).join('; ')}. Raise journald's RateLimitBurst/RateLimitIntervalSec (or rsyslog's imjournal/imuxsock rate limits) and read the journal itself, which may hold the lines syslog missed.`,
        zh: `${losses.map(lossZh).join(';')}。请调大journald的RateLimitBurst/RateLimitIntervalSec(或rsyslog的imjournal/imuxsock限速),并直接查看journal,其中可能有syslog缺失的日志。`,
      },
      because: ['log-loss'],
      evidence: losses.map((l) => l.line),
    });
  }
  return out;
}
