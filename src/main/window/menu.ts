/**
 * The native menu, as a template: File (open inputs, cases, recent cases, export), View, Help.
 * Kept free of electron values so the shell can rebuild it whenever the recent list or the
 * shown case changes, and so its shape can be checked under Node.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { OpenInputRequest } from '../../shared/api';
import type { ReportFormat } from '../../shared/model/report';
import type { CaseInfo } from '../../shared/model/case';

export interface MenuActions {
  openInput(pick: OpenInputRequest['pick']): void;
  openCaseFile(): void;
  openRecent(caseId: string): void;
  clearRecent(): void;
  exportReport(format: ReportFormat): void;
  showAbout(): void;
}

export interface MenuState {
  platform: NodeJS.Platform;
  productName: string;
  /** Resolved recent cases, most recent first. */
  recent: readonly CaseInfo[];
  /** Export needs a case on screen. */
  canExport: boolean;
  /** Reload and developer tools: development builds only. */
  devTools: boolean;
}

function recentLabel(info: CaseInfo, index: number): string {
  // Menu labels treat `&` as an accelerator marker on Windows and Linux.
  const title = info.title.replace(/&/g, '&&');
  return index < 9 ? `&${index + 1} ${title}` : title;
}

export function menuTemplate(actions: MenuActions, state: MenuState): MenuItemConstructorOptions[] {
  const isMac = state.platform === 'darwin';
  const recentItems: MenuItemConstructorOptions[] =
    state.recent.length === 0
      ? [{ label: 'No Recent Cases', enabled: false }]
      : [
          ...state.recent.map((info, i) => ({
            label: recentLabel(info, i),
            sublabel: `${info.sourceCount} sources · ${info.lineCount.toLocaleString('en-US')} lines`,
            click: () => actions.openRecent(info.caseId),
          })),
          { type: 'separator' },
          { label: 'Clear Recent', click: () => actions.clearRecent() },
        ];

  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      { label: 'Open &Archive…', accelerator: 'CmdOrCtrl+O', click: () => actions.openInput('archive') },
      { label: 'Open &Folder…', accelerator: 'CmdOrCtrl+Shift+O', click: () => actions.openInput('folder') },
      { label: 'Open F&iles…', click: () => actions.openInput('files') },
      { type: 'separator' },
      { label: 'Open &Case…', accelerator: 'CmdOrCtrl+Shift+C', click: () => actions.openCaseFile() },
      { label: 'Open &Recent', submenu: recentItems },
      { type: 'separator' },
      {
        label: '&Export Report…',
        accelerator: 'CmdOrCtrl+E',
        enabled: state.canExport,
        click: () => actions.exportReport('pdf'),
      },
      {
        label: 'Export Report as &HTML…',
        enabled: state.canExport,
        click: () => actions.exportReport('html'),
      },
      {
        label: 'Export Report as &Markdown…',
        enabled: state.canExport,
        click: () => actions.exportReport('md'),
      },
      {
        label: 'Export &Timeline as JSONL…',
        enabled: state.canExport,
        click: () => actions.exportReport('jsonl'),
      },
      {
        label: 'Export Timeline as Time&sketch CSV…',
        enabled: state.canExport,
        click: () => actions.exportReport('timesketch'),
      },
      ...(isMac ? [] : [{ type: 'separator' } as const, { role: 'quit' } as const]),
    ],
  };

  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      ...(state.devTools
        ? [{ role: 'reload' } as const, { role: 'toggleDevTools' } as const, { type: 'separator' } as const]
        : []),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };

  const help: MenuItemConstructorOptions = {
    role: 'help',
    label: '&Help',
    submenu: [{ label: `&About ${state.productName}`, click: () => actions.showAbout() }],
  };

  const template: MenuItemConstructorOptions[] = [
    file,
    { role: 'editMenu' },
    view,
    { role: 'windowMenu' },
    help,
  ];
  if (isMac) template.unshift({ role: 'appMenu' });
  return template;
}
