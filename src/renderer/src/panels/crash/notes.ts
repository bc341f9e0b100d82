/**
 * The engineer's notes on Crash cards: annotations tagged `crash-note` on the card's header line.
 * They live in the notes store's one list (loaded with the case) and are saved as typed by the
 * notes module's in-place loop (notes/inline.ts) — no save logic of their own here.
 */
import type { Annotation } from '../../../../shared/model/annotation';
import { useNotes } from '../../notes/store';

export const NOTE_TAG = 'crash-note';

/** The newest crash note per line. */
export function notesByLine(annotations: readonly Annotation[]): Map<number, Annotation> {
  const out = new Map<number, Annotation>();
  for (const a of annotations) {
    if (a.lineId === null || !a.tags.includes(NOTE_TAG)) continue;
    const have = out.get(a.lineId);
    if (!have || have.updatedAt <= a.updatedAt) out.set(a.lineId, a);
  }
  return out;
}

/** The crash note on a card's line, or null. */
export function useCardNote(lineId: number): Annotation | null {
  return useNotes((s) => {
    let best: Annotation | null = null;
    for (const a of s.notes)
      if (a.lineId === lineId && a.tags.includes(NOTE_TAG) && (!best || best.updatedAt <= a.updatedAt))
        best = a;
    return best;
  });
}
