/**
 * `postmortem index` progress on stderr (cli/progress.ts): every phase of the job is named,
 * also the short ones (a log under 5 s of each phase printed only "reading" and "done"), and
 * the same line is not printed twice.
 */
import { describe, expect, it } from 'vitest';
import { progressPrinter } from '../../../src/main/cli/progress';
import type { JobProgress } from '../../../src/shared/model/case';

function sink(tty: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  let out = '';
  const stream = {
    isTTY: tty,
    write: (s: string) => {
      out += s;
      return true;
    },
  } as unknown as NodeJS.WriteStream;
  return { stream, text: () => out };
}

const base: JobProgress = {
  jobId: 'j',
  kind: 'ingest',
  caseId: 'c',
  state: 'running',
  phase: 'reading',
  current: 'var/log/syslog',
  bytesDone: 0,
  bytesTotal: 67_108_886,
  linesDone: 0,
  rate: 20_000_000,
  etaS: 3,
  message: null,
};

const job: JobProgress[] = [
  { ...base },
  { ...base, bytesDone: 33_554_443, linesDone: 262_000 },
  { ...base, phase: 'ordering', bytesDone: 67_108_886, linesDone: 524_239, etaS: 0 },
  { ...base, phase: 'analysing', bytesDone: 67_108_886, linesDone: 524_239, etaS: 0 },
  { ...base, phase: 'fulltext', bytesDone: 0, linesDone: 0, etaS: null },
  { ...base, phase: 'done', bytesDone: 67_108_886, linesDone: 524_239, etaS: 0 },
  { ...base, state: 'done', phase: 'done', bytesDone: 67_108_886, linesDone: 524_239, etaS: 0 },
];

describe('ingest progress on stderr', () => {
  it('names every phase once on a pipe, however short, and not the same line twice', () => {
    const s = sink(false);
    const p = progressPrinter(s.stream);
    for (const j of job) p.update(j);
    p.end();
    const phases = s
      .text()
      .trim()
      .split('\n')
      .map((l) => l.split(' ')[1]);
    expect(phases).toEqual(['reading', 'ordering', 'analysing', 'fulltext', 'done']);
  });

  it('shows the phase in the redrawn bar on a terminal', () => {
    const s = sink(true);
    const p = progressPrinter(s.stream);
    p.update(job[3]!);
    expect(s.text()).toContain('analysing [########################] 100% 524,239 lines');
  });
});
