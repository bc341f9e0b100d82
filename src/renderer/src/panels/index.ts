import { crashPanel } from './crash';
import { notesPanel } from './notes';
import { oomPanel } from './oom';
import { rebootsPanel } from './reboots';
import type { PanelDef } from './registry';

/**
 * The analysis panels that exist, in tab order. A panel appears here only when it is real
 * (no placeholder tabs): the slots of the others stay hidden.
 */
export const PANELS: PanelDef[] = [oomPanel, rebootsPanel, crashPanel, notesPanel];
