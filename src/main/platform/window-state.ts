/**
 * Remembered window bounds. Saved bounds are only reused when they still land on a
 * connected display (a laptop undocked from its second monitor must not open off-screen).
 */
import { z } from 'zod';
import { readJsonFile, writeJsonAtomic } from './json-file';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  /** Absent: let the window manager place it. */
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1400, height: 900, maximized: false };
export const MIN_WINDOW_SIZE = { width: 800, height: 560 } as const;

const stateSchema = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(1).max(100_000),
  height: z.number().int().min(1).max(100_000),
  maximized: z.boolean(),
});

export function parseWindowState(raw: unknown): WindowState | null {
  const parsed = stateSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

function overlapArea(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/**
 * Fits a saved state to the displays' work areas: the size is capped by the largest work area
 * and the position is kept only if at least a quarter of the window stays visible on one display.
 */
export function fitToDisplays(state: WindowState, workAreas: readonly Rect[]): WindowState {
  if (workAreas.length === 0) return { ...state };
  const maxWidth = Math.max(...workAreas.map((a) => a.width));
  const maxHeight = Math.max(...workAreas.map((a) => a.height));
  const width = Math.max(MIN_WINDOW_SIZE.width, Math.min(state.width, maxWidth));
  const height = Math.max(MIN_WINDOW_SIZE.height, Math.min(state.height, maxHeight));
  const fitted: WindowState = { width, height, maximized: state.maximized };
  if (state.x === undefined || state.y === undefined) return fitted;
  const rect: Rect = { x: state.x, y: state.y, width, height };
  const visible = Math.max(...workAreas.map((area) => overlapArea(rect, area)));
  if (visible * 4 >= width * height) {
    fitted.x = state.x;
    fitted.y = state.y;
  }
  return fitted;
}

export class WindowStateStore {
  constructor(private readonly file: string) {}

  load(): WindowState | null {
    return parseWindowState(readJsonFile(this.file));
  }

  save(state: WindowState): void {
    writeJsonAtomic(this.file, state);
  }
}
