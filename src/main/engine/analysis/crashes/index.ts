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
  const cutter = new KernelBlockCutter();
  // Kernel reports, faults and deaths are grouped as they are found, so a report, a segfault or
  // a death repeated all day long is one incident in memory, not every copy of it (a death once
  // final: a unit's latest may still gain its `Failed with result` line). Each kind belongs to
  // one detector, so grouping per detector and concatenating equals grouping the concatenation;
  // the order within a detector's incidents is then set by the sort below.
  const kernel = new DraftGrouper();
  const faults = new DraftGrouper();
  const deathGroups = new DraftGrouper();
  const deaths = new DeathDetector((d) => deathGroups.push(d));
  const floods = options.floods === false ? null : new FloodDetector();
  const prefilter = options.prefilter !== false;
  let source: number | null = null;
  let sourcePath: string | null = null;
  const takeBlocks = (): void => {
    for (const b of cutter.blocks) kernel.push(kernelDraft(b));
    cutter.blocks.length = 0;
  };
  for (const line of lines) {
    if (line.sourceId !== source || line.sourcePath !== sourcePath) {
      cutter.finish();
      source = line.sourceId;
      sourcePath = line.sourcePath;
    }
    const km = kernelMessage(line.text);
    // A line inside a report is not a flood or a death; the line that ended a report may be.
    const inReport = cutter.push(line, km);
    if (cutter.blocks.length > 0) takeBlocks();
    if (inReport) continue;
    if (!prefilter || mayBeFaultOrDeath(km.message)) {
      if (SEGFAULT_PREFILTER.test(km.message)) {
        const d = segfaultDraft(line, km.message);
        if (d) {
          faults.push(d);
          continue;
        }
      }
      deaths.push(line, km);
    }
    floods?.push(line, km);
  }
  cutter.finish();
  takeBlocks();
  const incidents = kernel.finish();
  // Loops, not spread: a big case can yield more incidents than a call's argument limit.
  for (const i of faults.finish()) incidents.push(i);
  deaths.finish();
  for (const i of deathGroups.finish()) incidents.push(i);
  if (floods) {
    const floodGroups = new DraftGrouper();
    for (const d of floods.finish()) floodGroups.push(d);
    for (const i of floodGroups.finish()) incidents.push(i);
  }
  incidents.sort((a, b) => a.line.sourceId - b.line.sourceId || a.line.lineNo - b.line.lineNo);
  return incidents;
}
