/**
 * Linux signals with the numbers that differ by architecture (x86/ARM/most, Alpha/SPARC,
 * MIPS: the columns of signal(7) and of the seed's table), their default action, and the
 * decoding of `status=9/KILL`, `code=dumped, status=11/SEGV` and shell/container exit 128+N.
 */
import type { SignalInfo } from '../../../../shared/model/incident';

type Row = [
  name: string,
  x86: number | null,
  alpha: number | null,
  mips: number | null,
  action: SignalInfo['action'],
  en: string,
  zh: string,
];

const ROWS: Row[] = [
  [
    'SIGHUP',
    1,
    1,
    1,
    'term',
    'hangup of the controlling terminal or death of the controlling process',
    '终端挂起或者控制进程终止',
  ],
  ['SIGINT', 2, 2, 2, 'term', 'interrupt from the keyboard', '键盘中断'],
  ['SIGQUIT', 3, 3, 3, 'core', 'quit from the keyboard', '键盘的退出键被按下'],
  ['SIGILL', 4, 4, 4, 'core', 'illegal instruction', '非法指令'],
  ['SIGTRAP', 5, 5, 5, 'core', 'trace/breakpoint trap', '跟踪/断点陷阱'],
  ['SIGABRT', 6, 6, 6, 'core', 'abort signal from abort(3)', '由abort(3)发出的退出指令'],
  ['SIGBUS', 7, 10, 10, 'core', 'bus error (bad memory access)', '总线错误(错误的内存访问)'],
  ['SIGEMT', null, 7, 7, 'term', 'emulator trap', '模拟器陷阱'],
  ['SIGFPE', 8, 8, 8, 'core', 'floating-point exception', '浮点异常'],
  ['SIGKILL', 9, 9, 9, 'term', 'kill signal', 'Kill信号'],
  ['SIGUSR1', 10, 30, 16, 'term', 'user-defined signal 1', '用户自定义信号1'],
  ['SIGSEGV', 11, 11, 11, 'core', 'invalid memory reference', '无效的内存引用'],
  ['SIGUSR2', 12, 31, 17, 'term', 'user-defined signal 2', '用户自定义信号2'],
  [
    'SIGPIPE',
    13,
    13,
    13,
    'term',
    'broken pipe: write to a pipe with no readers',
    '管道破裂: 写一个没有读端口的管道',
  ],
  ['SIGALRM', 14, 14, 14, 'term', 'timer signal from alarm(2)', '由alarm(2)发出的信号'],
  ['SIGTERM', 15, 15, 15, 'term', 'termination signal', '终止信号'],
  ['SIGSTKFLT', 16, null, null, 'term', 'stack fault on coprocessor (unused)', '协处理器栈错误(未使用)'],
  ['SIGCHLD', 17, 20, 18, 'ign', 'child stopped or terminated', '子进程结束信号'],
  ['SIGCONT', 18, 19, 25, 'cont', 'continue if stopped', '进程继续(曾被停止的进程)'],
  ['SIGSTOP', 19, 17, 23, 'stop', 'stop process', '停止进程'],
  ['SIGTSTP', 20, 18, 24, 'stop', 'stop typed at the terminal', '控制终端(tty)上按下停止键'],
  ['SIGTTIN', 21, 21, 26, 'stop', 'terminal input for a background process', '后台进程企图从控制终端读'],
  ['SIGTTOU', 22, 22, 27, 'stop', 'terminal output for a background process', '后台进程企图从控制终端写'],
  ['SIGURG', 23, 16, 21, 'ign', 'urgent condition on a socket', '套接字上的紧急情况'],
  ['SIGXCPU', 24, 24, 30, 'core', 'CPU time limit exceeded', '超过CPU时间限制'],
  ['SIGXFSZ', 25, 25, 31, 'core', 'file size limit exceeded', '超过文件大小限制'],
  ['SIGVTALRM', 26, 26, 28, 'term', 'virtual alarm clock', '虚拟时钟信号'],
  ['SIGPROF', 27, 27, 29, 'term', 'profiling timer expired', '性能分析定时器到期'],
  ['SIGWINCH', 28, 28, 20, 'ign', 'window resize', '窗口大小改变'],
  ['SIGIO', 29, 23, 22, 'term', 'I/O now possible', '可以进行I/O'],
  ['SIGPWR', 30, 29, 19, 'term', 'power failure', '电源故障'],
  ['SIGSYS', 31, 12, 12, 'core', 'bad system call', '错误的系统调用'],
];

const ALIASES: Record<string, string> = {
  SIGIOT: 'SIGABRT',
  SIGPOLL: 'SIGIO',
  SIGCLD: 'SIGCHLD',
  SIGUNUSED: 'SIGSYS',
};

const ACTION_ZH: Record<SignalInfo['action'], string> = {
  term: '缺省的动作是终止进程',
  ign: '缺省的动作是忽略此信号',
  core: '缺省的动作是终止进程并进行内核映像转储(dump core)',
  stop: '缺省的动作是停止进程',
  cont: '缺省的动作是继续进程',
};

const ACTION_EN: Record<SignalInfo['action'], string> = {
  term: 'default action: terminate',
  ign: 'default action: ignore',
  core: 'default action: terminate and dump core',
  stop: 'default action: stop',
  cont: 'default action: continue',
};

function toInfo(r: Row): SignalInfo {
  const uncatchable = r[0] === 'SIGKILL' || r[0] === 'SIGSTOP';
  const tail = uncatchable ? '; cannot be caught, blocked or ignored' : '';
  const tailZh = uncatchable ? ';信号不能被捕获,不能被忽略' : '';
  return {
    name: r[0],
    number: r[1],
    alphaSparc: r[2],
    mips: r[3],
    action: r[4],
    uncatchable,
    dumpsCore: r[4] === 'core',
    meaning: { en: `${r[5]} (${ACTION_EN[r[4]]}${tail})`, zh: `${r[6]}(${ACTION_ZH[r[4]]}${tailZh})` },
  };
}

export const SIGNALS: readonly SignalInfo[] = ROWS.map(toInfo);

export type SignalNumbering = 'x86' | 'alpha' | 'mips';

/** A signal by its number; x86/ARM/most numbering unless the machine is Alpha/SPARC or MIPS. */
export function signalByNumber(n: number, numbering: SignalNumbering = 'x86'): SignalInfo | undefined {
  if (numbering === 'alpha') return SIGNALS.find((s) => s.alphaSparc === n);
  if (numbering === 'mips') return SIGNALS.find((s) => s.mips === n);
  return SIGNALS.find((s) => s.number === n);
}

/** A signal by name: `KILL`, `SIGKILL`, `SEGV`, `SIGIOT`. */
export function signalByName(name: string): SignalInfo | undefined {
  let n = name.toUpperCase();
  if (!n.startsWith('SIG')) n = `SIG${n}`;
  n = ALIASES[n] ?? n;
  return SIGNALS.find((s) => s.name === n);
}

export interface ExitDecode {
  status: number;
  signal?: SignalInfo;
  /** Says how the signal was read: shells and container runtimes report death by signal N as 128+N. */
  note: string;
}

/** Exit status 128+N is how shells, docker and kubelet report a process killed by signal N. */
export function decodeExitStatus(status: number, numbering: SignalNumbering = 'x86'): ExitDecode {
  if (status > 128 && status < 128 + 65) {
    const sig = signalByNumber(status - 128, numbering);
    if (sig) {
      return {
        status,
        signal: sig,
        note: `exit status ${status} read as 128+${status - 128} = ${sig.name} (inferred from the shell/runtime convention)`,
      };
    }
  }
  return { status, note: `exit status ${status}: the process exited by itself` };
}
