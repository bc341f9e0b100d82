import type { PanelDef } from '../registry';
import { NotesPanel } from './NotesPanel';

export const notesPanel: PanelDef = {
  id: 'notes',
  testId: 'panel-notes',
  title: { en: 'Notes', 'zh-CN': '笔记' },
  Component: NotesPanel,
};
