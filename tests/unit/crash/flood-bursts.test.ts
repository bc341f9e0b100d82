/**
 * Two shortcuts of the flood detector, checked against plain computations: a flood of many
 * bursts lists the median interval of its first MAX_INTERVALS (20,000) intervals in burst order,
 * however many more bursts retire after the list is full; and `last message repeated N times`
 * counts toward the last message of its own host, when hosts alternate line by line (the last
 * host's entry is kept at hand) and after the per-host table was reset (more than 1,000 hosts).
 */
import { describe, expect, it } from 'vitest';
import { detectIncidents } from '../../../src/main/engine/analysis/crashes';
import type { FloodDetails, Incident } from '../../../src/shared/model/incident';
import type { RecordLine } from '../../../src/shared/model/log';

const T0 = Date.UTC(2022, 5, 6, 0, 0, 0);

function stamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `Jun ${String(d.getUTCDate()).padStart(2, ' ')} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

function syslog(entries: [number, string, string, string][]): RecordLine[] {
  return entries.map(([ms, host, prog, msg], i) => ({
    lineId: 1 + i,
    sourceId: 1,
    sourcePath: 'var/log/syslog',
    lineNo: i + 1,
    ts: ms,
    tsQuality: 'year-inferred',
    text: `${stamp(ms)} ${host} ${prog}: ${msg}`,
  }));
}

function flood(incidents: Incident[], message: string): Incident & { details: FloodDetails } {
  const f = incidents.find((i) => i.details.type === 'flood' && i.details.message === message);
  if (!f || f.details.type !== 'flood') throw new Error(`no flood of ${message}`);
  return f as Incident & { details: FloodDetails };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

describe('flood bursts and repeats', () => {
  it('takes the median of the first 20,000 intervals in burst order, more bursts retiring after', () => {
    const WARN = '[write_iter] inode ifops has restore';
    const entries: [number, string, string, string][] = [];
    const intervals: number[] = [];
    let t = T0;
    // 40 bursts of 1,001 lines (1,000 intervals each) two hours apart; the first 20 fill the list.
    // Bursts 0-19 alternate 1 s and 3 s spacings, later ones 40 s, so counting them would move the median.
    for (let b = 0; b < 40; b++) {
      const step = b < 20 ? (b % 2 ? 3000 : 1000) : 40_000;
      for (let i = 0; i <= 1000; i++) {
        if (i > 0) {
          t += step;
          intervals.push(step / 1000);
        }
        entries.push([t, 'video-stream', 'kernel', WARN]);
      }
      t += 2 * 3600_000;
    }
    const f = flood(detectIncidents(syslog(entries)), WARN);
    expect(f.details.burstCount).toBe(40);
    expect(f.count).toBe(40 * 1001);
    expect(f.details.medianIntervalSecs).toBe(median(intervals.slice(0, 20_000)));
    expect(f.details.medianIntervalSecs).not.toBe(median(intervals));
  });

  it('adds `last message repeated` to its own host’s last message, hosts alternating and after a reset', () => {
    const A = 'eth0: link is not ready';
    const B = 'nf_conntrack: table full, dropping packet';
    const entries: [number, string, string, string][] = [];
    let t = T0;
    for (let i = 0; i < 6; i++) {
      entries.push([(t += 1000), 'edge-03', 'kernel', A]);
      entries.push([(t += 1000), 'db-primary', 'kernel', B]);
      entries.push([(t += 1000), 'edge-03', 'rsyslogd', 'last message repeated 10 times']);
      entries.push([(t += 1000), 'db-primary', 'rsyslogd', 'last message repeated 2 times']);
    }
    // 1,200 other hosts, one line each, then db-primary's cron until a sweep (every 20,000 lines)
    // resets the per-host table: its last host is then the host of the lines after the sweep.
    for (let h = 0; h < 1200; h++) entries.push([(t += 10), `node-${h}`, 'sshd[1]', `session opened ${h}`]);
    for (let i = 0; entries.length < 20_100; i++)
      entries.push([(t += 10), 'db-primary', `cron[${i}]`, `(root) CMD (run-parts ${i})`]);
    for (let i = 0; i < 5; i++) {
      entries.push([(t += 1000), 'db-primary', 'kernel', B]);
      entries.push([(t += 1000), 'db-primary', 'rsyslogd', 'last message repeated 3 times']);
    }
    const incidents = detectIncidents(syslog(entries));
    expect(flood(incidents, A).count).toBe(6 + 6 * 10);
    expect(flood(incidents, A).details.repeatedReported).toBe(60);
    const b = flood(incidents, B);
    expect(b.details.host).toBe('db-primary');
    // 6 + 6×2 before the reset, then 5 + 5×3 after it (the same host, a new run an hour-gap apart or not).
    expect(b.count).toBe(6 + 12 + 5 + 15);
  });
});
