import type { OpenResult, WorkbenchClient } from '../../../shared/api';

/** The Electron preload adds `openDropped` (it turns dropped Files into paths with webUtils). */
type DropCapable = WorkbenchClient & { openDropped?: (files: File[]) => Promise<OpenResult> };

/** Opens files dropped on the window, where the host can (the desktop app); null elsewhere. */
export function dropOpener(): ((files: File[]) => Promise<OpenResult>) | null {
  const wb = window.workbench as DropCapable | undefined;
  return wb?.openDropped ? (files) => wb.openDropped!(files) : null;
}
