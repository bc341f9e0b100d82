import type { LogViewerController } from './controller';

/** The mounted viewer, for keyboard commands that act on Monaco directly (focus, page size). */
let active: LogViewerController | null = null;

export function setActiveViewer(c: LogViewerController | null): void {
  active = c;
}

export function activeViewer(): LogViewerController | null {
  return active;
}
