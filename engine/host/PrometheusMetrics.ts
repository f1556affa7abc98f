import type { Counter, Gauge, Registry } from 'prom-client';
import type { GraphFile, MetricsSnapshot, RunEvent, RunStatus } from '../contract/index.js';

const RUN_STATUSES = [
  'starting',
  'running',
  'recovering',
  'stopping',
  'finished',
  'stopped',
  'failed',
] as const satisfies readonly RunStatus[];

type Labels<K extends string> = Record<K, string>;
/** prom-client's classes, passed in: the module is loaded only for runs that export (it takes ~60 ms). */
type PromClient = typeof import('prom-client');

/**
 * A counter that mirrors a cumulative total from the frames. Prometheus counters only go up by
 * increments; the frame carries totals, so each update adds the difference. A total that went
 * down (it never does within one run) restarts its series, which Prometheus reads as a reset.
 */
class TotalCounter<K extends string> {
  private readonly counter: Counter<K>;
  private readonly last = new Map<string, number>();

  constructor(prom: PromClient, registry: Registry, name: string, help: string, labelNames: readonly K[]) {
    this.counter = new prom.Counter({ name, help, labelNames, registers: [registry] });
  }

  set(labels: Labels<K>, total: number): void {
    const key = JSON.stringify(labels);
    const before = this.last.get(key);
    if (before === undefined || total < before) {
      if (before !== undefined) this.counter.remove(labels);
      this.counter.inc(labels, total);
    } else if (total > before) {
      this.counter.inc(labels, total - before);
    }
    this.last.set(key, total);
  }
}

/**
 * SPEC §7's metrics in Prometheus's data model, fed with a run's events (`observe`) and read as
 * the text format (`text`). Names follow Prometheus conventions: a `sluice_` prefix, the thing
 * (`edge`, `node`, `run`, `alert`), base units in the name (`_seconds`, `_bytes`, `_ratio` for
 * shares), `_total` for counters. Labels: `graph` (its name) on every series, `edge` or `node`
 * (the id; nodes also `type`), `quantile` for latency, `status` for the run's state set, `alert`
 * (its id). Rates and shares are the engine's figures over the last second, exported as gauges
 * beside the counters they come from, so a dashboard can use either.
 *
 * A registry of its own (not prom-client's global one), so two runs in one process never mix.
 */
export class PrometheusMetrics {
  readonly registry: Registry;
  private readonly graphName: string;
  private readonly nodeTypes: Map<string, string>;

  private readonly edgeEvents: TotalCounter<'graph' | 'edge'>;
  private readonly edgeSkipped: TotalCounter<'graph' | 'edge'>;
  private readonly edgeRate: Gauge<'graph' | 'edge'>;
  private readonly edgeBytesRate: Gauge<'graph' | 'edge'>;
  private readonly edgeQueued: Gauge<'graph' | 'edge'>;
  private readonly edgeCapacity: Gauge<'graph' | 'edge'>;
  private readonly edgeBackpressure: Gauge<'graph' | 'edge'>;
  private readonly edgeLatency: Gauge<'graph' | 'edge' | 'quantile'>;
  private readonly edgeLag: Gauge<'graph' | 'edge'>;

  private readonly nodeIn: TotalCounter<'graph' | 'node' | 'type'>;
  private readonly nodeOut: TotalCounter<'graph' | 'node' | 'type'>;
  private readonly nodeErrors: TotalCounter<'graph' | 'node' | 'type'>;
  private readonly nodeDropped: TotalCounter<'graph' | 'node' | 'type'>;
  private readonly nodeBusy: Gauge<'graph' | 'node' | 'type'>;
  private readonly nodeWatermark: Gauge<'graph' | 'node' | 'type'>;
  private readonly nodeState: Gauge<'graph' | 'node' | 'type'>;

  private readonly runStatus: Gauge<'graph' | 'status'>;
  private readonly runElapsed: Gauge<'graph'>;
  private readonly runSourceRate: Gauge<'graph'>;
  private readonly runCheckpoints: TotalCounter<'graph'>;
  private readonly runRestarts: TotalCounter<'graph'>;
  private readonly lastCheckpointId: Gauge<'graph'>;
  private readonly lastCheckpointDuration: Gauge<'graph'>;
  private readonly lastCheckpointBytes: Gauge<'graph'>;
  private readonly lastCheckpointPause: Gauge<'graph'>;

  private readonly alertFiring: Gauge<'graph' | 'alert'>;

  /** Load prom-client and build the series of `graph`'s run (see the constructor). */
  static async create(graph: GraphFile, alertIds: readonly string[]): Promise<PrometheusMetrics> {
    return new PrometheusMetrics(await import('prom-client'), graph, alertIds);
  }

  /** `alertIds`: every alert of the graph, exported as not firing until one fires. */
  constructor(prom: PromClient, graph: GraphFile, alertIds: readonly string[]) {
    this.registry = new prom.Registry();
    this.graphName = graph.name;
    this.nodeTypes = new Map(graph.nodes.map((n) => [n.id, n.type]));
    const r = this.registry;
    const gauge = <K extends string>(name: string, help: string, labelNames: readonly K[]): Gauge<K> =>
      new prom.Gauge({ name, help, labelNames, registers: [r] });
    const E = ['graph', 'edge'] as const;
    const N = ['graph', 'node', 'type'] as const;
    const G = ['graph'] as const;

    this.edgeEvents = new TotalCounter(
      prom,
      r,
      'sluice_edge_events_total',
      'Events that crossed the edge in this run.',
      E,
    );
    this.edgeRate = gauge('sluice_edge_events_per_second', 'Events per second crossing the edge, last second.', E);
    this.edgeBytesRate = gauge('sluice_edge_bytes_per_second', 'Bytes per second crossing the edge, last second.', E);
    this.edgeQueued = gauge('sluice_edge_queued_events', 'Events waiting in the edge’s queue.', E);
    this.edgeCapacity = gauge('sluice_edge_capacity_events', 'Capacity of the edge’s queue, in events.', E);
    this.edgeBackpressure = gauge(
      'sluice_edge_backpressure_ratio',
      'Share (0..1) of the last second the edge’s producer was blocked on it.',
      E,
    );
    this.edgeLatency = gauge(
      'sluice_edge_latency_seconds',
      'Latency from source emission to arrival over the last second, by quantile (0.5, 0.99).',
      [...E, 'quantile'],
    );
    this.edgeLag = gauge(
      'sluice_edge_lag_events',
      'Events published to a topic but not yet read by this subscription (topic subscriptions only).',
      E,
    );
    this.edgeSkipped = new TotalCounter(
      prom,
      r,
      'sluice_edge_skipped_events_total',
      'Events a drop-oldest topic subscription skipped in this run.',
      E,
    );

    this.nodeIn = new TotalCounter(prom, r, 'sluice_node_in_events_total', 'Events into the node in this run.', N);
    this.nodeOut = new TotalCounter(prom, r, 'sluice_node_out_events_total', 'Events out of the node in this run.', N);
    this.nodeErrors = new TotalCounter(
      prom,
      r,
      'sluice_node_errors_total',
      'Events that failed in the node in this run.',
      N,
    );
    this.nodeDropped = new TotalCounter(
      prom,
      r,
      'sluice_node_dropped_events_total',
      'Events the node dropped by its own config in this run.',
      N,
    );
    this.nodeBusy = gauge('sluice_node_busy_ratio', 'Share (0..1) of the last second the node spent processing.', N);
    this.nodeWatermark = gauge(
      'sluice_node_watermark_timestamp_seconds',
      'The node’s event-time watermark, as Unix time (nodes that keep one).',
      N,
    );
    this.nodeState = gauge('sluice_node_state_entries', 'Entries of the node’s state (keys, ids, retained events).', N);

    this.runStatus = gauge('sluice_run_status', 'The run’s status: 1 for the current one, 0 for the others.', [
      'graph',
      'status',
    ]);
    this.runElapsed = gauge('sluice_run_elapsed_seconds', 'Time since the run started.', G);
    this.runSourceRate = gauge('sluice_run_source_events_per_second', 'Events per second leaving the sources.', G);
    this.runCheckpoints = new TotalCounter(
      prom,
      r,
      'sluice_run_checkpoints_total',
      'Checkpoints completed in this run.',
      G,
    );
    this.runRestarts = new TotalCounter(
      prom,
      r,
      'sluice_run_restarts_total',
      'Restarts from the last checkpoint after a crash or hang.',
      G,
    );
    this.lastCheckpointId = gauge('sluice_run_last_checkpoint_id', 'Id of the last completed checkpoint.', G);
    this.lastCheckpointDuration = gauge(
      'sluice_run_last_checkpoint_duration_seconds',
      'How long the last checkpoint took.',
      G,
    );
    this.lastCheckpointBytes = gauge('sluice_run_last_checkpoint_bytes', 'Size of the last checkpoint.', G);
    this.lastCheckpointPause = gauge(
      'sluice_run_last_checkpoint_pause_seconds',
      'The longest pause one operator took for the last checkpoint.',
      G,
    );

    this.alertFiring = gauge('sluice_alert_firing', 'Whether the alert fires now (1) or not (0).', ['graph', 'alert']);
    for (const alert of alertIds) this.alertFiring.set({ graph: this.graphName, alert }, 0);
  }

  /** Take what a run's event says: frames, status changes and alerts; other events are ignored. */
  observe(event: RunEvent): void {
    switch (event.type) {
      case 'metricsPublished':
        this.frame(event.snapshot);
        return;
      case 'runStatusChanged':
        this.status(event.status);
        return;
      case 'alertFired':
      case 'alertCleared':
        this.alertFiring.set({ graph: this.graphName, alert: event.alertId }, event.type === 'alertFired' ? 1 : 0);
        return;
      default:
        return;
    }
  }

  /** The exposition text (Prometheus text format 0.0.4). */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private frame(m: MetricsSnapshot): void {
    const graph = this.graphName;
    for (const [edge, e] of Object.entries(m.edges)) {
      const l = { graph, edge };
      this.edgeEvents.set(l, e.total);
      this.edgeRate.set(l, e.rate);
      this.edgeBytesRate.set(l, e.bytesRate);
      this.edgeQueued.set(l, e.queued);
      this.edgeCapacity.set(l, e.capacity);
      this.edgeBackpressure.set(l, e.backpressure);
      setOrRemove(this.edgeLatency, { ...l, quantile: '0.5' }, e.latencyP50, 1 / 1000);
      setOrRemove(this.edgeLatency, { ...l, quantile: '0.99' }, e.latencyP99, 1 / 1000);
      setOrRemove(this.edgeLag, l, e.lag, 1);
      if (e.skipped !== undefined) this.edgeSkipped.set(l, e.skipped);
    }
    for (const [node, n] of Object.entries(m.nodes)) {
      const l = { graph, node, type: this.nodeTypes.get(node) ?? '' };
      this.nodeIn.set(l, n.in);
      this.nodeOut.set(l, n.out);
      this.nodeErrors.set(l, n.errors);
      this.nodeDropped.set(l, n.dropped);
      this.nodeBusy.set(l, n.busy);
      setOrRemove(this.nodeWatermark, l, n.watermark, 1 / 1000);
      this.nodeState.set(l, n.stateSize);
    }
    const g = { graph };
    const run = m.run;
    this.status(run.status);
    this.runElapsed.set(g, run.elapsedMs / 1000);
    this.runSourceRate.set(g, run.sourceRate);
    this.runCheckpoints.set(g, run.checkpoints.count);
    this.runRestarts.set(g, run.restarts);
    setOrRemove(this.lastCheckpointId, g, run.checkpoints.lastId, 1);
    setOrRemove(this.lastCheckpointDuration, g, run.checkpoints.lastDurationMs, 1 / 1000);
    setOrRemove(this.lastCheckpointBytes, g, run.checkpoints.lastBytes, 1);
    setOrRemove(this.lastCheckpointPause, g, run.checkpoints.lastPauseMs, 1 / 1000);
  }

  private status(status: RunStatus): void {
    for (const s of RUN_STATUSES) this.runStatus.set({ graph: this.graphName, status: s }, s === status ? 1 : 0);
  }
}

/** A figure the frame may lack (no latency sample yet, no watermark): no series, not a 0 that lies. */
function setOrRemove<K extends string>(
  gauge: Gauge<K>,
  labels: Labels<K>,
  value: number | null | undefined,
  scale: number,
): void {
  if (typeof value === 'number' && Number.isFinite(value)) gauge.set(labels, value * scale);
  else gauge.remove(labels);
}
