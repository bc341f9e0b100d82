/**
 * Kernel incidents, userspace faults, process deaths, floods and log loss from the lines of
 * any kernel-bearing source, in one pass: each line's prefixes are peeled once and handed to
 * the detectors, whose drafts are then grouped by signature.
 */
import type { Incident } from '../../../../shared/model/incident';
import type { RecordLine } from '../../../../shared/model/log';
import { kernelMessage } from '../kernel/message';
import { DeathDetector } from './deaths';
import { FloodDetector } from './floods';
import { DraftGrouper } from './group';
import { KernelBlockCutter } from './kernel-blocks';
import { mayBeFaultOrDeath } from './prefilter';
import { kernelDraft } from './kernel-incident';
import { SEGFAULT_PREFILTER, segfaultDraft } from './segfault';

export interface DetectOptions {
  /** Set false to skip flood detection (e.g. over a single report pasted into a note). */
  floods?: boolean;
  /**
   * Set false to hand every line to the fault and death detectors, not only those the keyword
   * prefilter lets through (tests compare both to prove the prefilter loses nothing).
   */
  prefilter?: boolean;
}

/**
 * Runs every detector over the lines of one source (lines of several sources may be passed
 * one source after another; a report never spans two sources).
 */
export function detectIncidents(lines: Iterable<RecordLine>, options: DetectOptions = {}): Incident[] {
  const detector = new IncidentDetector(options);
  for (const line of lines) detector.push(line);
  return detector.finish();
}

/** detectIncidents as a push sink, for a pass that feeds other analysers the same lines. */
export class IncidentDetector {
  private readonly cutter = new KernelBlockCutter();
  // Kernel reports, faults and deaths are grouped as they are found, so a report, a segfault or
  // a death repeated all day long is one incident in memory, not every copy of it (a death once
  // final: a unit's latest may still gain its `Failed with result` line). Each kind belongs to
  // one detector, so grouping per detector and concatenating equals grouping the concatenation;
  // the order within a detector's incidents is then set by the sort in finish().
  private readonly kernel = new DraftGrouper();
  private readonly faults = new DraftGrouper();
  private readonly deathGroups = new DraftGrouper();
  private readonly deaths = new DeathDetector((d) => this.deathGroups.push(d));
  private readonly floods: FloodDetector | null;
  private readonly prefilter: boolean;
  private source: number | null = null;
  private sourcePath: string | null = null;

  constructor(options: DetectOptions = {}) {
    this.floods = options.floods === false ? null : new FloodDetector();
    this.prefilter = options.prefilter !== false;
  }

  private takeBlocks(): void {
    const blocks = this.cutter.blocks;
    for (const b of blocks) this.kernel.push(kernelDraft(b));
    blocks.length = 0;
  }

  /** `mayHaveKeyword` false: the pass's keyword gate (analysis/keywords.ts) found no prefilter word in the line. */
  push(line: RecordLine, mayHaveKeyword = true): void {
    const cutter = this.cutter;
    if (line.sourceId !== this.source || line.sourcePath !== this.sourcePath) {
      cutter.finish();
      this.source = line.sourceId;
      this.sourcePath = line.sourcePath;
    }
    const km = kernelMessage(line.text);
    // A line inside a report is not a flood or a death; the line that ended a report may be.
    const inReport = cutter.push(line, km);
    if (cutter.blocks.length > 0) this.takeBlocks();
    if (inReport) return;
    if (!this.prefilter || (mayHaveKeyword && mayBeFaultOrDeath(km.message))) {
      if (SEGFAULT_PREFILTER.test(km.message)) {
        const d = segfaultDraft(line, km.message);
        if (d) {
          this.faults.push(d);
          return;
        }
      }
      this.deaths.push(line, km);
    }
    this.floods?.push(line, km, mayHaveKeyword);
  }

  finish(): Incident[] {
    this.cutter.finish();
    this.takeBlocks();
    const incidents = this.kernel.finish();
    // Loops, not spread: a big case can yield more incidents than a call's argument limit.
    for (const i of this.faults.finish()) incidents.push(i);
    this.deaths.finish();
    for (const i of this.deathGroups.finish()) incidents.push(i);
    if (this.floods) {
      const floodGroups = new DraftGrouper();
      for (const d of this.floods.finish()) floodGroups.push(d);
      for (const i of floodGroups.finish()) incidents.push(i);
    }
    incidents.sort((a, b) => a.line.sourceId - b.line.sourceId || a.line.lineNo - b.line.lineNo);
    return incidents;
  }
}
