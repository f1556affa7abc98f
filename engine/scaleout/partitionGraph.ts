import type { GraphFile, GraphNode } from '../contract/graphFile.js';
import { UserError } from '../contract/operator.js';
import { brokerOf, brokerPartitions, brokerReaderId, expandBrokerTopics } from '../graph/brokerTopics.js';

/** The largest `partitions` a group accepts: KV holds one lease and one checkpoint key each. */
export const MAX_PARTITIONS = 4096;

/**
 * Sinks whose commit record lives in one machine's state store: a partition that moves to
 * another member would lose the record (and the file would start over, or rows repeat). In a
 * group, outputs go to sinks that commit where every member can see it.
 */
const LOCAL_COMMIT_SINKS = new Set(['sink.file', 'sink.sqlite']);

/** The graph's `settings.partitions`, checked for a group run. */
export function groupPartitions(graph: GraphFile): number {
  const p = graph.settings?.partitions;
  if (p === undefined)
    throw new UserError(
      `graph "${graph.name}" has no settings.partitions: a group run splits the keyed part into that many partitions (e.g. "partitions": 12)`,
    );
  if (!Number.isInteger(p) || p < 1 || p > MAX_PARTITIONS)
    throw new UserError(
      `settings.partitions must be a whole number from 1 to ${MAX_PARTITIONS}, not ${JSON.stringify(p)}`,
    );
  for (const n of graph.nodes)
    if (LOCAL_COMMIT_SINKS.has(n.type))
      throw new UserError(
        `node "${n.id}": ${n.type} cannot be shared by a group's members (its commits are recorded in one machine's state store, so a partition that moves would repeat or lose output); use a sink every member reaches, such as sink.postgres or sink.nats`,
      );
  for (const n of graph.nodes) {
    const b = brokerOf(n);
    if (b !== null && brokerPartitions(b, graph) !== p)
      throw new UserError(
        `node "${n.id}": the broker topic hashes keys over ${brokerPartitions(b, graph)} partitions and the group over ${p}; partition p reads only ${b.stream}.<p>, so they must be the same (leave the topic's partitions unset to use the graph's)`,
      );
  }
  return p;
}

/**
 * Partition `p` of `partitions` of a graph (issue 15): the same graph, with a filter behind
 * every source that keeps the events whose key hashes to `p` — the hash the runtime uses to
 * pick an instance (`partitionOf`: FNV-1a, null keys to 0), so per-key order holds within a
 * partition as it does within an instance. Each partition is a run of its own, with its own
 * state and checkpoints, owned by one member at a time.
 *
 * Every partition reads its sources from the start of their replayable input and keeps its
 * share, which suits deterministic sources (generator, file, a stream read from a sequence):
 * the sources' positions are part of each partition's checkpoint. A broker-backed topic's
 * subscription is the exception: partition p reads only `<stream>.<p>`, where publishers put
 * the keys that hash to p, so each event is read once in the whole group, not once per partition.
 */
export function partitionGraph(whole: GraphFile, p: number, partitions: number): GraphFile {
  // A broker-backed topic is already partitioned (its publishers route by the same hash to
  // `<stream>.<p>`): partition p reads only its own subject, and needs no filter behind it.
  const readers = new Set(
    whole.nodes
      .filter((n) => brokerOf(n) !== null && whole.edges.some((e) => e.from.node === n.id))
      .map((n) => brokerReaderId(whole, n.id)),
  );
  const graph = expandBrokerTopics(whole, (stream) => `${stream}.${p}`);
  const sources = graph.nodes.filter((n) => n.type.startsWith('source.') && !readers.has(n.id));
  const filters: GraphNode[] = sources.map((s) => ({
    id: partitionFilterId(s.id),
    type: 'filter',
    label: `partition ${p} of ${partitions}`,
    config: { predicate: partitionPredicate(p, partitions) },
  }));
  const bySource = new Set(sources.map((s) => s.id));
  const edges = graph.edges.map((e) =>
    bySource.has(e.from.node) ? { ...e, from: { node: partitionFilterId(e.from.node), port: 'out' } } : e,
  );
  const feeds = sources.map((s, i) => ({
    id: `${partitionFilterId(s.id)}-in`,
    from: { node: s.id, port: 'out' },
    to: { node: filters[i]!.id, port: 'in' },
  }));
  return {
    ...graph,
    name: `${graph.name} [partition ${p}]`,
    nodes: [...graph.nodes, ...filters],
    edges: [...feeds, ...edges],
  };
}

export function partitionFilterId(sourceId: string): string {
  return `${sourceId}.partition`;
}

/** A filter predicate true for the events whose key `partitionOf` puts in `p`. */
export function partitionPredicate(p: number, partitions: number): string {
  return `((k) => { if (k === null) return 0; let h = 0x811c9dc5; for (let i = 0; i < k.length; i++) { h ^= k.charCodeAt(i); h = Math.imul(h, 0x01000193); } return (h >>> 0) % ${partitions}; })(key) === ${p}`;
}
