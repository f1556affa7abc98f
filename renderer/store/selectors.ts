import type { Edge, Node } from '@xyflow/react';
import type { GraphEdge, GraphNode } from '../../engine/contract/graphFile.js';
import type { Problem } from '../../engine/contract/problem.js';
import { hasErrors } from '../../engine/contract/problem.js';
import { inputHandle, outputHandle } from '../graph/portsOf.js';
import type { EditorState } from './editorState.js';
import type { Size } from './uiSlice.js';

/** What a canvas node component gets: the graph node and its problems (stable arrays). */
export interface SluiceNodeData extends Record<string, unknown> {
  node: GraphNode;
  problems: readonly Problem[] | undefined;
}
export type SluiceFlowNode = Node<SluiceNodeData, 'sluice'>;
export type SluiceFlowEdge = Edge<{ problems: readonly Problem[] | undefined }>;

export const selectGraph = (s: EditorState) => s.graph;
export const selectProblems = (s: EditorState) => s.problems;
export const selectDirty = (s: EditorState) => s.graph !== s.savedGraph && (s.savedGraph !== null || s.past.length > 0);
export const selectCanUndo = (s: EditorState) => s.past.length > 0;
export const selectCanRedo = (s: EditorState) => s.future.length > 0;
export const selectSelectedNodeIds = (s: EditorState) => Object.keys(s.selectedNodes);
export const selectHasErrors = (s: EditorState) => hasErrors(s.problems);

/** The one selected node, if exactly one node and no edge is selected. */
export const selectInspectedNode = (s: EditorState): GraphNode | undefined => {
  const ids = Object.keys(s.selectedNodes);
  if (ids.length !== 1 || Object.keys(s.selectedEdges).length > 0) return undefined;
  return s.graph.nodes.find((n) => n.id === ids[0]);
};
export const selectInspectedEdge = (s: EditorState): GraphEdge | undefined => {
  const ids = Object.keys(s.selectedEdges);
  if (ids.length !== 1 || Object.keys(s.selectedNodes).length > 0) return undefined;
  return s.graph.edges.find((e) => e.id === ids[0]);
};

/** Problems of one validation pass by node and by edge. */
export interface GroupedProblems {
  byNode: Map<string, Problem[]>;
  byEdge: Map<string, Problem[]>;
}

/**
 * Problems grouped by node and edge. Arrays are reused when a node's messages did not change,
 * so a new validation pass does not re-render every node.
 */
export function selectProblemsGrouped(s: EditorState): GroupedProblems {
  const memo = s.memo.slot(selectProblemsGrouped, () => ({
    problems: null as readonly Problem[] | null,
    grouped: { byNode: new Map(), byEdge: new Map() } as GroupedProblems,
  }));
  if (s.problems === memo.problems) return memo.grouped;
  const byNode = new Map<string, Problem[]>();
  const byEdge = new Map<string, Problem[]>();
  for (const p of s.problems) {
    if (p.edgeId) push(byEdge, p.edgeId, p);
    else if (p.nodeId) push(byNode, p.nodeId, p);
  }
  reuseEqual(byNode, memo.grouped.byNode);
  reuseEqual(byEdge, memo.grouped.byEdge);
  memo.problems = s.problems;
  memo.grouped = { byNode, byEdge };
  return memo.grouped;
}

/** The last result of a list selector, the inputs it came from, and each item's own cache entry. */
interface ListMemo<Entry, Item> {
  inputs: unknown[];
  list: Item[];
  items: Map<string, Entry>;
}

const listMemo = <Entry, Item>(): ListMemo<Entry, Item> => ({ inputs: [], list: [], items: new Map() });

interface NodeCacheEntry {
  source: GraphNode;
  selected: boolean;
  measured: Size | undefined;
  problems: readonly Problem[] | undefined;
  flow: SluiceFlowNode;
}

/**
 * React Flow nodes derived from the document. A node object is rebuilt only when its graph node,
 * selection, measured size or problems changed: React Flow re-renders exactly those nodes.
 */
export function selectFlowNodes(s: EditorState): SluiceFlowNode[] {
  const memo = s.memo.slot(selectFlowNodes, listMemo<NodeCacheEntry, SluiceFlowNode>);
  const grouped = selectProblemsGrouped(s);
  const inputs = [s.graph.nodes, s.selectedNodes, s.measured, grouped];
  if (inputs.every((v, i) => v === memo.inputs[i])) return memo.list;
  const seen = new Set<string>();
  memo.list = s.graph.nodes.map((n) => {
    seen.add(n.id);
    const selected = s.selectedNodes[n.id] === true;
    const measured = s.measured[n.id];
    const problems = grouped.byNode.get(n.id);
    const hit = memo.items.get(n.id);
    if (
      hit &&
      hit.source === n &&
      hit.selected === selected &&
      hit.measured === measured &&
      hit.problems === problems
    ) {
      return hit.flow;
    }
    const flow: SluiceFlowNode = {
      id: n.id,
      type: 'sluice',
      position: n.position ?? { x: 0, y: 0 },
      data: { node: n, problems },
      selected,
      ...(measured ? { measured } : {}),
    };
    memo.items.set(n.id, { source: n, selected, measured, problems, flow });
    return flow;
  });
  for (const id of memo.items.keys()) if (!seen.has(id)) memo.items.delete(id);
  memo.inputs = inputs;
  return memo.list;
}

interface EdgeCacheEntry {
  source: GraphEdge;
  selected: boolean;
  problems: readonly Problem[] | undefined;
  flow: SluiceFlowEdge;
}

/** React Flow edges derived from the document, cached like the nodes. */
export function selectFlowEdges(s: EditorState): SluiceFlowEdge[] {
  const memo = s.memo.slot(selectFlowEdges, listMemo<EdgeCacheEntry, SluiceFlowEdge>);
  const grouped = selectProblemsGrouped(s);
  const inputs = [s.graph.edges, s.selectedEdges, grouped];
  if (inputs.every((v, i) => v === memo.inputs[i])) return memo.list;
  const seen = new Set<string>();
  memo.list = s.graph.edges.map((e) => {
    seen.add(e.id);
    const selected = s.selectedEdges[e.id] === true;
    const problems = grouped.byEdge.get(e.id);
    const hit = memo.items.get(e.id);
    if (hit && hit.source === e && hit.selected === selected && hit.problems === problems) return hit.flow;
    const flow: SluiceFlowEdge = {
      id: e.id,
      // Drawn by LiveEdge: a smooth-step path that carries the run's metrics when there are any.
      type: 'live',
      source: e.from?.node,
      target: e.to?.node,
      sourceHandle: outputHandle(e.from?.port),
      targetHandle: inputHandle(e.to?.port),
      selected,
      data: { problems },
      ...(problems ? { className: 'edge-problem' } : {}),
    };
    memo.items.set(e.id, { source: e, selected, problems, flow });
    return flow;
  });
  for (const id of memo.items.keys()) if (!seen.has(id)) memo.items.delete(id);
  memo.inputs = inputs;
  return memo.list;
}

function push(map: Map<string, Problem[]>, key: string, p: Problem): void {
  const list = map.get(key);
  if (list) list.push(p);
  else map.set(key, [p]);
}

function reuseEqual(next: Map<string, Problem[]>, prev: Map<string, Problem[]>): void {
  for (const [key, list] of next) {
    const old = prev.get(key);
    if (
      old &&
      old.length === list.length &&
      old.every(
        (p, i) => p.message === list[i]!.message && p.severity === list[i]!.severity && p.field === list[i]!.field,
      )
    ) {
      next.set(key, old);
    }
  }
}
