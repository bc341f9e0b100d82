import { create } from 'zustand';
import type { WindowInfo } from './controller';

/**
 * Where the viewer is in its view, updated as it scrolls: read by the overview ruler only, so
 * scrolling re-renders the ruler and nothing else.
 */
export const useWindowInfo = create<{ info: WindowInfo | null; set: (info: WindowInfo) => void }>(
  (set, get) => ({
    info: null,
    set: (info) => {
      const cur = get().info;
      if (
        cur &&
        cur.start === info.start &&
        cur.total === info.total &&
        cur.firstVisible === info.firstVisible &&
        cur.lastVisible === info.lastVisible
      )
        return;
      set({ info });
    },
  }),
);
