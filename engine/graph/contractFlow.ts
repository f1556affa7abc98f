import type { NodeDescriptor } from '../contract/descriptor.js';
import { CONTRACT_KEY } from '../contract/eventSchema.js';
import type { GraphEdge, GraphFile, GraphNode } from '../contract/graphFile.js';
import { isRecord } from './isRecord.js';
import { topologicalOrder } from './topologicalOrder.js';

/**
 * Node types whose outputs carry the values they received, unchanged (they drop, delay, re-key,
 * route or buffer events): a contract flows through them. Named here, not in the descriptors,
 * until descriptors say it themselves.
 */
export const VALUE_PRESERVING_TYPES: ReadonlySet<string> = new Set([
  'filter',
  'keyBy',
  'dedupe',
  'throttle',
  'topic',
  'router',
  'reorder',
]);

/** What contract travels where in a graph, as declared and as it flows. */
export interface ContractFlow {
  /** The contract each edge carries: its own `contract`, else its producer's. */
  edges: Map<string, string>;
  /** The contract each node reads, when every edge into it carries the same one. */
  inputs: Map<string, string>;
  /** Nodes whose incoming edges carry different contracts (edge id → contract). */
  mixedInputs: Map<string, Map<string, string>>;
}

/**
 * A source by its descriptor, or, for a type this program does not know (a connector of a newer
 * catalog), by the `source.` prefix every source type has (SPEC §4, §10).
 */
export function isSourceNode(node: GraphNode, descriptor: NodeDescriptor | undefined): boolean {
  return descriptor ? descriptor.category === 'source' : String(node.type).startsWith('source.');
}

/** A sink, likewise (`sink.` prefix for unknown types). */
export function isSinkNode(node: GraphNode, descriptor: NodeDescriptor | undefined): boolean {
  return descriptor ? descriptor.category === 'sink' : String(node.type).startsWith('sink.');
}

/** The contract a node's config declares, if it declares one as text. */
export function declaredContract(node: GraphNode): string | undefined {
  const c = isRecord(node.config) ? node.config[CONTRACT_KEY] : undefined;
  return typeof c === 'string' ? c : undefined;
}

/**
 * Follow contracts through the graph, in topological order:
 * 1. an edge carries its own `contract`, else what its producer emits on that port;
 * 2. a source emits its config's contract; a value-preserving node (`VALUE_PRESERVING_TYPES`,
 *    and any node's `late` port) emits the contract it reads; other nodes compute new values
 *    and emit no known contract unless their outgoing edges declare one; `error` ports carry
 *    `{ event, error, node }`, never the contract;
 * 3. a node reads a contract when all its incoming edges carry the same one.
 * A graph with a cycle gets only what the edges declare.
 */
export function contractFlow(graph: GraphFile, registry: ReadonlyMap<string, NodeDescriptor>): ContractFlow {
  const flow: ContractFlow = { edges: new Map(), inputs: new Map(), mixedInputs: new Map() };
  const order = topologicalOrder(graph);
  if (!order) {
    for (const e of graph.edges) if (typeof e.contract === 'string') flow.edges.set(e.id, e.contract);
    return flow;
  }
  // Edges by node, once: the passes below stay linear in nodes + edges (the editor runs this as
  // the user draws).
  const into = new Map<string, GraphEdge[]>();
  const outOf = new Map<string, GraphEdge[]>();
  for (const e of graph.edges) {
    const to = e.to?.node;
    const from = e.from?.node;
    if (typeof to === 'string') (into.get(to) ?? into.set(to, []).get(to)!).push(e);
    if (typeof from === 'string') (outOf.get(from) ?? outOf.set(from, []).get(from)!).push(e);
  }
  for (const node of order) {
    const incoming = into.get(node.id) ?? [];
    const carried = new Map<string, string>();
    for (const e of incoming) {
      const c = flow.edges.get(e.id);
      if (c !== undefined) carried.set(e.id, c);
    }
    const distinct = new Set(carried.values());
    if (distinct.size === 1 && carried.size === incoming.length) flow.inputs.set(node.id, [...distinct][0] as string);
    else if (distinct.size > 1) flow.mixedInputs.set(node.id, carried);

    const descriptor = registry.get(node.type);
    for (const e of outOf.get(node.id) ?? []) {
      const carried =
        typeof e.contract === 'string' ? e.contract : emittedOn(node, e.from.port, descriptor, flow.inputs);
      if (carried !== undefined) flow.edges.set(e.id, carried);
    }
  }
  return flow;
}

/**
 * The contract `node` emits on `port` (step 2 of `contractFlow`), given what each node reads.
 */
export function emittedOn(
  node: GraphNode,
  port: string,
  descriptor: NodeDescriptor | undefined,
  inputs: ReadonlyMap<string, string>,
): string | undefined {
  if (port === 'error') return undefined;
  if (isSourceNode(node, descriptor)) return declaredContract(node);
  if (VALUE_PRESERVING_TYPES.has(node.type) || port === 'late') return declaredContract(node) ?? inputs.get(node.id);
  return undefined;
}

/** The contract a node requires of what it reads: a sink's or a topic's own, if declared. */
export function expectedBy(node: GraphNode, descriptor: NodeDescriptor | undefined): string | undefined {
  return isSinkNode(node, descriptor) || node.type === 'topic' ? declaredContract(node) : undefined;
}
