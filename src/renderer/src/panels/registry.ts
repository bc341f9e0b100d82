import type { ComponentType } from 'react';

export type PanelId = 'oom' | 'reboots' | 'crash' | 'notes';

/** One analysis panel: its tab, its test id, and the component that fills it. */
export interface PanelDef {
  id: PanelId;
  testId: `panel-${PanelId}`;
  title: { en: string; 'zh-CN': string };
  Component: ComponentType;
}
