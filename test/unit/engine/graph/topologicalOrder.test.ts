import { describe, expect, it } from 'vitest';
import { topologicalOrder } from '../../../../engine/graph/topologicalOrder.js';
import { pipeline } from './fixtureRegistry.js';

describe('topologicalOrder', () => {
  it('orders nodes so every edge points forward', () => {
    const g = pipeline();
    g.nodes.reverse();
    expect(topologicalOrder(g)?.map((n) => n.id)).toEqual(['gen', 'double', 'out']);
  });

  it('keeps file order between independent nodes', () => {
    const g = pipeline();
    g.nodes.push({ id: 'b', type: 'map', config: {} }, { id: 'a', type: 'map', config: {} });
    expect(topologicalOrder(g)?.map((n) => n.id)).toEqual(['gen', 'double', 'out', 'b', 'a']);
  });

  it('returns null on a cycle', () => {
    const g = pipeline();
    g.edges.push({ id: 'back', from: { node: 'out', port: 'out' }, to: { node: 'gen', port: 'in' } });
    expect(topologicalOrder(g)).toBeNull();
  });

  it('ignores edges to unknown nodes', () => {
    const g = pipeline();
    g.edges.push({ id: 'x', from: { node: 'ghost', port: 'out' }, to: { node: 'gen', port: 'in' } });
    expect(topologicalOrder(g)?.map((n) => n.id)).toEqual(['gen', 'double', 'out']);
  });
});
