import type { ExecutionPlan } from '../compiler/ExecutionPlan.js';
import type {
  ConnectorStatus,
  EdgeMetrics,
  MetricsSnapshot,
  NodeMetrics,
  NodeStatus,
  RunMetrics,
} from '../contract/index.js';
import { mergeStatus } from './mergeStatus.js';
import { addInto, newHistogram, percentile, subtract } from './Histogram.js';
import type { WorkerCounters } from './protocol.js';

interface Totals {
  t: number;
  edgeEvents: number[];
  edgeBytes: number[];
  edgeBlockedMs: number[];
  edgeLatency: number[][];
  nodeBusyMs: number[];
  nodeOut: number[];
}

/**
 * Merges the workers' cumulative counters into frames (SPEC §7). Rates, busy and backpressure
 * shares and latency percentiles are taken over the last second by differencing cumulative
 * totals, so a late or lost report never double-counts.
 */
export class MetricsAggregator {
  private readonly latest = new Map<number, WorkerCounters>();
  private readonly history: Totals[] = [];
  private readonly sourceNodes: number[];

  /** Per edge: capacity summed over the target's instances (fixed for the plan). */
  private readonly capacities: number[];

  constructor(private readonly plan: ExecutionPlan) {
    this.sourceNodes = plan.nodes.flatMap((n, i) => (n.type.startsWith('source.') ? [i] : []));
    const parallelism = new Map(plan.nodes.map((n) => [n.id, n.parallelism]));
    this.capacities = plan.edges.map((e) => e.capacity * (parallelism.get(e.toNode) ?? 1));
  }

  report(worker: number, counters: WorkerCounters): void {
    this.latest.set(worker, counters);
  }

  /**
   * Workers are being replaced (a restart): keep what they counted, so totals stay cumulative
   * over the run. Events replayed from the checkpoint are counted again: they crossed again.
   */
  retireAll(): void {
    for (const c of this.latest.values()) {
      const b = (this.retired ??= emptyLike(c));
      for (const k of CUMULATIVE) addInto(b[k], c[k]);
      b.edgeLatency.forEach((h, i) => addInto(h, c.edgeLatency[i] as number[]));
    }
    this.latest.clear();
  }

  private retired: WorkerCounters | null = null;

  /** Latest counters of live workers, plus what retired workers counted. */
  private all(): WorkerCounters[] {
    return this.retired ? [...this.latest.values(), this.retired] : [...this.latest.values()];
  }

  /** Build a frame at wall time `t`. */
  frame(
    t: number,
    run: Omit<RunMetrics, 'sourceRate'>,
    nodeStatus: (nodeIndex: number) => NodeStatus,
  ): MetricsSnapshot {
    const plan = this.plan;
    const nE = plan.edges.length;
    const nN = plan.nodes.length;
    const sum = (pick: (c: WorkerCounters) => number[]): number[] => {
      const out: number[] = [];
      for (const c of this.all()) {
        const a = pick(c);
        for (let i = 0; i < a.length; i++) out[i] = (out[i] ?? 0) + (a[i] as number);
      }
      return out;
    };
    const pad = (a: number[], n: number): number[] => {
      for (let i = 0; i < n; i++) a[i] ??= 0;
      return a;
    };
    const totals: Totals = {
      t,
      edgeEvents: pad(
        sum((c) => c.edgeEvents),
        nE,
      ),
      edgeBytes: pad(
        sum((c) => c.edgeBytes),
        nE,
      ),
      edgeBlockedMs: pad(
        sum((c) => c.edgeBlockedMs),
        nE,
      ),
      edgeLatency: Array.from({ length: nE }, (_, i) => {
        const h = newHistogram();
        for (const c of this.all()) addInto(h, c.edgeLatency[i] as number[]);
        return h;
      }),
      nodeBusyMs: pad(
        sum((c) => c.nodeBusyMs),
        nN,
      ),
      nodeOut: pad(
        sum((c) => c.nodeOut),
        nN,
      ),
    };
    this.history.push(totals);
    // Keep about 1 s of history: the oldest entry at least 1 s old stays as the baseline.
    while (this.history.length > 2 && (this.history[1] as Totals).t <= t - 1000) this.history.shift();
    const base = this.history[0] as Totals;
    const dt = Math.max(1, t - base.t);
    const perSec = (now: number, then: number): number => ((now - then) * 1000) / dt;

    const queued = pad(
      sum((c) => c.edgeQueued),
      nE,
    );
    const skipped = pad(
      sum((c) => c.edgeSkipped),
      nE,
    );
    const edges: Record<string, EdgeMetrics> = {};
    plan.edges.forEach((e, i) => {
      const lat = base === totals ? totals.edgeLatency[i]! : subtract(totals.edgeLatency[i]!, base.edgeLatency[i]!);
      let lag: number | null = null;
      for (const c of this.latest.values()) if (c.edgeLag[i] != null) lag = (lag ?? 0) + (c.edgeLag[i] as number);
      const m: EdgeMetrics = {
        total: totals.edgeEvents[i]!,
        rate: base === totals ? 0 : perSec(totals.edgeEvents[i]!, base.edgeEvents[i]!),
        bytesRate: base === totals ? 0 : perSec(totals.edgeBytes[i]!, base.edgeBytes[i]!),
        queued: queued[i]!,
        capacity: this.capacities[i]!,
        backpressure: base === totals ? 0 : clamp01((totals.edgeBlockedMs[i]! - base.edgeBlockedMs[i]!) / dt),
        latencyP50: percentile(lat, 0.5),
        latencyP99: percentile(lat, 0.99),
      };
      if (lag !== null) {
        m.lag = lag;
        m.skipped = skipped[i]!;
      }
      // Event time: the slowest producer instance's watermark, idle only if all are.
      let active: number | null = null;
      let quiet: number | null = null;
      let newest: number | null = null;
      for (const c of this.latest.values()) {
        const w = c.edgeWatermark[i];
        if (w != null) {
          if (c.edgeIdle[i]) quiet = quiet === null ? w : Math.min(quiet, w);
          else active = active === null ? w : Math.min(active, w);
        }
        const t = c.edgeNewest[i];
        if (t != null) newest = newest === null ? t : Math.max(newest, t);
      }
      if (active !== null || quiet !== null) {
        m.watermark = active ?? quiet;
        m.idle = active === null;
      }
      if (newest !== null) m.newestTime = newest;
      edges[e.id] = m;
    });

    const nodeIn = pad(
      sum((c) => c.nodeIn),
      nN,
    );
    const errors = pad(
      sum((c) => c.nodeErrors),
      nN,
    );
    const dropped = pad(
      sum((c) => c.nodeDropped),
      nN,
    );
    const stateSize = pad(
      sum((c) => c.nodeStateSize),
      nN,
    );
    const late = pad(
      sum((c) => c.nodeLate),
      nN,
    );
    const nodes: Record<string, NodeMetrics> = {};
    plan.nodes.forEach((n, i) => {
      let wm: number | null = null;
      let newest: number | null = null;
      for (const c of this.latest.values()) {
        const w = c.nodeWatermark[i];
        if (w != null) wm = wm === null ? w : Math.min(wm, w);
        const e = c.nodeEventTime?.[i];
        if (e != null) newest = newest === null ? e : Math.max(newest, e);
      }
      let connection: ConnectorStatus | null = null;
      for (const c of this.latest.values()) {
        const s = c.nodeConnection?.[i];
        if (s) connection = mergeStatus(connection, s);
      }
      nodes[n.id] = {
        ...(connection ? { connection } : {}),
        in: nodeIn[i]!,
        out: totals.nodeOut[i]!,
        errors: errors[i]!,
        dropped: dropped[i]!,
        busy: base === totals ? 0 : clamp01((totals.nodeBusyMs[i]! - base.nodeBusyMs[i]!) / dt / n.parallelism),
        watermark: wm,
        ...(newest !== null ? { eventTime: newest } : {}),
        stateSize: stateSize[i]!,
        status: nodeStatus(i),
      };
      if (late[i]! > 0) nodes[n.id]!.late = late[i]!;
    });
    // A broker source's consumer lag (JetStream pending, Redis group lag) shows on its edges.
    for (const i of this.sourceNodes) {
      const lag = nodes[plan.nodes[i]!.id]?.connection?.lag;
      if (lag == null) continue;
      for (const e of plan.edges)
        if (e.fromNode === plan.nodes[i]!.id && edges[e.id]!.lag === undefined) edges[e.id]!.lag = lag;
    }
    let sourceRate = 0;
    if (base !== totals) for (const i of this.sourceNodes) sourceRate += perSec(totals.nodeOut[i]!, base.nodeOut[i]!);
    return { t, run: { ...run, sourceRate }, nodes, edges };
  }
}

/** Counters that only grow; gauges (queued, watermark, state size, lag) are not carried over. */
const CUMULATIVE = [
  'edgeEvents',
  'edgeBytes',
  'edgeBlockedMs',
  'nodeIn',
  'nodeOut',
  'nodeErrors',
  'nodeDropped',
  'nodeBusyMs',
  'edgeSkipped',
  'nodeLate',
] as const;

function emptyLike(c: WorkerCounters): WorkerCounters {
  const zeros = (a: readonly unknown[]): number[] => new Array<number>(a.length).fill(0);
  return {
    edgeEvents: zeros(c.edgeEvents),
    edgeBytes: zeros(c.edgeBytes),
    edgeQueued: zeros(c.edgeQueued),
    edgeBlockedMs: zeros(c.edgeBlockedMs),
    edgeLatency: c.edgeLatency.map((h) => zeros(h)),
    nodeIn: zeros(c.nodeIn),
    nodeOut: zeros(c.nodeOut),
    nodeErrors: zeros(c.nodeErrors),
    nodeDropped: zeros(c.nodeDropped),
    nodeBusyMs: zeros(c.nodeBusyMs),
    nodeWatermark: c.nodeWatermark.map(() => null),
    ...(c.nodeEventTime ? { nodeEventTime: c.nodeEventTime.map(() => null) } : {}),
    nodeStateSize: zeros(c.nodeStateSize),
    edgeLag: c.edgeLag.map(() => null),
    edgeSkipped: zeros(c.edgeSkipped),
    nodeLate: zeros(c.nodeLate),
    edgeWatermark: c.edgeWatermark.map(() => null),
    edgeIdle: c.edgeIdle.map(() => false),
    edgeNewest: c.edgeNewest.map(() => null),
    nodeConnection: c.nodeConnection.map(() => null),
  };
}

const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x);
