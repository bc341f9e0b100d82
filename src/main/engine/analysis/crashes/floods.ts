/**
 * Floods (the same message over and over, like the seed's `[write_iter] inode ifops has
 * restore` every 10 s after the OOM kill) and log loss (journald forwarding misses, rate
 * limiting, dropped printk messages). Memory stays bounded: messages seen fewer than
 * FLOOD_MIN times are forgotten once they go quiet.
 *
 * A flood is found per identical text and burst (a run that an hour's pause ends); the runs
 * of one host, program and template (the text with its numbers as `#`) are then one incident
 * with its bursts listed, so a message that floods all day, or one that carries a changing
 * timestamp or pid, is one incident and not thousands. Log loss is summed per host and
 * reporter as it is read.
 */
import type { FloodBurst, FloodDetails, LogLossDetails } from '../../../../shared/model/incident';
import { evidenceOf, type RecordLine } from '../../../../shared/model/log';
import type { KernelMessage } from '../kernel/message';
import { isBodyLine, isDecorLine } from './body';
import { HeadTail, OCCURRENCES_HEAD, OCCURRENCES_TAIL, type IncidentDraft } from './group';

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
/** Bursts listed in a flood incident: the first and the last ones (burstCount says how many). */
export const BURSTS_HEAD = 20;
export const BURSTS_TAIL = 20;
/** Intervals sampled for the median of a flood of several bursts (the first ones, burst by burst). */
const MAX_INTERVALS = 20_000;

// Words made of decimal/hex digits with at least one decimal digit (pids, ports, IPv4 parts,
// addresses, epoch stamps, `0x…`); words that merely end in a digit (`vda1`, `eth0`) stay.
const NUMBER_WORD = /\b(?:0x)?[0-9a-f]*\d[0-9a-f]*\b/gi;

/** The message with its numbers as `#`: texts equal up to them are one flood template. */
export function floodTemplate(message: string): string {
  return message.replace(NUMBER_WORD, '#');
}

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
  /** Finished floods by template (`host|program|template`), summed as they retire. */
  private readonly templates = new Map<string, TemplateGroup>();
  private index = 0;
  /** The last message per host, for `last message repeated N times`. */
  private lastByHost = new Map<string, LastMessage>();
  /** Log loss per host and reporter, summed as it is read. */
  private readonly losses = new Map<string, LossGroup>();

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
    const out: IncidentDraft[] = [];
    for (const g of this.templates.values()) {
      const d = g.draft();
      if (d) out.push(d);
    }
    this.templates.clear();
    for (const g of this.losses.values()) out.push(lossDraft(g));
    return out;
  }

  private loss(line: RecordLine, km: KernelMessage, message: string): boolean {
    for (const rule of LOSS_RULES) {
      const m = rule.re.exec(message);
      if (!m) continue;
      const lost = m[1] !== undefined ? Number(m[1]) : 0;
      const signature = `${km.host ?? ''}|${rule.reporter}`;
      const g = this.losses.get(signature);
      if (g) {
        g.lost += lost;
        g.occurrences.push(line);
        g.firstTs = minTs(g.firstTs, line.ts);
        g.lastTs = maxTs(g.lastTs, line.ts);
      } else {
        const occurrences = new HeadTail<RecordLine>();
        occurrences.push(line);
        this.losses.set(signature, {
          signature,
          reporter: rule.reporter,
          program: km.program,
          first: line,
          lost,
          occurrences,
          firstTs: line.ts,
          lastTs: line.ts,
        });
      }
      return true;
    }
    return false;
  }

  private retire(run: Run): void {
    if (run.bucket.get(run.message) === run) run.bucket.delete(run.message);
    if (run.count < FLOOD_MIN) return;
    const { draft, intervals } = this.floodDraft(run);
    // A periodic job logging once every few minutes is a schedule, not a flood.
    const rate = draft.details.type === 'flood' ? draft.details.perMinute : null;
    if (!(rate === null || rate >= FLOOD_MIN_PER_MINUTE || (draft.count ?? 0) >= 100)) return;
    let g = this.templates.get(draft.signature);
    if (!g) {
      g = new TemplateGroup(draft.signature);
      this.templates.set(draft.signature, g);
    }
    g.add(draft, intervals);
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

  private floodDraft(run: Run): { draft: IncidentDraft; intervals: number[] } {
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
    const draft: IncidentDraft = {
      kind: 'flood',
      signature: templateKey(run),
      summary: `"${run.message}" repeated ${run.count} times${span}${rate}`,
      header: run.first,
      lines,
      details: { type: 'flood', ...d },
      count: run.count,
      firstTs: first,
      lastTs: last,
    };
    return { draft, intervals };
  }
}

function minTs(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}

function maxTs(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}

interface LossGroup {
  signature: string;
  reporter: string;
  program: string | undefined;
  first: RecordLine;
  /** Sum of the N printed on the lines. */
  lost: number;
  occurrences: HeadTail<RecordLine>;
  firstTs: number | null;
  lastTs: number | null;
}

function lossDraft(g: LossGroup): IncidentDraft {
  const d: LogLossDetails = { reporter: g.reporter, lost: g.lost };
  const n = g.occurrences.total;
  const times = n > 1 ? ` in ${n} reports` : '';
  return {
    kind: 'log-loss',
    signature: g.signature,
    summary: `${g.reporter}${g.lost ? `: ${g.lost}` : ''}${times}${g.program ? ` (${g.program})` : ''}`,
    header: g.first,
    lines: [g.first],
    details: { type: 'log-loss', ...d },
    count: n,
    firstTs: g.firstTs,
    lastTs: g.lastTs,
    occurrences: g.occurrences.items(),
    occurrencesTotal: n,
  };
}

/** `host|program|template`: the signature that gathers a message's bursts and numeric variants. */
function templateKey(run: Run): string {
  return `${run.host ?? ''}|${run.program ?? ''}|${floodTemplate(run.message)}`;
}

function burstOf(d: IncidentDraft): FloodBurst {
  const f = d.details.type === 'flood' ? d.details : null;
  const last = d.lines[d.lines.length - 1] ?? d.header;
  const b: FloodBurst = {
    firstTs: d.firstTs ?? d.header.ts,
    lastTs: d.lastTs ?? last.ts,
    count: d.count ?? 1,
    spanSecs: f?.spanSecs ?? null,
    perMinute: f?.perMinute ?? null,
    first: evidenceOf(d.header, 'burst start'),
    last: evidenceOf(last, 'burst end'),
  };
  return b;
}

/** Position of a draft's header line: the order a template's bursts are listed in. */
function headerOrder(a: RecordLine, b: RecordLine): number {
  return a.sourceId - b.sourceId || a.lineNo - b.lineNo;
}

/**
 * The first `head` and last `tail` items in header order of all those added, whatever order
 * they are added in, and how many there were: what a HeadTail pushed in header order keeps.
 * Sorted; once longer than head + tail, the item just past the head can be in neither end.
 */
export class SortedEnds<T> {
  private readonly items: { at: RecordLine; value: T }[] = [];
  total = 0;
  constructor(
    private readonly head: number,
    private readonly tail: number,
  ) {}

  add(at: RecordLine, value: T): void {
    this.total++;
    const i = insertionPoint(this.items, at);
    this.items.splice(i, 0, { at, value });
    if (this.items.length > this.head + this.tail) this.items.splice(this.head, 1);
  }

  values(): T[] {
    return this.items.map((x) => x.value);
  }
}

function insertionPoint(items: readonly { at: RecordLine }[], at: RecordLine): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (headerOrder(items[mid]!.at, at) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A burst as listed, before it is compared with the template's first message. */
interface BurstEntry {
  burst: FloodBurst;
  message: string;
}

/**
 * The bursts of one template (`host|program|template`), summed as they retire. A single burst
 * of identical texts stays the draft it was found as; several become one draft counting them
 * all, spanning first to last, with the first BURSTS_HEAD and last BURSTS_TAIL bursts listed
 * and each burst's first line as an occurrence. Memory is bounded per template: the listed
 * ends, the intervals of the first bursts (MAX_INTERVALS) and the distinct texts.
 */
class TemplateGroup {
  private n = 0;
  private first: IncidentDraft | null = null;
  private count = 0;
  private repeated = 0;
  private firstTs: number | null = null;
  private lastTs: number | null = null;
  private lastAt: RecordLine | null = null;
  private lastLine: RecordLine | null = null;
  private readonly texts = new Set<string>();
  /** Each burst's intervals, in header order, cut once the first ones hold MAX_INTERVALS. */
  private readonly intervals: { at: RecordLine; values: number[] }[] = [];
  private readonly bursts = new SortedEnds<BurstEntry>(BURSTS_HEAD, BURSTS_TAIL);
  private readonly starts = new SortedEnds<RecordLine>(OCCURRENCES_HEAD, OCCURRENCES_TAIL);

  constructor(readonly signature: string) {}

  add(d: IncidentDraft, intervals: number[]): void {
    if (d.details.type !== 'flood') return;
    this.n++;
    if (!this.first || headerOrder(d.header, this.first.header) < 0) this.first = d;
    this.count += d.count ?? 1;
    this.repeated += d.details.repeatedReported;
    this.firstTs = minTs(this.firstTs, d.firstTs ?? d.header.ts);
    // The latest end; of equal ends, the burst listed last.
    const end = d.lastTs ?? d.header.ts;
    if (
      end !== null &&
      (this.lastTs === null ||
        end > this.lastTs ||
        (end === this.lastTs && headerOrder(d.header, this.lastAt!) > 0))
    ) {
      this.lastTs = end;
      this.lastAt = d.header;
      this.lastLine = d.lines[d.lines.length - 1] ?? d.header;
    }
    this.texts.add(d.details.message);
    this.addIntervals(d.header, intervals);
    this.bursts.add(d.header, { burst: burstOf(d), message: d.details.message });
    this.starts.add(d.header, d.header);
  }

  private addIntervals(at: RecordLine, values: number[]): void {
    const list = this.intervals;
    list.splice(insertionPoint(list, at), 0, { at, values });
    let held = 0;
    for (let i = 0; i < list.length; i++) {
      held += list[i]!.values.length;
      if (held >= MAX_INTERVALS) {
        list.length = i + 1;
        break;
      }
    }
  }

  draft(): IncidentDraft | null {
    const first = this.first;
    if (!first || first.details.type !== 'flood') return null;
    const fd = first.details;
    if (this.n === 1) {
      fd.template = floodTemplate(fd.message);
      return first;
    }
    const intervals: number[] = [];
    for (const x of this.intervals)
      for (const v of x.values) if (intervals.length < MAX_INTERVALS) intervals.push(v);
    const bursts = this.bursts
      .values()
      .map(({ burst, message }) => (message !== fd.message ? { ...burst, message } : burst));
    const { count, firstTs, lastTs } = this;
    const lastLine = this.lastLine ?? first.header;
    const spanSecs = firstTs !== null && lastTs !== null ? (lastTs - firstTs) / 1000 : null;
    const perMinute =
      spanSecs !== null && spanSecs > 0 ? Math.round((count / (spanSecs / 60)) * 100) / 100 : null;
    const details: FloodDetails = {
      message: fd.message,
      perMinute,
      medianIntervalSecs: median(intervals),
      spanSecs,
      repeatedReported: this.repeated,
      template: floodTemplate(fd.message),
      variants: this.texts.size,
      bursts,
      burstCount: this.bursts.total,
    };
    if (fd.program !== undefined) details.program = fd.program;
    if (fd.host !== undefined) details.host = fd.host;
    const variants = this.texts.size > 1 ? ` (${this.texts.size} texts differing only in numbers)` : '';
    const span = spanSecs !== null ? ` over ${spanSecs} s` : '';
    return {
      kind: 'flood',
      signature: this.signature,
      summary: `"${fd.message}"${variants} repeated ${count} times in ${this.n} bursts${span}`,
      header: first.header,
      lines: first.header === lastLine ? [first.header] : [first.header, lastLine],
      details: { type: 'flood', ...details },
      count,
      firstTs,
      lastTs,
      occurrences: this.starts.values(),
      occurrencesTotal: this.starts.total,
    };
  }
}
