import { fitReadable } from '../canvas/fitReadable.js';
import type { Action } from './ActionManager.js';

/** Viewport, search, panels and help. */
export const viewActions: Action[] = [
  {
    id: 'fitView',
    label: 'Fit view',
    group: 'View',
    keys: ['Shift+1'],
    perform: (_s, ctx) => void fitReadable(ctx.flow()),
  },
  {
    id: 'zoomIn',
    label: 'Zoom in',
    group: 'View',
    keys: ['+', '='],
    perform: (_s, ctx) => void ctx.flow()?.zoomIn({ duration: 150 }),
  },
  {
    id: 'zoomOut',
    label: 'Zoom out',
    group: 'View',
    keys: ['-'],
    perform: (_s, ctx) => void ctx.flow()?.zoomOut({ duration: 150 }),
  },
  {
    id: 'search',
    label: 'Find node',
    group: 'View',
    keys: ['Mod+F', '/'],
    perform: (s) => s.setSearchOpen(true),
  },
  {
    id: 'toggleProblems',
    label: 'Show/hide problems',
    group: 'View',
    keys: ['Mod+Shift+M'],
    perform: (s) => s.setProblemsOpen(!s.problemsOpen),
  },
  {
    id: 'help',
    label: 'Keyboard shortcuts',
    group: 'View',
    keys: ['?'],
    perform: (s) => s.openDialog(s.dialog?.kind === 'help' ? null : { kind: 'help' }),
  },
];
