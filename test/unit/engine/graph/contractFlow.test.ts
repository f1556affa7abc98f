import { describe, expect, it } from 'vitest';
import type { GraphFile } from '../../../../engine/contract/graphFile.js';
import { contractFlow } from '../../../../engine/graph/contractFlow.js';
import { registry } from './fixtureRegistry.js';

function graph(): GraphFile {
  return {
    format: 'sluice/graph',
    version: 1,
    name: 'Flow',
    nodes: [
      { id: 'gen', type: 'source.gen', config: { contract: 'orders@1' } },
      { id: 'nats', type: 'source.nats', config: { contract: 'payments@2' } },
      { id: 'route', type: 'router', config: { routes: [{ port: 'a', predicate: 'true' }] } },
      { id: 'double', type: 'map', config: { expression: 'value' } },
      { id: 'out', type: 'sink.file', config: {} },
    ],
    edges: [
      { id: 'e1', from: { node: 'gen', port: 'out' }, to: { node: 'route', port: 'in' } },
      { id: 'e2', from: { node: 'route', port: 'a' }, to: { node: 'double', port: 'in' } },
      { id: 'e3', from: { node: 'route', port: 'error' }, to: { node: 'out', port: 'in' } },
      { id: 'e4', from: { node: 'double', port: 'out' }, to: { node: 'out', port: 'in' } },
      { id: 'e5', from: { node: 'double', port: 'out' }, to: { node: 'out', port: 'in' }, contract: 'totals@1' },
      { id: 'e6', from: { node: 'nats', port: 'out' }, to: { node: 'out', port: 'in' } },
    ],
  };
}

describe('contractFlow', () => {
  it('carries a source’s contract through value-preserving nodes, not through maps or error ports', () => {
    const flow = contractFlow(graph(), registry);
    expect(Object.fromEntries(flow.edges)).toEqual({
      e1: 'orders@1',
      e2: 'orders@1',
      e5: 'totals@1',
      e6: 'payments@2',
    });
    expect(Object.fromEntries(flow.inputs)).toEqual({ route: 'orders@1', double: 'orders@1' });
  });

  it('treats a type it does not know as a source by its source. prefix', () => {
    expect(contractFlow(graph(), registry).edges.get('e6')).toBe('payments@2');
  });

  it('names the contracts of a node whose inputs disagree', () => {
    const g = graph();
    g.edges = g.edges.filter((e) => e.id !== 'e3' && e.id !== 'e4');
    const flow = contractFlow(g, registry);
    expect(flow.inputs.has('out')).toBe(false);
    expect(Object.fromEntries(flow.mixedInputs.get('out') ?? [])).toEqual({ e5: 'totals@1', e6: 'payments@2' });
  });

  it('keeps only declared contracts in a graph with a cycle', () => {
    const g = graph();
    g.edges.push({ id: 'back', from: { node: 'double', port: 'out' }, to: { node: 'route', port: 'in' } });
    expect(Object.fromEntries(contractFlow(g, registry).edges)).toEqual({ e5: 'totals@1' });
  });
});
