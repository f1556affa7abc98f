import type { GraphEdge, GraphFile, GraphNode } from '../contract/graphFile.js';
import { UserError } from '../contract/operator.js';
import { partitionPredicate } from './partitionGraph.js';

/** A topic backed by a JetStream stream (SPEC §15): `config.broker = { url, stream }`. */
export interface BrokerTopic {
  node: GraphNode;
  url: string;
  stream: string;
}

const STREAM_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** The graph's broker-backed topic, or null. More than one is refused (one split per graph for now). */
export function findBrokerTopic(graph: GraphFile): BrokerTopic | null {
  const topics = graph.nodes.filter((n) => n.type === 'topic' && n.config?.['broker'] !== undefined);
  if (topics.length === 0) return null;
  if (topics.length > 1)
    throw new UserError(
      `a group run splits a graph at one broker-backed topic; this one has ${topics.length} (${topics.map((t) => `"${t.id}"`).join(', ')})`,
    );
  const node = topics[0]!;
  const b = node.config['broker'] as { url?: unknown; stream?: unknown } | null;
  const url = typeof b?.url === 'string' ? b.url : '';
  const stream = typeof b?.stream === 'string' ? b.stream : '';
  if (!url || !STREAM_NAME.test(stream))
    throw new UserError(
      `node "${node.id}": broker needs a url and a stream name of letters, digits, "-" or "_" (e.g. { "url": "nats://127.0.0.1:4222", "stream": "orders" })`,
    );
  return { node, url, stream };
}

/**
 * The two halves of a graph cut at its broker-backed topic T (issue 15):
 *
 * - the feed: everything upstream of T; T becomes a publisher to `<stream>.<p>`, p the
 *   partition of the event's key (the hash `partitionOf` uses). Key and time travel in the
 *   payload (`{ k, t, v }`), since the subject now names the partition; `sink.nats` publishes
 *   at each checkpoint with the event id as `Nats-Msg-Id`, so a replayed feed adds nothing.
 * - partition p: everything downstream of T, reading only `<stream>.<p>` with `source.nats`
 *   from its checkpointed sequence, key and time restored from the payload.
 *
 * So each partition reads its share and no more, unlike the replay-and-filter split.
 */
export function feedGraph(graph: GraphFile, t: BrokerTopic, partitions: number): GraphFile {
  const { upstream } = split(graph, t);
  const id = t.node.id;
  const partitionOfKey = partitionPredicate(0, partitions).replace(/ === 0$/, '');
  const nodes: GraphNode[] = [
    ...graph.nodes.filter((n) => upstream.has(n.id)),
    { id: `${id}.wrap`, type: 'map', config: { expression: '({ k: key, t: time, v: value })' } },
    { id: `${id}.partition`, type: 'keyBy', config: { key: partitionOfKey } },
    {
      id: `${id}.publish`,
      type: 'sink.nats',
      config: { url: t.url, subject: `${t.stream}.\${key}`, stream: t.stream },
    },
  ];
  const edges: GraphEdge[] = [
    ...graph.edges
      .filter((e) => upstream.has(e.from.node) && (upstream.has(e.to.node) || e.to.node === id))
      .map((e) => (e.to.node === id ? { ...e, to: { node: `${id}.wrap`, port: 'in' } } : e)),
    { id: `${id}.e1`, from: { node: `${id}.wrap`, port: 'out' }, to: { node: `${id}.partition`, port: 'in' } },
    { id: `${id}.e2`, from: { node: `${id}.partition`, port: 'out' }, to: { node: `${id}.publish`, port: 'in' } },
  ];
  return { ...graph, name: `${graph.name} [feed]`, nodes, edges };
}

export function brokerPartitionGraph(graph: GraphFile, t: BrokerTopic, p: number): GraphFile {
  const { downstream } = split(graph, t);
  const id = t.node.id;
  const nodes: GraphNode[] = [
    {
      id: `${id}.read`,
      type: 'source.nats',
      config: {
        url: t.url,
        stream: t.stream,
        subject: `${t.stream}.${p}`,
        deliver: 'all',
        keyExpression: 'value.k',
        timeExpression: 'value.t',
      },
    },
    { id: `${id}.unwrap`, type: 'map', config: { expression: 'value.v' } },
    ...graph.nodes.filter((n) => downstream.has(n.id)),
  ];
  const edges: GraphEdge[] = [
    { id: `${id}.e1`, from: { node: `${id}.read`, port: 'out' }, to: { node: `${id}.unwrap`, port: 'in' } },
    ...graph.edges
      .filter((e) => downstream.has(e.to.node) && (downstream.has(e.from.node) || e.from.node === id))
      .map((e) => (e.from.node === id ? { ...e, from: { node: `${id}.unwrap`, port: 'out' } } : e)),
  ];
  return { ...graph, name: `${graph.name} [partition ${p}]`, nodes, edges };
}

/** Nodes upstream and downstream of T; a node on neither side, or on both, is refused. */
function split(graph: GraphFile, t: BrokerTopic): { upstream: Set<string>; downstream: Set<string> } {
  const walk = (start: string, next: (e: GraphEdge) => [string, string]): Set<string> => {
    const seen = new Set<string>();
    const todo = [start];
    while (todo.length) {
      const at = todo.pop()!;
      for (const e of graph.edges) {
        const [from, to] = next(e);
        if (from === at && !seen.has(to) && to !== t.node.id) {
          seen.add(to);
          todo.push(to);
        }
      }
    }
    return seen;
  };
  const upstream = walk(t.node.id, (e) => [e.to.node, e.from.node]);
  const downstream = walk(t.node.id, (e) => [e.from.node, e.to.node]);
  for (const n of graph.nodes) {
    if (n.id === t.node.id) continue;
    if (upstream.has(n.id) && downstream.has(n.id))
      throw new UserError(`node "${n.id}" is both before and after the broker-backed topic "${t.node.id}"`);
    if (!upstream.has(n.id) && !downstream.has(n.id))
      throw new UserError(
        `node "${n.id}" is not connected through the broker-backed topic "${t.node.id}": a group run splits the graph there`,
      );
  }
  return { upstream, downstream };
}
