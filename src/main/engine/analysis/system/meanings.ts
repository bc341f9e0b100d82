/**
 * Plain-language readings (English and zh-CN) of the settings that decide what a machine leaves
 * behind after an OOM, a hang or a crash. Semantics from the kernel's sysctl documentation.
 */
import type { Bilingual, SystemFactKey } from '../../../../shared/model/incident';
import { decodeTaintMask } from '../kernel/taint';

export const UNKNOWN: Bilingual = { en: 'unknown (not in the archive)', zh: '未知(归档中没有)' };

function n(value: string): number | null {
  const x = Number(value.trim());
  return Number.isFinite(x) ? x : null;
}

type Reader = (value: string) => Bilingual;

const READERS: Partial<Record<SystemFactKey, Reader>> = {
  'vm.panic_on_oom': (v) => {
    const x = n(v);
    if (x === 0)
      return {
        en: 'panic_on_oom=0: on out-of-memory the kernel kills a process (OOM killer) instead of panicking',
        zh: 'panic_on_oom=0:内存耗尽时内核调用OOM killer杀掉进程,而不是panic',
      };
    if (x === 1)
      return {
        en: 'panic_on_oom=1: a system-wide OOM panics the kernel (cpuset/mempolicy/memcg-limited OOMs still kill a process)',
        zh: 'panic_on_oom=1:全局内存耗尽时内核panic(受cpuset/mempolicy/memcg限制的OOM仍然杀进程)',
      };
    if (x === 2)
      return {
        en: 'panic_on_oom=2: every OOM, even a constrained one, panics the kernel',
        zh: 'panic_on_oom=2:任何OOM(包括受限的)都强制内核panic',
      };
    return { en: `panic_on_oom=${v}: unexpected value`, zh: `panic_on_oom=${v}:非预期的值` };
  },
  'vm.overcommit_memory': (v) => {
    const x = n(v);
    if (x === 0)
      return {
        en: 'overcommit_memory=0: heuristic overcommit; obviously excessive allocations fail, the rest may later meet the OOM killer',
        zh: 'overcommit_memory=0:启发式过量分配;明显过大的申请被拒绝,其余的申请在内存真正耗尽时可能触发OOM killer',
      };
    if (x === 1)
      return {
        en: 'overcommit_memory=1: always overcommit; allocations never fail up front, so memory exhaustion is met by the OOM killer',
        zh: 'overcommit_memory=1:总是允许过量分配;申请从不预先失败,内存耗尽时由OOM killer处理',
      };
    if (x === 2)
      return {
        en: 'overcommit_memory=2: strict accounting; allocations beyond CommitLimit (swap + RAM × overcommit_ratio%) fail with ENOMEM',
        zh: 'overcommit_memory=2:严格记账;超过CommitLimit(swap + 内存×overcommit_ratio%)的申请直接失败(ENOMEM)',
      };
    return { en: `overcommit_memory=${v}: unexpected value`, zh: `overcommit_memory=${v}:非预期的值` };
  },
  'vm.overcommit_ratio': (v) => ({
    en: `overcommit_ratio=${v}: with overcommit_memory=2, ${v}% of RAM counts toward CommitLimit`,
    zh: `overcommit_ratio=${v}:当overcommit_memory=2时,内存的${v}%计入CommitLimit`,
  }),
  'vm.oom_kill_allocating_task': (v) =>
    n(v) === 0
      ? {
          en: 'oom_kill_allocating_task=0: the OOM killer picks the task with the highest badness score',
          zh: 'oom_kill_allocating_task=0:OOM killer选择得分(badness)最高的进程',
        }
      : {
          en: `oom_kill_allocating_task=${v}: the OOM killer kills the task whose allocation failed`,
          zh: `oom_kill_allocating_task=${v}:OOM killer直接杀掉触发分配失败的进程`,
        },
  'vm.oom_dump_tasks': (v) =>
    n(v) === 0
      ? {
          en: 'oom_dump_tasks=0: OOM reports do not list the tasks and their memory',
          zh: 'oom_dump_tasks=0:OOM报告中不列出进程及其内存',
        }
      : {
          en: `oom_dump_tasks=${v}: OOM reports list every task with its memory use`,
          zh: `oom_dump_tasks=${v}:OOM报告列出所有进程及其内存使用`,
        },
  'kernel.panic': (v) => {
    const x = n(v);
    if (x === 0)
      return {
        en: 'kernel.panic=0: after a panic the machine stays halted (no automatic reboot)',
        zh: 'kernel.panic=0:panic后系统停住,不自动重启',
      };
    if (x !== null && x < 0)
      return {
        en: `kernel.panic=${v}: the machine reboots immediately after a panic`,
        zh: `kernel.panic=${v}:panic后立即重启`,
      };
    return {
      en: `kernel.panic=${v}: the machine reboots ${v} s after a panic`,
      zh: `kernel.panic=${v}:panic后${v}秒自动重启`,
    };
  },
  'kernel.panic_on_oops': (v) =>
    n(v) === 0
      ? {
          en: 'panic_on_oops=0: after an oops the kernel kills the task and tries to carry on (no vmcore)',
          zh: 'panic_on_oops=0:oops后内核杀掉当前任务并尝试继续运行(不产生vmcore)',
        }
      : {
          en: `panic_on_oops=${v}: an oops panics the kernel (kdump, if loaded, then saves a vmcore)`,
          zh: `panic_on_oops=${v}:oops会导致内核panic(若kdump已加载则保存vmcore)`,
        },
  'kernel.hung_task_panic': (v) =>
    n(v) === 0
      ? {
          en: 'hung_task_panic=0: a task blocked longer than hung_task_timeout_secs is only reported, the kernel does not panic',
          zh: 'hung_task_panic=0:任务阻塞超过hung_task_timeout_secs时只打印告警,不panic',
        }
      : {
          en: `hung_task_panic=${v}: a hung task panics the kernel (kdump then saves a vmcore)`,
          zh: `hung_task_panic=${v}:出现hung task时内核panic(kdump随后保存vmcore)`,
        },
  'kernel.hung_task_timeout_secs': (v) =>
    n(v) === 0
      ? {
          en: 'hung_task_timeout_secs=0: hung-task detection is off',
          zh: 'hung_task_timeout_secs=0:hung task检测已关闭',
        }
      : {
          en: `hung_task_timeout_secs=${v}: tasks blocked (state D) longer than ${v} s are reported`,
          zh: `hung_task_timeout_secs=${v}:D状态超过${v}秒的任务会被报告`,
        },
  'kernel.softlockup_panic': (v) =>
    n(v) === 0
      ? {
          en: 'softlockup_panic=0: a soft lockup is only reported, the kernel does not panic',
          zh: 'softlockup_panic=0:soft lockup只打印告警,不panic',
        }
      : {
          en: `softlockup_panic=${v}: a soft lockup panics the kernel (kdump then saves a vmcore)`,
          zh: `softlockup_panic=${v}:soft lockup会导致内核panic(kdump随后保存vmcore)`,
        },
  'kernel.core_pattern': (v) => {
    if (v.startsWith('|')) {
      const helper = v.slice(1).trim().split(/\s+/)[0] ?? '';
      return {
        en: `core_pattern pipes cores to ${helper} (look in its store: coredumpctl, /var/crash, /var/spool/abrt)`,
        zh: `core_pattern将core交给${helper}处理(到其存储位置查找:coredumpctl、/var/crash、/var/spool/abrt)`,
      };
    }
    return {
      en: `core_pattern=${v}: core files are written as ${v} (relative names land in the crashing process's working directory)`,
      zh: `core_pattern=${v}:core文件按${v}生成(相对路径写到进程的当前工作目录)`,
    };
  },
  'kernel.core_uses_pid': (v) =>
    n(v) === 0
      ? {
          en: 'core_uses_pid=0: core files are not suffixed with the PID (a plain "core" is overwritten by the next one)',
          zh: 'core_uses_pid=0:core文件名不加PID(统一叫core,会被下一个覆盖)',
        }
      : {
          en: `core_uses_pid=${v}: ".PID" is appended to core file names when core_pattern has no %p`,
          zh: `core_uses_pid=${v}:core_pattern不含%p时,core文件名追加.PID`,
        },
  'kernel.tainted': (v) => {
    const x = n(v);
    if (x === 0) return { en: 'tainted=0: the kernel is not tainted', zh: 'tainted=0:内核未被污染' };
    const d = decodeTaintMask(x ?? 0);
    const list = d.flags.map((f) => `${f.letter} (${f.meaning})`).join(', ');
    return {
      en: `tainted=${v}: ${list}${d.unknown.length ? `, ${d.unknown.join(', ')}` : ''}`,
      zh: `tainted=${v}:${d.flags.map((f) => f.letter).join('')}(${list})`,
    };
  },
};

export function meaningOf(key: SystemFactKey, value: string): Bilingual {
  const r = READERS[key];
  return r ? r(value) : { en: `${key}=${value}`, zh: `${key}=${value}` };
}
