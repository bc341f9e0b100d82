import { create } from 'zustand';
import type { PanelId } from '../panels/registry';

interface PanelTabs {
  active: PanelId | null;
  show: (id: PanelId) => void;
}

/** Which analysis panel is in front; any component can bring one forward (e.g. a finding's click). */
export const usePanelTabs = create<PanelTabs>((set) => ({
  active: null,
  show: (id) => set({ active: id }),
}));
