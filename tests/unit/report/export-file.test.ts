/** The report editor matches a job's file name (made by the service) to the export it waits for. */
import { describe, expect, it } from 'vitest';
import { reportFileBase } from '../../../src/main/report/report';
import { formatOfFile } from '../../../src/renderer/src/report/export-file';

describe('formatOfFile', () => {
  const base = reportFileBase('Sample: video-stream OOM and forced reboot (June 2022)');
  it('knows each export by the name the service gives its file', () => {
    expect(formatOfFile(`${base}.pdf`)).toBe('pdf');
    expect(formatOfFile(`${base}.html`)).toBe('html');
    expect(formatOfFile(`${base}.md`)).toBe('md');
    expect(formatOfFile(`${base}-timeline.jsonl`)).toBe('jsonl');
    expect(formatOfFile(`${base}-timeline.csv`)).toBe('timesketch');
  });
  it('is null for an ingest job (no file of ours) or another name', () => {
    expect(formatOfFile(null)).toBeNull();
    expect(formatOfFile('var/log/syslog.2.gz')).toBeNull();
  });
});
