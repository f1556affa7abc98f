import { describe, expect, it } from 'vitest';
import { planGraph } from '../../../../engine/compiler/planGraph.js';
import { operatorIdOf } from '../../../../engine/compiler/operatorId.js';
import { nodeRegistry } from '../../../../engine/nodes/registry.js';
import { graphOf } from '../runtime/runGraph.js';

describe('planGraph', () => {
  it('fuses a straight chain of single instances into one task on one worker', () => {
    const g = graphOf({
      nodes: [
        { id: 'gen', type: 'source.generator', config: { count: 1 } },
        { id: 'm', type: 'map', config: { expression: 'value' } },
        { id: 'out', type: 'sink.console' },
      ],
      edges: ['gen -> m', 'm -> out'],
    });
    const plan = planGraph(g, nodeRegistry, { maxWorkers: 2 });
    expect(plan.tasks).toHaveLength(1);
    expect(plan.tasks[0]!.instances).toEqual(['gen#0', 'm#0', 'out#0']);
    expect(plan.channels).toHaveLength(0);
    expect(plan.workers).toBe(1);
  });

  it('puts a queue with hash partitioning where parallelism changes, one channel per target instance', () => {
    const g = graphOf({
      nodes: [
        { id: 'gen', type: 'source.generator', config: { count: 1 } },
        { id: 'agg', type: 'aggregate', config: { op: 'count' }, parallelism: 3 },
        { id: 'out', type: 'sink.console' },
      ],
      edges: ['gen -> agg', 'agg -> out'],
    });
    const plan = planGraph(g, nodeRegistry, { maxWorkers: 2 });
    const fromGen = plan.instances['gen#0']!.outputs['out']!;
    expect(fromGen).toEqual([{ kind: 'channel', edgeIndex: 0, partition: 'hash', channels: [0, 1, 2] }]);
    // Three aggregate instances merge into the single sink: three channels into out#0.
    const intoSink = plan.channels.filter((c) => c.to === 'out#0');
    expect(intoSink.map((c) => c.toInput)).toEqual([0, 1, 2]);
    expect(plan.instances['out#0']!.inputCount).toBe(3);
    // Instances spread over both workers.
    expect(new Set(plan.tasks.map((t) => t.worker))).toEqual(new Set([0, 1]));
  });

  it('does not fuse after a node that changes keys when the next node runs in parallel', () => {
    const g = graphOf({
      nodes: [
        { id: 'gen', type: 'source.generator', config: { count: 1 } },
        { id: 'kb', type: 'keyBy', config: { key: 'value.seq % 3' }, parallelism: 2 },
        { id: 'agg', type: 'aggregate', config: { op: 'count' }, parallelism: 2 },
      ],
      edges: ['gen -> kb', 'kb -> agg'],
    });
    const plan = planGraph(g, nodeRegistry, { maxWorkers: 2 });
    expect(plan.instances['kb#0']!.outputs['out']![0]!.kind).toBe('channel');
  });

  it('gives each topic subscription its own port and queue', () => {
    const g = graphOf({
      nodes: [
        { id: 'gen', type: 'source.generator', config: { count: 1 } },
        { id: 't', type: 'topic', config: { name: 'orders' } },
        { id: 'a', type: 'sink.console' },
        { id: 'b', type: 'sink.console' },
      ],
      edges: ['gen -> t', 't -> a', 't -> b'],
    });
    const plan = planGraph(g, nodeRegistry, { maxWorkers: 2 });
    expect(Object.keys(plan.instances['t#0']!.outputs).sort()).toEqual(['out:e2', 'out:e3']);
    expect(plan.channels.filter((c) => c.from === 't#0')).toHaveLength(2);
  });

  it('keeps operator ids when a node is moved, relabelled or rewired, and changes them with its id or type', () => {
    expect(operatorIdOf('agg', 'aggregate')).toBe(operatorIdOf('agg', 'aggregate'));
    expect(operatorIdOf('agg', 'aggregate')).not.toBe(operatorIdOf('agg2', 'aggregate'));
    expect(operatorIdOf('agg', 'aggregate')).not.toBe(operatorIdOf('agg', 'window'));
  });

  it('fuses nothing when fusion is off', () => {
    const g = graphOf({
      nodes: [
        { id: 'gen', type: 'source.generator', config: { count: 1 } },
        { id: 'm', type: 'map', config: { expression: 'value' } },
      ],
      edges: ['gen -> m'],
    });
    const plan = planGraph(g, nodeRegistry, { maxWorkers: 2, fuse: false });
    expect(plan.tasks).toHaveLength(2);
    expect(plan.channels).toHaveLength(1);
  });
});
