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
import { evidenceOf, type LineRef, type RecordLine } from '../../../../shared/model/log';
import type { KernelMessage } from '../kernel/message';
import { alternation } from '../words';
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
  last: LineRef;
  lastIndex: number;
  /** Time of the last message: wall clock, or dmesg seconds since boot. */
  lastT: number | null;
  times: number[] = [];
  /** Its place in FloodDetector.runs (the table's slot points there); -1 once retired. */
  at = -1;
  constructor(
    readonly message: string,
    readonly program: string | undefined,
    readonly host: string | undefined,
    readonly first: LineRef,
    readonly firstT: number | null,
    index: number,
  ) {
    this.last = first;
    this.lastIndex = index;
    this.lastT = firstT;
  }

  /** Whether this run is the one for host, program and text (the table's key is a hash of them). */
  is(host: string, program: string, text: string): boolean {
    return this.message === text && (this.host ?? '') === host && (this.program ?? '') === program;
  }
}

// The key of a message: two 32-bit hashes of host, program and text (FNV-1a and a
// multiply-xorshift), left in K1/K2 so that no object is made per line.
let K1 = 0;
let K2 = 0;

function hashPart(s: string): void {
  let h1 = K1;
  let h2 = K2;
  // The length read once: re-reading it every character made the loop a third slower.
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  // The length ends each part, so ("ab", "c") and ("a", "bc") differ.
  K1 = Math.imul(h1 ^ n, 0x01000193);
  K2 = Math.imul(h2 ^ n, 0x5bd1e995);
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

// The hash state after the last host and program: consecutive lines mostly share them, and
// comparing two short strings costs less than hashing them again.
let lastHost: string | null = null;
let lastProgram: string | null = null;
let hostProgramK1 = 0;
let hostProgramK2 = 0;

function keyOf(host: string, program: string, text: string): void {
  if (host === lastHost && program === lastProgram) {
    K1 = hostProgramK1;
    K2 = hostProgramK2;
  } else {
    K1 = 0x811c9dc5;
    K2 = 0x9747b28c;
    hashPart(host);
    hashPart(program);
    lastHost = host;
    lastProgram = program;
    hostProgramK1 = K1;
    hostProgramK2 = K2;
  }
  hashPart(text);
  finishKey();
}

/** The key of a text alone (no host, no program), in K1/K2. */
function textKeyOf(text: string): void {
  K1 = 0x811c9dc5;
  K2 = 0x9747b28c;
  hashPart(text);
  finishKey();
}

function finishKey(): void {
  K1 = fmix(K1);
  K2 = fmix(K2);
  // 0/0 marks an empty slot.
  if (K1 === 0 && K2 === 0) K1 = 1;
}

/**
 * The slot of key (k1, k2) in a table of key pairs (slot i: 2i, 2i + 1; 0/0 = empty) of
 * mask + 1 slots, by linear probing: the key's slot, or the empty one where it would go.
 */
function slotOf(keys: Uint32Array, mask: number, k1: number, k2: number): number {
  for (let i = (k1 ^ Math.imul(k2, 0x9e3779b1)) & mask; ; i = (i + 1) & mask) {
    const a = keys[2 * i]!;
    const b = keys[2 * i + 1]!;
    if ((a === k1 && b === k2) || (a === 0 && b === 0)) return i;
  }
}

const SINGLE = -1;

/**
 * How many distinct texts a flood template has had (its "variants"), counted by their 64-bit
 * keys (keyOf) in an open-addressing table of 8 bytes a text. A Set of the texts themselves
 * grew with the case (5 MiB of strings at 8M lines of the bench syslog, ~4× that at 33M). Two
 * texts sharing a key would be counted once: with 64 bits, a chance of ~n²/2⁶⁵ for n texts.
 */
export class DistinctTexts {
  private keys = new Uint32Array(64);
  size = 0;

  add(text: string): void {
    textKeyOf(text);
    if (2 * (this.size + 1) > this.keys.length / 2) this.grow();
    if (place(this.keys, K1, K2)) this.size++;
  }

  private grow(): void {
    const old = this.keys;
    this.keys = new Uint32Array(old.length * 2);
    for (let i = 0; i < old.length; i += 2)
      if (old[i] !== 0 || old[i + 1] !== 0) place(this.keys, old[i]!, old[i + 1]!);
  }
}

/** Puts key (k1, k2) in a table of pairs; false when it was there already. */
function place(keys: Uint32Array, k1: number, k2: number): boolean {
  const i = slotOf(keys, keys.length / 2 - 1, k1, k2);
  if (keys[2 * i] !== 0 || keys[2 * i + 1] !== 0) return false;
  keys[2 * i] = k1;
  keys[2 * i + 1] = k2;
  return true;
}

/**
 * The messages seen so far, by key: open addressing in typed arrays. Most log lines are unique
 * (pids, ports, session numbers), and a message seen once is kept for up to an hour of log in
 * case it comes again; as objects (the line, its text, the map entry) those outlived the young
 * generation by the hundred thousand and made most of the pass's garbage-collection time. Here
 * a first sighting is numbers in place: where its line is, when, and its position in the pass.
 * A run (second sighting on) is an object, and its slot holds its index in FloodDetector.runs.
 *
 * The key is 64 bits of hash. A single sighting keeps no text to compare with, so two messages
 * whose hashes both collide (odds about 2^-64 per pair) would share a first line; a run keeps its
 * text and is compared exactly.
 */
class MessageTable {
  readonly mask: number;
  size = 0;
  /** The two halves of each slot's key side by side (slot i: 2i, 2i + 1): a probe reads one cache line. */
  readonly keys: Uint32Array;
  /** SINGLE, or the run's index in FloodDetector.runs. */
  readonly run: Int32Array;
  readonly lineId: Float64Array;
  readonly lineNo: Float64Array;
  readonly t: Float64Array;
  /** Position in the pass (lines pushed before it), for sources without times. */
  readonly index: Float64Array;
  readonly sourceId: Int32Array;
  /** sourcePath and tsQuality, as indexes into FloodDetector.names. */
  readonly path: Int32Array;
  readonly quality: Int32Array;

  constructor(readonly capacity: number) {
    this.mask = capacity - 1;
    this.keys = new Uint32Array(capacity * 2);
    this.run = new Int32Array(capacity);
    this.lineId = new Float64Array(capacity);
    this.lineNo = new Float64Array(capacity);
    this.t = new Float64Array(capacity);
    this.index = new Float64Array(capacity);
    this.sourceId = new Int32Array(capacity);
    this.path = new Int32Array(capacity);
    this.quality = new Int32Array(capacity);
  }

  /** The slot holding key (k1, k2), or the empty slot where it would go. */
  find(k1: number, k2: number): number {
    return slotOf(this.keys, this.mask, k1, k2);
  }

  /** Empties the table (only the keys: a slot's other fields are written when it is claimed). */
  clear(): void {
    this.keys.fill(0);
    this.size = 0;
  }

  k1(slot: number): number {
    return this.keys[2 * slot]!;
  }

  k2(slot: number): number {
    return this.keys[2 * slot + 1]!;
  }

  used(slot: number): boolean {
    return this.keys[2 * slot] !== 0 || this.keys[2 * slot + 1] !== 0;
  }

  /** Takes an empty slot (returned by find) for a key; the caller fills it. */
  claim(slot: number, k1: number, k2: number): void {
    if (!this.used(slot)) this.size++;
    this.keys[2 * slot] = k1;
    this.keys[2 * slot + 1] = k2;
  }

  /** Copies slot `from` of `src` into this table (a rebuild). */
  copy(src: MessageTable, from: number): void {
    const k1 = src.k1(from);
    const k2 = src.k2(from);
    const to = this.find(k1, k2);
    this.claim(to, k1, k2);
    this.run[to] = src.run[from]!;
    this.lineId[to] = src.lineId[from]!;
    this.lineNo[to] = src.lineNo[from]!;
    this.t[to] = src.t[from]!;
    this.index[to] = src.index[from]!;
    this.sourceId[to] = src.sourceId[from]!;
    this.path[to] = src.path[from]!;
    this.quality[to] = src.quality[from]!;
  }
}

const MIN_TABLE = 1024;

/** A power of two at least twice n (and at least MIN_TABLE): the table stays at most half full. */
function tableSize(n: number): number {
  let c = MIN_TABLE;
  while (c < n * 2) c *= 2;
  return c;
}

interface LastMessage {
  /** The key of the host's last message, and what a run made from it needs. */
  k1: number;
  k2: number;
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

export const LOSS_KEYWORDS = ['missed', 'Missed', 'Suppressed', 'suppressed', 'lost', 'dropped', 'drop'];
export const LOSS_PREFILTER = alternation(LOSS_KEYWORDS);

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  // A typed array sorts numerically in native code (the same order as (a, b) => a - b).
  const s = Float64Array.from(xs).sort();
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export class FloodDetector {
  private table = new MessageTable(MIN_TABLE);
  private spare: MessageTable | null = null;
  /** The runs (messages seen twice or more) being followed; retired ones leave a hole. */
  private runs: (Run | undefined)[] = [];
  private readonly freeRuns: number[] = [];
  /** Source paths and time qualities of single sightings, stored as indexes into this. */
  private readonly names: string[] = [];
  private readonly nameIds = new Map<string, number>();
  /** Finished floods by template (`host|program|template`), summed as they retire. */
  private readonly templates = new Map<string, TemplateGroup>();
  private index = 0;
  /** The last message per host, for `last message repeated N times`. */
  private lastByHost = new Map<string, LastMessage>();
  /** The entry of lastByHost used last, and its host: consecutive lines mostly share a host. */
  private lastHost: string | null = null;
  private lastHostEntry: LastMessage | undefined;
  /** Log loss per host and reporter, summed as it is read. */
  private readonly losses = new Map<string, LossGroup>();

  /**
   * Feeds one line that is not part of a kernel report block. `mayHaveKeyword` false: the
   * pass's keyword gate found no log-loss word in the line (analysis/keywords.ts).
   */
  push(line: RecordLine, km: KernelMessage, mayHaveKeyword = true): void {
    this.index++;
    if (this.index % SWEEP_EVERY === 0) this.sweep(line);
    // Only log records (a time or a syslog tag) can flood; report bodies and config text repeat by nature.
    if (line.ts === null && km.bootSecs === undefined && km.program === undefined) return;
    const message = km.message.trim();
    if (message === '') return;
    if (isBodyLine(km.message) || isDecorLine(km.message) || message.includes('[ cut here ]')) return;
    // syslogd's heartbeat repeats by design.
    if (message === '-- MARK --') return;
    if (mayHaveKeyword && LOSS_PREFILTER.test(message) && this.loss(line, km, message)) return;
    const hostKey = km.host ?? '';
    // Both repeat forms start with `m`, `l` or `-` and say "repeated": the regexes run only on such lines.
    const c0 = message.charCodeAt(0);
    const repeatedForm = (c0 === 109 || c0 === 108 || c0 === 45) && message.includes('repeated');
    let m = repeatedForm ? REPEATED_OLD.exec(message) : null;
    if (m) {
      const lastOfHost = this.lastByHost.get(hostKey);
      const run = lastOfHost ? this.runOf(lastOfHost) : undefined;
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
    const program = km.program ?? '';
    keyOf(hostKey, program, text);
    const k1 = K1;
    const k2 = K2;
    let lastOfHost = hostKey === this.lastHost ? this.lastHostEntry : this.lastByHost.get(hostKey);
    if (!lastOfHost) {
      lastOfHost = { k1, k2, text, program: km.program, host: km.host };
      this.lastByHost.set(hostKey, lastOfHost);
    }
    this.lastHost = hostKey;
    this.lastHostEntry = lastOfHost;
    lastOfHost.k1 = k1;
    lastOfHost.k2 = k2;
    lastOfHost.text = text;
    lastOfHost.program = km.program;
    lastOfHost.host = km.host;
    if ((this.table.size + 1) * 2 > this.table.capacity) this.rebuild(null);
    const tab = this.table;
    const slot = tab.find(k1, k2);
    // Wall-clock time when known; dmesg seconds since boot still give a rate.
    const t = line.ts ?? (km.bootSecs !== undefined ? km.bootSecs * 1000 : null);
    let run: Run | undefined;
    if (tab.used(slot)) {
      const at = tab.run[slot]!;
      if (at === SINGLE) {
        // A first sighting more than a run's gap ago is forgotten; this one takes its place.
        if (t === null || t - tab.t[slot]! <= RUN_GAP_MS) run = this.promote(slot, text, km.program, km.host);
      } else {
        run = this.runs[at]!;
        // Both 32-bit hashes collided with another message's: the line is left out.
        if (!run.is(hostKey, program, text)) return;
        if (t !== null && run.lastT !== null && run.last.ts !== null && t - run.lastT > RUN_GAP_MS) {
          this.retire(run);
          run = undefined;
        }
      }
    }
    if (!run) {
      if (repeats === 0 && line.ts !== null && t !== null) {
        this.single(slot, k1, k2, line, t);
        return;
      }
      run = new Run(text, km.program, km.host, line, t, this.index);
      this.follow(slot, k1, k2, run);
    }
    run.count += repeats > 0 ? repeats : 1;
    run.repeated += repeats;
    run.last = line;
    run.lastIndex = this.index;
    if (t !== null) run.lastT = t;
    if (t !== null && run.times.length < MAX_TIMES) run.times.push(t);
  }

  private nameId(name: string): number {
    let id = this.nameIds.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.nameIds.set(name, id);
    }
    return id;
  }

  /** Records a first sighting in slot (empty, or holding a forgotten sighting of the same key). */
  private single(slot: number, k1: number, k2: number, line: RecordLine, t: number): void {
    const tab = this.table;
    tab.claim(slot, k1, k2);
    tab.run[slot] = SINGLE;
    tab.lineId[slot] = line.lineId;
    tab.lineNo[slot] = line.lineNo;
    tab.t[slot] = t;
    tab.index[slot] = this.index;
    tab.sourceId[slot] = line.sourceId;
    tab.path[slot] = this.nameId(line.sourcePath);
    tab.quality[slot] = this.nameId(line.tsQuality);
  }

  /** Puts a run in slot and in the runs followed. */
  private follow(slot: number, k1: number, k2: number, run: Run): void {
    run.at = this.freeRuns.pop() ?? this.runs.length;
    this.runs[run.at] = run;
    this.table.claim(slot, k1, k2);
    this.table.run[slot] = run.at;
  }

  /** The run of the host's last message, made from its first sighting if need be. */
  private runOf(last: LastMessage): Run | undefined {
    const slot = this.table.find(last.k1, last.k2);
    if (!this.table.used(slot)) return undefined;
    const at = this.table.run[slot]!;
    if (at === SINGLE) return this.promote(slot, last.text, last.program, last.host);
    const run = this.runs[at]!;
    return run.is(last.host ?? '', last.program ?? '', last.text) ? run : undefined;
  }

  /** The second sighting of a message: its first line becomes a run of one. */
  private promote(slot: number, text: string, program: string | undefined, host: string | undefined): Run {
    const tab = this.table;
    const t = tab.t[slot]!;
    const first: LineRef = {
      lineId: tab.lineId[slot]!,
      sourceId: tab.sourceId[slot]!,
      sourcePath: this.names[tab.path[slot]!]!,
      lineNo: tab.lineNo[slot]!,
      ts: t,
      tsQuality: this.names[tab.quality[slot]!] as LineRef['tsQuality'],
    };
    const run = new Run(text, program, host, first, t, tab.index[slot]!);
    run.count = 1;
    run.times.push(t);
    this.follow(slot, tab.k1(slot), tab.k2(slot), run);
    return run;
  }

  finish(): IncidentDraft[] {
    for (const run of this.runs) if (run) this.retire(run);
    this.runs = [];
    this.table = new MessageTable(MIN_TABLE);
    this.spare = null;
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

  /** Ends a run (its slot is taken by the caller or dropped by the next rebuild) and keeps it if it is a flood. */
  private retire(run: Run): void {
    if (run.at >= 0) {
      this.runs[run.at] = undefined;
      this.freeRuns.push(run.at);
      run.at = -1;
    }
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

  /** Forgets the messages that went quiet: runs retire, single sightings are dropped. */
  private sweep(now: RecordLine): void {
    for (const run of this.runs) {
      if (!run) continue;
      const quiet =
        now.ts !== null && run.last.ts !== null
          ? now.ts - run.last.ts > RUN_GAP_MS
          : this.index - run.lastIndex > QUIET_LINES;
      if (quiet) this.retire(run);
    }
    this.rebuild(now);
    if (this.lastByHost.size > 1000) {
      this.lastByHost = new Map();
      this.lastHost = null;
      this.lastHostEntry = undefined;
    }
  }

  /**
   * A new table holding the live slots: runs still followed, and single sightings (all of them,
   * or with `now` only those that have not gone quiet), in a table at least twice that size (a
   * sweep keeps the size it had).
   */
  private rebuild(now: RecordLine | null): void {
    const old = this.table;
    const keep = new Uint8Array(old.capacity);
    let live = 0;
    for (let i = 0; i < old.capacity; i++) {
      if (!old.used(i)) continue;
      const at = old.run[i]!;
      let alive: boolean;
      if (at !== SINGLE) alive = this.runs[at] !== undefined;
      else if (now === null) alive = true;
      else
        alive =
          now.ts !== null ? now.ts - old.t[i]! <= RUN_GAP_MS : this.index - old.index[i]! <= QUIET_LINES;
      if (alive) {
        keep[i] = 1;
        live++;
      }
    }
    // A sweep keeps the size (the next 20,000 lines refill it); only growth changes it.
    const size = Math.max(tableSize(live + 1), now === null ? 0 : old.capacity);
    // The previous table, emptied, when it has the size wanted: a sweep every 20,000 lines would
    // otherwise allocate and zero a table each time.
    let next = this.spare;
    if (next && next.capacity === size) next.clear();
    else next = new MessageTable(size);
    for (let i = 0; i < old.capacity; i++) if (keep[i] === 1) next.copy(old, i);
    this.table = next;
    this.spare = old;
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
function headerOrder(a: LineRef, b: LineRef): number {
  return a.sourceId - b.sourceId || a.lineNo - b.lineNo;
}

/**
 * The first `head` and last `tail` items in header order of all those added, whatever order
 * they are added in, and how many there were: what a HeadTail pushed in header order keeps.
 * Sorted; once longer than head + tail, the item just past the head can be in neither end.
 */
export class SortedEnds<T> {
  private readonly items: { at: LineRef; value: T }[] = [];
  total = 0;
  constructor(
    private readonly head: number,
    private readonly tail: number,
  ) {}

  add(at: LineRef, value: T): void {
    this.total++;
    const i = insertionPoint(this.items, at);
    this.items.splice(i, 0, { at, value });
    if (this.items.length > this.head + this.tail) this.items.splice(this.head, 1);
  }

  values(): T[] {
    return this.items.map((x) => x.value);
  }
}

function insertionPoint(items: readonly { at: LineRef }[], at: LineRef): number {
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
  private lastAt: LineRef | null = null;
  private lastLine: LineRef | null = null;
  private readonly texts = new DistinctTexts();
  /** Each burst's intervals, in header order, cut once the first ones hold MAX_INTERVALS. */
  private readonly intervals: { at: LineRef; values: number[] }[] = [];
  /** How many intervals `intervals` holds. */
  private intervalsHeld = 0;
  private readonly bursts = new SortedEnds<BurstEntry>(BURSTS_HEAD, BURSTS_TAIL);
  private readonly starts = new SortedEnds<LineRef>(OCCURRENCES_HEAD, OCCURRENCES_TAIL);

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

  private addIntervals(at: LineRef, values: number[]): void {
    const list = this.intervals;
    const p = insertionPoint(list, at);
    // Once the list holds MAX_INTERVALS, a burst after all of it would be cut off again at once:
    // bursts mostly retire in header order, so that is the common case of a long flood.
    if (this.intervalsHeld >= MAX_INTERVALS && p === list.length) return;
    list.splice(p, 0, { at, values });
    let held = 0;
    for (let i = 0; i < list.length; i++) {
      held += list[i]!.values.length;
      if (held >= MAX_INTERVALS) {
        list.length = i + 1;
        break;
      }
    }
    this.intervalsHeld = held;
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
