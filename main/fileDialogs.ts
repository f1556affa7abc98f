import type { OpenDialogOptions, SaveDialogOptions } from 'electron';
import { GRAPH_EXTENSION } from './argvFiles.js';

const GRAPH_FILTERS = [
  { name: 'Sluice graphs', extensions: ['sluice.json'] },
  { name: 'All files', extensions: ['*'] },
];

/** The native Open/Import dialog: one graph file. Pure. */
export function openDialogOptions(purpose: 'open' | 'import', defaultPath?: string): OpenDialogOptions {
  return {
    title: purpose === 'open' ? 'Open Graph' : 'Import Graph',
    buttonLabel: purpose === 'open' ? 'Open' : 'Import',
    filters: GRAPH_FILTERS,
    properties: ['openFile'],
    ...(defaultPath ? { defaultPath } : {}),
  };
}

/** The native Save As/Export dialog. Pure. */
export function saveDialogOptions(
  purpose: 'save' | 'export',
  suggestedName: string | undefined,
  defaultFolder?: string,
): SaveDialogOptions {
  const name = withGraphExtension(suggestedName && suggestedName.trim() !== '' ? suggestedName : 'Untitled');
  return {
    title: purpose === 'save' ? 'Save Graph' : 'Export Graph',
    buttonLabel: purpose === 'save' ? 'Save' : 'Export',
    filters: GRAPH_FILTERS,
    defaultPath: defaultFolder ? `${defaultFolder.replace(/[\\/]+$/, '')}/${name}` : name,
    properties: ['createDirectory', 'showOverwriteConfirmation'],
  };
}

/** `name` ending in `.sluice.json` (GTK's dialog does not add the extension from the filter). Pure. */
export function withGraphExtension(name: string): string {
  if (name.toLowerCase().endsWith(GRAPH_EXTENSION)) return name;
  return `${name.replace(/\.json$/i, '')}${GRAPH_EXTENSION}`;
}
