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

/** A message seen more than once (or reported repeated): counted, timed, kept until it goes quiet. */
class Run {
  count = 0;
  repeated = 0;
  last: RecordLine;
  lastIndex: number;
  /** Time of the last message: wall clock, or dmesg seconds since boot. */
  lastT: number | null;
  times: number[] = [];
  constructor(
    readonly bucket: Bucket,
    readonly message: string,
    readonly program: string | undefined,
    readonly host: string | undefined,
    readonly first: RecordLine,
    readonly firstT: number | null,
    index: number,
  ) {
    this.last = first;
    this.lastIndex = index;
    this.lastT = firstT;
  }

  /** `host|program|message`, the flood's signature before its position. */
  key(): string {
    return `${this.host ?? ''}|${this.program ?? ''}|${this.message}`;
  }
}

/**
 * A message seen once so far. Most log lines are unique (pids, ports, session numbers), so the
 * first sighting keeps only the line and its position; a Run is made on the second.
 */
class Single {
  constructor(
    readonly line: RecordLine,
    readonly index: number,
    readonly t: number,
  ) {}
}

/** The messages of one host and program, by text. */
type Bucket = Map<string, Run | Single>;

interface LastMessage {
  bucket: Bucket;
  text: string;
  program: string | undefined;
  host: string | undefined;
}

const REPEATED_NEW = /^message repeated (\d+) times: \[ ?(.*?) ?\]$/;
const REPEATED_OLD = /^(?:--- )?last message repeated (\d+) times?(?: ---)?$/;

interface LossRule {
  re: RegExp;
  reporter: string;
  /** The reporter in zh-CN, for the bilingual recommendations. */
  zh: string;
}

const LOSS_RULES: LossRule[] = [
  {
    re: /^Forwarding to syslog missed (\d+) messages?/,
    reporter: 'journald: forwarding to syslog missed messages',
    zh: 'journald 转发到 syslog 时',
  },
  {
    re: /^Suppressed (\d+) messages from /,
    reporter: 'journald: rate limit suppressed messages',
    zh: 'journald 因限速',
  },
  {
    re: /^Missed (\d+) kernel messages/,
    reporter: 'journald: missed kernel messages',
    zh: 'journald 读取内核消息时',
  },
  {
    re: /^imjournal: (\d+) messages lost due to rate-limiting/,
    reporter: 'rsyslog imjournal: rate limit',
    zh: 'rsyslog imjournal 因限速',
  },
  {
    re: /^imuxsock(?:\[\d+\])?:? .*?(?:lost (\d+) messages|begins to drop messages)/,
    reporter: 'rsyslog imuxsock: rate limit',
    zh: 'rsyslog imuxsock 因限速',
  },
  {
    re: /^\*\* (\d+) printk messages dropped \*\*/,
    reporter: 'kernel: printk messages dropped',
    zh: '内核 printk',
  },
  {
    re: /^printk: (\d+) messages suppressed/,
    reporter: 'kernel: printk messages suppressed',
    zh: '内核 printk 抑制时',
  },
  {
    re: /^(?:[\w.-]+: )?(\d+) callbacks suppressed$/,
    reporter: 'kernel: ratelimited callbacks suppressed',
    zh: '内核限速回调时',
  },
];

/** Who lost messages, in zh-CN (as a sentence subject: "… 丢失了 N 条消息"); unknown reporters stay as named. */
export function lossReporterZh(reporter: string): string {
  return LOSS_RULES.find((r) => r.reporter === reporter)?.zh ?? reporter;
}

export const LOSS_PREFILTER = /missed|Suppressed|suppressed|lost|dropped|drop/;

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export class FloodDetector {
  /** host → program → message text → its run (or single sighting). */
  private readonly hosts = new Map<string, Map<string, Bucket>>();
  private readonly done: Run[] = [];
  private index = 0;
  /** The last message per host, for `last message repeated N times`. */
  private lastByHost = new Map<string, LastMessage>();
  private readonly losses: IncidentDraft[] = [];

  /** Feeds one line that is not part of a kernel report block. */
  push(line: RecordLine, km: KernelMessage): void {
    this.index++;
    if (this.index % SWEEP_EVERY === 0) this.sweep(line);
    // Only log records (a time or a syslog tag) can flood; report bodies and config text repeat by nature.
    if (line.ts === null && km.bootSecs === undefined && km.program === undefined) return;
    const message = km.message.trim();
    if (message === '') return;
    if (isBodyLine(km.message) || isDecorLine(km.message) || message.includes('[ cut here ]')) return;
    // syslogd's heartbeat repeats by design.
    if (message === '-- MARK --') return;
    if (LOSS_PREFILTER.test(message) && this.loss(line, km, message)) return;
    const hostKey = km.host ?? '';
    // Both repeat forms say "repeated": the regexes run only on such lines.
    const repeatedForm = message.includes('repeated');
    let m = repeatedForm ? REPEATED_OLD.exec(message) : null;
    if (m) {
      const lastOfHost = this.lastByHost.get(hostKey);
      const entry = lastOfHost?.bucket.get(lastOfHost.text);
      const run = entry instanceof Single ? this.promote(lastOfHost!, entry) : entry;
      if (run) {
        run.count += Number(m[1]);
        run.repeated += Number(m[1]);
        run.last = line;
      }
      return;
    }
    let repeats = 0;
    let text = message;
    m = repeatedForm ? REPEATED_NEW.exec(message) : null;
    if (m) {
      repeats = Number(m[1]);
      text = m[2] ?? '';
    }
    const bucket = this.bucketOf(hostKey, km.program ?? '');
    let lastOfHost = this.lastByHost.get(hostKey);
    if (!lastOfHost) {
      lastOfHost = { bucket, text, program: km.program, host: km.host };
      this.lastByHost.set(hostKey, lastOfHost);
    }
    lastOfHost.bucket = bucket;
    lastOfHost.text = text;
    lastOfHost.program = km.program;
    lastOfHost.host = km.host;
    const entry = bucket.get(text);
    // Wall-clock time when known; dmesg seconds since boot still give a rate.
    const t = line.ts ?? (km.bootSecs !== undefined ? km.bootSecs * 1000 : null);
    let run: Run | undefined;
    if (entry instanceof Single) {
      if (t !== null && t - entry.t > RUN_GAP_MS) {
        bucket.delete(text);
      } else run = this.promote(lastOfHost, entry);
    } else if (entry) {
      run = entry;
      if (t !== null && run.lastT !== null && run.last.ts !== null && t - run.lastT > RUN_GAP_MS) {
        this.retire(run);
        run = undefined;
      }
    }
    if (!run) {
      if (repeats === 0 && line.ts !== null && t !== null) {
        bucket.set(text, new Single(line, this.index, t));
        return;
      }
      run = new Run(bucket, text, km.program, km.host, line, t, this.index);
      bucket.set(text, run);
    }
    run.count += repeats > 0 ? repeats : 1;
    run.repeated += repeats;
    run.last = line;
    run.lastIndex = this.index;
    if (t !== null) run.lastT = t;
    if (t !== null && run.times.length < MAX_TIMES) run.times.push(t);
  }

  private bucketOf(host: string, program: string): Bucket {
    let programs = this.hosts.get(host);
    if (!programs) {
      programs = new Map();
      this.hosts.set(host, programs);
    }
    let bucket = programs.get(program);
    if (!bucket) {
      bucket = new Map();
      programs.set(program, bucket);
    }
    return bucket;
  }

  /** The second sighting of a message: its first line becomes a run of one. */
  private promote(at: LastMessage, single: Single): Run {
    const run = new Run(at.bucket, at.text, at.program, at.host, single.line, single.t, single.index);
    run.count = 1;
    run.times.push(single.t);
    at.bucket.set(at.text, run);
    return run;
  }

  finish(): IncidentDraft[] {
    for (const programs of this.hosts.values())
      for (const bucket of programs.values())
        for (const entry of bucket.values()) if (entry instanceof Run) this.retire(entry);
    this.hosts.clear();
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
    if (run.bucket.get(run.message) === run) run.bucket.delete(run.message);
    if (run.count >= FLOOD_MIN) this.done.push(run);
  }

  private sweep(now: RecordLine): void {
    // forEach, not for…of over entries: no [key, value] pair is allocated per message.
    const visit = (entry: Run | Single, text: string, bucket: Bucket): void => {
      const last = entry instanceof Run ? entry.last : entry.line;
      const lastIndex = entry instanceof Run ? entry.lastIndex : entry.index;
      const quiet =
        now.ts !== null && last.ts !== null
          ? now.ts - last.ts > RUN_GAP_MS
          : this.index - lastIndex > QUIET_LINES;
      if (!quiet) return;
      if (entry instanceof Run) this.retire(entry);
      else bucket.delete(text);
    };
    for (const programs of this.hosts.values()) for (const bucket of programs.values()) bucket.forEach(visit);
    if (this.lastByHost.size > 1000) this.lastByHost = new Map();
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
      signature: `${run.key()}@${run.first.sourceId}:${run.first.lineNo}`,
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
