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

/**
 * Problems grouped by node and edge. Arrays are reused when a node's messages did not change,
 * so a new validation pass does not re-render every node.
 */
let lastProblems: readonly Problem[] | null = null;
let lastGrouped = { byNode: new Map<string, Problem[]>(), byEdge: new Map<string, Problem[]>() };
export function selectProblemsGrouped(s: EditorState): typeof lastGrouped {
  if (s.problems === lastProblems) return lastGrouped;
  const byNode = new Map<string, Problem[]>();
  const byEdge = new Map<string, Problem[]>();
  for (const p of s.problems) {
    if (p.edgeId) push(byEdge, p.edgeId, p);
    else if (p.nodeId) push(byNode, p.nodeId, p);
  }
  reuseEqual(byNode, lastGrouped.byNode);
  reuseEqual(byEdge, lastGrouped.byEdge);
  lastProblems = s.problems;
  lastGrouped = { byNode, byEdge };
  return lastGrouped;
}

interface NodeCacheEntry {
  source: GraphNode;
  selected: boolean;
  measured: Size | undefined;
  problems: readonly Problem[] | undefined;
  flow: SluiceFlowNode;
}
const nodeCache = new Map<string, NodeCacheEntry>();
let lastNodeInputs: unknown[] = [];
let lastFlowNodes: SluiceFlowNode[] = [];

/**
 * React Flow nodes derived from the document. A node object is rebuilt only when its graph node,
 * selection, measured size or problems changed: React Flow re-renders exactly those nodes.
 */
export function selectFlowNodes(s: EditorState): SluiceFlowNode[] {
  const grouped = selectProblemsGrouped(s);
  const inputs = [s.graph.nodes, s.selectedNodes, s.measured, grouped];
  if (inputs.every((v, i) => v === lastNodeInputs[i])) return lastFlowNodes;
  const seen = new Set<string>();
  lastFlowNodes = s.graph.nodes.map((n) => {
    seen.add(n.id);
    const selected = s.selectedNodes[n.id] === true;
    const measured = s.measured[n.id];
    const problems = grouped.byNode.get(n.id);
    const hit = nodeCache.get(n.id);
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
    nodeCache.set(n.id, { source: n, selected, measured, problems, flow });
    return flow;
  });
  for (const id of nodeCache.keys()) if (!seen.has(id)) nodeCache.delete(id);
  lastNodeInputs = inputs;
  return lastFlowNodes;
}

interface EdgeCacheEntry {
  source: GraphEdge;
  selected: boolean;
  problems: readonly Problem[] | undefined;
  flow: SluiceFlowEdge;
}
const edgeCache = new Map<string, EdgeCacheEntry>();
let lastEdgeInputs: unknown[] = [];
let lastFlowEdges: SluiceFlowEdge[] = [];

/** React Flow edges derived from the document, cached like the nodes. */
export function selectFlowEdges(s: EditorState): SluiceFlowEdge[] {
  const grouped = selectProblemsGrouped(s);
  const inputs = [s.graph.edges, s.selectedEdges, grouped];
  if (inputs.every((v, i) => v === lastEdgeInputs[i])) return lastFlowEdges;
  const seen = new Set<string>();
  lastFlowEdges = s.graph.edges.map((e) => {
    seen.add(e.id);
    const selected = s.selectedEdges[e.id] === true;
    const problems = grouped.byEdge.get(e.id);
    const hit = edgeCache.get(e.id);
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
    edgeCache.set(e.id, { source: e, selected, problems, flow });
    return flow;
  });
  for (const id of edgeCache.keys()) if (!seen.has(id)) edgeCache.delete(id);
  lastEdgeInputs = inputs;
  return lastFlowEdges;
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
