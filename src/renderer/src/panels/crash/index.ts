import type { PanelDef } from '../registry';
import { CrashPanel } from './CrashPanel';

export const crashPanel: PanelDef = {
  id: 'crash',
  testId: 'panel-crash',
  title: { en: 'Crash', 'zh-CN': '崩溃与内核' },
  Component: CrashPanel,
};
