import { describe, expect, it } from 'vitest';
import type { GraphFile } from '../../../../engine/contract/graphFile.js';
import { loadGraph } from '../../../../engine/graph/loadGraph.js';
import { saveGraph } from '../../../../engine/graph/saveGraph.js';
import { pipeline } from './fixtureRegistry.js';

describe('saveGraph', () => {
  it('round-trips: load, save, load gives the same graph, unknown keys included', () => {
    const g = pipeline();
    const original: GraphFile = {
      zExtra: [1, 2],
      ...g,
      description: 'with extras',
      settings: { theme: 'dark', ...g.settings },
      nodes: [{ color: 'red', ...g.nodes[0]! }, ...g.nodes.slice(1)],
      edges: [
        {
          ...g.edges[0]!,
          note: 'hot',
          from: { port: 'out', node: 'gen', side: 'r' } as GraphFile['edges'][number]['from'],
        },
        g.edges[1]!,
      ],
    };
    const first = loadGraph(JSON.stringify(original));
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    const saved = saveGraph(first.graph);
    const second = loadGraph(saved);
    expect(second.ok && second.graph).toEqual(first.graph);
    expect(saveGraph(first.graph)).toBe(saved);
    expect(second.ok && second.graph.zExtra).toEqual([1, 2]);
  });

  it('writes known keys in SPEC order first, then unknown keys as they were', () => {
    const g = pipeline();
    const scrambled = {
      zebra: 1,
      edges: [
        { capacity: 4, to: { port: 'in', node: 'double' }, id: 'e1', from: { port: 'out', node: 'gen' }, tag: 'x' },
      ],
      nodes: [{ config: { b: 1, a: 2 }, note: 'n', type: 'map', id: 'double' }],
      name: g.name,
      version: 1,
      format: 'sluice/graph',
      apple: 2,
    } as unknown as GraphFile;
    const saved = JSON.parse(saveGraph(scrambled));
    expect(Object.keys(saved)).toEqual(['format', 'version', 'name', 'nodes', 'edges', 'zebra', 'apple']);
    expect(Object.keys(saved.nodes[0])).toEqual(['id', 'type', 'config', 'note']);
    expect(Object.keys(saved.nodes[0].config)).toEqual(['b', 'a']);
    expect(Object.keys(saved.edges[0])).toEqual(['id', 'from', 'to', 'capacity', 'tag']);
    expect(Object.keys(saved.edges[0].from)).toEqual(['node', 'port']);
  });

  it('writes two-space indented JSON ending in a newline', () => {
    const saved = saveGraph(pipeline());
    expect(saved.startsWith('{\n  "format": "sluice/graph",\n  "version": 1,\n')).toBe(true);
    expect(saved.endsWith('}\n')).toBe(true);
  });
});
