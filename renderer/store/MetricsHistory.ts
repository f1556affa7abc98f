import type { MetricsSnapshot } from '../../engine/contract/metrics.js';
import { RingBuffer } from './RingBuffer.js';

/** Seconds of history kept per series (SPEC §7: one minute for sparklines). */
export const HISTORY_SECONDS = 60;
/** Frames per second the runtime publishes at (≥ 4); the rings are sized for it. */
export const FRAMES_PER_SECOND = 4;
export const HISTORY_LENGTH = HISTORY_SECONDS * FRAMES_PER_SECOND;

/** The series kept per edge, in hover-card order. */
export const EDGE_SERIES = ['rate', 'queued', 'backpressure', 'latencyP50', 'latencyP99', 'bytesRate', 'lag'] as const;
export type EdgeSeries = (typeof EDGE_SERIES)[number];
/** The series kept per node. */
export const NODE_SERIES = ['busy', 'stateSize'] as const;
export type NodeSeries = (typeof NODE_SERIES)[number];
export const RUN_SERIES = ['sourceRate'] as const;

/**
 * One minute of every metric series of a run, as fixed rings that are written in place when a
 * frame arrives. It lives outside React state on purpose: a frame's new `snapshot` object is what
 * makes components re-render; they then read the rings (a sparkline needs the whole minute, a
 * copy-on-write array would cost an allocation per series per frame).
 */
export class MetricsHistory {
  private readonly series = new Map<string, RingBuffer>();
  /** Frame times, one per recorded frame; every series has one value per frame. */
  readonly times = new RingBuffer(HISTORY_LENGTH);

  constructor(readonly capacity = HISTORY_LENGTH) {}

  /** The ring of `edge:<id>:<series>`, `node:<id>:<series>` or `run:<series>`, if any frame had it. */
  get(key: string): RingBuffer | undefined {
    return this.series.get(key);
  }

  edge(id: string, series: EdgeSeries): RingBuffer | undefined {
    return this.series.get(`edge:${id}:${series}`);
  }

  node(id: string, series: NodeSeries): RingBuffer | undefined {
    return this.series.get(`node:${id}:${series}`);
  }

  /** Append one frame. A value missing from the frame (latency before a sample) is recorded as NaN, a gap. */
  record(snapshot: MetricsSnapshot): void {
    this.times.push(snapshot.t);
    this.put('run:sourceRate', snapshot.run.sourceRate);
    for (const id in snapshot.edges) {
      const m = snapshot.edges[id]!;
      this.put(`edge:${id}:rate`, m.rate);
      this.put(`edge:${id}:queued`, m.queued);
      this.put(`edge:${id}:backpressure`, m.backpressure);
      this.put(`edge:${id}:latencyP50`, m.latencyP50 ?? NaN);
      this.put(`edge:${id}:latencyP99`, m.latencyP99 ?? NaN);
      this.put(`edge:${id}:bytesRate`, m.bytesRate);
      if (m.lag !== undefined) this.put(`edge:${id}:lag`, m.lag);
    }
    for (const id in snapshot.nodes) {
      const m = snapshot.nodes[id]!;
      this.put(`node:${id}:busy`, m.busy);
      this.put(`node:${id}:stateSize`, m.stateSize);
    }
  }

  clear(): void {
    this.series.clear();
    this.times.clear();
  }

  private put(key: string, value: number): void {
    let ring = this.series.get(key);
    if (!ring) this.series.set(key, (ring = new RingBuffer(this.capacity)));
    ring.push(value);
  }
}
