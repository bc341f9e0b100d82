import type { AnalysisInput, AnalysisSource } from '../../../src/main/engine/analysis/run';
import type { RecordLine } from '../../../src/shared/model/log';

export interface MemSource {
  path: string;
  kind?: string;
  /** Lines as text (no time) or RecordLines (their sourceId/path/lineNo/lineId are rewritten). */
  lines?: readonly (string | Omit<RecordLine, 'sourceId' | 'sourcePath' | 'lineNo' | 'lineId'>)[];
  mtimeMs?: number | null;
  status?: string;
  sizeBytes?: number;
}

/**
 * An in-memory case for analyzeCase: sources numbered from 1, line ids dense across sources in
 * order (as the store assigns them), so evidence line ids can be checked.
 */
export function memCase(
  sources: readonly MemSource[],
): AnalysisInput & { byPath: Map<string, RecordLine[]> } {
  let nextId = 1;
  const byId = new Map<number, RecordLine[]>();
  const byPath = new Map<string, RecordLine[]>();
  const refs: AnalysisSource[] = sources.map((s, i) => {
    const sourceId = i + 1;
    const lines: RecordLine[] = (s.lines ?? []).map((l, k) => {
      const base = typeof l === 'string' ? { ts: null, tsQuality: 'none' as const, text: l } : l;
      return { ...base, sourceId, sourcePath: s.path, lineNo: k + 1, lineId: nextId++ };
    });
    byId.set(sourceId, lines);
    byPath.set(s.path, lines);
    const ref: AnalysisSource = {
      sourceId,
      path: s.path,
      kind: s.kind ?? 'text',
      mtimeMs: s.mtimeMs ?? null,
    };
    if (s.status !== undefined) ref.status = s.status;
    if (s.sizeBytes !== undefined) ref.sizeBytes = s.sizeBytes;
    return ref;
  });
  return {
    sources: refs,
    byPath,
    *lines(only) {
      for (const s of only ?? refs) yield* byId.get(s.sourceId) ?? [];
    },
  };
}
