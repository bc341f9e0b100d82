/** How the Crash panel words incidents, times and decoded bits in the UI language. */
import { wallClock } from '../../state/clock';
import type { Lang } from '../../i18n';
import type { DeathDetails, Incident, IncidentKind } from '../../../../shared/model/incident';
import type { TimeQuality } from '../../../../shared/model/log';
import type { CrashKey, CrashT } from './messages';

export type Severity = 'critical' | 'high' | 'medium';

const SEVERITY: Record<IncidentKind, Severity> = {
  panic: 'critical',
  oops: 'critical',
  bug: 'critical',
  gpf: 'critical',
  'hard-lockup': 'critical',
  mce: 'critical',
  kasan: 'critical',
  'soft-lockup': 'high',
  'hung-task': 'high',
  'rcu-stall': 'high',
  'io-error': 'high',
  'fs-error': 'high',
  segfault: 'high',
  'process-killed': 'high',
  'core-dumped': 'high',
  warning: 'medium',
  nfs: 'medium',
  'netdev-watchdog': 'medium',
  trap: 'medium',
  'restart-loop': 'medium',
  flood: 'medium',
  'log-loss': 'medium',
};

export function severityOf(kind: IncidentKind): Severity {
  return SEVERITY[kind];
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** UTC ms as a UTC date and time in the UI language (the case's zone is not known here). */
export function formatUtc(ts: number, lang: Lang, t: CrashT): string {
  let f = formatters.get(lang);
  if (!f) {
    f = new Intl.DateTimeFormat(lang, {
      timeZone: 'UTC',
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(lang, f);
  }
  const wall = wallClock(ts);
  return t('time.utc', { time: f.format(wall.date), zone: wall.zone });
}

/** What a time's quality adds beside it; nothing for a time printed with year and zone. */
export function qualityNote(quality: TimeQuality | undefined, t: CrashT): string | null {
  if (quality === undefined || quality === 'exact' || quality === 'none') return null;
  return t(`time.${quality}`);
}

export function formatSpan(secs: number, lang: Lang): string {
  const unit = (value: number, u: 'second' | 'minute' | 'hour' | 'day'): string =>
    new Intl.NumberFormat(lang, {
      style: 'unit',
      unit: u,
      unitDisplay: 'short',
      maximumFractionDigits: 1,
    }).format(value);
  if (secs < 120) return unit(secs, 'second');
  if (secs < 2 * 3600) return unit(secs / 60, 'minute');
  if (secs < 2 * 86400) return unit(secs / 3600, 'hour');
  return unit(secs / 86400, 'day');
}

export function formatNumber(n: number, lang: Lang): string {
  return n.toLocaleString(lang, { maximumFractionDigits: 1 });
}

const FAULT_BITS: ReadonlyArray<[bit: number, set: CrashKey, clear: CrashKey | null]> = [
  [0, 'bit.0.set', 'bit.0.clear'],
  [1, 'bit.1.set', 'bit.1.clear'],
  [2, 'bit.2.set', 'bit.2.clear'],
  [3, 'bit.3.set', null],
  [4, 'bit.4.set', null],
  [5, 'bit.5.set', null],
  [6, 'bit.6.set', null],
  [15, 'bit.15.set', null],
];

/** x86 page-fault error code bits, read from the code itself so both languages agree. */
export function faultBits(code: number, t: CrashT): string[] {
  const out: string[] = [];
  for (const [bit, set, clear] of FAULT_BITS) {
    if (code & (1 << bit)) out.push(t(set));
    else if (clear) out.push(t(clear));
  }
  return out;
}

const TAINT_LETTERS = 'PFSRMBUDAWCIOELKXTNJ';

export function taintMeaning(letter: string, t: CrashT): string {
  return TAINT_LETTERS.includes(letter) && letter.length === 1
    ? t(`taint.${letter}` as CrashKey)
    : t('kernel.unknownLetter');
}

const LOSS_REPORTERS = new Set<string>([
  'journald: forwarding to syslog missed messages',
  'journald: rate limit suppressed messages',
  'journald: missed kernel messages',
  'rsyslog imjournal: rate limit',
  'rsyslog imuxsock: rate limit',
  'kernel: printk messages dropped',
  'kernel: printk messages suppressed',
  'kernel: ratelimited callbacks suppressed',
]);

/** The engine names who lost messages in English; a reporter this panel does not know stays as named. */
export function lossReporter(reporter: string, t: CrashT): string {
  return LOSS_REPORTERS.has(reporter) ? t(`loss.${reporter}` as CrashKey) : reporter;
}

function deathWho(d: DeathDetails): string {
  if (d.unit) return d.unit;
  const proc = d.comm ? (d.pid !== undefined ? `${d.comm}[${d.pid}]` : d.comm) : null;
  if (d.container) return proc ? `${d.container.slice(0, 12)} (${proc})` : d.container.slice(0, 12);
  return proc ?? d.printed;
}

/** What the engine's notes on a death say, rebuilt from the fields so zh-CN reads in Chinese. */
export function deathInferred(d: DeathDetails, t: CrashT): string | null {
  if (!d.inferred) return null;
  if (d.exitStatus !== undefined) {
    if (d.signal && d.exitStatus > 128)
      return t('death.inferredExit', { status: d.exitStatus, n: d.exitStatus - 128, signal: d.signal.name });
    return t('death.inferredSelfExit', { status: d.exitStatus });
  }
  if (d.container && d.oomKill && d.comm && d.pid !== undefined)
    return t('death.inferredContainer', { comm: d.comm, pid: String(d.pid) });
  return null;
}

/** One line saying what happened, in the UI language (the model's summary is English). */
export function summaryOf(inc: Incident, lang: Lang, t: CrashT): string {
  const d = inc.details;
  switch (d.type) {
    case 'flood':
      if (d.perMinute !== null && d.spanSecs !== null) {
        return t('summary.flood', {
          message: d.message,
          count: inc.count,
          span: formatSpan(d.spanSecs, lang),
          rate: formatNumber(d.perMinute, lang),
        });
      }
      return t('summary.floodNoRate', { message: d.message, count: inc.count });
    case 'log-loss':
      return d.lost > 0
        ? t('summary.loss', { reporter: lossReporter(d.reporter, t), lost: d.lost })
        : t('summary.lossUnknown', { reporter: lossReporter(d.reporter, t) });
    case 'segfault': {
      const where = d.object
        ? d.offset
          ? t('summary.segfaultAtOffset', { object: d.object, offset: d.offset })
          : t('summary.segfaultIn', { object: d.object })
        : t('summary.segfaultAtIp', { ip: d.ip });
      const what = d.faultAddress && d.what === 'segfault' ? `segfault at ${d.faultAddress}` : d.what;
      return t('summary.segfault', { comm: d.comm, pid: String(d.pid), what, where });
    }
    case 'death': {
      if (inc.kind === 'restart-loop') return t('summary.restarts', { who: deathWho(d) });
      if (d.container && d.oomKill && d.comm && d.pid !== undefined && !d.unit) {
        return t('summary.deathOomContainer', {
          container: d.container.slice(0, 12),
          comm: d.comm,
          pid: String(d.pid),
        });
      }
      const who = deathWho(d);
      if (inc.kind === 'core-dumped')
        return d.signal
          ? t('summary.dumpedBy', { who, signal: d.signal.name })
          : t('summary.dumped', { who });
      if (d.oomKill) return t('summary.killedOom', { who });
      return d.signal ? t('summary.killedBy', { who, signal: d.signal.name }) : t('summary.killed', { who });
    }
    case 'kernel':
      // The kernel's own headline, as printed: the same in both languages.
      return lang === 'en' ? inc.summary : d.headline;
  }
}
