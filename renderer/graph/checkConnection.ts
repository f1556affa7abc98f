import type { NodeDescriptor } from '../../engine/contract/descriptor.js';
import type { GraphFile, PortRef } from '../../engine/contract/graphFile.js';
import { parseHandle, portsOf } from './portsOf.js';

/** A connection as React Flow reports it. */
export interface FlowConnection {
  source: string | null;
  target: string | null;
  sourceHandle?: string | null;
  targetHandle?: string | null;
}

export type ConnectionCheck = { ok: true; from: PortRef; to: PortRef } | { ok: false; reason: string };

/**
 * Decide whether a drag between two handles makes a valid edge, and say why not.
 *
 * 1. Both ends must be handles of known nodes; a drag may start at either end, so an
 *    input→output drag is turned around.
 * 2. One end must be an output and the other an input, on ports the node has.
 * 3. No self-loop, no second edge between the same two ports.
 * 4. The new edge must not close a cycle (version 1 graphs are acyclic, SPEC §5).
 */
export function checkConnection(
  graph: GraphFile,
  registry: ReadonlyMap<string, NodeDescriptor>,
  c: FlowConnection,
): ConnectionCheck {
  const a = parseHandle(c.sourceHandle);
  const b = parseHandle(c.targetHandle);
  if (!c.source || !c.target || !a || !b) return { ok: false, reason: 'Connect a port to a port.' };
  if (a.dir === b.dir) {
    return {
      ok: false,
      reason: a.dir === 'in' ? 'Cannot connect an input to an input.' : 'Cannot connect an output to an output.',
    };
  }
  const [fromNode, fromPort, toNode, toPort] =
    a.dir === 'out' ? [c.source, a.port, c.target, b.port] : [c.target, b.port, c.source, a.port];
  if (fromNode === toNode) return { ok: false, reason: 'A node cannot feed itself.' };
  const src = graph.nodes.find((n) => n.id === fromNode);
  const dst = graph.nodes.find((n) => n.id === toNode);
  if (!src || !dst) return { ok: false, reason: 'That node no longer exists.' };
  if (!portsOf(src, registry.get(src.type)).outputs.includes(fromPort)) {
    return { ok: false, reason: `${fromNode} has no output port "${fromPort}".` };
  }
  if (!portsOf(dst, registry.get(dst.type)).inputs.includes(toPort)) {
    return { ok: false, reason: `${toNode} has no input port "${toPort}".` };
  }
  const dup = graph.edges.some(
    (e) => e.from.node === fromNode && e.from.port === fromPort && e.to.node === toNode && e.to.port === toPort,
  );
  if (dup) return { ok: false, reason: `${fromNode}.${fromPort} is already connected to ${toNode}.${toPort}.` };
  if (reaches(graph, toNode, fromNode)) {
    return { ok: false, reason: `That edge would make a cycle (${toNode} already leads to ${fromNode}).` };
  }
  return { ok: true, from: { node: fromNode, port: fromPort }, to: { node: toNode, port: toPort } };
}

/** Whether `start` reaches `goal` along edges. */
function reaches(graph: GraphFile, start: string, goal: string): boolean {
  const next = new Map<string, string[]>();
  for (const e of graph.edges) {
    const list = next.get(e.from.node);
    if (list) list.push(e.to.node);
    else next.set(e.from.node, [e.to.node]);
  }
  const seen = new Set<string>([start]);
  const stack = [start];
  while (stack.length) {
    const id = stack.pop()!;
    if (id === goal) return true;
    for (const n of next.get(id) ?? []) {
      if (!seen.has(n)) {
        seen.add(n);
        stack.push(n);
      }
    }
  }
  return false;
}
