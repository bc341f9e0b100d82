import { create } from 'zustand';

/** Pixel sizes of the resizable regions (remembered per case) and the theme choice (per machine). */
export type ThemeChoice = 'system' | 'light' | 'dark';

export interface LayoutSizes {
  left: number;
  right: number;
  bottom: number;
}

export const DEFAULT_LAYOUT: LayoutSizes = { left: 240, right: 460, bottom: 170 };
export const LIMITS: Record<keyof LayoutSizes, { min: number; max: number }> = {
  left: { min: 140, max: 600 },
  right: { min: 260, max: 1000 },
  bottom: { min: 90, max: 600 },
};

const THEME_KEY = 'postmortem.theme';

function initialTheme(): ThemeChoice {
  try {
    const saved = localStorage.getItem(THEME_KEY);
    if (saved === 'light' || saved === 'dark' || saved === 'system') return saved;
  } catch {
    // No storage: follow the system.
  }
  return 'system';
}

interface LayoutState {
  sizes: LayoutSizes;
  theme: ThemeChoice;
  shortcutsOpen: boolean;
  resize: (region: keyof LayoutSizes, px: number) => void;
  setSizes: (sizes: LayoutSizes) => void;
  setTheme: (theme: ThemeChoice) => void;
  setShortcutsOpen: (open: boolean) => void;
}

export function clampSize(region: keyof LayoutSizes, px: number): number {
  const { min, max } = LIMITS[region];
  return Math.round(Math.min(max, Math.max(min, px)));
}

export const useLayout = create<LayoutState>((set, get) => ({
  sizes: DEFAULT_LAYOUT,
  theme: initialTheme(),
  shortcutsOpen: false,
  resize: (region, px) => set({ sizes: { ...get().sizes, [region]: clampSize(region, px) } }),
  setSizes: (sizes) =>
    set({
      sizes: {
        left: clampSize('left', sizes.left),
        right: clampSize('right', sizes.right),
        bottom: clampSize('bottom', sizes.bottom),
      },
    }),
  setTheme: (theme) => {
    try {
      localStorage.setItem(THEME_KEY, theme);
    } catch {
      // Not remembered; applies to this page.
    }
    set({ theme });
  },
  setShortcutsOpen: (shortcutsOpen) => set({ shortcutsOpen }),
}));
