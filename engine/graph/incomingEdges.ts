import type { GraphEdge, GraphFile } from '../contract/graphFile.js';

/** The edges into `nodeId` (into one input `port` if given), in file order. */
export function incomingEdges(graph: Pick<GraphFile, 'edges'>, nodeId: string, port?: string): GraphEdge[] {
  return graph.edges.filter((e) => e.to?.node === nodeId && (port === undefined || e.to.port === port));
}
