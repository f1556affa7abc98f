import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { ACCELERATORS, MENU_COMMANDS, menuTemplate } from '../../../main/menuTemplate.js';
import type { MenuActions } from '../../../main/menuTemplate.js';

function build(platform: NodeJS.Platform, recentFiles: string[] = [], isPackaged = true) {
  const log: string[] = [];
  const actions: MenuActions = {
    send: (c) => log.push(`send:${c}`),
    open: (p) => log.push(`open:${p}`),
    openRecent: (p) => log.push(`recent:${p}`),
    clearRecent: () => log.push('clear'),
    openDocs: () => log.push('docs'),
  };
  return { menu: menuTemplate({ platform, recentFiles, isPackaged, actions }), log };
}

const items = (menu: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] =>
  menu.flatMap((m) => [m, ...(Array.isArray(m.submenu) ? items(m.submenu) : [])]);
const labels = (menu: MenuItemConstructorOptions[], top: string) =>
  ((menu.find((m) => m.label === top)?.submenu ?? []) as MenuItemConstructorOptions[])
    .filter((i) => i.type !== 'separator')
    .map((i) => i.label ?? i.role);
const click = (item: MenuItemConstructorOptions | undefined) => (item?.click as unknown as () => void)();

describe('menuTemplate', () => {
  it('has File, Edit, Run, View and Help with the expected items', () => {
    const { menu } = build('linux');
    expect(menu.map((m) => m.label)).toEqual(['&File', '&Edit', '&Run', '&View', '&Help']);
    expect(labels(menu, '&File')).toEqual([
      'New',
      'Open…',
      'Open Recent',
      'Save',
      'Save As…',
      'Import…',
      'Export…',
      'Close',
      'Quit',
    ]);
    expect(labels(menu, '&Edit')).toEqual(['Undo', 'Redo', 'cut', 'copy', 'paste', 'selectAll']);
    expect(labels(menu, '&Run')).toEqual(['Run', 'Run as Group Member…', 'Stop']);
    expect(labels(menu, '&View')).toEqual([
      'Fit to Window',
      'Zoom In',
      'Zoom Out',
      'Toggle Palette',
      'Toggle Inspector',
      'Toggle Run Panel',
      'togglefullscreen',
    ]);
    expect(labels(menu, '&Help')).toEqual(['Keyboard Shortcuts', 'Documentation']);
  });

  it('sends each command item to the renderer, and Open/Import go through the dialog', () => {
    const { menu, log } = build('linux');
    const all = items(menu);
    for (const command of MENU_COMMANDS) click(all.find((i) => i.id === command));
    expect(log).toEqual(
      MENU_COMMANDS.map((c) => (c === 'file.open' ? 'open:open' : c === 'file.import' ? 'open:import' : `send:${c}`)),
    );
  });

  it('gives every command a distinct accelerator shown on its item', () => {
    const all = items(build('linux').menu);
    const accels = Object.values(ACCELERATORS);
    expect(new Set(accels).size).toBe(accels.length);
    for (const [command, accel] of Object.entries(ACCELERATORS))
      expect(all.find((i) => i.id === command)?.accelerator).toBe(accel);
    expect(ACCELERATORS['file.save']).toBe('CmdOrCtrl+S');
  });

  it('lists recent files by name with their path, opens them, and can clear them', () => {
    const { menu, log } = build('linux', ['/g/fraud.sluice.json', 'C:\\g\\iot.sluice.json']);
    const recent = items(menu).find((i) => i.id === 'file.openRecent')?.submenu as MenuItemConstructorOptions[];
    expect(recent.map((i) => i.label)).toEqual(['fraud.sluice.json', 'iot.sluice.json', undefined, 'Clear Recent']);
    click(recent[1]);
    click(recent[3]);
    expect(log).toEqual(['recent:C:\\g\\iot.sluice.json', 'clear']);
  });

  it('shows a disabled placeholder when there are no recent files', () => {
    const recent = items(build('linux').menu).find((i) => i.id === 'file.openRecent')
      ?.submenu as MenuItemConstructorOptions[];
    expect(recent).toEqual([{ label: 'No Recent Files', enabled: false }]);
  });

  it('on macOS puts Quit in the app menu and adds the Window menu', () => {
    const { menu } = build('darwin');
    expect(menu[0]?.label).toBe('Sluice');
    expect(labels(menu, '&File')).not.toContain('Quit');
    expect(menu.some((m) => m.role === 'windowMenu')).toBe(true);
  });

  it('offers Reload and DevTools only in development builds', () => {
    const roles = (packaged: boolean) => items(build('linux', [], packaged).menu).map((i) => i.role);
    expect(roles(true)).not.toContain('toggleDevTools');
    expect(roles(false)).toContain('toggleDevTools');
  });
});
