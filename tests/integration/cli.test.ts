import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findChromium } from '../../src/main/report/chromium-printer';
import { runCli } from '../helpers/cli';
import { SAMPLE_TREE, tmpDir } from '../helpers/tmp';

describe('postmortem CLI', () => {
  const home = tmpDir();

  it('analyze --json with no input prints the sample case document', () => {
    const r = runCli(['analyze', '--json'], home);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual([
      'case',
      'sources',
      'oom',
      'boots',
      'incidents',
      'crashes',
      'system',
      'errors',
    ]);
    const sources = doc.sources as {
      path: string;
      lineCount: number;
      kind: string;
      sha256: string;
      status: string;
    }[];
    const syslogLines = readFileSync(path.join(SAMPLE_TREE, 'var/log/syslog'), 'utf8').split('\n').length - 1;
    expect(sources.map((s) => [s.path, s.lineCount, s.status])).toEqual([
      ['var/log/syslog', syslogLines, 'complete'],
      ['sos_commands/login/last', 5, 'complete'],
      ['proc/sys/vm/panic_on_oom', 1, 'complete'],
    ]);
    expect(sources.every((s) => /^[0-9a-f]{64}$/.test(s.sha256))).toBe(true);
    expect(doc.errors).toEqual([]);
    expect((doc.case as { state: string }).state).toBe('complete');
  });

  it('exits 2 with a one-line usage message for bad arguments', () => {
    for (const args of [
      [],
      ['frobnicate'],
      ['analyze', '--bogus'],
      ['index'],
      ['report'],
      ['serve', '--port', 'x'],
    ]) {
      const r = runCli(args, home);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(2);
      expect(r.stderr).toMatch(/^postmortem: .+\nusage: postmortem/);
    }
  });

  it('index exits 3 naming the failed input and indexes the rest', () => {
    const dir = tmpDir();
    const good = path.join(dir, 'messages');
    writeFileSync(good, 'Jun  6 21:33:13 video-stream kernel: a\nJun  6 21:33:14 video-stream kernel: b\n');
    const out = path.join(dir, 'x.pmcase');
    const r = runCli(['index', path.join(dir, 'missing.tar.gz'), good, '-o', out, '--json'], home);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/error: cannot open .*missing\.tar\.gz: ENOENT/);
    const summary = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, number | string | null>;
    expect(summary).toMatchObject({ sources: 1, lines: 2, errors: 1 });
    expect(typeof summary.phase1Ms).toBe('number');
    expect(summary.peakRssBytes as number).toBeGreaterThan(10_000_000);
    expect(existsSync(out)).toBe(true);
    const again = runCli(['analyze', out, '--json'], home);
    expect(again.code).toBe(0);
    expect((JSON.parse(again.stdout) as { case: { lineCount: number } }).case.lineCount).toBe(2);
  });
});

const pdfTools = existsSync('/usr/bin/pdftotext') && findChromium() !== null;
if (!pdfTools)
  console.warn(
    '[skip] postmortem report → PDF: needs Chromium and poppler-utils (apt-get install chromium poppler-utils)',
  );

describe.skipIf(!pdfTools)('postmortem report', () => {
  const home = tmpDir();
  it('writes a PDF (Chromium print engine) and HTML naming the sample’s sources with sha256 and line counts', () => {
    const dir = tmpDir();
    const pdf = path.join(dir, 'x.pdf');
    const html = path.join(dir, 'x.html');
    const r = runCli(['report', '-o', pdf, '--html', html], home);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    for (const p of ['var/log/syslog', 'sos_commands/login/last', 'proc/sys/vm/panic_on_oom'])
      expect(text).toContain(p);
    expect(text).toMatch(/Sample: video-stream OOM and forced reboot/);
    expect(text).toMatch(/page 1 \/ \d+/); // footer: page x / y
    const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
    expect(info).toMatch(/Tagged:\s+yes/);
    const h = readFileSync(html, 'utf8');
    expect(h).toContain('c0f9b01442e5f18166651fc7ee7d1e9cd423bb4209fa8e9112de43f4037c6ea0');
    expect(h).not.toMatch(/<script|https?:\/\//);
  });
});
