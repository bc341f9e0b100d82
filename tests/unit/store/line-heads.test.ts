/**
 * Packed line headers (schema v9): a new case writes no row per line; what it reads back
 * through line_rows, the viewer's page, the time range and the rewrites equals what was
 * written. Lines are as a syslog and a journal print them (the seed incident's first lines).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CaseStore, type LineRow } from '../../../src/main/engine/store/case-store';
import { lastLineId } from '../../../src/main/engine/store/line-heads';
import { tmpDir } from '../../helpers/tmp';

const T0 = Date.UTC(2022, 5, 6, 13, 33, 13);

function rowsOf(sourceId: number): LineRow[] {
  return [
    {
      sourceId,
      lineNo: 1,
      byteOffset: 0,
      ts: T0,
      tsQuality: 'year-inferred',
      zoned: true,
      text: 'Jun  6 21:33:13 video-stream kernel: stream_convert invoked oom-killer: gfp_mask=0x24280ca, order=0, oom_score_adj=0',
      host: 'video-stream',
      program: 'kernel',
      severity: null,
    },
    {
      sourceId,
      lineNo: 2,
      byteOffset: 121,
      ts: T0 + 1,
      tsQuality: 'exact',
      text: 'Jun  6 21:33:13 video-stream systemd-journald[412]: Forwarding to syslog missed 6 messages.',
      host: 'video-stream',
      program: 'systemd-journald',
      pid: 412,
      severity: 4,
    },
    {
      sourceId,
      lineNo: 3,
      byteOffset: 212,
      ts: null,
      tsQuality: 'none',
      text: '\tlowmem_reserve[]: 0 2935 32117 32117 32117',
    },
  ];
}

describe('packed line headers', () => {
  it('keep every header field of every line, with no row in lines', () => {
    const file = path.join(tmpDir('pm-heads-'), 'h.pmcase');
    const s = CaseStore.open(file, { create: true });
    expect(s.heads.packed).toBe(true);
    const input = s.addInput('seed', '/seed', 1, 0);
    const src = s.beginSource(input, 'var/log/syslog', 330, null, 'text');
    s.appendLines(s.nextLineId(), rowsOf(src));
    expect(s.db.prepare('SELECT count(*) FROM lines').pluck().get()).toBe(0);
    expect(lastLineId(s.db)).toBe(3);
    const rows = s.db
      .prepare(
        'SELECT line_id, source_id, line_no, byte_offset, ts, ts_quality, line_text(block, line_id, text), host, program, pid, severity, ts_zoned, level FROM line_rows(1, 4)',
      )
      .raw(true)
      .all();
    expect(rows).toEqual([
      // The level inferred from the words: "invoked oom-killer" is a warning.
      [1, src, 1, 0, T0, 2, rowsOf(src)[0]!.text, 'video-stream', 'kernel', null, null, 1, 4],
      [2, src, 2, 121, T0 + 1, 1, rowsOf(src)[1]!.text, 'video-stream', 'systemd-journald', 412, 4, null, 4],
      [3, src, 3, 212, null, 0, rowsOf(src)[2]!.text, null, null, null, null, null, null],
    ]);
    // Only the lines asked for, from any line of a block.
    expect(s.db.prepare('SELECT line_id FROM line_rows(2, 3)').pluck().all()).toEqual([2]);
    expect(s.heads.timeRange()).toEqual({ a: T0, b: T0 + 1 });
    const page = s.page({ kind: 'source', sourceId: src }, 1, 5);
    expect(page.lines.map((l) => [l.lineId, l.lineNo, l.ts, l.tsQuality])).toEqual([
      [2, 2, T0 + 1, 'exact'],
      [3, 3, null, 'none'],
    ]);
    s.close();
  });

  it('take rewritten times and a zone change, time span included; a dropped source takes its heads', () => {
    const file = path.join(tmpDir('pm-heads-'), 'r.pmcase');
    const s = CaseStore.open(file, { create: true });
    const input = s.addInput('seed', '/seed', 1, 0);
    const src = s.beginSource(input, 'var/log/syslog', 330, null, 'text');
    s.appendLines(s.nextLineId(), rowsOf(src));
    expect(
      s.rewriteTimes(1, [
        { index: 0, time: { ts: T0 - 3_600_000, quality: 'zone-assumed', zoned: true } },
        { index: 2, time: { ts: T0 + 5, quality: 'exact', zoned: false } },
      ]),
    ).toBe(2);
    const times = (): unknown[] =>
      s.db.prepare('SELECT ts, ts_quality, ts_zoned FROM line_rows(1, 4)').raw(true).all();
    expect(times()).toEqual([
      [T0 - 3_600_000, 3, 1],
      [T0 + 1, 1, null],
      [T0 + 5, 1, null],
    ]);
    expect(s.heads.timeRange()).toEqual({ a: T0 - 3_600_000, b: T0 + 5 });
    // Only the zoned line moves.
    expect(s.heads.mapZonedTimes(1, 4, (t) => t + 8 * 3_600_000)).toBe(1);
    expect(times()[0]).toEqual([T0 + 7 * 3_600_000, 3, 1]);
    expect(s.heads.timeRange()).toEqual({ a: T0 + 1, b: T0 + 7 * 3_600_000 });
    s.dropSource(src);
    expect(s.db.prepare('SELECT count(*) FROM line_heads').pluck().get()).toBe(0);
    expect(lastLineId(s.db)).toBe(0);
    s.close();
  });
});
