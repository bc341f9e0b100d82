import type { CaseStore } from '../../src/main/engine/store/case-store';

/**
 * Adds a source `kern.log` to the case with these lines (line i at second i + 1, exact times,
 * 40 bytes apart), written as the ingest's row-at-a-time path writes them.
 */
export function appendKernLog(s: CaseStore, lines: { text: string; severity?: number }[]): void {
  const inputId = s.addInput('x', '/x', 1, 0);
  const src = s.beginSource(inputId, 'kern.log', 10, null, 'syslog');
  s.appendLines(
    s.nextLineId(),
    lines.map((l, i) => ({
      sourceId: src,
      lineNo: i + 1,
      byteOffset: i * 40,
      ts: i + 1,
      tsQuality: 'exact' as const,
      text: l.text,
      ...(l.severity !== undefined ? { severity: l.severity } : {}),
    })),
  );
}
