/**
 * Ingests inputs into a new case whose texts go to deflated blocks (schema v8), or to the rows
 * as cases made before v8 keep them: tests compare the two stores.
 */
import type { Engine } from '../../src/main/engine/engine';
import { CaseStore } from '../../src/main/engine/store/case-store';

export async function ingestInto(
  e: Engine,
  file: string,
  inputs: string[],
  store: 'blocks' | 'rows',
): Promise<string> {
  if (store === 'rows') {
    const s = CaseStore.open(file, { create: true });
    s.setMeta('text_store', 'rows');
    s.close();
  }
  const { caseId } = e.openCase({ file, create: store === 'blocks' });
  await e.ingest({ caseId, jobId: `j-${store}`, inputs });
  return caseId;
}
