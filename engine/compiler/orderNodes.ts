import type { GraphFile } from '../contract/index.js';

/**
 * Pass 1: order nodes so every node comes after all its upstream nodes (Kahn's algorithm,
 * ties broken by file order so plans are deterministic). Returns null when there is a cycle;
 * validation reports cycles, so the compiler only sees acyclic graphs.
 */
export function orderNodes(graph: GraphFile): string[] | null {
  const indegree = new Map<string, number>();
  const next = new Map<string, string[]>();
  for (const n of graph.nodes) {
    indegree.set(n.id, 0);
    next.set(n.id, []);
  }
  for (const e of graph.edges) {
    if (!indegree.has(e.from.node) || !indegree.has(e.to.node)) continue;
    indegree.set(e.to.node, (indegree.get(e.to.node) ?? 0) + 1);
    next.get(e.from.node)?.push(e.to.node);
  }
  const ready = graph.nodes.filter((n) => indegree.get(n.id) === 0).map((n) => n.id);
  const order: string[] = [];
  while (ready.length > 0) {
    const id = ready.shift() as string;
    order.push(id);
    for (const m of next.get(id) ?? []) {
      const d = (indegree.get(m) ?? 0) - 1;
      indegree.set(m, d);
      if (d === 0) ready.push(m);
    }
  }
  return order.length === graph.nodes.length ? order : null;
}
