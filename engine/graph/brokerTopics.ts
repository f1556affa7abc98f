import type { GraphEdge, GraphFile, GraphNode } from '../contract/graphFile.js';
import { isRecord } from './isRecord.js';

/** A JetStream stream name this program creates and reads: no dots, spaces or wildcards. */
const STREAM_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** A topic's `broker` (SPEC §15), as written. */
export interface BrokerConfig {
  url: string;
  stream: string;
  partitions?: number;
  connectTimeoutMs?: number;
}

/** The broker of a topic node, or null for an in-process topic (or not a topic). */
export function brokerOf(node: { type?: unknown; config?: unknown; disabled?: unknown }): BrokerConfig | null {
  if (node.type !== 'topic' || !isRecord(node.config) || node.disabled === true) return null;
  const b = node.config.broker;
  if (!isRecord(b) || typeof b.url !== 'string' || typeof b.stream !== 'string') return null;
  return b as unknown as BrokerConfig;
}

/** What `topic.check` adds to the schema's checks of `broker` (its kinds are already right). */
export function brokerConfigProblems(
  config: Record<string, unknown>,
): Array<{ field: string; message: string; severity?: 'error' | 'warning' }> {
  const broker = config.broker;
  if (!isRecord(broker)) return [];
  const problems: Array<{ field: string; message: string; severity?: 'error' | 'warning' }> = [];
  const stream = broker.stream;
  if (typeof stream === 'string' && !STREAM_NAME.test(stream)) {
    problems.push({
      field: 'broker.stream',
      message: `The broker's stream "${stream.slice(0, 40)}" must be 1 to 64 letters, digits, "-" or "_" (no dots, spaces or wildcards)`,
    });
  }
  const url = broker.url;
  if (typeof url === 'string' && url.includes('://') && !url.includes('${') && !/^(nats|tls):\/\//i.test(url)) {
    problems.push({
      field: 'broker.url',
      message: `The broker's url must be a NATS server (nats://host:4222), not "${url.replace(/\/\/[^@/]*@/, '//…@').slice(0, 60)}"`,
    });
  }
  if (config.overflow === 'drop-oldest') {
    problems.push({
      field: 'overflow',
      severity: 'warning',
      message: 'A broker-backed topic keeps what its stream keeps: "When full" applies only to an in-process topic',
    });
  }
  return problems;
}

/** The partition count a broker topic hashes keys over: its own, else the graph's, else 1. */
export function brokerPartitions(b: BrokerConfig, graph: Pick<GraphFile, 'settings'>): number {
  const own = b.partitions;
  if (typeof own === 'number' && Number.isInteger(own) && own >= 1) return own;
  const g = graph.settings?.partitions;
  return typeof g === 'number' && Number.isInteger(g) && g >= 1 ? g : 1;
}

/** The id of the node that reads a broker topic for its subscribers in the expanded graph. */
export function brokerReaderId(graph: Pick<GraphFile, 'edges'>, topicId: string): string {
  return graph.edges.some((e) => e.to.node === topicId) ? `${topicId}.read` : topicId;
}

/**
 * A graph with every broker-backed topic T replaced by what runs it (SPEC §15), built from the
 * connector nodes so their exactly-once promises carry over unchanged:
 *
 * - with an input: T becomes a `sink.nats` (same id, so its in-edges and metrics stay), which
 *   publishes each event as a whole event `{ id, key, time, value }` on `<stream>.<partition>`
 *   (partition = hash(key) % partitions) when the checkpoint covering it completes, with
 *   `Nats-Msg-Id` = graph name / topic id / event id: a resend after a crash is dropped by the
 *   stream, and two graphs publishing the same event ids into one stream do not collide;
 * - with outputs: a `source.nats` (id T, or `T.read` when T also publishes) reads the stream
 *   (`readSubject`, all partitions by default) from the sequence in the checkpoint, takes key,
 *   time and value back from the whole event, and feeds T's out-edges, which keep their ids,
 *   so the consumer lag JetStream reports shows on them as on any broker source's edges.
 *
 * The stream is created if missing by whichever side starts first. Both sides in one graph
 * make a loop through the broker that a checkpoint interval delays.
 */
export function expandBrokerTopics(
  graph: GraphFile,
  readSubject: (stream: string) => string = (stream) => `${stream}.>`,
): GraphFile {
  if (!graph.nodes.some((n) => brokerOf(n) !== null)) return graph;
  const nodes: GraphNode[] = [];
  let edges: GraphEdge[] = graph.edges;
  for (const n of graph.nodes) {
    const b = brokerOf(n);
    if (b === null) {
      nodes.push(n);
      continue;
    }
    const common = {
      url: b.url,
      stream: b.stream,
      ...(typeof b.connectTimeoutMs === 'number' ? { connectTimeoutMs: b.connectTimeoutMs } : {}),
    };
    const label = n.label !== undefined ? { label: n.label } : {};
    const publishes = graph.edges.some((e) => e.to.node === n.id);
    if (publishes) {
      nodes.push({
        id: n.id,
        type: 'sink.nats',
        ...label,
        config: {
          ...common,
          subject: `${b.stream}.\${partition}`,
          partitions: brokerPartitions(b, graph),
          envelope: true,
          idPrefix: `${graph.name}/${n.id}/`,
        },
      });
    }
    if (graph.edges.some((e) => e.from.node === n.id)) {
      const readId = publishes ? `${n.id}.read` : n.id;
      nodes.push({
        id: readId,
        type: 'source.nats',
        ...label,
        config: {
          ...common,
          subject: readSubject(b.stream),
          deliver: 'all',
          envelope: true,
          createStream: `${b.stream}.>`,
        },
      });
      if (readId !== n.id) {
        edges = edges.map((e) => (e.from.node === n.id ? { ...e, from: { node: readId, port: 'out' } } : e));
      }
    }
  }
  return { ...graph, nodes, edges };
}
