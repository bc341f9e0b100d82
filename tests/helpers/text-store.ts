/**
 * Ingests inputs into a new case that keeps its lines as cases made since schema v9 do (headers
 * packed per block; LZ4 blocks since v10), as v8 cases do (a row per line, texts in deflated
 * blocks), or as cases made before v8 keep them (texts in the rows): tests compare the stores,
 * and with them the two codecs.
 */
import type { Engine } from '../../src/main/engine/engine';
import { CaseStore } from '../../src/main/engine/store/case-store';

export type TextStore = 'packed' | 'blocks' | 'rows';

/** Creates an empty case file that will keep its lines in `store`. */
export function createCaseWithStore(file: string, store: TextStore): void {
  const s = CaseStore.open(file, { create: true });
  s.setMeta('text_store', store);
  // A v8 case keeps deflate after its upgrade (schema v10).
  if (store !== 'packed') s.setMeta('text_codec', 'deflate');
  s.close();
}

export async function ingestInto(
  e: Engine,
  file: string,
  inputs: string[],
  store: TextStore,
): Promise<string> {
  createCaseWithStore(file, store);
  const { caseId } = e.openCase({ file, create: false });
  await e.ingest({ caseId, jobId: `j-${store}`, inputs });
  return caseId;
}
