import { GRAPH_FORMAT, GRAPH_VERSION, type GraphEdge, type GraphNode } from '../../engine/contract/graphFile.js';
import { loadGraph } from '../../engine/graph/loadGraph.js';
import { saveGraph } from '../../engine/graph/saveGraph.js';

/**
 * Copied nodes travel as a complete graph file, so they paste into another window, another
 * program, or a file as they are.
 */
export function fragmentToText(fragment: { nodes: GraphNode[]; edges: GraphEdge[] }): string {
  return saveGraph({
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    name: 'Copied nodes',
    nodes: fragment.nodes,
    edges: fragment.edges,
  });
}

/** The nodes and edges in pasted text, or null when it is not a graph with nodes. */
export function textToFragment(text: string): { nodes: GraphNode[]; edges: GraphEdge[] } | null {
  const result = loadGraph(text);
  if (!result.ok || result.graph.nodes.length === 0) return null;
  const nodes = result.graph.nodes.filter((n) => typeof n.id === 'string' && typeof n.type === 'string');
  if (nodes.length === 0) return null;
  return {
    nodes: nodes.map((n) => ({ ...n, config: n.config && typeof n.config === 'object' ? n.config : {} })),
    edges: result.graph.edges,
  };
}
