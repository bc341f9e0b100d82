import { wallClock } from '../../state/clock';
import type { TimeQuality } from '../../../../shared/model/log';
import type { OomKey, OomT } from './messages';

/** kB (as the kernel prints them) in binary units a reader can weigh: kB, MiB, GiB, TiB. */
export function humanKb(kb: number, lang: string): string {
  const sign = kb < 0 ? '-' : '';
  let value = Math.abs(kb);
  if (value < 1024) return `${sign}${value.toLocaleString(lang)} kB`;
  const units = ['MiB', 'GiB', 'TiB', 'PiB'];
  let unit = -1;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = value >= 100 ? 0 : 1;
  return `${sign}${value.toLocaleString(lang, { minimumFractionDigits: digits, maximumFractionDigits: digits })} ${units[unit] ?? ''}`;
}

/** A time in the machine's zone (UTC until known), with the caveat of how it was obtained (inferred parts are never shown as fact). */
export function formatTs(
  ts: number | null,
  quality: TimeQuality | null,
  lang: string,
  t: OomT,
): { text: string; note: string | null } {
  if (ts === null) return { text: t('time.none'), note: null };
  const wall = wallClock(ts);
  const time = new Intl.DateTimeFormat(lang, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
    timeZone: 'UTC',
  }).format(wall.date);
  const note = quality && quality !== 'exact' && quality !== 'none' ? t(`time.${quality}` as OomKey) : null;
  return { text: t('time.utc', { time, zone: wall.zone }), note };
}

/** A gap in seconds as the largest sensible unit. */
export function formatGap(secs: number, t: OomT): string {
  const s = Math.round(secs);
  if (s < 120) return t('gap.s', { n: s });
  if (s < 7200) return t('gap.min', { n: Math.round(s / 60) });
  if (s < 172800) return t('gap.h', { n: Math.round(s / 360) / 10 });
  return t('gap.d', { n: Math.round(s / 8640) / 10 });
}

/** Allocation size of a GFP order in kB (4 KiB pages). */
export function orderKb(order: number): number {
  return 2 ** Math.max(order, 0) * 4;
}
