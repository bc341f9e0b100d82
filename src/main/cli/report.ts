/**
 * The report command's outputs, written for an opened case: the report (PDF, HTML, Markdown)
 * and the timelines (JSONL, Timesketch CSV), through the same services as the app.
 * `say` prints one line for people (stderr in the CLI).
 */
import { writeFileSync } from 'node:fs';
import { formatBytes } from '../report/html';
import type { WorkbenchService } from '../services/workbench-service';
import type { CliArgs } from './args';

export async function writeReportOutputs(
  service: WorkbenchService,
  caseId: string,
  args: Pick<CliArgs, 'output' | 'html' | 'md' | 'jsonl' | 'timesketch' | 'report'>,
  say: (line: string) => void,
): Promise<void> {
  let redacted = 0;
  for (const [format, file] of [
    ['html', args.html],
    ['md', args.md],
    ['pdf', args.output],
  ] as const) {
    if (!file) continue;
    const started = Date.now();
    const r = await service.renderReport(caseId, format, args.report);
    writeFileSync(file, r.bytes);
    redacted = Math.max(redacted, r.replacements.length);
    say(`wrote ${file} (${formatBytes(r.bytes.length)}, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  for (const [format, file] of [
    ['jsonl', args.jsonl],
    ['timesketch', args.timesketch],
  ] as const) {
    if (!file) continue;
    const r = await service.exportTimelineTo(caseId, format, file, args.report.redact);
    say(
      `wrote ${file} (${formatBytes(r.bytes)}: ${r.lines.toLocaleString('en-US')} lines, ${r.findings} findings${
        r.untimed ? `, ${r.untimed.toLocaleString('en-US')} lines without a time left out` : ''
      }, ${(r.ms / 1000).toFixed(1)} s)`,
    );
  }
  if (args.report.redact) {
    const state = await service.getRedaction({ caseId });
    say(
      `redacted: ${Math.max(redacted, state.replacements.length)} names replaced by pseudonyms; the list is kept in the case, not in the report`,
    );
  }
}
