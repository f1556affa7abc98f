import { describe, expect, it } from 'vitest';
import { incomingEdges } from '../../../../engine/graph/incomingEdges.js';
import { pipeline } from './fixtureRegistry.js';

describe('incomingEdges', () => {
  it('lists the edges into a node in file order, optionally for one port', () => {
    const g = pipeline();
    g.edges.push({ id: 'e3', from: { node: 'gen', port: 'out' }, to: { node: 'out', port: 'in' } });
    expect(incomingEdges(g, 'out').map((e) => e.id)).toEqual(['e2', 'e3']);
    expect(incomingEdges(g, 'out', 'in').map((e) => e.id)).toEqual(['e2', 'e3']);
    expect(incomingEdges(g, 'out', 'other')).toEqual([]);
    expect(incomingEdges(g, 'gen')).toEqual([]);
  });
});
