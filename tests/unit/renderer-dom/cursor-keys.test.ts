/**
 * The findings at the viewer's cursor (state/findings.ts, issue 7's linking): panels and the
 * findings list subscribe to a Set that changes only when a finding enters or leaves the cursor,
 * so moving the cursor line by line inside (or outside) the same spans re-renders nothing. A cursor
 * move used to hand every subscriber a new Set and re-render the whole workbench for 150–280 ms on
 * the 10M-line case.
 */
import { describe, expect, it, vi } from 'vitest';
import type { Finding } from '../../../src/shared/model/finding';

vi.mock('../../../src/renderer/src/api', () => ({
  errorMessage: (err: unknown) => String(err),
  getWorkbench: () => ({}),
}));
// The case store paints early lines through the DOM and i18n; nothing here opens a case.
vi.mock('../../../src/renderer/src/first-paint', () => ({ earlyReads: () => null }));

const { useCursorKeys, useFindings, keysAt } = await import('../../../src/renderer/src/state/findings');
const { useViewer } = await import('../../../src/renderer/src/state/viewer');

/**
 * The seed's incident as findings (000_a357afd59c4adbac: /var/log/messages): the OOM report from
 * `stream_convert invoked oom-killer` to `Killed process`, a `[write_iter] inode ifops has restore`
 * flood inside it, and a reboot far later. Line ids as the ingest numbers them.
 */
function ev(lineId: number, what: string): Finding['evidence'][number] {
  return { sourceId: 1, sourcePath: '/var/log/messages', lineNo: lineId, lineId, what };
}
const OOM: Finding = {
  findingId: 1,
  findingKey: 'oom:/var/log/messages:100:1717680793000',
  kind: 'oom',
  ts: 1717680793000,
  title: 'stream_convert (pid 30002) killed by the OOM killer',
  summary: 'order-0 request failed; Normal free below min',
  severity: 'critical',
  evidence: [ev(100, 'trigger line'), ev(118, 'Normal zone'), ev(140, 'Killed process')],
};
const FLOOD: Finding = {
  findingId: 2,
  findingKey: 'flood:/var/log/messages:120:1717680794000',
  kind: 'flood',
  ts: 1717680794000,
  title: '[write_iter] inode ifops has restore × 1,204',
  summary: 'one message repeating',
  severity: 'warning',
  evidence: [ev(120, 'first'), ev(0, 'unresolved line')],
};
const BOOT: Finding = {
  findingId: 3,
  findingKey: 'boot:/var/log/messages:5000:1717853000000',
  kind: 'boot',
  ts: 1717853000000,
  title: 'boot after a hard reset',
  summary: 'no shutdown logged',
  severity: 'error',
  evidence: [ev(5000, 'Linux version')],
};

function moveTo(lineId: number): ReadonlySet<string> {
  useViewer.getState().setCursor({ lineId, ts: null });
  return useCursorKeys.getState().keys;
}

describe('the findings at the cursor', () => {
  it('changes only when a finding enters or leaves the cursor', () => {
    useFindings.setState({ findings: [OOM, FLOOD, BOOT] });
    let changes = 0;
    const stop = useCursorKeys.subscribe(() => changes++);
    try {
      expect([...moveTo(90)]).toEqual([]);
      const outside = useCursorKeys.getState().keys;
      expect(moveTo(95)).toBe(outside);

      // Line by line through the OOM report: entering it, the flood's one line, leaving it.
      const seen: string[][] = [];
      for (let id = 100; id <= 141; id++) {
        const before = useCursorKeys.getState().keys;
        const now = moveTo(id);
        if (now !== before) seen.push([id, ...[...now].sort()].map(String));
      }
      expect(seen).toEqual([
        ['100', OOM.findingKey],
        ['120', FLOOD.findingKey, OOM.findingKey],
        ['121', OOM.findingKey],
        ['141'],
      ]);
      expect(changes).toBe(4);
      // The same membership from another place keeps the Set (no re-render).
      const atBoot = moveTo(5000);
      expect([...atBoot]).toEqual([BOOT.findingKey]);
      expect(changes).toBe(5);
    } finally {
      stop();
    }
  });

  it('follows a new findings list (a re-analysis) without a cursor move', () => {
    useFindings.setState({ findings: [OOM, FLOOD, BOOT] });
    moveTo(130);
    const before = useCursorKeys.getState().keys;
    expect([...before]).toEqual([OOM.findingKey]);
    // The same spans in a new list: same membership, same Set.
    useFindings.setState({ findings: [{ ...OOM }, { ...FLOOD }, { ...BOOT }] });
    expect(useCursorKeys.getState().keys).toBe(before);
    // The OOM finding gone: its highlight goes too.
    useFindings.setState({ findings: [FLOOD, BOOT] });
    expect([...useCursorKeys.getState().keys]).toEqual([]);
  });

  it('keeps the previous Set when the membership is equal, in any order', () => {
    const spans = [
      { key: 'a', lo: 10, hi: 20 },
      { key: 'b', lo: 15, hi: 15 },
    ];
    const prev = new Set(['b', 'a']);
    expect(keysAt(spans, 15, prev)).toBe(prev);
    expect([...keysAt(spans, 16, prev)]).toEqual(['a']);
    expect(keysAt(spans, null, prev).size).toBe(0);
    const none = keysAt(spans, 30, prev);
    expect(keysAt(spans, 40, none)).toBe(none);
  });
});
