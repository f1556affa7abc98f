import { describe, expect, it } from 'vitest';
import type { GraphFile } from '../../../../engine/contract/graphFile.js';
import type { EdgeMetrics, MetricsSnapshot, NodeMetrics } from '../../../../engine/contract/metrics.js';
import { findBottleneck, pressureLevel } from '../../../../renderer/live/findBottleneck.js';

const edge = (over: Partial<EdgeMetrics> = {}): EdgeMetrics => ({
  total: 0,
  rate: 100,
  bytesRate: 0,
  queued: 0,
  capacity: 100,
  backpressure: 0,
  latencyP50: null,
  latencyP99: null,
  ...over,
});
const node = (busy: number): NodeMetrics => ({
  in: 0,
  out: 0,
  errors: 0,
  dropped: 0,
  busy,
  watermark: null,
  stateSize: 0,
  status: 'running',
});
const graph: GraphFile = {
  format: 'sluice/graph',
  version: 1,
  name: 'g',
  nodes: ['a', 'b', 'c', 'd'].map((id) => ({ id, type: 'map', label: id === 'c' ? 'enrich' : undefined, config: {} })),
  edges: [
    { id: 'ab', from: { node: 'a', port: 'out' }, to: { node: 'b', port: 'in' } },
    { id: 'bc', from: { node: 'b', port: 'out' }, to: { node: 'c', port: 'in' } },
    { id: 'cd', from: { node: 'c', port: 'out' }, to: { node: 'd', port: 'in' } },
  ],
} as GraphFile;
const snap = (nodes: Record<string, number>, edges: Record<string, Partial<EdgeMetrics>>): MetricsSnapshot => ({
  t: 0,
  run: {
    status: 'running',
    elapsedMs: 0,
    sourceRate: 0,
    checkpoints: { count: 0, lastId: null, lastDurationMs: null, lastBytes: null, lastPauseMs: null },
    restarts: 0,
  },
  nodes: Object.fromEntries(Object.entries(nodes).map(([k, v]) => [k, node(v)])),
  edges: Object.fromEntries(Object.entries(edges).map(([k, v]) => [k, edge(v)])),
});

describe('findBottleneck', () => {
  it('names the busiest node and counts the blocked edges upstream of it', () => {
    const b = findBottleneck(
      graph,
      snap({ a: 0.1, b: 0.2, c: 0.97, d: 0.1 }, { ab: { backpressure: 0.6 }, bc: { backpressure: 0.9 }, cd: {} }),
    );
    expect(b?.nodeId).toBe('c');
    expect(b?.edgeIds.sort()).toEqual(['ab', 'bc']);
    expect(`${b?.name} ${b?.text}`).toBe('enrich is 97% busy; 2 edges upstream are blocked');
  });

  it('blames the consumer of the most blocked edge when no node is busy', () => {
    const b = findBottleneck(graph, snap({ a: 0, b: 0, c: 0, d: 0 }, { ab: {}, bc: { backpressure: 0.8 }, cd: {} }));
    expect(b?.nodeId).toBe('c');
    expect(b?.cause).toBe('holding');
    expect(b?.text).toContain('1 edge upstream is blocked');
  });

  it('finds nothing when every node has headroom and no edge waits', () => {
    expect(findBottleneck(graph, snap({ a: 0.1, b: 0.1, c: 0.2, d: 0 }, { ab: {}, bc: {}, cd: {} }))).toBeNull();
  });

  it('grades edges calm, strained, blocked and idle', () => {
    expect(pressureLevel(edge())).toBe('calm');
    expect(pressureLevel(edge({ backpressure: 0.2 }))).toBe('strained');
    expect(pressureLevel(edge({ queued: 95 }))).toBe('strained');
    expect(pressureLevel(edge({ backpressure: 0.7 }))).toBe('blocked');
    expect(pressureLevel(edge({ rate: 0 }))).toBe('idle');
  });
});
