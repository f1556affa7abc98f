import { describe, expect, it } from 'vitest';
import { validate } from '../../../../engine/graph/validate.js';
import { nodeRegistry } from '../../../../engine/nodes/registry.js';
import { brokerPartitionGraph, feedGraph, findBrokerTopic } from '../../../../engine/scaleout/brokerTopicGraphs.js';
import { graphOf } from '../runtime/runGraph.js';

const g = () =>
  graphOf({
    settings: { checkpointIntervalMs: 200, partitions: 4 },
    nodes: [
      { id: 'gen', type: 'source.generator', config: { count: 10 } },
      { id: 'inc', type: 'map', config: { expression: 'value.seq + 1' } },
      { id: 't', type: 'topic', config: { name: 'x', broker: { url: 'nats://127.0.0.1:4222', stream: 'orders' } } },
      { id: 'agg', type: 'aggregate', config: { op: 'count' } },
      { id: 'out', type: 'sink.discard' },
    ],
    edges: ['gen -> inc', 'inc -> t', 't -> agg', 'agg -> out'],
  });

const errors = (graph: unknown) => validate(graph, nodeRegistry).filter((p) => p.severity === 'error');

describe('brokerTopicGraphs', () => {
  it('cuts the graph at the topic: the feed publishes to <stream>.<partition>, partition p reads only its subject', () => {
    const t = findBrokerTopic(g())!;
    const feed = feedGraph(g(), t, 4);
    expect(errors(feed)).toEqual([]);
    expect(feed.nodes.map((n) => n.id)).toEqual(['gen', 'inc', 't.wrap', 't.partition', 't.publish']);
    expect(feed.nodes.find((n) => n.id === 't.publish')?.config['subject']).toBe('orders.${key}');
    const p2 = brokerPartitionGraph(g(), t, 2);
    expect(errors(p2)).toEqual([]);
    expect(p2.nodes.map((n) => n.id)).toEqual(['t.read', 't.unwrap', 'agg', 'out']);
    expect(p2.nodes[0]!.config['subject']).toBe('orders.2');
  });

  it('refuses a broker without a stream, two broker topics, and a node the topic does not separate', () => {
    const bad = g();
    bad.nodes[2]!.config['broker'] = { url: 'nats://x' };
    expect(() => findBrokerTopic(bad)).toThrow(/node "t": broker needs a url and a stream name/);
    const two = g();
    two.nodes.push({ id: 't2', type: 'topic', config: { name: 'y', broker: { url: 'nats://x', stream: 's' } } });
    expect(() => findBrokerTopic(two)).toThrow(/one broker-backed topic; this one has 2/);
    const stray = g();
    stray.nodes.push(
      { id: 'gen2', type: 'source.generator', config: {} },
      { id: 'out2', type: 'sink.discard', config: {} },
    );
    stray.edges.push({ id: 'x', from: { node: 'gen2', port: 'out' }, to: { node: 'out2', port: 'in' } });
    expect(() => feedGraph(stray, findBrokerTopic(stray)!, 4)).toThrow(/node "gen2" is not connected through/);
  });
});
