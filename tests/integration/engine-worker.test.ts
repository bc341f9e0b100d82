import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EngineClient, EngineError } from '../../src/main/engine/client';
import { SAMPLE, SAMPLE_TREE, tmpDir } from '../helpers/tmp';

describe('engine worker round trip', () => {
  const dir = tmpDir();
  const engine = new EngineClient();
  afterAll(() => engine.close());
  const syslog = readFileSync(path.join(SAMPLE_TREE, 'var/log/syslog'), 'utf8').split('\n').slice(0, -1);

  it('indexes the sample archive in the worker and pages its lines', async () => {
    const info = await engine.call('openCase', {
      file: path.join(dir, 'a.pmcase'),
      create: true,
      title: 'sample',
    });
    const events: number[] = [];
    const off = engine.onEvent((e, p) => {
      if (e === 'ingestProgress') events.push(p.progress.linesDone);
    });
    const outcome = await engine.call('ingest', { caseId: info.caseId, jobId: 'job-1', inputs: [SAMPLE] });
    off();
    expect(outcome).toMatchObject({ sources: 3, lines: syslog.length + 5 + 1, errors: [], cancelled: false });
    expect(events.at(-1)).toBe(syslog.length + 6);

    const summary = await engine.call('summary', { caseId: info.caseId });
    expect(summary.state).toBe('complete');
    expect(summary.sources.map((s) => [s.path, s.lineCount, s.firstLineId])).toEqual([
      ['var/log/syslog', syslog.length, 1],
      ['sos_commands/login/last', 5, syslog.length + 1],
      ['proc/sys/vm/panic_on_oom', 1, syslog.length + 6],
    ]);

    const page = await engine.call('getLines', {
      caseId: info.caseId,
      view: { kind: 'merged' },
      start: 0,
      count: 3,
    });
    expect(page.total).toBe(syslog.length + 6);
    expect(page.lines[0]).toMatchObject({ lineId: 1, lineNo: 1, byteOffset: 0, text: syslog[0] });
    expect(page.lines[0]!.text).toContain('stream_convert invoked oom-killer: gfp_mask=0x24280ca');
    expect(page.lines[1]!.byteOffset).toBe(Buffer.byteLength(syslog[0]!) + 1);

    const last = await engine.call('getLines', {
      caseId: info.caseId,
      view: { kind: 'source', sourceId: 2 },
      start: 4,
      count: 10,
    });
    expect(last.total).toBe(5);
    expect(last.lines.map((l) => l.lineId)).toEqual([syslog.length + 5]);
    expect(last.lines[0]!.text).toMatch(/^reboot\s+system boot\s+4\.4\.0-150-generi Mon Oct 26 19:38/);
  });

  it('searches the whole case like grep does', async () => {
    const [c] = await Promise.all([
      engine.call('openCase', { file: path.join(dir, 'a.pmcase'), create: false }),
    ]);
    const grepCount = syslog.filter((l) => l.includes('write_iter')).length;
    const r = await engine.call('search', {
      caseId: c!.caseId,
      view: { kind: 'merged' },
      query: 'write_iter',
      mode: 'text',
      caseSensitive: false,
      limit: 2,
    });
    expect(r.total).toBe(grepCount);
    expect(r.hits).toHaveLength(2);
    expect(r.truncated).toBe(true);
    const re = await engine.call('search', {
      caseId: c!.caseId,
      view: { kind: 'merged' },
      query: '^J?un  6 21:33:14 .*lxcfs$',
      mode: 'regex',
      caseSensitive: true,
      limit: 10,
    });
    expect(re.hits.map((h) => h.text.slice(0, 3))).toEqual(['un ']);
    const pct = await engine.call('search', {
      caseId: c!.caseId,
      view: { kind: 'merged' },
      query: '100%',
      mode: 'text',
      caseSensitive: false,
      limit: 10,
    });
    expect(pct.total).toBe(0);
  });

  it('sends errors back as errors, and keeps working', async () => {
    await expect(engine.call('summary', { caseId: 'ffffffffffffffff' })).rejects.toThrow(EngineError);
    await expect(engine.call('summary', { caseId: 'ffffffffffffffff' })).rejects.toThrow(/not open/);
    const c = await engine.call('openCase', { file: path.join(dir, 'a.pmcase'), create: false });
    await expect(
      engine.call('search', {
        caseId: c.caseId,
        view: { kind: 'merged' },
        query: '(',
        mode: 'regex',
        caseSensitive: false,
        limit: 1,
      }),
    ).rejects.toThrow(/invalid regular expression/);
    expect((await engine.call('caseInfo', { caseId: c.caseId })).lineCount).toBeGreaterThan(100);
  });
});
