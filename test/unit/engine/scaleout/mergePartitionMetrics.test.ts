import { describe, expect, it } from 'vitest';
import type { GraphFile } from '../../../../engine/contract/graphFile.js';
import type { EdgeMetrics, MetricsSnapshot, NodeMetrics } from '../../../../engine/contract/metrics.js';
import { groupNatsUrl } from '../../../../engine/graph/groupNatsUrl.js';
import { mergePartitionMetrics } from '../../../../engine/scaleout/mergePartitionMetrics.js';
import { partitionGraph } from '../../../../engine/scaleout/partitionGraph.js';

const graph: GraphFile = {
  format: 'sluice/graph',
  version: 1,
  name: 'g',
  settings: { partitions: 2 },
  nodes: [
    { id: 'gen', type: 'source.generator', config: { count: 100, keys: 4 } },
    { id: 'agg', type: 'aggregate', config: { op: 'count' } },
    { id: 'out', type: 'sink.discard', config: {} },
  ],
  edges: [
    { id: 'e1', from: { node: 'gen', port: 'out' }, to: { node: 'agg', port: 'in' } },
    { id: 'e2', from: { node: 'agg', port: 'out' }, to: { node: 'out', port: 'in' } },
  ],
};

const node = (m: Partial<NodeMetrics>): NodeMetrics => ({
  in: 0,
  out: 0,
  errors: 0,
  dropped: 0,
  busy: 0,
  watermark: null,
  stateSize: 0,
  status: 'running',
  ...m,
});
const edge = (m: Partial<EdgeMetrics>): EdgeMetrics => ({
  total: 0,
  rate: 0,
  bytesRate: 0,
  queued: 0,
  capacity: 1024,
  backpressure: 0,
  latencyP50: null,
  latencyP99: null,
  ...m,
});

/** A partition's frame: its source reads all 100 events, its filter keeps `kept`. */
function frame(kept: number, rate: number, checkpoint: number | null, p99: number): MetricsSnapshot {
  return {
    t: 1,
    run: {
      status: 'running',
      elapsedMs: 500,
      sourceRate: 100,
      restarts: 0,
      checkpoints: { count: 2, lastId: checkpoint, lastDurationMs: 4, lastBytes: 50, lastPauseMs: 1 },
    },
    nodes: {
      gen: node({ out: 100 }),
      'gen.partition': node({ in: 100, out: kept }),
      agg: node({ in: kept, out: kept, stateSize: 2, busy: kept / 100, watermark: kept }),
      out: node({ in: kept }),
    },
    edges: {
      'gen.partition-in': edge({ total: 100, rate: 100 }),
      e1: edge({ total: kept, rate, latencyP99: p99 }),
      e2: edge({ total: kept, rate, latencyP99: p99 }),
    },
  };
}

describe('mergePartitionMetrics', () => {
  it("sums the partitions' counts into the drawn graph; a source counts what its partition filters let through", () => {
    // The frames are of partition runs of the graph: the same ids plus the filters.
    expect(partitionGraph(graph, 0, 2).nodes.map((n) => n.id)).toContain('gen.partition');
    const merged = mergePartitionMetrics(graph, [frame(40, 10, 3, 5), frame(60, 15, 7, 9)], {
      status: 'running',
      elapsedMs: 2000,
      t: 42,
      partitions: { held: [0, 2], of: 4 },
    });
    expect(Object.keys(merged.nodes).sort()).toEqual(['agg', 'gen', 'out']);
    expect(Object.keys(merged.edges).sort()).toEqual(['e1', 'e2']);
    expect(merged.nodes.gen!.out).toBe(100);
    expect(merged.nodes.agg).toMatchObject({ in: 100, out: 100, stateSize: 4, busy: 0.6, watermark: 40 });
    expect(merged.edges.e1).toMatchObject({ total: 100, rate: 25, capacity: 2048, latencyP99: 9 });
    expect(merged.run).toMatchObject({ status: 'running', elapsedMs: 2000, sourceRate: 25, restarts: 0 });
    expect(merged.run.checkpoints).toMatchObject({ count: 4, lastId: 7 });
    expect(merged.t).toBe(42);
    // The editor says which partitions the sums cover.
    expect(merged.run.partitions).toEqual({ held: [0, 2], of: 4 });
  });

  it('with no partition running, shows nothing flowing', () => {
    const merged = mergePartitionMetrics(graph, [], { status: 'running', elapsedMs: 10, t: 1 });
    expect(merged.nodes).toEqual({});
    expect(merged.edges).toEqual({});
    expect(merged.run.sourceRate).toBe(0);
    expect(merged.run.checkpoints.lastId).toBeNull();
  });
});

describe('groupNatsUrl', () => {
  it("takes the graph's first NATS connection by name, else its first NATS node's URL, else none", () => {
    expect(groupNatsUrl(graph)).toBeNull();
    const withNode: GraphFile = {
      ...graph,
      nodes: [...graph.nodes, { id: 'n', type: 'sink.nats', config: { url: 'nats://10.0.0.5:4222', subject: 's' } }],
    };
    expect(groupNatsUrl(withNode)).toBe('nats://10.0.0.5:4222');
    const withConnection: GraphFile = {
      ...withNode,
      connections: { db: { url: 'postgres://x/y' }, bus: { url: 'nats://bus:4222' } },
    };
    expect(groupNatsUrl(withConnection)).toBe('bus');
  });
});
