import { fitReadable } from '../canvas/fitReadable.js';
import { extractFragment, mergeFragment, moveNodes, removeElements } from '../graph/graphEdits.js';
import { autoLayout } from '../graph/autoLayout.js';
import { fragmentToText, textToFragment } from '../graph/clipboardText.js';
import type { Action, ActionContext } from './ActionManager.js';

const nothingSelected = (s: { selectedNodes: object; selectedEdges: object }) =>
  Object.keys(s.selectedNodes).length + Object.keys(s.selectedEdges).length === 0 ? 'Select something first.' : null;

/** Paste a copied fragment into the document, or say briefly that there was nothing to paste. */
export function pasteText(ctx: ActionContext, text: string): void {
  const s = ctx.store.getState();
  const fragment = textToFragment(text);
  if (!fragment) {
    s.notify('Nothing to paste: the clipboard holds no Sluice nodes.');
    return;
  }
  const merged = mergeFragment(s.graph, fragment, { x: 40, y: 40 });
  s.commitDocument(merged.graph);
  s.select(merged.nodeIds, merged.edgeIds);
}

/** The selected nodes as clipboard text, or null. */
export function copyText(ctx: ActionContext): string | null {
  const s = ctx.store.getState();
  const ids = new Set(Object.keys(s.selectedNodes));
  if (ids.size === 0) return null;
  return fragmentToText(extractFragment(s.graph, ids));
}

/** Undo, redo, delete, duplicate, clipboard, select all and layout. */
export const editActions: Action[] = [
  {
    id: 'undo',
    label: 'Undo',
    group: 'Edit',
    keys: ['Mod+Z'],
    disabledReason: (s) => (s.past.length ? null : 'Nothing to undo.'),
    perform: (s) => s.undo(),
  },
  {
    id: 'redo',
    label: 'Redo',
    group: 'Edit',
    keys: ['Mod+Shift+Z', 'Mod+Y'],
    disabledReason: (s) => (s.future.length ? null : 'Nothing to redo.'),
    perform: (s) => s.redo(),
  },
  {
    id: 'delete',
    label: 'Delete selection',
    group: 'Edit',
    keys: ['Delete', 'Backspace'],
    disabledReason: nothingSelected,
    perform: (s) => ({
      graph: removeElements(s.graph, new Set(Object.keys(s.selectedNodes)), new Set(Object.keys(s.selectedEdges))),
      select: { nodes: [] },
    }),
  },
  {
    id: 'duplicate',
    label: 'Duplicate',
    group: 'Edit',
    keys: ['Mod+D'],
    disabledReason: (s) => (Object.keys(s.selectedNodes).length ? null : 'Select nodes first.'),
    perform: (s) => {
      const merged = mergeFragment(s.graph, extractFragment(s.graph, new Set(Object.keys(s.selectedNodes))), {
        x: 40,
        y: 40,
      });
      return { graph: merged.graph, select: { nodes: merged.nodeIds, edges: merged.edgeIds } };
    },
  },
  {
    id: 'selectAll',
    label: 'Select all',
    group: 'Edit',
    keys: ['Mod+A'],
    perform: (s) => ({ select: { nodes: s.graph.nodes.map((n) => n.id), edges: s.graph.edges.map((e) => e.id) } }),
  },
  {
    id: 'copy',
    label: 'Copy',
    group: 'Edit',
    keys: ['Mod+C'],
    nativeKeys: true,
    disabledReason: (s) => (Object.keys(s.selectedNodes).length ? null : 'Select nodes first.'),
    perform: async (_s, ctx) => {
      const text = copyText(ctx);
      if (text) await ctx.clipboard.writeText(text);
    },
  },
  {
    id: 'cut',
    label: 'Cut',
    group: 'Edit',
    keys: ['Mod+X'],
    nativeKeys: true,
    disabledReason: (s) => (Object.keys(s.selectedNodes).length ? null : 'Select nodes first.'),
    perform: async (s, ctx) => {
      const text = copyText(ctx);
      if (!text) return;
      await ctx.clipboard.writeText(text);
      ctx.store.getState().commitDocument(removeElements(s.graph, new Set(Object.keys(s.selectedNodes)), new Set()));
      ctx.store.getState().select([]);
    },
  },
  {
    id: 'paste',
    label: 'Paste',
    group: 'Edit',
    keys: ['Mod+V'],
    nativeKeys: true,
    perform: async (_s, ctx) => pasteText(ctx, await ctx.clipboard.readText()),
  },
  {
    id: 'autoLayout',
    label: 'Auto-layout',
    group: 'Edit',
    keys: ['Shift+L'],
    disabledReason: (s) => (s.graph.nodes.length ? null : 'The graph is empty.'),
    perform: async (s, ctx) => {
      const positions = await autoLayout(s.graph, s.measured);
      const now = ctx.store.getState();
      now.commitDocument(moveNodes(now.graph, positions));
      ctx.afterPaint(() => void fitReadable(ctx.flow()));
    },
  },
];
