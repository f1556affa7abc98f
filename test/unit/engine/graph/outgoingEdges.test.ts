import { describe, expect, it } from 'vitest';
import { outgoingEdges } from '../../../../engine/graph/outgoingEdges.js';
import { pipeline } from './fixtureRegistry.js';

describe('outgoingEdges', () => {
  it('lists the edges out of a node in file order, optionally for one port', () => {
    const g = pipeline();
    g.edges.push({ id: 'e3', from: { node: 'gen', port: 'out' }, to: { node: 'out', port: 'in' } });
    expect(outgoingEdges(g, 'gen').map((e) => e.id)).toEqual(['e1', 'e3']);
    expect(outgoingEdges(g, 'gen', 'error')).toEqual([]);
    expect(outgoingEdges(g, 'out')).toEqual([]);
  });
});
