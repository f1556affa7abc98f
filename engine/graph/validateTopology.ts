import type { NodeDescriptor, PortSet } from '../contract/descriptor.js';
import type { Problem } from '../contract/problem.js';
import { findCycles } from './findCycles.js';
import { shortText } from './shortText.js';

/** Nodes of a cycle that its message names. */
const MAX_LOOP_NAMES = 12;

/** A node with a unique id, as `validate` resolved it. */
export interface ResolvedNode {
  id: string;
  /** How messages name it: `Node "gen"` or `Node "gen" (Payments)`. */
  name: string;
  /** Null for an unknown type: it still carries edges (so nodes after it are not "unreachable"). */
  descriptor: NodeDescriptor | null;
  /** Its ports, or null when its config is too broken to compute them. */
  ports: PortSet | null;
  /**
   * A topic backed by a broker (SPEC §15): events come from the stream, so its input may be
   * left unconnected (a graph that only subscribes) and it counts as a source.
   */
  brokerTopic?: boolean;
}

/** An edge whose both ends name existing nodes (ports checked where they are known). */
export interface ResolvedEdge {
  id: string;
  from: { node: string; port: string };
  to: { node: string; port: string };
}

/**
 * The problems of the graph's shape, over nodes and edges already checked one by one:
 *
 * 1. an input port with no edge (an error for `in`, which every non-source needs; a warning for
 *    other inputs);
 * 2. a non-sink node whose outputs all go nowhere (a warning: its events are discarded);
 * 3. no source at all, or nodes unreachable from every source (warnings: nothing would reach them);
 * 4. cycles (errors: version 1 runs only acyclic graphs), naming the nodes around the loop.
 */
export function validateTopology(nodes: readonly ResolvedNode[], edges: readonly ResolvedEdge[]): Problem[] {
  const problems: Problem[] = [];
  const byId = new Map(nodes.map((n) => [n.id, n]));
  // Edges indexed by node once, so every check below is linear in nodes + edges: the editor
  // validates as the user draws, and a scan of all edges per node made 20k nodes take 9 s.
  const successors = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  const connectedInputs = new Set<string>();
  const touched = new Set<string>();
  for (const e of edges) {
    successors.get(e.from.node)?.push(e.to.node);
    connectedInputs.add(JSON.stringify([e.to.node, e.to.port]));
    touched.add(e.from.node);
    touched.add(e.to.node);
  }

  for (const node of nodes) {
    if (!node.ports) continue;
    // A node with no edge at all (one pasted or dropped and not wired yet) blocks nothing: the
    // run leaves it out (isolatedNodes), so it is a warning, not an error.
    if (isLeftOut(node, touched, nodes.length)) {
      problems.push({
        severity: 'warning',
        nodeId: node.id,
        message: `${node.name} is not connected to anything, so a run leaves it out.`,
      });
      continue;
    }
    for (const port of node.ports.inputs) {
      if (connectedInputs.has(JSON.stringify([node.id, port]))) continue;
      if (node.brokerTopic) continue;
      const required = port === 'in';
      problems.push({
        severity: required ? 'error' : 'warning',
        nodeId: node.id,
        message: required
          ? `${node.name} has nothing connected to its input, so it would never receive events.`
          : `${node.name} has nothing connected to its input "${port}".`,
      });
    }
    // `error` alone does not count: unconnected, failed events go to the dead letters, which is
    // what a sink that runs user code (sink.sqlite's keyExpression) wants by default.
    const dataOutputs = node.ports.outputs.filter((p) => p !== 'error');
    // A broker-backed topic with no subscriber here publishes to its stream, as a sink does.
    const isSink = node.descriptor?.category === 'sink' || node.brokerTopic === true;
    if (!isSink && dataOutputs.length > 0 && successors.get(node.id)!.length === 0) {
      problems.push({
        severity: 'warning',
        nodeId: node.id,
        message: `${node.name} has no outgoing edge, so its events go nowhere.`,
      });
    }
  }

  const sources = nodes.filter((n) => n.descriptor?.category === 'source' || n.brokerTopic === true);
  if (nodes.length > 0 && sources.length === 0) {
    problems.push({ severity: 'warning', message: 'The graph has no source node, so no events would flow.' });
  } else {
    const reached = new Set(sources.map((s) => s.id));
    const queue = [...reached];
    // An index into the queue, not shift(): shift() is linear in the queue's length.
    for (let head = 0; head < queue.length; head++) {
      for (const next of successors.get(queue[head]!) ?? []) {
        if (!reached.has(next)) {
          reached.add(next);
          queue.push(next);
        }
      }
    }
    for (const node of nodes) {
      // An unknown type already has an error; saying it is unreachable too is noise.
      if (reached.has(node.id) || !node.descriptor || isLeftOut(node, touched, nodes.length)) continue;
      problems.push({
        severity: 'warning',
        nodeId: node.id,
        message: `${node.name} cannot be reached from any source, so it would never receive events.`,
      });
    }
  }

  const cycles = findCycles(
    nodes.map((n) => n.id),
    edges.map((e) => ({ from: e.from.node, to: e.to.node })),
  );
  for (const cycle of cycles) {
    // A loop through thousands of nodes is named by its first few.
    const shown = cycle.length > MAX_LOOP_NAMES ? cycle.slice(0, MAX_LOOP_NAMES) : [...cycle, cycle[0]!];
    const loop =
      shown.map((id) => `"${shortText(id)}"`).join(' → ') +
      (cycle.length > MAX_LOOP_NAMES ? ` → … (${cycle.length} nodes)` : '');
    const first = byId.get(cycle[0]!)!;
    problems.push({
      severity: 'error',
      nodeId: first.id,
      message:
        cycle.length === 1
          ? `${first.name} has an edge to itself; cycles are not allowed in this version of Sluice.`
          : `Nodes ${loop} form a cycle; cycles are not allowed in this version of Sluice.`,
    });
  }
  return problems;
}

/**
 * Whether a run leaves `node` out: it has no edge at all, is not a source (a lone source still
 * runs, to nowhere, as drawn) and is not the graph's only node.
 */
function isLeftOut(node: ResolvedNode, touched: ReadonlySet<string>, nodeCount: number): boolean {
  return nodeCount > 1 && !touched.has(node.id) && node.descriptor !== null && node.descriptor.category !== 'source';
}

/** The ids of the nodes a run leaves out (see isLeftOut): not connected to anything. */
export function isolatedNodes(
  graph: {
    nodes: ReadonlyArray<{ id: string; type: string }>;
    edges: ReadonlyArray<{ from: { node: string }; to: { node: string } }>;
  },
  categoryOf: (type: string) => string | undefined,
): string[] {
  if (graph.nodes.length <= 1) return [];
  const touched = new Set<string>();
  for (const e of graph.edges) {
    touched.add(e.from.node);
    touched.add(e.to.node);
  }
  return graph.nodes
    .filter((n) => !touched.has(n.id) && categoryOf(n.type) !== undefined && categoryOf(n.type) !== 'source')
    .map((n) => n.id);
}
