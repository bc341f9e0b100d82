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
import { groupDrafts, type IncidentDraft } from './group';
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
  const deaths = new DeathDetector();
  const floods = options.floods === false ? null : new FloodDetector();
  const faults: IncidentDraft[] = [];
  const prefilter = options.prefilter !== false;
  let source: number | null = null;
  let sourcePath: string | null = null;
  for (const line of lines) {
    if (line.sourceId !== source || line.sourcePath !== sourcePath) {
      cutter.finish();
      source = line.sourceId;
      sourcePath = line.sourcePath;
    }
    const km = kernelMessage(line.text);
    // A line inside a report is not a flood or a death; the line that ended a report may be.
    if (cutter.push(line, km)) continue;
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
  const blocks = cutter.finish();
  const drafts: IncidentDraft[] = blocks.map(kernelDraft);
  // Loops, not spread: a big case can yield more drafts than a call's argument limit.
  for (const d of faults) drafts.push(d);
  for (const d of deaths.finish()) drafts.push(d);
  if (floods) for (const d of floods.finish()) drafts.push(d);
  const incidents = groupDrafts(drafts);
  incidents.sort((a, b) => a.line.sourceId - b.line.sourceId || a.line.lineNo - b.line.lineNo);
  return incidents;
}
