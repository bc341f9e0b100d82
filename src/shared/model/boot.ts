/**
 * Plain data types of the reboot history (issue 5): every boot of the machine, how it ended,
 * and the last sign of life before it. Shared by the engine, the services and the renderer.
 */
import type { Evidence } from './log';

/**
 * How a boot ended.
 * - `clean`: a shutdown record or sequence (wtmp shutdown/runlevel 0|6, systemd-shutdown, ...)
 * - `crash`: panic and/or kdump evidence
 * - `hard`: no shutdown trace at all although a source covers the end (power cut, hypervisor
 *   reset, watchdog, a hung machine forced off)
 * - `unknown`: no source covers the end of the boot
 * - `running`: the newest boot, the one the archive was collected in
 */
export type EndKind = 'clean' | 'crash' | 'hard' | 'unknown' | 'running';

/** `high`: an exact UTC record (wtmp) or a kernel banner; `medium`: inferred year/zone or a minute-precision `last` line; `low`: only weak markers (rsyslogd start, ...). */
export type StartConfidence = 'high' | 'medium' | 'low';

/** A line that shows the machine alive, with what it was. */
export interface SignOfLife {
  /** UTC ms of the line. */
  ts: number;
  /** Source path (as in Evidence.sourcePath). */
  source: string;
  /** 1-based line number in that source. */
  line: number;
  /** The line as printed. */
  text: string;
  /** What the line is, in a few words. */
  what: string;
  evidence: Evidence;
}

export type BootFlagKind =
  | 'kernel-changed' // a different kernel from the previous boot
  | 'not-in-wtmp' // the logs show this boot, wtmp (which covers the time) does not
  | 'not-in-logs' // wtmp shows this boot, the logs (which cover the time) do not
  | 'wtmp-logs-disagree' // wtmp and the logs tell different endings
  | 'still-running-old' // `last` prints "still running" for a boot that is not the newest
  | 'short-boot' // up for less than ten minutes
  | 'time-inferred'; // the start time's year or zone was inferred

/**
 * Why endKind was chosen, as data, so the panel can say it in any language (endReason is the
 * English sentence built from the same values). Cites are `sourcePath:lineNo`; marker names
 * (`what`) are the boot scanner's English names (e.g. `kernel panic`, `systemd-shutdown`).
 */
export interface EndWhy {
  rule: 'crash' | 'shutdown' | 'running' | 'hard' | 'unknown';
  /** crash: each kind of crash evidence with the line it was read from. */
  crash?: { what: string; cite: string }[];
  /** shutdown: the kinds of shutdown trace, the size of a systemd "Stopping" storm, the last line. */
  shutdown?: { whats: string[]; storm: number | null; lastCite: string };
  /** running: how the collection time was found (English) and when, when it is known. */
  collected?: { what: string; ts: string } | null;
  /** hard: the wtmp / `last` source with no shutdown record across the reboot. */
  wtmpSource?: string | null;
  /** hard: the log source that spans the reboot and shows no shutdown sequence. */
  logSource?: string | null;
  /** hard: the last sign of life. */
  lsol?: { cite: string; ts: string } | null;
  /** Signs of trouble before the end (hung task, lockup …) and the last one's line. */
  hints?: { whats: string[]; lastCite: string } | null;
  /** True when nothing after the boot's own lines is known (its end time is not known). */
  noLifeAfterStart?: boolean;
}

export interface BootFlag {
  kind: BootFlagKind;
  message: string;
  /**
   * not-in-wtmp / not-in-logs: the source that covers the boot's time and still lacks it (the
   * wtmp file, or the log file), so the panel can name it in any language.
   */
  source?: string;
  evidence: Evidence[];
}

/** Evidence with the time of the cited line, kept in order of time. */
export interface BootEvidence extends Evidence {
  ts: number | null;
  what: string;
}

export interface Boot {
  /** 0 = the oldest boot known. */
  index: number;
  /** UTC ms of the boot. */
  start: number;
  startConfidence: StartConfidence;
  /** Where the start comes from, as a sentence fragment ("wtmp BOOT_TIME record"). */
  startFrom: string;
  /** Kernel release when known (from the kernel banner, wtmp or `last`). */
  kernel: string | null;
  /** True when the only kernel string seen was cut by `last` (16 characters). */
  kernelTruncated: boolean;
  /** Kernel command line when a `Command line:` line was seen. */
  commandLine: string | null;
  /** systemd boot id when the journal gave one. */
  bootId: string | null;
  /** UTC ms at which the boot ended (shutdown, panic, or the last sign of life for `hard`). */
  end: number | null;
  endKind: EndKind;
  /** One sentence saying why endKind was chosen and from what. */
  endReason: string;
  /** The same reason as data (for other languages). */
  endWhy?: EndWhy;
  lastSignOfLife: SignOfLife | null;
  /** Seconds from the end of this boot to the start of the next one. */
  downtimeS: number | null;
  /** Seconds from start to end (running: to collection time, or to the last sign of life). */
  uptimeS: number | null;
  /** Why `last` prints "still running" for an old boot, when it does. */
  explanation: string | null;
  flags: BootFlag[];
  evidence: BootEvidence[];
}

export interface BootHistory {
  boots: Boot[];
  /** Boots per day over the span of the history (null with fewer than two boots). */
  rebootsPerDay: number | null;
  /** Things the fusion could not place or decided to ignore, one sentence each. */
  notes: string[];
}

/** The `analyze --json` shape of one boot (`boots[]`). Times are ISO 8601 UTC strings. */
export interface BootJson {
  start: string;
  startConfidence: StartConfidence;
  startFrom: string;
  kernel: string | null;
  /** True when the only kernel string seen was cut by `last` (16 characters). */
  kernelTruncated: boolean;
  commandLine: string | null;
  bootId: string | null;
  end: string | null;
  endKind: EndKind;
  endReason: string;
  endWhy?: EndWhy;
  lastSignOfLife: {
    ts: string;
    source: string;
    line: number;
    /** Global line id in the case (0 when the line is not a case row, e.g. a crash directory name). */
    lineId: number;
    text: string;
    what: string;
  } | null;
  downtimeS: number | null;
  uptimeS: number | null;
  explanation: string | null;
  flags: { kind: BootFlagKind; message: string; source?: string }[];
  /** lineId: the global line id in the case (0 when the evidence is not a case row). */
  evidence: { source: string; line: number; lineId: number; what: string }[];
}
