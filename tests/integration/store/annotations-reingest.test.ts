import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ingestInputs } from '../../../src/main/engine/ingest/ingest';
import { CaseStore } from '../../../src/main/engine/store/case-store';
import { SAMPLE } from '../../helpers/tmp';

const dir = mkdtempSync(path.join(os.tmpdir(), 'pm-reingest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Line id of the first line of `sourcePath` holding `needle`. */
function lineOf(store: CaseStore, sourcePath: string, needle: string): number {
  const src = store.sources().find((s) => s.path === sourcePath);
  if (!src || src.firstLineId === null) throw new Error(`${sourcePath} not in the case`);
  const row = store.db
    .prepare(
      'SELECT line_id FROM line_rows(?, ?) WHERE instr(line_text(block, line_id, text), ?) > 0 ORDER BY line_id LIMIT 1',
    )
    .get(src.firstLineId, src.firstLineId + src.lineCount, needle) as { line_id: number } | undefined;
  if (!row) throw new Error(`no line of ${sourcePath} holds ${needle}`);
  return row.line_id;
}

describe('annotations across a re-ingest of the same archive', () => {
  it('a note on the OOM trigger line follows the line when its source is read again under new line ids', async () => {
    const file = path.join(dir, 'case.pmcase');
    const store = CaseStore.open(file, { create: true });
    await ingestInputs(store, [SAMPLE]);
    const trigger = lineOf(store, 'var/log/syslog', 'invoked oom-killer');
    const note = store.saveAnnotation({
      lineId: trigger,
      body: 'trigger: gfp_mask=0x24280ca',
      tags: ['oom'],
      starred: true,
    });
    expect(note.anchor).toMatchObject({ sourcePath: 'var/log/syslog', lineNo: 1 });

    // The syslog's rows are gone (as after a kill mid-read) and the same archive is read again:
    // the other sources are known by sha256 and skipped, the syslog comes back at new line ids.
    const syslog = store.sources().find((s) => s.path === 'var/log/syslog')!;
    store.dropSource(syslog.sourceId);
    expect(store.annotations()[0]).toMatchObject({ orphaned: true, lineId: null, body: note.body });
    await ingestInputs(store, [SAMPLE]);
    const again = lineOf(store, 'var/log/syslog', 'invoked oom-killer');
    expect(again).not.toBe(trigger);
    expect(store.sources().filter((s) => s.path === 'var/log/syslog')).toHaveLength(1);
    store.close();

    // Reopened as the app does: the note is attached to the new line, nothing else changed.
    const reopened = CaseStore.open(file, { create: false });
    const [n] = reopened.annotations();
    expect(n).toMatchObject({
      annotationId: note.annotationId,
      lineId: again,
      orphaned: false,
      body: 'trigger: gfp_mask=0x24280ca',
      tags: ['oom'],
      starred: true,
      anchor: { sourcePath: 'var/log/syslog', lineNo: 1 },
    });
    reopened.close();
  });
});
