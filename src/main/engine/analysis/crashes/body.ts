/**
 * Which lines belong to the body of a kernel report (registers, call trace, module list,
 * stack words, lockdep/KASAN/RCU explanations) on any of x86-64, i386, arm64, arm, ppc64 and
 * s390x. A report ends at its end marker, at the next header, or at the first line that is none
 * of these: the kernel prints a report without interleaving unrelated text on the same CPU.
 */

/** A call-trace frame in any of the architectures' layouts. */
export const FRAME_RE =
  /^\s*\(?(?:\? )?(?:\[<?[0-9a-f]{6,}>?\] (?:\[[0-9a-f]{6,}\] )?)?(?:\? )?\(?\.?[\w.$]+(?:\+0x[0-9a-f]+\/0x[0-9a-f]+|\)\s+from\b)/;

const FIXED_PREFIXES = [
  'Call Trace:',
  'Call trace:',
  'Stack:',
  'Backtrace:',
  'backtrace:',
  'stack backtrace:',
  'Exception stack(',
  'Instruction dump:',
  'Code:',
  'Krnl Code:',
  'Modules linked in:',
  'Hardware name:',
  'Workqueue:',
  'task:',
  'Pid:',
  'Process ',
  'IP:',
  'PGD',
  'P4D',
  'PUD',
  'PMD',
  'PTE',
  '*pdpt',
  '*pde',
  'PC is at',
  'LR is at',
  'EIP is at',
  'pc :',
  'lr :',
  'sp :',
  'Mem abort info:',
  'Data abort info:',
  'user pgtable:',
  'Last Breaking-Event-Address:',
  'Function entered at',
  'INFO: lockdep is turned off',
  'irq event stamp:',
  'hardirqs last',
  'softirqs last',
  'Kernel Offset:',
  'Rebooting in',
  'Shutting down cpus',
  'Dumping ftrace',
  'Preemption disabled at:',
  '<IRQ>',
  '</IRQ>',
  '<NMI>',
  '</NMI>',
  '<TASK>',
  '</TASK>',
  '<EOI>',
  '<EOE>',
  '"echo 0 > /proc/sys/kernel/hung_task_timeout_secs"',
  'NMI backtrace for cpu',
  'Sending NMI from CPU',
  'rcu:',
  'RCU grace-period kthread',
  'Task dump for CPU',
  'Showing all locks held',
  'Showing busy workqueues',
  'note: ',
  'Fixing recursive fault',
  'Disabling lock debugging',
  'turning off the locking correctness validator',
  'Bank ',
  'mce:',
  'CPU: ',
  'Not tainted',
  'Tainted:',
  'SMP ',
  'Unable to handle kernel',
  'kasan:',
  'KASAN:',
  'ESR =',
  'EC =',
  'SET =',
  'EA =',
  'FSC =',
  'ISV =',
  'CM =',
  'Internal error:',
  'Oops:',
  'Memory state around',
  'The buggy address',
  'Allocated by task',
  'Freed by task',
  'Last potentially related',
  'Second to last potentially',
  'page:',
  'page dumped because',
  'flags:',
  'raw:',
  'which belongs to the cache',
  'Read of size',
  'Write of size',
  'addr ',
  'INFO: ',
  'Flags:',
  'Control:',
  'NIP',
  'LR [',
  'PACA',
  'SOFTE',
  '([<',
  'pgd =',
  '#PF:',
  'Register r',
  '(ftrace',
  'Dumping ftrace',
];

const REGISTER_RE =
  /^\s*(?:Krnl \w+|[A-Z][A-Za-z0-9_]{0,9}|[a-z]{1,3}\d{0,2}|GPR\d\d|x\d{1,2}|r\d{1,2}|pstate|psr|ORIG_\w+)\s*:\s*(?:\[<)?[0-9a-fA-Fx]{2,}/;
const STACK_WORDS_RE = /^\s*(?:<?[0-9a-f]{8,16}>?|\?{8,16})(?:\s+(?:<?[0-9a-f]{8,16}>?|\?{8,16}))+\s*$/;
const FREE_TEXT_DECOR_RE = /^\s*(?:={5,}|-{5,}|\*{3}.*\*{3}|\[ .* \]|\s*$)/;
const HUNG_TASK_STATE_RE =
  /^\s*\S.*\s[RSDTtZXIW]\s+(?:ffff[0-9a-f]+|[0-9a-f]{8,16}|\d+)\s+\d+\s+\d+\s+\d+\s+0x[0-9a-f]+\s*$/;

const ARM_STACK_RE = /^\s*[0-9a-f]{4}:(?:\s+[0-9a-f]{8})+\s*$/;
const BARE_ADDR_RE = /^\s*\[<?[0-9a-f]{6,}>?\]/;

/** A wrapped `Modules linked in:` list: module names (with taint flags) and nothing else. */
export const MODULE_CONT_RE =
  /^\s+[\w-]+(?:\([A-Z+-]+\))?(?:\s+[\w-]+(?:\([A-Z+-]+\))?)*\s*(?:\[last unloaded: [\w-]+\])?\s*$/;

export function isFrameLine(message: string): boolean {
  return FRAME_RE.test(message);
}

export function isEndMarker(message: string): boolean {
  return message.startsWith('---[ end ');
}

// The prefixes grouped by their first two characters (each is ASCII and at least two long), in
// a table indexed by the pair's codes: a line is compared only with the few that can match.
const PREFIXES_BY_PAIR: (string[] | undefined)[] = new Array<string[] | undefined>(128 * 128);
for (const p of FIXED_PREFIXES) {
  const c0 = p.charCodeAt(0);
  const c1 = p.charCodeAt(1);
  if (!(c0 < 128 && c1 < 128))
    throw new Error(`body prefix ${JSON.stringify(p)} is not two ASCII characters long`);
  (PREFIXES_BY_PAIR[(c0 << 7) | c1] ??= []).push(p);
}
const CPU_LINE_RE = /^CPU \d+\s*$/;
const LOCKDEP_RE = /^\s*(?:#\d+:|-> #\d+|\d+ locks? held by|no locks held by)/;

function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/**
 * True when the line may sit inside any kernel report. Runs on every line of a case (the flood
 * detector asks it too), so each pattern is tried only when a character it needs is present.
 */
export function isBodyLine(message: string): boolean {
  const t = message.trimStart();
  if (t === '') return true;
  const c0 = t.charCodeAt(0);
  const c1 = t.charCodeAt(1); // NaN for a single character: no prefix is that short
  if (c0 < 128 && c1 < 128) {
    const prefixes = PREFIXES_BY_PAIR[(c0 << 7) | c1];
    if (prefixes) for (const p of prefixes) if (t.startsWith(p)) return true;
  }
  // `0x` is looked for once: a frame's `+0x…/0x…` and a hung-task state row both need it.
  const has0x = message.includes('0x');
  // A frame has `+0x…/0x…` or arm's `) from`.
  if (
    ((has0x && message.includes('+0x')) || (message.includes(')') && message.includes('from'))) &&
    FRAME_RE.test(message)
  )
    return true;
  if (message.includes(':') && REGISTER_RE.test(message)) return true;
  // Stack words: hex words (or `<hex>`, `????????`) and nothing else.
  if ((isHexDigit(c0) || c0 === 60 /* < */ || c0 === 63) /* ? */ && STACK_WORDS_RE.test(message)) return true;
  if (has0x && HUNG_TASK_STATE_RE.test(message)) return true;
  if (isHexDigit(c0) && ARM_STACK_RE.test(message)) return true;
  if (c0 === 91 /* [ */ && BARE_ADDR_RE.test(message)) return true;
  // register dumps wrap onto lines indented under the register name (s390 PSW bits, GPRS rows)
  if (message.startsWith('        ')) return true;
  // lockdep held-lock lines (" #0:  (&mm->mmap_sem){++++}, at: ...") and dependency chains ("-> #1 (...)")
  if (c0 === 67 /* C */ && CPU_LINE_RE.test(t)) return true;
  if ((c0 === 35 || c0 === 45 || c0 === 110 || (c0 >= 48 && c0 <= 57)) && LOCKDEP_RE.test(message))
    return true;
  return false;
}

/** Separator lines the kernel prints around checker reports (KASAN/UBSAN/lockdep banners). */
export function isDecorLine(message: string): boolean {
  // The first non-blank character decides: = - * [ or none.
  const t = message.trimStart();
  if (t === '') return true;
  const c = t.charCodeAt(0);
  return (c === 61 || c === 45 || c === 42 || c === 91) && FREE_TEXT_DECOR_RE.test(message);
}
