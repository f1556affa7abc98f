import type { AlertSubject } from '../../contract/alert.js';
import type { MetricsSnapshot } from '../../contract/metrics.js';

/**
 * How a metric's figure is measured, which decides the threshold units a `when` may use and how
 * a value is printed.
 */
export type AlertUnit =
  /** A number of things (events, errors, entries, restarts): `1000`, `1.5k`, `2M`. */
  | 'count'
  /** Per second over the last second: `100`, `100/s`, `1.5k/s`. */
  | 'rate'
  /** A share from 0 to 1: `0.5` or `50%`. */
  | 'share'
  /** Milliseconds: `250`, `250ms`, `1.5s`. */
  | 'ms';

/** One figure an alert may watch. */
export interface AlertMetric {
  /** What the figure is, in a few words (for messages and, later, the inspector). */
  doc: string;
  unit: AlertUnit;
  /**
   * The figure in a frame for the subject with this id (ignored for `run`); null when the frame
   * has none (an edge that is no topic subscription has no lag; no latency before a sample).
   */
  read(frame: MetricsSnapshot, id: string): number | null;
  /**
   * `read` gives a cumulative total (a node's errors): the evaluator turns it into a rate per
   * second over the last second of frames, since the frame carries no such rate.
   */
  perSecond?: boolean;
}

const edge = (frame: MetricsSnapshot, id: string) => frame.edges[id];
const node = (frame: MetricsSnapshot, id: string) => frame.nodes[id];
const orNull = (v: number | null | undefined): number | null =>
  typeof v === 'number' && Number.isFinite(v) ? v : null;

/**
 * Every metric an alert may name, per subject kind (SPEC §7's figures, as the frame has them).
 * Watermark lag is not here yet: the frame has a node's watermark but not the newest event time
 * it is measured against.
 */
export const ALERT_METRICS: Readonly<Record<AlertSubject['kind'], Readonly<Record<string, AlertMetric>>>> = {
  edge: {
    lag: {
      doc: 'events published but not yet read by this topic subscription',
      unit: 'count',
      read: (f, id) => orNull(edge(f, id)?.lag),
    },
    rate: { doc: 'events per second crossing the edge', unit: 'rate', read: (f, id) => orNull(edge(f, id)?.rate) },
    bytesRate: {
      doc: 'bytes per second crossing the edge',
      unit: 'rate',
      read: (f, id) => orNull(edge(f, id)?.bytesRate),
    },
    queued: { doc: 'events waiting in the edge’s queue', unit: 'count', read: (f, id) => orNull(edge(f, id)?.queued) },
    fill: {
      doc: 'share of the queue’s capacity in use',
      unit: 'share',
      read: (f, id) => {
        const e = edge(f, id);
        return e && e.capacity > 0 ? e.queued / e.capacity : null;
      },
    },
    backpressure: {
      doc: 'share of the last second the producer was blocked on the edge',
      unit: 'share',
      read: (f, id) => orNull(edge(f, id)?.backpressure),
    },
    latencyP50: {
      doc: 'median latency from source emission to arrival',
      unit: 'ms',
      read: (f, id) => orNull(edge(f, id)?.latencyP50),
    },
    latencyP99: {
      doc: '99th percentile latency from source emission to arrival',
      unit: 'ms',
      read: (f, id) => orNull(edge(f, id)?.latencyP99),
    },
    total: {
      doc: 'events that crossed the edge in this run',
      unit: 'count',
      read: (f, id) => orNull(edge(f, id)?.total),
    },
    skipped: {
      doc: 'events a drop-oldest topic subscription skipped in this run',
      unit: 'count',
      read: (f, id) => orNull(edge(f, id)?.skipped),
    },
  },
  node: {
    rate: { doc: 'events in per second', unit: 'rate', perSecond: true, read: (f, id) => orNull(node(f, id)?.in) },
    outRate: { doc: 'events out per second', unit: 'rate', perSecond: true, read: (f, id) => orNull(node(f, id)?.out) },
    errors: {
      doc: 'failed events per second',
      unit: 'rate',
      perSecond: true,
      read: (f, id) => orNull(node(f, id)?.errors),
    },
    errorsTotal: { doc: 'failed events in this run', unit: 'count', read: (f, id) => orNull(node(f, id)?.errors) },
    dropped: {
      doc: 'events dropped per second',
      unit: 'rate',
      perSecond: true,
      read: (f, id) => orNull(node(f, id)?.dropped),
    },
    droppedTotal: { doc: 'events dropped in this run', unit: 'count', read: (f, id) => orNull(node(f, id)?.dropped) },
    busy: {
      doc: 'share of the last second spent processing',
      unit: 'share',
      read: (f, id) => orNull(node(f, id)?.busy),
    },
    stateSize: {
      doc: 'entries of state (keys, ids, retained events)',
      unit: 'count',
      read: (f, id) => orNull(node(f, id)?.stateSize),
    },
  },
  run: {
    rate: { doc: 'events per second leaving the sources', unit: 'rate', read: (f) => orNull(f.run.sourceRate) },
    errors: {
      doc: 'failed events per second, all nodes',
      unit: 'rate',
      perSecond: true,
      read: (f) => sumNodes(f, 'errors'),
    },
    errorsTotal: { doc: 'failed events in this run, all nodes', unit: 'count', read: (f) => sumNodes(f, 'errors') },
    backpressure: {
      doc: 'the highest backpressure of any edge',
      unit: 'share',
      read: (f) => maxEdges(f, (e) => e.backpressure),
    },
    lag: { doc: 'the largest lag of any topic subscription', unit: 'count', read: (f) => maxEdges(f, (e) => e.lag) },
    restarts: { doc: 'restarts after a crash or hang in this run', unit: 'count', read: (f) => orNull(f.run.restarts) },
    checkpointDuration: {
      doc: 'how long the last checkpoint took',
      unit: 'ms',
      read: (f) => orNull(f.run.checkpoints.lastDurationMs),
    },
  },
};

function sumNodes(frame: MetricsSnapshot, field: 'errors' | 'dropped'): number {
  let sum = 0;
  for (const n of Object.values(frame.nodes)) sum += n[field];
  return sum;
}

function maxEdges(
  frame: MetricsSnapshot,
  pick: (e: MetricsSnapshot['edges'][string]) => number | undefined,
): number | null {
  let max: number | null = null;
  for (const e of Object.values(frame.edges)) {
    const v = pick(e);
    if (typeof v === 'number' && (max === null || v > max)) max = v;
  }
  return max;
}

/** The metric `name` of a subject kind, or undefined (own keys only: "constructor" is no metric). */
export function alertMetric(kind: AlertSubject['kind'], name: string): AlertMetric | undefined {
  const table = ALERT_METRICS[kind];
  return Object.hasOwn(table, name) ? table[name] : undefined;
}
