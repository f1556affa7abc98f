import type { GraphEdge, GraphFile } from '../contract/graphFile.js';

/** The edges out of `nodeId` (out of one output `port` if given), in file order. */
export function outgoingEdges(graph: Pick<GraphFile, 'edges'>, nodeId: string, port?: string): GraphEdge[] {
  return graph.edges.filter((e) => e.from?.node === nodeId && (port === undefined || e.from.port === port));
}
