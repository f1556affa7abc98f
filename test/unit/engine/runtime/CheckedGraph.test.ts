import { describe, expect, it } from 'vitest';
import { CheckedGraph, describeProblem, problemPlace } from '../../../../engine/runtime/CheckedGraph.js';
import { graphOf } from './runGraph.js';

const valid = graphOf({
  nodes: [
    { id: 'gen', type: 'source.generator', config: { count: 3 } },
    { id: 'out', type: 'sink.console' },
  ],
  edges: ['gen -> out'],
});

const invalid = graphOf({
  nodes: [
    { id: 'gen', type: 'source.generator', config: { count: 3 } },
    { id: 'm', type: 'map', config: { expression: 'value +' } },
    { id: 'x', type: 'no.such.type' },
  ],
  edges: ['gen -> m'],
});

describe('CheckedGraph', () => {
  it('checks a valid graph once and hands the same object on without validating it again', () => {
    const r = CheckedGraph.check(valid);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.checked.graph).toBe(valid);
    expect(CheckedGraph.require(r.checked)).toBe(r.checked);
  });

  it('returns every error of an invalid graph, each naming its node', () => {
    const r = CheckedGraph.check(invalid);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((p) => p.nodeId)).toEqual(expect.arrayContaining(['m', 'x']));
    expect(r.errors.every((p) => p.severity === 'error')).toBe(true);
  });

  it('refuses an invalid graph with one line per error', () => {
    expect(() => CheckedGraph.require(invalid)).toThrow(/^the graph has \d+ problems:\n {2}node (m|x): /);
    try {
      CheckedGraph.require(invalid);
    } catch (err) {
      expect((err as Error).name).toBe('UserError');
    }
  });

  it('describes a problem by where it is: a node, an edge, or the graph', () => {
    expect(describeProblem({ severity: 'error', nodeId: 'price', message: 'Bad.' })).toBe('node price: Bad.');
    expect(problemPlace({ severity: 'error', edgeId: 'e3', message: '' })).toBe('edge e3');
    expect(problemPlace({ severity: 'warning', message: '' })).toBe('graph');
  });
});

describe('CheckedGraph and stray nodes', () => {
  it('leaves a node wired to nothing out of the run instead of refusing it', () => {
    const r = CheckedGraph.check({
      format: 'sluice/graph',
      version: 1,
      name: 'stray',
      nodes: [
        { id: 'gen', type: 'source.generator', config: { count: 1 } },
        { id: 'out', type: 'sink.discard', config: {} },
        { id: 'pasted', type: 'map', config: { expression: 'value' } },
      ],
      edges: [{ id: 'e1', from: { node: 'gen', port: 'out' }, to: { node: 'out', port: 'in' } }],
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.checked.graph.nodes.map((n) => n.id)).toEqual(['gen', 'out']);
    expect(r.checked.warnings.map((w) => w.nodeId)).toContain('pasted');
  });
});
