import type { PanelDef } from '../registry';
import { OomPanel } from './OomPanel';

export const oomPanel: PanelDef = {
  id: 'oom',
  testId: 'panel-oom',
  title: { en: 'OOM', 'zh-CN': 'OOM 分析' },
  Component: OomPanel,
};
