import { addNote, groupNodes, setDisabled } from '../graph/organiseEdits.js';
import type { EditorState } from '../store/editorState.js';
import type { Action, ActionContext } from './ActionManager.js';

const selectedNodeIds = (s: EditorState): string[] => Object.keys(s.selectedNodes);

/** Where a new note goes: the middle of what the canvas shows (the origin without a canvas). */
function visibleCentre(ctx: ActionContext): { x: number; y: number } {
  const flow = ctx.flow();
  const el = typeof document !== 'undefined' ? document.querySelector('[data-testid="canvas"]') : null;
  if (!flow || !el) return { x: 0, y: 0 };
  const r = el.getBoundingClientRect();
  const p = flow.screenToFlowPosition({ x: r.left + r.width / 2, y: r.top + r.height / 3 });
  return { x: p.x - 110, y: p.y - 55 };
}

/** Organising a graph: sticky notes, titled groups, disabling nodes. Each is one undo step. */
export const organiseActions: Action[] = [
  {
    id: 'addNote',
    label: 'Add a sticky note',
    group: 'Edit',
    keys: ['Shift+N'],
    perform: (s, ctx) => {
      const { graph, id } = addNote(s.graph, visibleCentre(ctx));
      s.commitDocument(graph);
      s.select([]);
      ctx.afterPaint(() => document.querySelector<HTMLTextAreaElement>(`[data-testid="note-text-${id}"]`)?.focus());
    },
  },
  {
    id: 'groupSelection',
    label: 'Group the selected nodes',
    group: 'Edit',
    keys: ['Mod+G'],
    disabledReason: (s) => (selectedNodeIds(s).length > 0 ? null : 'Select the nodes to group.'),
    perform: (s) => {
      const ids = selectedNodeIds(s);
      return { graph: groupNodes(s.graph, ids, 'Group').graph, select: { nodes: ids } };
    },
  },
  {
    id: 'toggleDisabled',
    label: 'Disable/enable the selected nodes',
    group: 'Edit',
    keys: ['Shift+D'],
    disabledReason: (s) => (selectedNodeIds(s).length > 0 ? null : 'Select the nodes to disable.'),
    perform: (s) => {
      const ids = selectedNodeIds(s);
      const allOff = ids.every((id) => s.graph.nodes.find((n) => n.id === id)?.disabled === true);
      return { graph: setDisabled(s.graph, ids, !allOff), select: { nodes: ids } };
    },
  },
];
