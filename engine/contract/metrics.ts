import type { ConnectorStatus } from './connector.js';

/**
 * Metrics frames (SPEC §7), published by the runtime at least 4 times a second. Plain data,
 * structured-clone and JSON safe. History (one minute per series) is kept by whoever listens
 * (the host, the renderer), not by the runtime.
 */
export interface EdgeMetrics {
  /** Events that crossed the edge since the run started (exact). */
  total: number;
  /** Events per second over the last second. */
  rate: number;
  /**
   * Bytes per second over the last second: exact where the edge crosses threads (the encoded
   * batches); where it does not (fused, same worker) nothing is encoded and the figure is the
   * events' estimated wire size, from one event in 128.
   */
  bytesRate: number;
  /** Events waiting in the edge's queue. */
  queued: number;
  capacity: number;
  /** Share (0..1) of the last second its producer was blocked on this edge. */
  backpressure: number;
  /** Latency from source emission to arrival, ms. null before any sample. */
  latencyP50: number | null;
  latencyP99: number | null;
  /** Topic subscriptions: events published but not yet read by this subscriber. */
  lag?: number;
  /** Topic subscriptions in drop-oldest mode: events this subscriber skipped. */
  skipped?: number;
  /** Event time (SPEC §12): the watermark last forwarded on the edge, null before any. */
  watermark?: number | null;
  /** The newest event time sent on the edge (its producer's), null before any. */
  newestTime?: number | null;
  /** The producer has gone idle: the edge does not hold its consumer's watermark back. */
  idle?: boolean;
}

export type NodeStatus = 'starting' | 'running' | 'idle' | 'ended' | 'failed';

export interface NodeMetrics {
  in: number;
  out: number;
  errors: number;
  dropped: number;
  /** Share (0..1) of the last second spent processing. */
  busy: number;
  /** Event-time watermark (windows), null if the node keeps none. */
  watermark: number | null;
  /**
   * The newest event time the node has seen (windows): the watermark's lag is measured against
   * it, not against the wall clock, so replayed or historical data reads sensibly.
   */
  eventTime?: number | null;
  stateSize: number;
  status: NodeStatus;
  /** Events sent to the `late` port (windows, reorder, join). */
  late?: number;
  /** Connectors (SPEC §10): connection state, attempts, last error, broker lag (summed over instances). */
  connection?: ConnectorStatus;
}

export type RunStatus = 'starting' | 'running' | 'recovering' | 'stopping' | 'finished' | 'stopped' | 'failed';

export interface RunMetrics {
  status: RunStatus;
  elapsedMs: number;
  /** Events per second leaving the sources, last second. */
  sourceRate: number;
  checkpoints: {
    count: number;
    lastId: number | null;
    lastDurationMs: number | null;
    lastBytes: number | null;
    /**
     * The longest pause one operator took for the last checkpoint: taking its snapshot and
     * encoding it, on its own thread, while its events wait. ms.
     */
    lastPauseMs: number | null;
    /** The node whose operator took that pause. */
    lastPauseNodeId?: string | null;
  };
  restarts: number;
  /**
   * A group member's frame (`startGroupRun`): the partitions whose frames it sums, ascending,
   * of the group's `of`. The canvas shows only these, not the whole group.
   */
  partitions?: { held: number[]; of: number };
}

export interface MetricsSnapshot {
  /** Wall-clock ms of the frame. */
  t: number;
  run: RunMetrics;
  nodes: Record<string, NodeMetrics>;
  edges: Record<string, EdgeMetrics>;
}
