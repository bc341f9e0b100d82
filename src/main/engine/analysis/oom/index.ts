/**
 * OOM anatomy: every kernel OOM report in a case, taken apart and recomputed.
 * Pure: lines in, plain serialisable objects out.
 */
import type { RecordLine } from '../../../../shared/model/log';
import type { OomAnalysis, OomCrossReport, OomReport } from '../../../../shared/model/oom';
import { aftermathOf, mayBeAftermath, type AftermathCandidate } from './aftermath';
import { ReportAssembler, type RawReport } from './assemble';
import { crossReport } from './cross';
import { parseReport } from './parse';
import { buildReport } from './report';

export type { AftermathCandidate } from './aftermath';
export { crossReport } from './cross';

function buildAll(raws: RawReport[]): OomReport[] {
  const sorted = [...raws].sort((a, b) => {
    const la = a.lines[0]!.line;
    const lb = b.lines[0]!.line;
    return la.sourceId - lb.sourceId || la.lineNo - lb.lineNo;
  });
  const killedByStream = new Map<string, Set<number>>();
  return sorted.map((raw) => {
    const earlier = killedByStream.get(raw.stream) ?? new Set<number>();
    const report = buildReport(parseReport(raw), earlier);
    if (report.victim) earlier.add(report.victim.pid);
    killedByStream.set(raw.stream, earlier);
    return report;
  });
}

/**
 * Every OOM report in `lines` (all sources of a case, each source in its own order) and the
 * cross-report view: timeline, repeat victims, cadence, restarts after the kill.
 */
export function analyzeOomCase(lines: Iterable<RecordLine>): OomAnalysis {
  const assembler = new ReportAssembler();
  const maybe: RecordLine[] = [];
  for (const line of lines) {
    assembler.push(line);
    if (mayBeAftermath(line.text)) maybe.push(line);
  }
  const reports = buildAll(assembler.finish());
  const candidates: AftermathCandidate[] = [];
  if (reports.length > 0)
    for (const line of maybe) {
      const c = aftermathOf(line);
      if (c) candidates.push(c);
    }
  const cross: OomCrossReport = crossReport(reports, candidates);
  return { reports, cross };
}

/** The streaming form of analyzeOom: push lines as they are read (in a pass shared with other analysers). */
export class OomCollector {
  private readonly assembler = new ReportAssembler();
  push(line: RecordLine, mayHaveKeyword = true): void {
    this.assembler.push(line, mayHaveKeyword);
  }
  finish(): OomReport[] {
    return buildAll(this.assembler.finish());
  }
}

/** Every OOM report in `lines`, in source and line order. */
export function analyzeOom(lines: Iterable<RecordLine>): OomReport[] {
  const assembler = new ReportAssembler();
  for (const line of lines) assembler.push(line);
  return buildAll(assembler.finish());
}
export { oomCaseFindings, type NewFinding } from './case-findings';
