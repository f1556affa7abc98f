import type { GraphFile } from '../contract/graphFile.js';
import type { EdgeMetrics, MetricsSnapshot, NodeMetrics, RunStatus } from '../contract/metrics.js';
import { partitionFilterId } from './partitionGraph.js';

const minOf = (values: Array<number | null | undefined>): number | null => {
  let out: number | null = null;
  for (const v of values) if (typeof v === 'number' && (out === null || v < out)) out = v;
  return out;
};
const maxOf = (values: Array<number | null | undefined>): number | null => {
  let out: number | null = null;
  for (const v of values) if (typeof v === 'number' && (out === null || v > out)) out = v;
  return out;
};
const sum = (values: Array<number | undefined>): number => values.reduce<number>((a, v) => a + (v ?? 0), 0);

/**
 * One frame for the graph the user drew, from the frames of the partitions a group member runs
 * (each a run of `partitionGraph`: the same nodes and edges, plus a filter behind every source):
 * counts and rates summed, latencies and backpressure the worst, watermarks the earliest. A
 * source reads its whole input in every partition and keeps its share, so its `out` is what its
 * partition filters let through, and the source rate is what leaves them. The partition filters
 * themselves are not shown. It covers the partitions this member runs now: when one moves to
 * another member its counts leave the sums; `run.partitions` says which (the editor shows it).
 */
export function mergePartitionMetrics(
  graph: GraphFile,
  frames: readonly MetricsSnapshot[],
  run: { status: RunStatus; elapsedMs: number; t: number; partitions?: { held: number[]; of: number } },
): MetricsSnapshot {
  const sources = new Set(graph.nodes.filter((n) => n.type.startsWith('source.')).map((n) => n.id));
  const nodes: Record<string, NodeMetrics> = {};
  for (const n of graph.nodes) {
    const parts = frames.map((f) => f.nodes[n.id]).filter((m): m is NodeMetrics => m !== undefined);
    if (parts.length === 0) continue;
    const filters = sources.has(n.id)
      ? frames.map((f) => f.nodes[partitionFilterId(n.id)]).filter((m): m is NodeMetrics => m !== undefined)
      : null;
    const statuses = new Set(parts.map((m) => m.status));
    const merged: NodeMetrics = {
      in: sum(parts.map((m) => m.in)),
      out: filters ? sum(filters.map((m) => m.out)) : sum(parts.map((m) => m.out)),
      errors: sum(parts.map((m) => m.errors)),
      dropped: sum(parts.map((m) => m.dropped)),
      busy: maxOf(parts.map((m) => m.busy)) ?? 0,
      watermark: minOf(parts.map((m) => m.watermark)),
      stateSize: sum(parts.map((m) => m.stateSize)),
      status: statuses.has('failed')
        ? 'failed'
        : statuses.has('running')
          ? 'running'
          : statuses.has('starting')
            ? 'starting'
            : statuses.has('idle')
              ? 'idle'
              : 'ended',
    };
    if (parts.some((m) => m.late !== undefined)) merged.late = sum(parts.map((m) => m.late));
    if (parts.some((m) => m.eventTime !== undefined)) merged.eventTime = minOf(parts.map((m) => m.eventTime));
    const connection = parts.find((m) => m.connection)?.connection;
    if (connection) merged.connection = connection;
    nodes[n.id] = merged;
  }
  const edges: Record<string, EdgeMetrics> = {};
  let sourceRate = 0;
  for (const e of graph.edges) {
    const parts = frames.map((f) => f.edges[e.id]).filter((m): m is EdgeMetrics => m !== undefined);
    if (parts.length === 0) continue;
    const merged: EdgeMetrics = {
      total: sum(parts.map((m) => m.total)),
      rate: sum(parts.map((m) => m.rate)),
      bytesRate: sum(parts.map((m) => m.bytesRate)),
      queued: sum(parts.map((m) => m.queued)),
      capacity: sum(parts.map((m) => m.capacity)),
      backpressure: maxOf(parts.map((m) => m.backpressure)) ?? 0,
      latencyP50: maxOf(parts.map((m) => m.latencyP50)),
      latencyP99: maxOf(parts.map((m) => m.latencyP99)),
    };
    if (parts.some((m) => m.lag !== undefined)) merged.lag = sum(parts.map((m) => m.lag));
    if (parts.some((m) => m.skipped !== undefined)) merged.skipped = sum(parts.map((m) => m.skipped));
    if (parts.some((m) => m.watermark !== undefined)) merged.watermark = minOf(parts.map((m) => m.watermark));
    if (parts.some((m) => m.newestTime !== undefined)) merged.newestTime = maxOf(parts.map((m) => m.newestTime));
    if (parts.some((m) => m.idle !== undefined)) merged.idle = parts.every((m) => m.idle === true);
    edges[e.id] = merged;
    if (sources.has(e.from.node)) sourceRate += merged.rate;
  }
  const cps = frames.map((f) => f.run.checkpoints);
  const latest = cps.reduce<(typeof cps)[number] | null>(
    (a, c) => (c.lastId !== null && (a === null || a.lastId === null || c.lastId > a.lastId) ? c : a),
    null,
  );
  return {
    t: run.t,
    run: {
      status: run.status,
      elapsedMs: run.elapsedMs,
      sourceRate,
      checkpoints: {
        count: sum(cps.map((c) => c.count)),
        lastId: latest?.lastId ?? null,
        lastDurationMs: latest?.lastDurationMs ?? null,
        lastBytes: sum(cps.map((c) => c.lastBytes ?? 0)),
        lastPauseMs: maxOf(cps.map((c) => c.lastPauseMs)),
      },
      restarts: sum(frames.map((f) => f.run.restarts)),
      ...(run.partitions ? { partitions: run.partitions } : {}),
    },
    nodes,
    edges,
  };
}
