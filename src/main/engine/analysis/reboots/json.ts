/** The `analyze --json` `boots[]` form of the history: ISO times, evidence as {source, line, what}. */
import type { Boot, BootJson } from '../../../../shared/model/boot';

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

export function toBootJson(b: Boot): BootJson {
  return {
    start: new Date(b.start).toISOString(),
    startConfidence: b.startConfidence,
    startFrom: b.startFrom,
    kernel: b.kernel,
    kernelTruncated: b.kernelTruncated,
    commandLine: b.commandLine,
    bootId: b.bootId,
    end: isoOrNull(b.end),
    endKind: b.endKind,
    endReason: b.endReason,
    ...(b.endWhy ? { endWhy: b.endWhy } : {}),
    lastSignOfLife: b.lastSignOfLife
      ? {
          ts: new Date(b.lastSignOfLife.ts).toISOString(),
          source: b.lastSignOfLife.source,
          line: b.lastSignOfLife.line,
          lineId: b.lastSignOfLife.evidence.lineId,
          text: b.lastSignOfLife.text,
          what: b.lastSignOfLife.what,
        }
      : null,
    downtimeS: b.downtimeS,
    uptimeS: b.uptimeS,
    explanation: b.explanation,
    flags: b.flags.map((f) =>
      f.source !== undefined
        ? { kind: f.kind, message: f.message, source: f.source }
        : { kind: f.kind, message: f.message },
    ),
    evidence: b.evidence.map((e) => ({
      source: e.sourcePath,
      line: e.lineNo,
      lineId: e.lineId,
      what: e.what,
    })),
  };
}
