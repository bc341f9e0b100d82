/**
 * Host and program ids of the order capture: two users of one case connection (the ingest's
 * capture, an order build) may each add names; ids must stay unique per kind and shared.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CaseStore } from '../../../src/main/engine/store/case-store';
import { HOST, NameIds, PROGRAM } from '../../../src/main/engine/store/order-capture';
import { tmpDir } from '../../helpers/tmp';

describe('order capture name ids', () => {
  const dir = tmpDir('pm-names-');

  it('gives each name one id per kind, seen from every NameIds on the case', () => {
    const store = CaseStore.open(path.join(dir, 'n.pmcase'), { create: true });
    const a = new NameIds(store.db);
    const b = new NameIds(store.db);
    expect(a.id(HOST, 'video-stream')).toBe(1);
    expect(b.id(HOST, 'db-01')).toBe(2);
    expect(a.id(HOST, 'db-01')).toBe(2);
    expect(a.id(HOST, 'web01')).toBe(3);
    expect(b.id(PROGRAM, 'kernel')).toBe(1);
    expect(a.id(HOST, null)).toBe(0);
    expect(new NameIds(store.db).lists).toEqual([['video-stream', 'db-01', 'web01'], ['kernel']]);
    store.close();
  });

  it('forgets names added by a rolled-back batch', () => {
    const store = CaseStore.open(path.join(dir, 'r.pmcase'), { create: true });
    const ids = new NameIds(store.db);
    expect(ids.id(PROGRAM, 'sshd')).toBe(1);
    store.db.exec('BEGIN');
    expect(ids.id(PROGRAM, 'containerd')).toBe(2);
    store.db.exec('ROLLBACK');
    ids.reload();
    expect(ids.id(PROGRAM, 'systemd')).toBe(2);
    expect(ids.lists[PROGRAM]).toEqual(['sshd', 'systemd']);
    store.close();
  });
});
