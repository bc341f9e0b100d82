import { createReadStream, readFileSync } from 'node:fs';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import Database from 'better-sqlite3';
import * as tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { CaseFormatError } from '../../../src/main/engine/store/database';
import { CaseStore } from '../../../src/main/engine/store/case-store';
import { SCHEMA_VERSION } from '../../../src/main/engine/store/schema';
import { SEED_FILE, seedAvailable } from '../../helpers/corpus';
import { SAMPLE, SAMPLE_TREE, tmpDir } from '../../helpers/tmp';
import { createCaseWithStore } from '../../helpers/text-store';

describe('case file', () => {
  const dir = tmpDir();

  it('is a versioned SQLite database in WAL mode', () => {
    const s = CaseStore.open(path.join(dir, 'v.pmcase'), { create: true, title: 'Incident 42' });
    expect(s.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(s.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(s.info()).toMatchObject({ title: 'Incident 42', state: 'empty', lineCount: 0 });
    expect(s.caseId).toMatch(/^[0-9a-f]{16}$/);
    const id = s.caseId;
    s.close();
    const again = CaseStore.open(path.join(dir, 'v.pmcase'), { create: false });
    expect(again.caseId).toBe(id);
    again.close();
  });

  it('refuses a newer schema, a foreign database and a non-database, naming the file', () => {
    const newer = path.join(dir, 'newer.pmcase');
    const d = new Database(newer);
    d.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    d.close();
    expect(() => CaseStore.open(newer, { create: false })).toThrow(
      /newer\.pmcase: case schema version \d+ is newer/,
    );
    const foreign = path.join(dir, 'foreign.pmcase');
    const f = new Database(foreign);
    f.exec('CREATE TABLE t (x)');
    f.close();
    expect(() => CaseStore.open(foreign, { create: false })).toThrow(CaseFormatError);
    expect(() => CaseStore.open(foreign, { create: false })).toThrow(
      /foreign\.pmcase: an SQLite database, but not a Postmortem case/,
    );
    expect(() => CaseStore.open(path.join(dir, 'absent.pmcase'), { create: false })).toThrow(
      /absent\.pmcase: cannot open/,
    );
  });

  it('keeps annotations anchored by content, orphaned (never dropped) when the line is gone, soft-deleted', () => {
    // A row per line (texts in blocks), so the test can change a line's text in place.
    createCaseWithStore(path.join(dir, 'n.pmcase'), 'blocks');
    const s = CaseStore.open(path.join(dir, 'n.pmcase'), { create: false });
    const inputId = s.addInput('x', '/x', 1, 0);
    const src = s.beginSource(inputId, 'var/log/syslog', 10, null, 'syslog');
    s.appendLines(s.nextLineId(), [
      { sourceId: src, lineNo: 1, byteOffset: 0, ts: null, tsQuality: 'none', text: 'a' },
      { sourceId: src, lineNo: 2, byteOffset: 2, ts: null, tsQuality: 'none', text: 'b' },
    ]);
    s.finishSource(src, {
      sha256: 'f'.repeat(64),
      encoding: 'utf-8',
      kind: 'syslog',
      status: 'complete',
      error: null,
    });
    const a = s.saveAnnotation({ lineId: 2, body: 'the OOM kill', tags: ['oom'], starred: true });
    expect(a).toMatchObject({
      lineId: 2,
      orphaned: false,
      anchor: { lineNo: 2, sourcePath: 'var/log/syslog' },
      tags: ['oom'],
      starred: true,
    });
    const edited = s.saveAnnotation({
      annotationId: a.annotationId,
      body: 'the OOM kill of stream_convert',
      tags: ['oom'],
      starred: false,
    });
    expect(edited).toMatchObject({ body: 'the OOM kill of stream_convert', starred: false });
    s.db.prepare("UPDATE lines SET text = 'changed', block = NULL WHERE line_id = 2").run();
    expect(s.annotations()[0]).toMatchObject({
      orphaned: true,
      lineId: null,
      body: 'the OOM kill of stream_convert',
    });
    expect(s.deleteAnnotation(a.annotationId)).toBe(true);
    expect(s.annotations()).toEqual([]);
    expect((s.db.prepare('SELECT count(*) AS n FROM annotations').get() as { n: number }).n).toBe(1);
    s.close();
  });
});

describe('sample case archive', () => {
  it('holds exactly the files of resources/samples/seed-incident, syslog first', async () => {
    const extract = tar.extract();
    createReadStream(SAMPLE).pipe(createGunzip()).pipe(extract);
    const files: [string, string][] = [];
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      for await (const c of entry) chunks.push(c as Buffer);
      if (entry.header.type === 'file')
        files.push([entry.header.name, Buffer.concat(chunks).toString('utf8')]);
    }
    expect(files.map(([n]) => n)).toEqual([
      'var/log/syslog',
      'sos_commands/login/last',
      'proc/sys/vm/panic_on_oom',
    ]);
    for (const [name, body] of files) expect(body).toBe(readFileSync(path.join(SAMPLE_TREE, name), 'utf8'));
    const syslog = files[0]![1].split('\n');
    expect(syslog[0]).toBe(
      'Jun  6 21:33:13 video-stream kernel: stream_convert invoked oom-killer: gfp_mask=0x24280ca, order=0, oom_score_adj=0',
    );
    expect(syslog.filter((l) => l.startsWith('un  6 21:33:14 video-stream kernel: [ 1867]'))).toHaveLength(1);
    expect(files[2]![1]).toBe('0\n');
  });
});

describe.skipIf(!seedAvailable)('sample syslog against the seed', () => {
  it('is the seed’s timestamped log lines exactly as printed, no line invented', () => {
    const seed = readFileSync(SEED_FILE, 'utf8').split('\n');
    const logLines = seed.filter((l) => /^J?un {2}6 21:33:\d\d video-stream /.test(l));
    expect(readFileSync(path.join(SAMPLE_TREE, 'var/log/syslog'), 'utf8')).toBe(logLines.join('\n') + '\n');
    const last = seed.filter((l) => l.startsWith('reboot   system boot'));
    expect(readFileSync(path.join(SAMPLE_TREE, 'sos_commands/login/last'), 'utf8')).toBe(
      last.join('\n') + '\n',
    );
  });
});
