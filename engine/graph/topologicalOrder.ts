import type { GraphFile, GraphNode } from '../contract/graphFile.js';

/**
 * The nodes ordered so every edge goes from an earlier node to a later one, or null if the
 * graph has a cycle. Ties keep file order, so the result is stable across saves. Edges naming
 * unknown nodes are ignored (validation reports them).
 *
 * Kahn's algorithm:
 * 1. Count each node's incoming edges from known nodes.
 * 2. Repeatedly take the first node (in file order) with no remaining incoming edges, and remove
 *    its outgoing edges.
 * 3. If nodes remain, they sit on or behind a cycle.
 */
export function topologicalOrder(graph: Pick<GraphFile, 'nodes' | 'edges'>): GraphNode[] | null {
  const index = new Map<string, number>();
  graph.nodes.forEach((n, i) => {
    if (!index.has(n.id)) index.set(n.id, i);
  });
  const indegree = graph.nodes.map(() => 0);
  const successors: number[][] = graph.nodes.map(() => []);
  for (const edge of graph.edges) {
    const from = index.get(edge.from?.node);
    const to = index.get(edge.to?.node);
    if (from === undefined || to === undefined) continue;
    successors[from]!.push(to);
    indegree[to]!++;
  }
  const order: GraphNode[] = [];
  const done = graph.nodes.map(() => false);
  // A plain scan instead of a heap: graphs have tens of nodes, and this keeps ties in file order.
  for (;;) {
    const next = indegree.findIndex((d, i) => d === 0 && !done[i] && index.get(graph.nodes[i]!.id) === i);
    if (next < 0) break;
    done[next] = true;
    order.push(graph.nodes[next]!);
    for (const s of successors[next]!) indegree[s]!--;
  }
  return order.length === index.size ? order : null;
}
