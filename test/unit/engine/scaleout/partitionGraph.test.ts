import { describe, expect, it } from 'vitest';
import { compileExpression } from '../../../../engine/graph/expression.js';
import { validate } from '../../../../engine/graph/validate.js';
import { nodeRegistry } from '../../../../engine/nodes/registry.js';
import { partitionOf } from '../../../../engine/runtime/partition.js';
import { EVENT_VARS } from '../../../../engine/nodes/userCodeFailed.js';
import { groupPartitions, partitionGraph, partitionPredicate } from '../../../../engine/scaleout/partitionGraph.js';
import { graphOf } from '../runtime/runGraph.js';

const g = () =>
  graphOf({
    settings: { checkpointIntervalMs: 200, partitions: 12 },
    nodes: [
      { id: 'gen', type: 'source.generator', config: { count: 10, keys: 5 } },
      { id: 'agg', type: 'aggregate', config: { op: 'count' } },
      { id: 'out', type: 'sink.console' },
    ],
    edges: ['gen -> agg', 'agg -> out'],
  });

describe('partitionGraph', () => {
  it('keeps exactly the keys partitionOf puts in the partition', () => {
    for (const partitions of [1, 7, 12]) {
      const preds = Array.from({ length: partitions }, (_, p) =>
        compileExpression(partitionPredicate(p, partitions), EVENT_VARS),
      );
      for (const key of [null, '', 'k0', 'k1', 'käse', 'a longer key 123', '🙂']) {
        const hits = preds.map((f, p) => (f(null, key, 0, {}) ? p : -1)).filter((p) => p >= 0);
        expect(hits).toEqual([partitionOf(key, partitions)]);
      }
    }
  });

  it('puts a partition filter behind every source and stays a valid graph', () => {
    const pg = partitionGraph(g(), 3, 12);
    expect(validate(pg, nodeRegistry).filter((p) => p.severity === 'error')).toEqual([]);
    expect(pg.edges.find((e) => e.to.node === 'agg')?.from.node).toBe('gen.partition');
    expect(pg.edges.find((e) => e.to.node === 'gen.partition')?.from.node).toBe('gen');
  });

  it('needs settings.partitions and refuses sinks that commit on one machine', () => {
    expect(groupPartitions(g())).toBe(12);
    const none = { ...g(), settings: {} };
    expect(() => groupPartitions(none)).toThrow(/has no settings.partitions/);
    const bad = { ...g(), settings: { partitions: 0 } };
    expect(() => groupPartitions(bad)).toThrow(/whole number from 1 to 4096/);
    const file = g();
    file.nodes[2] = { id: 'out', type: 'sink.file', config: { path: 'x.jsonl' } };
    expect(() => groupPartitions(file)).toThrow(/node "out": sink.file cannot be shared by a group's members/);
  });
});
