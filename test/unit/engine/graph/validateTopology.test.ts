import { describe, expect, it } from 'vitest';
import type { NodeDescriptor } from '../../../../engine/contract/descriptor.js';
import { validateTopology, type ResolvedEdge, type ResolvedNode } from '../../../../engine/graph/validateTopology.js';
import { registry } from './fixtureRegistry.js';

const resolved = (id: string, type: string): ResolvedNode => {
  const descriptor = registry.get(type) as NodeDescriptor;
  return { id, name: `Node "${id}"`, descriptor, ports: descriptor.ports({}) };
};
const edge = (id: string, from: string, to: string): ResolvedEdge => ({
  id,
  from: { node: from, port: 'out' },
  to: { node: to, port: 'in' },
});

/** gen → m1 → … → out, with every map also fed by gen: a port with n edges into it. */
function shape(n: number): { nodes: ResolvedNode[]; edges: ResolvedEdge[] } {
  const nodes = [resolved('gen', 'source.gen')];
  const edges: ResolvedEdge[] = [];
  for (let i = 1; i <= n; i++) {
    nodes.push(resolved(`m${i}`, 'map'));
    edges.push(edge(`c${i}`, i === 1 ? 'gen' : `m${i - 1}`, `m${i}`), edge(`f${i}`, 'gen', `m${i}`));
  }
  nodes.push(resolved('out', 'sink.file'));
  edges.push(edge('last', `m${n}`, 'out'));
  return { nodes, edges };
}

/** Reads of the edges' elements (and of their length) while validating: the work it does on edges. */
function edgeReads(n: number): number {
  const { nodes, edges } = shape(n);
  let reads = 0;
  const counted = new Proxy(edges, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  expect(validateTopology(nodes, counted)).toEqual([]);
  return reads;
}

describe('validateTopology', () => {
  it('reads each edge a bounded number of times, so its work grows linearly with the graph', () => {
    // Issue 10, fault 7: a scan of every edge per node and per step of the reachability search
    // made 20k nodes take 9 s in the editor. Counted, not timed: twice the graph, twice the reads.
    const small = edgeReads(1_000);
    const large = edgeReads(2_000);
    expect(large / small).toBeLessThan(2.2);
    expect(small).toBeLessThan(10 * 2_001);
  });

  it('still finds a node wired to nothing in a large graph, as a warning (a run leaves it out)', () => {
    const { nodes, edges } = shape(5_000);
    nodes.push(resolved('lonely', 'map'));
    const problems = validateTopology(nodes, edges);
    expect(problems.map((p) => [p.nodeId, p.severity])).toEqual([['lonely', 'warning']]);
    expect(problems[0]?.message).toMatch(/is not connected to anything, so a run leaves it out/);
  });
});
