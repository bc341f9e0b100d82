/**
 * Pure helpers of the reboot panel: the boots in time order with parsed times, line ids
 * resolved from the case's sources, human durations and time labels.
 */
import { wallClock } from '../../state/clock';
import type { BootJson } from '../../../../shared/model/boot';
import type { SourceInfo } from '../../../../shared/model/case';
import type { Lang } from '../../i18n';

export interface Target {
  lineId: number;
  sourceId: number;
}

export interface Cite {
  source: string;
  line: number;
  what: string;
  target: Target | null;
}

export interface BootRow {
  /** 1-based position from the oldest boot (the `#` the bar and the table share). */
  n: number;
  boot: BootJson;
  start: number | null;
  end: number | null;
  lsolTs: number | null;
  nextStart: number | null;
  previousKernel: string | null;
  startCite: Cite | null;
  lsolCite: Cite | null;
}

function ms(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : null;
}

/**
 * The viewer target of a cited line: its global line id when the model carries one (checked
 * against the source that holds it), else `path:line` resolved through the sources; null when
 * no single source of that path holds the line.
 */
export function resolveLine(
  sources: readonly SourceInfo[],
  path: string,
  line: number,
  lineId = 0,
): Target | null {
  if (lineId > 0) {
    const s = sources.find(
      (x) => x.firstLineId !== null && lineId >= x.firstLineId && lineId < x.firstLineId + x.lineCount,
    );
    if (s && s.path === path) return { lineId, sourceId: s.sourceId };
  }
  let found: SourceInfo | null = null;
  for (const s of sources) {
    if (s.path !== path) continue;
    // Two inputs with the same member path: the model does not say which one, so no guess.
    if (found) return null;
    found = s;
  }
  if (!found || found.firstLineId === null || line < 1 || line > found.lineCount) return null;
  return { lineId: found.firstLineId + line - 1, sourceId: found.sourceId };
}

const LSOL_PREFIX = 'last sign of life';

/** The evidence of the boot's start: the model lists evidence in time order, the start first. */
function startEvidence(b: BootJson): BootJson['evidence'][number] | null {
  return b.evidence.find((e) => !e.what.startsWith(LSOL_PREFIX)) ?? b.evidence[0] ?? null;
}

export function bootRows(boots: readonly BootJson[], sources: readonly SourceInfo[]): BootRow[] {
  const sorted = boots
    .map((boot, i) => ({ boot, i, start: ms(boot.start) }))
    .sort((a, b) => (a.start ?? Infinity) - (b.start ?? Infinity) || a.i - b.i);
  return sorted.map(({ boot, start }, k) => {
    const se = startEvidence(boot);
    const lsol = boot.lastSignOfLife;
    return {
      n: k + 1,
      boot,
      start,
      end: ms(boot.end),
      lsolTs: ms(lsol?.ts),
      nextStart: sorted[k + 1]?.start ?? null,
      previousKernel: sorted[k - 1]?.boot.kernel ?? null,
      startCite: se
        ? {
            source: se.source,
            line: se.line,
            what: se.what,
            target: resolveLine(sources, se.source, se.line, se.lineId),
          }
        : null,
      lsolCite: lsol
        ? {
            source: lsol.source,
            line: lsol.line,
            what: lsol.what,
            target: resolveLine(sources, lsol.source, lsol.line, lsol.lineId),
          }
        : null,
    };
  });
}

export interface DurationParts {
  negative: boolean;
  d: number;
  h: number;
  m: number;
  s: number;
}

/** Days, hours, minutes (seconds only under a minute), as `1 d 12 h 36 m` reads. */
export function durationParts(seconds: number): DurationParts {
  const negative = seconds < 0;
  let rest = Math.round(Math.abs(seconds));
  const d = Math.floor(rest / 86400);
  rest -= d * 86400;
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const m = Math.floor(rest / 60);
  return { negative, d, h, m, s: rest - m * 60 };
}

export function formatDuration(
  seconds: number,
  unit: (u: 'd' | 'h' | 'm' | 's', n: number) => string,
): string {
  const p = durationParts(seconds);
  if (p.d === 0 && p.h === 0 && p.m === 0) return unit('s', p.s);
  const out: string[] = [];
  if (p.d > 0) out.push(unit('d', p.d));
  if (p.d > 0 || p.h > 0) out.push(unit('h', p.h));
  out.push(unit('m', p.m));
  return out.join(' ');
}

/** A time for the table in the machine's zone (UTC until known); seconds only when printed (non-zero). */
export function formatUtc(t: number, lang: Lang): string {
  const wall = wallClock(t);
  const withSeconds = wall.date.getUTCSeconds() !== 0;
  const f = new Intl.DateTimeFormat(lang, {
    timeZone: 'UTC',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    ...(withSeconds ? { second: '2-digit' } : {}),
    hourCycle: 'h23',
  });
  return `${f.format(wall.date)} ${wall.zone}`;
}

export interface Tick {
  t: number;
  label: string;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
type Step = { kind: 'ms'; ms: number } | { kind: 'month'; months: number };
const STEPS: Step[] = [
  { kind: 'ms', ms: HOUR },
  { kind: 'ms', ms: 3 * HOUR },
  { kind: 'ms', ms: 6 * HOUR },
  { kind: 'ms', ms: 12 * HOUR },
  { kind: 'ms', ms: DAY },
  { kind: 'ms', ms: 2 * DAY },
  { kind: 'ms', ms: 7 * DAY },
  { kind: 'month', months: 1 },
  { kind: 'month', months: 3 },
  { kind: 'month', months: 6 },
  { kind: 'month', months: 12 },
  { kind: 'month', months: 24 },
  { kind: 'month', months: 60 },
];

function approxMs(step: Step): number {
  return step.kind === 'ms' ? step.ms : step.months * 30 * DAY;
}

/** Round UTC ticks across [from, to], at most `max` of them, labelled for their step. */
export function timeTicks(from: number, to: number, max: number, lang: Lang): Tick[] {
  const span = Math.max(1, to - from);
  const step = STEPS.find((s) => span / approxMs(s) <= max) ?? (STEPS[STEPS.length - 1] as Step);
  const ticks: number[] = [];
  if (step.kind === 'ms') {
    for (let t = Math.ceil(from / step.ms) * step.ms; t <= to; t += step.ms) ticks.push(t);
  } else {
    const d = new Date(from);
    let y = d.getUTCFullYear();
    let m =
      Math.ceil((d.getUTCMonth() + (d.getUTCDate() > 1 || d.getUTCHours() > 0 ? 1 : 0)) / step.months) *
      step.months;
    if (step.months >= 12) {
      y = d.getUTCMonth() === 0 && d.getUTCDate() === 1 ? y : y + 1;
      y = Math.ceil(y / (step.months / 12)) * (step.months / 12);
      m = 0;
    }
    for (let t = Date.UTC(y, m, 1); t <= to; t = Date.UTC(y, (m += step.months), 1)) ticks.push(t);
  }
  const opts: Intl.DateTimeFormatOptions =
    step.kind === 'month'
      ? step.months >= 12
        ? { year: 'numeric' }
        : { year: 'numeric', month: 'short' }
      : step.ms >= DAY
        ? { month: 'short', day: 'numeric' }
        : { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
  const f = new Intl.DateTimeFormat(lang, { timeZone: 'UTC', ...opts });
  return ticks.map((t) => ({ t, label: f.format(t) }));
}
