import type { GraphEdge, GraphFile, GraphNode, PortRef, Position } from '../../engine/contract/graphFile.js';
import { newId } from './newId.js';
import { pruneGroups } from './organiseEdits.js';

/**
 * Immutable edits of a graph file. Each returns a new graph that shares every untouched node and
 * edge object with the old one: undo keeps whole snapshots cheaply, and the canvas re-renders
 * only the nodes whose object changed.
 */

export function addNode(graph: GraphFile, type: string, position: Position): { graph: GraphFile; id: string } {
  const id = newId(type, new Set(graph.nodes.map((n) => n.id)));
  const node: GraphNode = { id, type, position: roundPosition(position), config: {} };
  return { graph: { ...graph, nodes: [...graph.nodes, node] }, id };
}

export function addEdge(graph: GraphFile, from: PortRef, to: PortRef): { graph: GraphFile; id: string } {
  const id = newId('e1', new Set(graph.edges.map((e) => e.id)));
  const edge: GraphEdge = { id, from, to };
  return { graph: { ...graph, edges: [...graph.edges, edge] }, id };
}

/** Remove nodes (with their edges) and edges. */
export function removeElements(
  graph: GraphFile,
  nodeIds: ReadonlySet<string>,
  edgeIds: ReadonlySet<string>,
): GraphFile {
  if (nodeIds.size === 0 && edgeIds.size === 0) return graph;
  const nodes = graph.nodes.filter((n) => !nodeIds.has(n.id));
  const edges = graph.edges.filter((e) => !edgeIds.has(e.id) && !nodeIds.has(e.from.node) && !nodeIds.has(e.to.node));
  if (nodes.length === graph.nodes.length && edges.length === graph.edges.length) return graph;
  // A deleted node leaves its group; a group left empty goes.
  return pruneGroups({ ...graph, nodes, edges });
}

export function updateNode(graph: GraphFile, id: string, update: (node: GraphNode) => GraphNode): GraphFile {
  let changed = false;
  const nodes = graph.nodes.map((n) => {
    if (n.id !== id) return n;
    const next = update(n);
    if (next !== n) changed = true;
    return next;
  });
  return changed ? { ...graph, nodes } : graph;
}

export function updateEdge(graph: GraphFile, id: string, update: (edge: GraphEdge) => GraphEdge): GraphFile {
  let changed = false;
  const edges = graph.edges.map((e) => {
    if (e.id !== id) return e;
    const next = update(e);
    if (next !== e) changed = true;
    return next;
  });
  return changed ? { ...graph, edges } : graph;
}

/** Set one config field; `undefined` removes it so the default applies again. */
export function setConfigField(graph: GraphFile, id: string, field: string, value: unknown): GraphFile {
  return updateNode(graph, id, (n) => {
    const config = { ...n.config };
    if (value === undefined) delete config[field];
    else config[field] = value;
    return { ...n, config };
  });
}

/** Set a node's top-level key (label, parallelism); `undefined` removes it. */
export function setNodeKey(graph: GraphFile, id: string, key: 'label' | 'parallelism', value: unknown): GraphFile {
  return updateNode(graph, id, (n) => {
    const next: Record<string, unknown> = { ...n };
    if (value === undefined || value === '') delete next[key];
    else next[key] = value;
    return next as GraphNode;
  });
}

/** Move nodes; positions are rounded so files stay tidy. */
export function moveNodes(graph: GraphFile, positions: ReadonlyMap<string, Position>): GraphFile {
  if (positions.size === 0) return graph;
  let changed = false;
  const nodes = graph.nodes.map((n) => {
    const p = positions.get(n.id);
    if (!p) return n;
    const position = roundPosition(p);
    if (n.position && n.position.x === position.x && n.position.y === position.y) return n;
    changed = true;
    return { ...n, position };
  });
  return changed ? { ...graph, nodes } : graph;
}

/**
 * Add a fragment's nodes and edges, renaming ids that clash and shifting positions by `offset`.
 * Edges whose ends are not in the fragment are dropped. Returns the new ids for selection.
 */
export function mergeFragment(
  graph: GraphFile,
  fragment: { nodes: readonly GraphNode[]; edges: readonly GraphEdge[] },
  offset: Position,
): { graph: GraphFile; nodeIds: string[]; edgeIds: string[] } {
  const takenNodes = new Set(graph.nodes.map((n) => n.id));
  const takenEdges = new Set(graph.edges.map((e) => e.id));
  const rename = new Map<string, string>();
  const nodes: GraphNode[] = [];
  for (const n of fragment.nodes) {
    const id = takenNodes.has(n.id) ? newId(n.id.replace(/\d+$/, '') || n.type, takenNodes) : n.id;
    takenNodes.add(id);
    rename.set(n.id, id);
    const p = n.position ?? { x: 0, y: 0 };
    nodes.push({ ...n, id, position: roundPosition({ x: p.x + offset.x, y: p.y + offset.y }) });
  }
  const edges: GraphEdge[] = [];
  for (const e of fragment.edges) {
    const from = rename.get(e.from.node);
    const to = rename.get(e.to.node);
    if (!from || !to) continue;
    const id = takenEdges.has(e.id) ? newId('e1', takenEdges) : e.id;
    takenEdges.add(id);
    edges.push({ ...e, id, from: { ...e.from, node: from }, to: { ...e.to, node: to } });
  }
  return {
    graph: { ...graph, nodes: [...graph.nodes, ...nodes], edges: [...graph.edges, ...edges] },
    nodeIds: nodes.map((n) => n.id),
    edgeIds: edges.map((e) => e.id),
  };
}

/** The selected nodes and the edges between them, as a standalone fragment. */
export function extractFragment(
  graph: GraphFile,
  nodeIds: ReadonlySet<string>,
): { nodes: GraphNode[]; edges: GraphEdge[] } {
  return {
    nodes: graph.nodes.filter((n) => nodeIds.has(n.id)),
    edges: graph.edges.filter((e) => nodeIds.has(e.from.node) && nodeIds.has(e.to.node)),
  };
}

function roundPosition(p: Position): Position {
  return { x: Math.round(p.x), y: Math.round(p.y) };
}
