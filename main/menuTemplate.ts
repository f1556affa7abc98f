import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../engine/contract/DesktopApi.js';

// The commands are declared in the contract: the renderer handles them and may not import main.
export { MENU_COMMANDS } from '../engine/contract/DesktopApi.js';
export type { MenuCommand } from '../engine/contract/DesktopApi.js';

/** Where the menu's actions go. Passed in so the template is plain data with tests. */
export interface MenuActions {
  /** Send a command to the renderer. */
  send(command: MenuCommand): void;
  /** File › Open / Import: show the native dialog, then send the command with the path. */
  open(purpose: 'open' | 'import'): void;
  openRecent(path: string): void;
  clearRecent(): void;
  openDocs(): void;
}

export interface MenuOptions {
  platform: NodeJS.Platform;
  recentFiles: readonly string[];
  /** Dev builds get Reload and DevTools. */
  isPackaged: boolean;
  actions: MenuActions;
}

/** The keyboard shortcut of each command that has one (also shown in the Help › Shortcuts sheet). */
export const ACCELERATORS: Readonly<Partial<Record<MenuCommand, string>>> = {
  'file.new': 'CmdOrCtrl+N',
  'file.open': 'CmdOrCtrl+O',
  'file.save': 'CmdOrCtrl+S',
  'file.saveAs': 'CmdOrCtrl+Shift+S',
  'file.import': 'CmdOrCtrl+I',
  'file.export': 'CmdOrCtrl+E',
  'file.close': 'CmdOrCtrl+W',
  'edit.undo': 'CmdOrCtrl+Z',
  'edit.redo': 'CmdOrCtrl+Shift+Z',
  'run.start': 'CmdOrCtrl+Enter',
  'run.stop': 'CmdOrCtrl+Shift+Enter',
  'view.fit': 'CmdOrCtrl+0',
  'view.zoomIn': 'CmdOrCtrl+=',
  'view.zoomOut': 'CmdOrCtrl+-',
  'view.togglePalette': 'CmdOrCtrl+1',
  'view.toggleInspector': 'CmdOrCtrl+2',
  'view.toggleRunPanel': 'CmdOrCtrl+3',
  'help.shortcuts': 'CmdOrCtrl+/',
};

const basename = (path: string): string => path.split(/[\\/]/).pop() ?? path;

/**
 * The application menu. Pure: the same inputs give the same template, and every click calls one
 * of `actions`. On macOS the first menu is the app menu (About, Hide, Quit) and Close is the
 * window's; elsewhere File ends with Quit.
 */
export function menuTemplate(options: MenuOptions): MenuItemConstructorOptions[] {
  const { actions } = options;
  const mac = options.platform === 'darwin';
  const item = (label: string, command: MenuCommand): MenuItemConstructorOptions => ({
    label,
    id: command,
    ...(ACCELERATORS[command] ? { accelerator: ACCELERATORS[command] } : {}),
    click: () => actions.send(command),
  });

  const recent: MenuItemConstructorOptions[] = options.recentFiles.length
    ? [
        ...options.recentFiles.map((path) => ({
          label: basename(path),
          sublabel: path,
          toolTip: path,
          click: () => actions.openRecent(path),
        })),
        { type: 'separator' as const },
        { label: 'Clear Recent', click: () => actions.clearRecent() },
      ]
    : [{ label: 'No Recent Files', enabled: false }];

  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      item('New', 'file.new'),
      { label: 'Open…', id: 'file.open', accelerator: ACCELERATORS['file.open'], click: () => actions.open('open') },
      { label: 'Open Recent', id: 'file.openRecent', submenu: recent },
      { type: 'separator' },
      item('Save', 'file.save'),
      item('Save As…', 'file.saveAs'),
      { type: 'separator' },
      {
        label: 'Import…',
        id: 'file.import',
        accelerator: ACCELERATORS['file.import'],
        click: () => actions.open('import'),
      },
      item('Export…', 'file.export'),
      { type: 'separator' },
      item('Close', 'file.close'),
      ...(mac ? [] : [{ type: 'separator' as const }, { role: 'quit' as const, label: 'Quit' }]),
    ],
  };

  const edit: MenuItemConstructorOptions = {
    label: '&Edit',
    submenu: [
      item('Undo', 'edit.undo'),
      item('Redo', 'edit.redo'),
      { type: 'separator' },
      // Clipboard items use roles: they act on the focused field natively, with the platform's shortcuts.
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  };

  const run: MenuItemConstructorOptions = {
    label: '&Run',
    submenu: [item('Run', 'run.start'), item('Run as Group Member…', 'run.group'), item('Stop', 'run.stop')],
  };

  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      item('Fit to Window', 'view.fit'),
      item('Zoom In', 'view.zoomIn'),
      item('Zoom Out', 'view.zoomOut'),
      { type: 'separator' },
      item('Toggle Palette', 'view.togglePalette'),
      item('Toggle Inspector', 'view.toggleInspector'),
      item('Toggle Run Panel', 'view.toggleRunPanel'),
      ...(options.isPackaged
        ? []
        : [{ type: 'separator' as const }, { role: 'reload' as const }, { role: 'toggleDevTools' as const }]),
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };

  const help: MenuItemConstructorOptions = {
    label: '&Help',
    role: 'help',
    submenu: [
      item('Keyboard Shortcuts', 'help.shortcuts'),
      { label: 'Documentation', id: 'help.docs', click: () => actions.openDocs() },
    ],
  };

  const appMenu: MenuItemConstructorOptions[] = mac
    ? [
        {
          label: 'Sluice',
          submenu: [
            { role: 'about' },
            { type: 'separator' },
            { role: 'services' },
            { type: 'separator' },
            { role: 'hide' },
            { role: 'hideOthers' },
            { role: 'unhide' },
            { type: 'separator' },
            { role: 'quit' },
          ],
        },
      ]
    : [];

  return [...appMenu, file, edit, run, view, ...(mac ? [{ role: 'windowMenu' as const }] : []), help];
}
