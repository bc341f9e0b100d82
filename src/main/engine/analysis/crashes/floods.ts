/**
 * Floods (the same message over and over, like the seed's `[write_iter] inode ifops has
 * restore` every 10 s after the OOM kill) and log loss (journald forwarding misses, rate
 * limiting, dropped printk messages). Memory stays bounded: messages seen fewer than
 * FLOOD_MIN times are forgotten once they go quiet.
 */
import type { FloodDetails, LogLossDetails } from '../../../../shared/model/incident';
import type { RecordLine } from '../../../../shared/model/log';
import type { KernelMessage } from '../kernel/message';
import { isBodyLine, isDecorLine } from './body';
import type { IncidentDraft } from './group';

/** Identical messages needed to call it a flood. */
export const FLOOD_MIN = 5;
/** Slower repeats than this (and fewer than 100) are a schedule, not a flood. */
export const FLOOD_MIN_PER_MINUTE = 1;
/** A pause this long ends a run; the same message later starts another flood. */
const RUN_GAP_MS = 60 * 60_000;
/** Lines between two sweeps of quiet, rare messages. */
const SWEEP_EVERY = 20_000;
/** Without timestamps, a message unseen for this many lines has gone quiet. */
const QUIET_LINES = 50_000;
/** Timestamps kept per run to compute the median interval. */
const MAX_TIMES = 2_000;

interface Run {
  key: string;
  message: string;
  program?: string;
  host?: string;
  count: number;
  repeated: number;
  first: RecordLine;
  last: RecordLine;
  lastIndex: number;
  times: number[];
  /** Time of the first and last message: wall clock, or dmesg seconds since boot. */
  firstT: number | null;
  lastT: number | null;
}

const REPEATED_NEW = /^message repeated (\d+) times: \[ ?(.*?) ?\]$/;
const REPEATED_OLD = /^(?:--- )?last message repeated (\d+) times?(?: ---)?$/;

interface LossRule {
  re: RegExp;
  reporter: string;
}

const LOSS_RULES: LossRule[] = [
  {
    re: /^Forwarding to syslog missed (\d+) messages?/,
    reporter: 'journald: forwarding to syslog missed messages',
  },
  { re: /^Suppressed (\d+) messages from /, reporter: 'journald: rate limit suppressed messages' },
  { re: /^Missed (\d+) kernel messages/, reporter: 'journald: missed kernel messages' },
  { re: /^imjournal: (\d+) messages lost due to rate-limiting/, reporter: 'rsyslog imjournal: rate limit' },
  {
    re: /^imuxsock(?:\[\d+\])?:? .*?(?:lost (\d+) messages|begins to drop messages)/,
    reporter: 'rsyslog imuxsock: rate limit',
  },
  { re: /^\*\* (\d+) printk messages dropped \*\*/, reporter: 'kernel: printk messages dropped' },
  { re: /^printk: (\d+) messages suppressed/, reporter: 'kernel: printk messages suppressed' },
  { re: /^(?:[\w.-]+: )?(\d+) callbacks suppressed$/, reporter: 'kernel: ratelimited callbacks suppressed' },
];

export const LOSS_PREFILTER = /missed|Suppressed|suppressed|lost|dropped|drop/;

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export class FloodDetector {
  private runs = new Map<string, Run>();
  private readonly done: Run[] = [];
  private index = 0;
  private lastKeyByHost = new Map<string, string>();
  private readonly losses: IncidentDraft[] = [];

  /** Feeds one line that is not part of a kernel report block. */
  push(line: RecordLine, km: KernelMessage): void {
    this.index++;
    if (this.index % SWEEP_EVERY === 0) this.sweep(line);
    const message = km.message.trim();
    if (message === '') return;
    // Only log records (a time or a syslog tag) can flood; report bodies and config text repeat by nature.
    if (line.ts === null && km.bootSecs === undefined && km.program === undefined) return;
    if (isBodyLine(km.message) || isDecorLine(km.message) || message.includes('[ cut here ]')) return;
    // syslogd's heartbeat repeats by design.
    if (message === '-- MARK --') return;
    if (LOSS_PREFILTER.test(message) && this.loss(line, km, message)) return;
    const hostKey = km.host ?? '';
    let m = REPEATED_OLD.exec(message);
    if (m) {
      const key = this.lastKeyByHost.get(hostKey);
      const run = key !== undefined ? this.runs.get(key) : undefined;
      if (run) {
        run.count += Number(m[1]);
        run.repeated += Number(m[1]);
        run.last = line;
      }
      return;
    }
    let repeats = 0;
    let text = message;
    m = REPEATED_NEW.exec(message);
    if (m) {
      repeats = Number(m[1]);
      text = m[2] ?? '';
    }
    const key = `${hostKey}\u0000${km.program ?? ''}\u0000${text}`;
    this.lastKeyByHost.set(hostKey, key);
    let run = this.runs.get(key);
    // Wall-clock time when known; dmesg seconds since boot still give a rate.
    const t = line.ts ?? (km.bootSecs !== undefined ? km.bootSecs * 1000 : null);
    if (run && t !== null && run.lastT !== null && run.last.ts !== null && t - run.lastT > RUN_GAP_MS) {
      this.retire(run);
      run = undefined;
    }
    if (!run) {
      run = {
        key,
        message: text,
        count: 0,
        repeated: 0,
        first: line,
        last: line,
        lastIndex: this.index,
        times: [],
        firstT: t,
        lastT: t,
      };
      if (km.program !== undefined) run.program = km.program;
      if (km.host !== undefined) run.host = km.host;
      this.runs.set(key, run);
    }
    run.count += repeats > 0 ? repeats : 1;
    run.repeated += repeats;
    run.last = line;
    run.lastIndex = this.index;
    if (t !== null) run.lastT = t;
    if (t !== null && run.times.length < MAX_TIMES) run.times.push(t);
  }

  finish(): IncidentDraft[] {
    for (const run of this.runs.values()) this.retire(run);
    this.runs.clear();
    const floods = this.done
      .map((r) => this.floodDraft(r))
      .filter((d) => {
        // A periodic job logging once every few minutes is a schedule, not a flood.
        const rate = d.details.type === 'flood' ? d.details.perMinute : null;
        return rate === null || rate >= FLOOD_MIN_PER_MINUTE || (d.count ?? 0) >= 100;
      });
    return [...floods, ...this.losses];
  }

  private loss(line: RecordLine, km: KernelMessage, message: string): boolean {
    for (const rule of LOSS_RULES) {
      const m = rule.re.exec(message);
      if (!m) continue;
      const lost = m[1] !== undefined ? Number(m[1]) : 0;
      const d: LogLossDetails = { reporter: rule.reporter, lost };
      this.losses.push({
        kind: 'log-loss',
        signature: `${km.host ?? ''}|${rule.reporter}`,
        summary: `${rule.reporter}${lost ? `: ${lost}` : ''}${km.program ? ` (${km.program})` : ''}`,
        header: line,
        lines: [line],
        details: { type: 'log-loss', ...d },
      });
      return true;
    }
    return false;
  }

  private retire(run: Run): void {
    this.runs.delete(run.key);
    if (run.count >= FLOOD_MIN) this.done.push(run);
  }

  private sweep(now: RecordLine): void {
    for (const run of this.runs.values()) {
      const quiet =
        now.ts !== null && run.last.ts !== null
          ? now.ts - run.last.ts > RUN_GAP_MS
          : this.index - run.lastIndex > QUIET_LINES;
      if (quiet) this.retire(run);
    }
    if (this.lastKeyByHost.size > 1000) this.lastKeyByHost = new Map();
  }

  private floodDraft(run: Run): IncidentDraft {
    const first = run.first.ts;
    const last = run.last.ts;
    const spanSecs = run.firstT !== null && run.lastT !== null ? (run.lastT - run.firstT) / 1000 : null;
    const intervals: number[] = [];
    for (let i = 1; i < run.times.length; i++) intervals.push((run.times[i]! - run.times[i - 1]!) / 1000);
    const perMinute =
      spanSecs !== null && spanSecs > 0 ? Math.round((run.count / (spanSecs / 60)) * 100) / 100 : null;
    const d: FloodDetails = {
      message: run.message,
      perMinute,
      medianIntervalSecs: median(intervals),
      spanSecs,
      repeatedReported: run.repeated,
    };
    if (run.program !== undefined) d.program = run.program;
    if (run.host !== undefined) d.host = run.host;
    const rate = perMinute !== null ? `, ${perMinute}/min` : '';
    const span = spanSecs !== null ? ` over ${spanSecs} s` : '';
    const lines = run.first === run.last ? [run.first] : [run.first, run.last];
    return {
      kind: 'flood',
      // Separate runs of one message stay separate floods.
      signature: `${run.key.replace(/\u0000/g, '|')}@${run.first.sourceId}:${run.first.lineNo}`,
      summary: `"${run.message}" repeated ${run.count} times${span}${rate}`,
      header: run.first,
      lines,
      details: { type: 'flood', ...d },
      count: run.count,
      firstTs: first,
      lastTs: last,
    };
  }
}
