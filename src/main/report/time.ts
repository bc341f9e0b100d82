/** Times in the report: the machine's zone when the case knows it (and says so), else UTC. */
import type { TimeQuality } from '../../shared/model/log';
import type { ReportLang } from '../../shared/model/report';
import type { ReportZone } from './model';

export interface Clock {
  /** `2022-06-06 21:33:14` in the report's zone. */
  format(ms: number | null): string;
  /** `21:33:14`. */
  time(ms: number): string;
  /** Label of the zone, e.g. `UTC+08:00` or `Asia/Shanghai`. */
  label: string;
  /** True when the machine's zone is used (false: UTC). */
  machine: boolean;
}

function offsetLabel(minutes: number): string {
  const sign = minutes < 0 ? '−' : '+';
  const abs = Math.abs(minutes);
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

function isoParts(d: Date): string {
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

export function makeClock(zone: ReportZone | null): Clock {
  if (zone?.offsetMinutes !== null && zone?.offsetMinutes !== undefined) {
    const off = zone.offsetMinutes;
    const fmt = (ms: number): string => isoParts(new Date(ms + off * 60_000));
    return {
      format: (ms) => (ms === null ? '—' : fmt(ms)),
      time: (ms) => fmt(ms).slice(11),
      label: offsetLabel(off),
      machine: true,
    };
  }
  if (zone?.name) {
    let dtf: Intl.DateTimeFormat | null = null;
    try {
      dtf = new Intl.DateTimeFormat('sv-SE', {
        timeZone: zone.name,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
      });
    } catch {
      dtf = null;
    }
    if (dtf) {
      const d = dtf;
      return {
        format: (ms) => (ms === null ? '—' : d.format(new Date(ms))),
        time: (ms) => d.format(new Date(ms)).slice(11),
        label: zone.name,
        machine: true,
      };
    }
  }
  return {
    format: (ms) => (ms === null ? '—' : isoParts(new Date(ms))),
    time: (ms) => isoParts(new Date(ms)).slice(11),
    label: 'UTC',
    machine: false,
  };
}

const QUALITY: Record<TimeQuality, { en: string; zh: string }> = {
  exact: { en: 'printed with year and zone', zh: '日志中带年份和时区' },
  'year-inferred': { en: 'printed without a year; year inferred', zh: '日志中无年份,年份为推断' },
  'zone-assumed': { en: 'printed without a zone; zone assumed', zh: '日志中无时区,时区为假定' },
  'boot-relative-converted': {
    en: 'seconds since boot, converted with a boot anchor (inferred)',
    zh: '开机后秒数,按开机时间换算(推断)',
  },
  'boot-relative': { en: 'seconds since boot, not converted', zh: '开机后秒数,未换算' },
  none: { en: 'no time on the line', zh: '该行无时间' },
};

export function qualityText(q: TimeQuality, lang: ReportLang): string {
  return lang === 'zh-CN' ? QUALITY[q].zh : QUALITY[q].en;
}

/** Seconds as `36 h 36 min`, `30 s`. */
export function duration(secs: number, lang: ReportLang): string {
  const zh = lang === 'zh-CN';
  const s = Math.round(Math.abs(secs));
  if (s < 120) return zh ? `${s} 秒` : `${s} s`;
  const m = Math.round(s / 60);
  if (m < 120) return zh ? `${m} 分钟` : `${m} min`;
  const h = Math.floor(m / 60);
  const rm = m % 60;
  if (h < 72) return zh ? `${h} 小时 ${rm} 分钟` : `${h} h ${rm} min`;
  const d = Math.floor(h / 24);
  return zh ? `${d} 天 ${h % 24} 小时` : `${d} d ${h % 24} h`;
}
