import { emptyGraph } from '../store/documentSlice.js';
import { confirmDiscard, exportDownload, saveTo } from '../files/documentIo.js';
import type { Action } from './ActionManager.js';

/** New, open, save, save as, import, export and the template gallery. */
export const fileActions: Action[] = [
  {
    id: 'new',
    label: 'New graph',
    group: 'File',
    keys: ['Alt+N'],
    perform: (_s, ctx) => {
      if (!confirmDiscard(ctx)) return;
      ctx.store.getState().replaceDocument(emptyGraph(), { filePath: null, trusted: true, saved: false });
    },
  },
  {
    id: 'open',
    label: 'Open…',
    group: 'File',
    keys: ['Mod+O'],
    perform: (s) => s.openDialog({ kind: 'open' }),
  },
  {
    id: 'save',
    label: 'Save',
    group: 'File',
    keys: ['Mod+S'],
    perform: async (s, ctx) => {
      if (s.filePath) await saveTo(ctx, s.filePath);
      else s.openDialog({ kind: 'saveAs' });
    },
  },
  {
    id: 'saveAs',
    label: 'Save as…',
    group: 'File',
    keys: ['Mod+Shift+S'],
    perform: (s) => s.openDialog({ kind: 'saveAs' }),
  },
  {
    id: 'import',
    label: 'Import…',
    group: 'File',
    keys: ['Mod+I'],
    perform: (_s, ctx) => ctx.pickImportFile(),
  },
  {
    id: 'export',
    label: 'Export',
    group: 'File',
    keys: ['Mod+E'],
    perform: (_s, ctx) => exportDownload(ctx),
  },
  {
    id: 'templates',
    label: 'Templates…',
    group: 'File',
    keys: ['Alt+T'],
    perform: (s) => s.openDialog({ kind: 'templates' }),
  },
];
