/** The founding incident (seed lines 23–133 are its syslog). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectIncidents } from '../../../src/main/engine/analysis/crashes/index';
import { collectSystemFacts } from '../../../src/main/engine/analysis/system/facts';
import { recommend } from '../../../src/main/engine/analysis/system/recommend';
import { evidenceOf, linesFromText, type RecordLine } from '../../../src/shared/model/log';
import { SEED_FILE, seedAvailable } from '../../helpers/corpus';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// The ingest's clock calibration gives each line its UTC time; here the year 2022 and the zone
// +08:00 come from the containerd line "2022-06-06T21:33:17…+08:00" in the same excerpt.
function seedLines(): RecordLine[] {
  const text = readFileSync(SEED_FILE, 'utf8').split('\n').slice(22, 133).join('\n');
  return linesFromText(text, 'seed/syslog').map((l) => {
    const m = /^(?:([A-Z][a-z]{2})|un) +(\d+) (\d\d):(\d\d):(\d\d) /.exec(l.text);
    if (!m) return l;
    const month = m[1] ? MONTHS.indexOf(m[1]) : 5;
    const ts = Date.UTC(2022, month, Number(m[2]), Number(m[3]) - 8, Number(m[4]), Number(m[5]));
    return { ...l, lineNo: l.lineNo + 22, ts, tsQuality: 'year-inferred' as const };
  });
}

describe.skipIf(!seedAvailable)('seed incident', () => {
  const lines = seedAvailable ? seedLines() : [];
  const incidents = detectIncidents(lines);
  const killLine = lines.find((l) => l.text.includes('Killed process 30002'))!;

  it('finds the [write_iter] flood as one incident starting after the OOM kill', () => {
    const floods = incidents.filter((i) => i.kind === 'flood');
    expect(floods).toHaveLength(1);
    const f = floods[0]!;
    expect(f.details.type === 'flood' && f.details.message).toBe(
      'WARNING: [write_iter] inode ifops has restore.',
    );
    expect(f.count).toBe(5);
    expect(f.firstTs! > killLine.ts!).toBe(true);
    expect(f.line.lineNo).toBe(129);
    expect((f.lastTs! - f.firstTs!) / 1000).toBe(30);
    if (f.details.type !== 'flood') throw new Error('flood details');
    expect(f.details.spanSecs).toBe(30);
    expect(f.details.perMinute).toBe(10);
    expect(f.details.medianIntervalSecs).toBe(10);
  });

  it('reports journald "missed 6 messages" as log loss', () => {
    const loss = incidents.filter((i) => i.kind === 'log-loss');
    expect(loss).toHaveLength(1);
    expect(loss[0]!.line.lineNo).toBe(24);
    expect(loss[0]!.details.type === 'log-loss' && loss[0]!.details.lost).toBe(6);
  });

  it('links the container exit (shim reaped) to the OOM kill through the cpuset id', () => {
    const killed = incidents.filter((i) => i.kind === 'process-killed');
    expect(killed).toHaveLength(1);
    const d = killed[0]!.details;
    if (d.type !== 'death') throw new Error('death details');
    expect(d.oomKill).toBe(true);
    expect(d.comm).toBe('stream_convert');
    expect(d.oomEvidence?.lineNo).toBe(killLine.lineNo);
    expect(d.signal?.name).toBe('SIGKILL');
  });

  it('decodes panic_on_oom=0, leaves overcommit_memory unknown and recommends what was missing', () => {
    const panicFile = linesFromText('0\n', 'proc/sys/vm/panic_on_oom');
    const totalSwap = lines.find((l) => l.text.includes('Total swap = 0kB'))!;
    const facts = collectSystemFacts([{ path: 'proc/sys/vm/panic_on_oom', lines: panicFile }], {
      swapFromOom: { totalSwapKb: 0, evidence: evidenceOf(totalSwap, 'Total swap') },
    });
    const pon = facts.find((f) => f.key === 'vm.panic_on_oom')!;
    expect(pon.known).toBe(true);
    expect(pon.meaning.en).toContain('kills a process');
    expect(pon.meaning.zh).toContain('OOM killer');
    expect(pon.evidence[0]?.sourcePath).toBe('proc/sys/vm/panic_on_oom');
    const oc = facts.find((f) => f.key === 'vm.overcommit_memory')!;
    expect(oc.known).toBe(false);
    expect(oc.meaning.en).toBe('unknown (not in the archive)');
    expect(facts.find((f) => f.key === 'swap')?.inferred).toBe(true);

    const recs = recommend({
      facts,
      incidents,
      oom: { evidence: [evidenceOf(killLine, 'OOM kill')] },
      hang: { reason: 'console unresponsive, force-rebooted two days later', evidence: [] },
    });
    const ids = recs.map((r) => r.id);
    expect(ids).toEqual(
      expect.arrayContaining(['no-vmcore', 'hang-to-vmcore', 'no-swap', 'core-dumps', 'log-loss']),
    );
    const hang = recs.find((r) => r.id === 'hang-to-vmcore')!;
    expect(hang.text.en).toContain('kernel.hung_task_panic=1');
    expect(hang.text.en).toContain('softlockup_panic=1');
    expect(recs.find((r) => r.id === 'no-vmcore')!.text.en).toContain('kdump is not evidenced');
    expect(recs.find((r) => r.id === 'core-dumps')!.text.en).toContain('SIGKILL, which never dumps core');
    // The zh-CN text names who lost the messages in Chinese too (not the English reporter string).
    const loss = recs.find((r) => r.id === 'log-loss')!;
    expect(loss.text.zh).toContain('journald 转发到 syslog 时丢失了 6 条消息(seed/syslog:');
    expect(loss.text.zh).not.toContain('forwarding to syslog');
  });
});
