import { describe, expect, it } from 'vitest';
import { GRAPH_VERSION } from '../../../../engine/contract/graphFile.js';
import { GRAPH_MIGRATIONS, migrateGraph, type GraphMigration } from '../../../../engine/graph/migrations.js';

/** A graph in the pre-release version 0 format (documented in migrations.ts). */
function v0Graph(): Record<string, unknown> {
  return {
    format: 'sluice/graph',
    version: 0,
    name: 'Old',
    settings: { checkpointEveryMs: 500, defaultEdgeCapacity: 64 },
    nodes: [
      { id: 'gen', type: 'source.generator', config: {} },
      { id: 'my.map', type: 'map', config: { expression: 'value' } },
      { id: 'out', type: 'sink.console', config: {} },
    ],
    edges: [
      { source: 'gen', target: 'my.map.in', capacity: 8 },
      { id: 'e1', source: 'my.map.out', target: 'out', note: 'kept' },
    ],
  };
}

describe('migrations', () => {
  it('chain from the oldest version to the current one, one step each', () => {
    GRAPH_MIGRATIONS.forEach((m, i) => {
      expect(m.to).toBe(m.from + 1);
      if (i > 0) expect(m.from).toBe(GRAPH_MIGRATIONS[i - 1]!.to);
    });
    expect(GRAPH_MIGRATIONS.at(-1)?.to).toBe(GRAPH_VERSION);
  });

  it('turn version 0 edge strings into port references and fill missing edge ids', () => {
    const result = migrateGraph(v0Graph());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.migratedFrom).toBe(0);
    expect(result.graph.version).toBe(1);
    expect(result.graph.edges).toEqual([
      { id: 'e2', from: { node: 'gen', port: 'out' }, to: { node: 'my.map', port: 'in' }, capacity: 8 },
      { id: 'e1', from: { node: 'my.map', port: 'out' }, to: { node: 'out', port: 'in' }, note: 'kept' },
    ]);
  });

  it('rename the version 0 checkpoint setting and keep the others', () => {
    const result = migrateGraph(v0Graph());
    expect(result.ok && result.graph.settings).toEqual({ checkpointIntervalMs: 500, defaultEdgeCapacity: 64 });
  });

  it('refuse a version 0 edge without a source, naming the edge', () => {
    const g = v0Graph();
    g.edges = [{ target: 'out' }];
    expect(migrateGraph(g)).toEqual({
      ok: false,
      error: 'cannot upgrade this version 0 graph: edge #1 (version 0) needs a "source" written as "node.port"',
    });
  });

  it('leave a current graph as it is', () => {
    const g = { format: 'sluice/graph', version: GRAPH_VERSION, nodes: [], edges: [] };
    expect(migrateGraph(g)).toEqual({ ok: true, graph: g, migratedFrom: null });
  });

  it('refuse versions newer than the program and older than any migration', () => {
    expect(migrateGraph({ version: GRAPH_VERSION + 1 })).toEqual({
      ok: false,
      error: `made by a newer Sluice: version ${GRAPH_VERSION + 1}, this program reads up to ${GRAPH_VERSION}`,
    });
    expect(migrateGraph({ version: -1 })).toEqual({
      ok: false,
      error: 'version -1 is not a graph version this program knows how to read',
    });
  });

  it('apply several steps in order', () => {
    const steps: GraphMigration[] = [
      { from: 1, to: 2, description: 'add a', migrate: (g) => ({ ...g, trail: [...(g.trail as number[]), 1] }) },
      { from: 2, to: 3, description: 'add b', migrate: (g) => ({ ...g, trail: [...(g.trail as number[]), 2] }) },
    ];
    const result = migrateGraph({ version: 1, trail: [] }, steps, 3);
    expect(result).toEqual({ ok: true, graph: { version: 3, trail: [1, 2] }, migratedFrom: 1 });
  });
});
