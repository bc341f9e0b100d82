import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CaseStore } from '../../../src/main/engine/store/case-store';
import { MIGRATIONS, SCHEMA_VERSION } from '../../../src/main/engine/store/schema';
import { DecodedBlock } from '../../../src/main/engine/store/text-blocks';
import { appendKernLog } from '../../helpers/case-lines';
import { tmpDir } from '../../helpers/tmp';

/** A case file at schema v9, with one deflated text block when `withBlock`. */
function v9Case(file: string, withBlock: boolean): void {
  const d = new Database(file);
  for (const m of MIGRATIONS.filter((x) => x.version <= 9)) d.exec(m.sql);
  d.pragma('user_version = 9');
  d.prepare("INSERT INTO meta (key, value) VALUES ('case_id', '00000000000000bb')").run();
  if (withBlock)
    d.prepare('INSERT INTO line_blocks (first_line_id, n, data) VALUES (1, 1, ?)').run(Buffer.from([3, 0]));
  d.close();
}

function appendTwo(s: CaseStore): void {
  appendKernLog(s, [{ text: 'Out of memory: Kill process 1 (a)' }, { text: '内存不足' }]);
}

describe('schema v10: the codec of text blocks', () => {
  const dir = tmpDir('pm-v10-');

  it('keeps deflate for a case that has blocks, and writes LZ4 in a new or block-less one', () => {
    const old = path.join(dir, 'v9-blocks.pmcase');
    v9Case(old, true);
    const s = CaseStore.open(old, { create: false });
    expect(s.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(s.meta('text_codec')).toBe('deflate');
    expect(s.texts.codec).toBe('deflate');
    s.close();

    const empty = path.join(dir, 'v9-empty.pmcase');
    v9Case(empty, false);
    const e = CaseStore.open(empty, { create: false });
    expect(e.meta('text_codec')).toBe('lz4');
    e.close();

    const fresh = CaseStore.open(path.join(dir, 'new.pmcase'), { create: true });
    expect(fresh.texts.codec).toBe('lz4');
    fresh.close();
  });

  it('a deflate case goes on writing and reading deflate; a new case LZ4', () => {
    for (const codec of ['deflate', 'lz4'] as const) {
      const file = path.join(dir, `${codec}.pmcase`);
      const made = CaseStore.open(file, { create: true });
      // As a case upgraded from v9 with blocks: the migration set deflate.
      if (codec === 'deflate') made.setMeta('text_codec', 'deflate');
      made.close();
      const s = CaseStore.open(file, { create: false });
      appendTwo(s);
      s.close();
      const r = CaseStore.open(file, { create: false });
      const [blockId, data] = r.db.prepare('SELECT block_id, data FROM line_blocks').raw().get() as [
        number,
        Buffer,
      ];
      // The stored bytes are of that codec: raw deflate inflates, LZ4 starts with its size.
      if (codec === 'deflate') expect(inflateRawSync(data).readUInt32LE(0)).toBe(2);
      else expect(() => inflateRawSync(data)).toThrow();
      const b = r.texts.block(blockId);
      expect([b.text(0), b.text(1)]).toEqual(['Out of memory: Kill process 1 (a)', '内存不足']);
      expect(new DecodedBlock(1, data, codec).text(1)).toBe('内存不足');
      r.close();
    }
  });

  it('says which block is damaged instead of decoding garbage or allocating what a bad size claims', () => {
    const file = path.join(dir, 'damaged.pmcase');
    const s = CaseStore.open(file, { create: true });
    appendTwo(s);
    const id = s.db.prepare('SELECT block_id FROM line_blocks').pluck().get() as number;
    // A size prefix of ~2 GiB over a few bytes, then a prefix that fits but bytes that are not LZ4.
    s.db
      .prepare('UPDATE line_blocks SET data = ? WHERE block_id = ?')
      .run(Buffer.from([0xf0, 0xff, 0xff, 0x7f, 0x10, 65]), id);
    s.close();
    const r = CaseStore.open(file, { create: false });
    expect(() => r.texts.block(id)).toThrow(
      `line text block ${id} of the case is damaged: an LZ4 block of 6 bytes claims 2147483632 bytes`,
    );
    r.close();
    const w = CaseStore.open(file, { create: false });
    w.db
      .prepare('UPDATE line_blocks SET data = ? WHERE block_id = ?')
      .run(Buffer.from([40, 0, 0, 0, 0xff, 1, 2]), id);
    w.close();
    const r2 = CaseStore.open(file, { create: false });
    expect(() => r2.texts.block(id)).toThrow(new RegExp(`^line text block ${id} of the case is damaged: `));
    r2.close();
  });
});
