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

/**
 * Builds each raw report as the assembler finalises it: a stream's reports come in their line
 * order (one open report per stream), which is all a report's build depends on (the victims
 * killed earlier in its stream). `finish` lists them by source and line. The raw lines of a
 * report are garbage once it is built: with every raw kept to the end, a 4 GiB case with 88
 * reports held all their lines at once, and their builds came on top at the end.
 */
class ReportBuilder {
  private readonly killedByStream = new Map<string, Set<number>>();
  private readonly built: { sourceId: number; lineNo: number; report: OomReport }[] = [];

  add = (raw: RawReport): void => {
    const earlier = this.killedByStream.get(raw.stream) ?? new Set<number>();
    const report = buildReport(parseReport(raw), earlier);
    if (report.victim) earlier.add(report.victim.pid);
    this.killedByStream.set(raw.stream, earlier);
    const first = raw.lines[0]!.line;
    this.built.push({ sourceId: first.sourceId, lineNo: first.lineNo, report });
  };

  finish(): OomReport[] {
    return this.built.sort((a, b) => a.sourceId - b.sourceId || a.lineNo - b.lineNo).map((b) => b.report);
  }
}

/**
 * Every OOM report in `lines` (all sources of a case, each source in its own order) and the
 * cross-report view: timeline, repeat victims, cadence, restarts after the kill.
 */
export function analyzeOomCase(lines: Iterable<RecordLine>): OomAnalysis {
  const collector = new OomCollector();
  const maybe: RecordLine[] = [];
  for (const line of lines) {
    collector.push(line);
    if (mayBeAftermath(line.text)) maybe.push(line);
  }
  const reports = collector.finish();
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
  private readonly builder = new ReportBuilder();
  private readonly assembler = new ReportAssembler(this.builder.add);
  push(line: RecordLine, mayHaveKeyword = true): void {
    this.assembler.push(line, mayHaveKeyword);
  }
  finish(): OomReport[] {
    this.assembler.finish();
    return this.builder.finish();
  }
}

/** Every OOM report in `lines`, in source and line order. */
export function analyzeOom(lines: Iterable<RecordLine>): OomReport[] {
  const collector = new OomCollector();
  for (const line of lines) collector.push(line);
  return collector.finish();
}
export { oomCaseFindings, type NewFinding } from './case-findings';
