import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCli, UsageError } from '../../../src/main/cli/args';
import { runCli } from '../../helpers/cli';
import { tmpDir } from '../../helpers/tmp';

describe('postmortem report (src/main/cli/args.ts, report.ts)', () => {
  const dir = tmpDir('pm-report-cli-');

  it('parses its options and names what is wrong', () => {
    const a = parseCli([
      'report',
      'x.pmcase',
      '-o',
      'r.pdf',
      '--lang',
      'zh-CN',
      '--redact',
      '--paper',
      'letter',
    ]);
    expect(a).toMatchObject({
      command: 'report',
      inputs: ['x.pmcase'],
      output: 'r.pdf',
      html: null,
      md: null,
      jsonl: null,
      timesketch: null,
      report: { lang: 'zh-CN', redact: true, paper: 'Letter' },
    });
    expect(() => parseCli(['report'])).toThrow(/at least one of -o report.pdf/);
    expect(() => parseCli(['report', '--md', 'x', '--lang', 'fr'])).toThrow(
      /--lang takes zh-CN or en, not "fr"/,
    );
    expect(() => parseCli(['report', '--md', 'x', '--paper', 'A3'])).toThrow(/--paper takes A4 or Letter/);
    expect(() => parseCli(['report', '--md'])).toThrow(UsageError);
    expect(() => parseCli(['analyze', '--redact'])).toThrow(/--redact is for the report command/);
  });

  it('writes the redacted Chinese Markdown and the timelines of the sample case', () => {
    const md = path.join(dir, 'r.md');
    const jsonl = path.join(dir, 't.jsonl');
    const csv = path.join(dir, 't.csv');
    const r = runCli(
      ['report', '--md', md, '--jsonl', jsonl, '--timesketch', csv, '--lang', 'zh-CN', '--redact'],
      path.join(dir, 'home'),
      300_000,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/wrote .*t\.csv \(.*117 lines, \d+ findings, 6 lines without a time left out/);
    expect(r.stderr).toMatch(/redacted: \d+ names replaced by pseudonyms; the list is kept in the case/);
    for (const f of [md, jsonl, csv]) {
      expect(existsSync(f)).toBe(true);
      expect(readFileSync(f, 'utf8').toLowerCase()).not.toContain('video-stream');
    }
    const text = readFileSync(md, 'utf8');
    expect(text).toContain('## 1. 概述');
    expect(text).toContain('host-1');
  });

  it('exits 2 with the usage line for bad arguments', () => {
    const r = runCli(['report', '--lang', 'xx', '--md', 'a.md'], path.join(dir, 'home'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^postmortem: --lang takes zh-CN or en, not "xx"\nusage: postmortem/);
  });
});
