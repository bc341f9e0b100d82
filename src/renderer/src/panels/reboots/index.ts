import type { PanelDef } from '../registry';
import { RebootsPanel } from './RebootsPanel';

export const rebootsPanel: PanelDef = {
  id: 'reboots',
  testId: 'panel-reboots',
  title: { en: 'Reboots', 'zh-CN': '重启历史' },
  Component: RebootsPanel,
};
