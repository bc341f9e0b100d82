/**
 * Call-trace frames in the layouts of x86 (old `[<addr>] fn+off/size`, new `fn+off/size`),
 * arm (`[<addr>] (fn+off/size) from [<addr>]`), arm64, ppc64 (`[sp] [ip] .fn+off/size`) and
 * s390x, and the signature built from the first frames that say where the fault was.
 */
import type { KernelFrame } from '../../../../shared/model/incident';

const X86_OLD =
  /^\s*\(?(\? )?\[<([0-9a-f]+)>\]\s+(\? )?\.?([\w.$]+)\+(0x[0-9a-f]+)\/(0x[0-9a-f]+)(?: \[([\w-]+)\])?/;
const ARM_OLD = /^\s*\[<([0-9a-f]+)>\] \(([\w.$]+)(?:\+(0x[0-9a-f]+)\/(0x[0-9a-f]+))?(?: \[([\w-]+)\])?\)/;
const PPC =
  /^\s*\[[0-9a-f]+\] \[([0-9a-f]+)\] \.?([\w.$]+)\+(0x[0-9a-f]+)\/(0x[0-9a-f]+)(?: \[([\w-]+)\])?(\s+\(unreliable\))?/;
const NEW = /^\s*(\? )?\.?([\w.$]+)\+(0x[0-9a-f]+)\/(0x[0-9a-f]+)(?: \[([\w-]+)\])?/;

export function parseFrame(message: string): KernelFrame | null {
  let m = PPC.exec(message);
  if (m) {
    const f: KernelFrame = {
      fn: m[2]!,
      offset: m[3]!,
      size: m[4]!,
      address: m[1]!,
      reliable: m[6] === undefined,
    };
    if (m[5]) f.module = m[5];
    return f;
  }
  m = ARM_OLD.exec(message);
  if (m) {
    const f: KernelFrame = { fn: m[2]!, address: m[1]!, reliable: true };
    if (m[3]) f.offset = m[3];
    if (m[4]) f.size = m[4];
    if (m[5]) f.module = m[5];
    return f;
  }
  m = X86_OLD.exec(message);
  if (m) {
    const f: KernelFrame = {
      fn: m[4]!,
      offset: m[5]!,
      size: m[6]!,
      address: m[2]!,
      reliable: !m[1] && !m[3],
    };
    if (m[7]) f.module = m[7];
    return f;
  }
  m = NEW.exec(message);
  if (m) {
    const f: KernelFrame = { fn: m[2]!, offset: m[3]!, size: m[4]!, reliable: !m[1] };
    if (m[5]) f.module = m[5];
    return f;
  }
  return null;
}

const TRACE_MARKERS =
  /^\s*(?:<\/?(?:IRQ|NMI|TASK|EOI|EOE|SOFTIRQ)>|-{3,}|Exception stack\(|[0-9a-f]{8} [0-9a-f]{8})/;
const TRACE_START = /^\s*(?:Call Trace:|Call trace:|Backtrace:|backtrace:|Stack :?$)/;

/**
 * The frames of the first call trace in a block: from `Call Trace:` (or the first frame) to
 * the first line that is neither a frame nor a stack marker.
 */
export function firstCallTrace(messages: readonly string[]): KernelFrame[] {
  const frames: KernelFrame[] = [];
  let inTrace = false;
  for (const msg of messages) {
    if (!inTrace) {
      if (TRACE_START.test(msg)) {
        inTrace = true;
        continue;
      }
      // s390 and old kernels print frames without a "Call Trace:" line only after it; others start at the first frame.
      continue;
    }
    const f = parseFrame(msg);
    if (f) {
      frames.push(f);
      continue;
    }
    if (TRACE_MARKERS.test(msg)) continue;
    if (frames.length > 0) break;
  }
  return frames;
}

// Frames that belong to the reporting machinery (dump, warn, die, fault entry, sanitizer and
// scheduler plumbing) rather than to the code that failed.
const NOISE = new Set([
  'dump_stack',
  'dump_stack_lvl',
  '__dump_stack',
  'show_stack',
  'show_trace',
  'show_trace_log_lvl',
  'show_stack_log_lvl',
  'unwind_backtrace',
  'dump_backtrace',
  'dump_header',
  'panic',
  'vpanic',
  '__warn',
  'warn_slowpath_common',
  'warn_slowpath_fmt',
  'warn_slowpath_null',
  'warn_slowpath_fmt_taint',
  '__warn_printk',
  'report_bug',
  'handle_bug',
  'exc_invalid_op',
  'asm_exc_invalid_op',
  'do_error_trap',
  'do_trap',
  'do_invalid_op',
  'invalid_op',
  'oops_end',
  'die',
  '__die',
  'no_context',
  '__bad_area_nosemaphore',
  'bad_area_nosemaphore',
  'bad_area',
  'page_fault',
  'async_page_fault',
  'do_page_fault',
  '__do_page_fault',
  'trace_do_page_fault',
  'do_async_page_fault',
  'exc_page_fault',
  'asm_exc_page_fault',
  'do_user_addr_fault',
  'do_kern_addr_fault',
  'page_fault_oops',
  'kernelmode_fixup_or_oops',
  'do_general_protection',
  'general_protection',
  'exc_general_protection',
  'asm_exc_general_protection',
  'kasan_report',
  '__kasan_report',
  'kasan_report_error',
  'print_address_description',
  'kasan_check_read',
  'kasan_check_write',
  'check_memory_region',
  'lockdep_rcu_suspicious',
  'print_circular_bug',
  'check_noncircular',
  'check_prev_add',
  'check_prevs_add',
  'validate_chain',
  '__lock_acquire',
  'lock_acquire',
  'print_deadlock_bug',
  'check_deadlock',
  'watchdog_timer_fn',
  '__hrtimer_run_queues',
  'hrtimer_interrupt',
  'smp_apic_timer_interrupt',
  'apic_timer_interrupt',
  '___might_sleep',
  '__might_sleep',
  '__schedule_bug',
  '__schedule',
  'schedule',
  'schedule_timeout',
  'schedule_preempt_disabled',
  'io_schedule',
  'io_schedule_timeout',
  'rcu_dump_cpu_stacks',
  'print_cpu_stall',
  'sched_show_task',
  'show_regs',
  'nmi_cpu_backtrace',
  'nmi_trigger_cpumask_backtrace',
  'arch_trigger_cpumask_backtrace',
  'dump_stack_print_info',
  'mutex_lock_nested',
  '__mutex_lock',
  '__mutex_lock_common',
  'mutex_lock',
  'wait_for_completion',
  'wait_for_common',
  '__wait_for_common',
  'rwsem_down_read_slowpath',
  'rwsem_down_write_slowpath',
  'rwsem_down_read_failed',
  'rwsem_down_write_failed',
  'call_rwsem_down_read_failed',
  'call_rwsem_down_write_failed',
  'down_read',
  'down_write',
  'bit_wait_io',
  '__wait_on_bit',
  'out_of_line_wait_on_bit',
  'do_syscall_64',
  'entry_SYSCALL_64_after_hwframe',
  'el0_svc_naked',
  'ret_fast_syscall',
  'system_call_fastpath',
  'ret_from_fork',
  'kthread',
  'hung_task_panic',
  'watchdog',
  'check_hung_uninterruptible_tasks',
  'debug_show_all_locks',
  'ftrace_stub',
  'dump_stack_lvl',
  'bug_handler',
  'do_undefinstr',
  'do_program_check',
  'program_check_exception',
  'program_check_common',
  'die_kernel_fault',
  '__do_kernel_fault',
  'do_translation_fault',
  'do_mem_abort',
  'el1_abort',
  'el1_da',
  'el1h_64_sync_handler',
  'el1h_64_sync',
  'el1_sync',
  '__switch_to',
  'cpu_switch_to',
  'context_switch',
  '__die_body',
  'bad_page_fault',
  'handle_page_fault',
  'data_access_common',
  'kasan_report_invalid_free',
  '__asan_report_load8_noabort',
  'kmemleak_alloc',
  'ubsan_epilogue',
]);

function baseName(fn: string): string {
  // foo.isra.3, foo.constprop.0, foo.part.1, foo.cold, foo.cold.12
  return fn.replace(/\.(?:isra|constprop|part|cold|lto_priv|llvm)(?:\.\d+)*/g, '');
}

/** Up to `n` frames that are on the call chain and are not reporting machinery. */
export function meaningfulFrames(frames: readonly KernelFrame[], n = 3): string[] {
  const out: string[] = [];
  for (const f of frames) {
    if (!f.reliable) continue;
    const fn = baseName(f.fn);
    if (
      NOISE.has(fn) ||
      fn.startsWith('__asan_') ||
      fn.startsWith('__kasan_') ||
      fn.startsWith('__sanitizer_')
    )
      continue;
    if (
      fn.startsWith('asm_') ||
      fn.startsWith('__x64_sys_') ||
      fn.startsWith('__do_sys_') ||
      fn.startsWith('__se_sys_')
    )
      continue;
    out.push(fn);
    if (out.length >= n) break;
  }
  return out;
}

/** Digits and addresses vary between repeats of the same report; the words do not. */
export function normaliseText(text: string): string {
  return text
    .replace(/\+0x[0-9a-f]+\/0x[0-9a-f]+/g, '')
    .replace(/\b0x[0-9a-f]+\b/gi, 'X')
    .replace(/\b[0-9a-f]{8,}\b/gi, 'X')
    .replace(/\d+/g, 'N')
    .replace(/\s+/g, ' ')
    .trim();
}
