import type { GraphFile } from '../../engine/contract/graphFile.js';
import type { EditorState } from '../store/editorState.js';
import type { Action, ActionContext } from './ActionManager.js';

/**
 * The edges whose taps carry a debugged node's messages, each mapped to the node: what it emits
 * (its outgoing edges), or, for a node with no outgoing edge (a sink), what it receives.
 */
export function debugEdgesOf(graph: GraphFile, nodeId: string): Record<string, string> {
  const out = graph.edges.filter((e) => e.from.node === nodeId);
  const edges = out.length > 0 ? out : graph.edges.filter((e) => e.to.node === nodeId);
  return Object.fromEntries(edges.map((e) => [e.id, nodeId]));
}

/** Edges this window wants tapped: the debugged nodes' and the tap panel's. */
export function wantedTaps(s: EditorState): Set<string> {
  const wanted = new Set(Object.keys(s.debugEdges));
  if (s.tap) wanted.add(s.tap.edgeId);
  return wanted;
}

function runIsLive(s: EditorState): boolean {
  return s.runId !== null && s.runPhase === 'live';
}

/** Tap or untap edges in the live run (if any), reporting a failure as a notice. */
async function sendTaps(ctx: ActionContext, on: readonly string[], off: readonly string[]): Promise<void> {
  const s = ctx.store.getState();
  if (!runIsLive(s)) return;
  const runId = s.runId!;
  try {
    for (const edgeId of on) await ctx.engine.tapEdge(runId, edgeId, true);
    for (const edgeId of off) await ctx.engine.tapEdge(runId, edgeId, false);
  } catch (err) {
    ctx.store.getState().notify(`Debug tap failed: ${err instanceof Error ? err.message : String(err)}`, 'error');
  }
}

/** Mark a node "debug" (or not): its messages go to the debug sidebar while a run goes. */
export async function setNodeDebug(ctx: ActionContext, nodeId: string, on: boolean): Promise<void> {
  const before = wantedTaps(ctx.store.getState());
  const s = ctx.store.getState();
  s.setNodeDebug(nodeId, on, on ? debugEdgesOf(s.graph, nodeId) : {});
  const after = wantedTaps(ctx.store.getState());
  await sendTaps(
    ctx,
    [...after].filter((e) => !before.has(e)),
    [...before].filter((e) => !after.has(e)),
  );
}

/**
 * A run went live: tap the debugged nodes' edges, recomputed from the graph as it runs (edges
 * drawn since the node was marked count too).
 */
export async function startDebugTaps(ctx: ActionContext): Promise<void> {
  const s = ctx.store.getState();
  for (const nodeId of Object.keys(s.debugNodes)) {
    if (s.graph.nodes.some((n) => n.id === nodeId)) s.setNodeDebug(nodeId, true, debugEdgesOf(s.graph, nodeId));
    else s.setNodeDebug(nodeId, false, {});
  }
  const edges = Object.keys(ctx.store.getState().debugEdges);
  if (edges.length > 0) await sendTaps(ctx, edges, []);
}

const oneNode = (s: EditorState): string | null => {
  const ids = Object.keys(s.selectedNodes);
  return ids.length === 1 ? ids[0]! : null;
};

export const debugActions: Action[] = [
  {
    id: 'debugSidebar',
    label: 'Show/hide debug messages',
    group: 'View',
    keys: ['Mod+Shift+B'],
    perform: (s) => s.setDebugOpen(!s.debugOpen),
  },
  {
    id: 'toggleNodeDebug',
    label: 'Debug the selected node (show its messages)',
    group: 'Run',
    keys: ['Mod+Shift+G'],
    disabledReason: (s) => (oneNode(s) ? null : 'Select one node to debug it.'),
    perform: (s, ctx) => {
      const id = oneNode(s)!;
      return setNodeDebug(ctx, id, !s.debugNodes[id]);
    },
  },
];
