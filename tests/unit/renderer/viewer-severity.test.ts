import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { LinePage } from '../../../src/shared/model/case';
import { levelOf } from '../../../src/main/engine/query/severity';
import {
  firstPageRequest,
  markPainted,
  primeFirstPage,
  resetFirstPage,
  takePrimed,
  whenPainted,
} from '../../../src/renderer/src/viewer/first-page';
import { severityOfLevel } from '../../../src/renderer/src/viewer/severity';
import { SEED_FILE } from '../../helpers/corpus';

describe('severityOfLevel', () => {
  it('colours emerg, alert and crit as crit, err as err, warning as warn, the rest not at all', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(severityOfLevel)).toEqual([
      'crit',
      'crit',
      'crit',
      'err',
      'warn',
      null,
      null,
      null,
    ]);
    expect(severityOfLevel(null)).toBeNull();
  });

  const seedPresent = existsSync(SEED_FILE);
  if (!seedPresent)
    console.warn(`[skip] seed not found at ${SEED_FILE}: the seed's line colours are not checked`);
  it.skipIf(!seedPresent)(
    "colours the seed's lines by the engine's level, not by the viewer's own words",
    () => {
      const lines = readFileSync(SEED_FILE, 'utf8').split('\n');
      const colour = (n: number): string | null => severityOfLevel(levelOf(null, lines[n - 1] ?? ''));
      // Lines 23, 124, 125, 129 of the seed (1-based).
      expect(lines[22]).toContain('invoked oom-killer');
      expect(colour(23)).toBe('warn');
      expect(lines[123]).toContain('Out of memory: Kill process 30002');
      expect(colour(124)).toBe('err');
      expect(lines[124]).toContain('Killed process 30002');
      expect(colour(125)).toBe('err');
      expect(lines[128]).toContain('WARNING: [write_iter] inode ifops has restore');
      expect(colour(129)).toBe('warn');
      // A printed level wins over the words: a `<3>` line saying "warning" is an error.
      expect(severityOfLevel(levelOf(3, lines[128] ?? ''))).toBe('err');
    },
  );
});

function page(caseId: string, n: number): LinePage {
  return {
    view: { kind: 'merged' },
    start: 0,
    total: n,
    lines: Array.from({ length: n }, (_, i) => ({
      lineId: i + 1,
      sourceId: 1,
      lineNo: i + 1,
      byteOffset: 0,
      ts: null,
      tsQuality: 'none' as const,
      text: `${caseId} line ${i + 1}`,
      level: null,
      levelInferred: false,
    })),
  };
}

describe('first page of an opened case', () => {
  afterEach(() => resetFirstPage());

  it("is read once, ahead of the viewer, and handed to the viewer's identical request only", async () => {
    const asked: unknown[] = [];
    primeFirstPage((req) => {
      asked.push(req);
      return Promise.resolve(page(req.caseId, 3));
    }, 'c1');
    expect(asked).toEqual([firstPageRequest('c1')]);
    expect(takePrimed({ ...firstPageRequest('c1'), start: 100 })).toBeNull();
    expect(takePrimed({ ...firstPageRequest('c1'), view: { kind: 'source', sourceId: 1 } })).toBeNull();
    expect(takePrimed(firstPageRequest('c2'))).toBeNull();
    const primed = takePrimed(firstPageRequest('c1'));
    expect(primed).not.toBeNull();
    expect((await primed!).lines[0]?.text).toBe('c1 line 1');
    // Used once: a later open reads again.
    expect(takePrimed(firstPageRequest('c1'))).toBeNull();
  });

  it('holds the heavy reads until the viewer has painted, or until the time-out', async () => {
    const order: string[] = [];
    const gated = whenPainted('c1', 10_000).then(() => order.push('findings'));
    await Promise.resolve();
    order.push('painted');
    markPainted('c1');
    await gated;
    expect(order).toEqual(['painted', 'findings']);
    // Already painted: no wait.
    await whenPainted('c1', 10_000);
    // Never painted (no viewer on screen): the time-out lets the reads go.
    const t0 = Date.now();
    await whenPainted('c9', 30);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(25);
  });
});
