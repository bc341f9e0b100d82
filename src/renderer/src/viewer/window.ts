/**
 * Which slice of a view the viewer's Monaco model holds. Monaco keeps its whole model in memory
 * (ARCHITECTURE decision 1), so the model is a window of WINDOW_SIZE lines around the cursor
 * that moves when the user scrolls within EDGE lines of either end.
 */
export const WINDOW_SIZE = 3000;
export const EDGE = 400;

/** First position of a window of `size` lines centred on `position` in a view of `total` lines. */
export function windowStartAround(position: number, total: number, size = WINDOW_SIZE): number {
  const maxStart = Math.max(0, total - size);
  return Math.min(maxStart, Math.max(0, position - Math.floor(size / 2)));
}

/**
 * The new window start when the visible lines (0-based positions in the view) come within EDGE
 * of a window end that is not the view's end; null when the window can stay.
 */
export function shiftedWindowStart(
  firstVisible: number,
  lastVisible: number,
  start: number,
  length: number,
  total: number,
  size = WINDOW_SIZE,
  edge = EDGE,
): number | null {
  const end = start + length;
  const nearTop = start > 0 && firstVisible - start < edge;
  const nearBottom = end < total && end - 1 - lastVisible < edge;
  if (!nearTop && !nearBottom) return null;
  const middle = Math.floor((firstVisible + lastVisible) / 2);
  const next = windowStartAround(middle, total, size);
  return next === start ? null : next;
}
