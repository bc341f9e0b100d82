/**
 * The one test every ordinary line of a case takes before the fault and death detectors: a
 * case is mostly chatter (sshd, cron, systemd sessions) that none of their patterns can match,
 * and one case-insensitive scan for their keywords costs less than trying a dozen patterns.
 * It must never say no to a line a detector reads: tests/unit/crashes/prefilter.test.ts runs
 * the detectors with and without it over every fixture and expects the same incidents.
 */

import { alternation } from '../words';

// Keywords, lower-cased: each pattern in segfault.ts and deaths.ts contains one of them
// (systemd's "Main process exited", "Failed with result", hold-off/restart wordings, systemd-
// coredump, ABRT, audit ANOM_ABEND, containerd "shim reaped", OOM events, exit codes, and the
// kernel's cpuset / oom-kill / Killed process lines the deaths are linked through).
export const FAULT_OR_DEATH_KEYWORDS = [
  // segfault.ts
  'segfault at',
  'traps: ',
  'unhandled ',
  // deaths.ts
  'process exited',
  'failed with result',
  'oom',
  'hold-off time',
  'holdoff time',
  'restart',
  'start request repeated',
  'dumped core',
  'saved core dump',
  'anom_abend',
  'shim reaped',
  'exit code',
  'exitcode',
  'exit_status',
  'exited with code',
  'killed process',
  'cpuset=',
];

const FAULT_OR_DEATH = alternation(FAULT_OR_DEATH_KEYWORDS, 'i');

/** False only when no fault or death detector can match the message. */
export function mayBeFaultOrDeath(message: string): boolean {
  return FAULT_OR_DEATH.test(message);
}
