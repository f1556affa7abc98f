import { describe, expect, it } from 'vitest';
import { graphHasCode } from '../../../../engine/graph/graphHasCode.js';
import { pipeline, registry } from './fixtureRegistry.js';

describe('graphHasCode', () => {
  it('is true when a node has an expression', () => {
    expect(graphHasCode(pipeline(), registry)).toBe(true);
  });

  it('is false when no expression or code field is filled in', () => {
    const g = pipeline();
    g.nodes = g.nodes.filter((n) => n.type !== 'map');
    g.nodes[0]!.config = { count: 3, valueExpression: '  ' };
    expect(graphHasCode(g, registry)).toBe(false);
  });

  it('finds code inside list items (router predicates)', () => {
    const g = pipeline();
    g.nodes = [{ id: 'r', type: 'router', config: { routes: [{ port: 'a', predicate: 'value > 1' }] } }];
    expect(graphHasCode(g, registry)).toBe(true);
    g.nodes[0]!.config = { routes: [{ port: 'a', predicate: '' }] };
    expect(graphHasCode(g, registry)).toBe(false);
  });

  it('counts any text in a node of unknown type as possible code', () => {
    const g = pipeline();
    g.nodes = [{ id: 'x', type: 'mystery', config: { script: 'alert(1)' } }];
    expect(graphHasCode(g, registry)).toBe(true);
  });

  it('is false for data that is not a graph', () => {
    expect(graphHasCode(null, registry)).toBe(false);
    expect(graphHasCode({ nodes: 'x' }, registry)).toBe(false);
  });
});
