import type { ExecutionPlan } from '../../compiler/ExecutionPlan.js';
import type { SluiceEvent } from '../../contract/index.js';
import { mergeStatus } from '../mergeStatus.js';
import { envelopeOf } from '../../contract/index.js';
import { wallNow } from '../clock.js';
import { newHistogram, recordLatency } from '../Histogram.js';
import type { WorkerCounters, WorkerFact } from '../protocol.js';
import type { InChannel } from './InChannel.js';
import type { InstanceHost } from './InstanceHost.js';
import type { OutChannel } from './OutChannel.js';

/** Events sampled per tapped edge per metrics report. */
const TAP_SAMPLES = 20;
/** Events of a batch sampled for latency: one in this many. */
const LATENCY_STRIDE = 64;

/**
 * The counters of one worker and their report: cumulative per edge and node (the coordinator
 * differences them into rates), gauges read at report time (queues, blocked time, state
 * size), and the events sampled on tapped edges.
 */
export class WorkerMetrics {
  readonly counters: WorkerCounters;
  /** Per edge index: whether it is tapped (checked per emitted event). */
  readonly tapped: boolean[];
  /** Per edge: ms fused producers spent waiting on a pausing or refusing node. */
  readonly fusedBlockedMs: number[];
  private readonly taps = new Map<number, SluiceEvent[]>();

  constructor(plan: ExecutionPlan) {
    const nE = plan.edges.length;
    const nN = plan.nodes.length;
    this.counters = {
      edgeEvents: new Array(nE).fill(0),
      edgeBytes: new Array(nE).fill(0),
      edgeQueued: new Array(nE).fill(0),
      edgeBlockedMs: new Array(nE).fill(0),
      edgeLatency: Array.from({ length: nE }, newHistogram),
      nodeIn: new Array(nN).fill(0),
      nodeOut: new Array(nN).fill(0),
      nodeErrors: new Array(nN).fill(0),
      nodeDropped: new Array(nN).fill(0),
      nodeBusyMs: new Array(nN).fill(0),
      nodeWatermark: new Array(nN).fill(null),
      nodeEventTime: new Array(nN).fill(null),
      nodeStateSize: new Array(nN).fill(0),
      edgeLag: new Array(nE).fill(null),
      edgeSkipped: new Array(nE).fill(0),
      nodeLate: new Array(nN).fill(0),
      edgeWatermark: new Array(nE).fill(null),
      edgeIdle: new Array(nE).fill(false),
      edgeNewest: new Array(nE).fill(null),
      nodeConnection: new Array(nN).fill(null),
    };
    this.tapped = new Array(nE).fill(false);
    this.fusedBlockedMs = new Array(nE).fill(0);
  }

  setTap(edgeIndex: number, on: boolean): void {
    this.tapped[edgeIndex] = on;
    if (!on) this.taps.delete(edgeIndex);
  }

  tapSample(edgeIndex: number, e: SluiceEvent): void {
    let list = this.taps.get(edgeIndex);
    if (!list) this.taps.set(edgeIndex, (list = []));
    if (list.length < TAP_SAMPLES) list.push(e);
  }

  /**
   * Latency of a batch arriving on a channel, from a sample of its events (one in
   * LATENCY_STRIDE); the same sample and the batch's last event give the edge's newest event time.
   */
  sampleLatency(edgeIndex: number, events: readonly SluiceEvent[]): void {
    this.sample(
      edgeIndex,
      events.length,
      (i) => (events[i] as SluiceEvent).time,
      (i) => (events[i] as SluiceEvent).emittedAt,
    );
  }

  /** `sampleLatency` for a batch still encoded (`EncodedBatch.t`: times, then emission stamps). */
  sampleBatchLatency(edgeIndex: number, t: Float64Array): void {
    const n = t.length / 2;
    this.sample(
      edgeIndex,
      n,
      (i) => t[i] as number,
      (i) => t[n + i] as number,
    );
  }

  private sample(edgeIndex: number, n: number, time: (i: number) => number, emittedAt: (i: number) => number): void {
    if (n === 0) return;
    const now = wallNow();
    const h = this.counters.edgeLatency[edgeIndex] as number[];
    let newest = this.counters.edgeNewest[edgeIndex] ?? Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i += LATENCY_STRIDE) {
      recordLatency(h, now - emittedAt(i));
      const at = time(i);
      if (at > newest) newest = at;
    }
    const last = time(n - 1);
    if (last > newest) newest = last;
    if (newest !== Number.NEGATIVE_INFINITY) this.counters.edgeNewest[edgeIndex] = newest;
  }

  addBytes(edgeIndex: number, bytes: number): void {
    this.counters.edgeBytes[edgeIndex] = (this.counters.edgeBytes[edgeIndex] as number) + bytes;
  }

  /** A task's turn took `ms`: every instance of it was busy that long (fused: they share it). */
  addBusy(hosts: readonly InstanceHost[], ms: number): void {
    const busy = this.counters.nodeBusyMs;
    for (const h of hosts) busy[h.nodeIndex] = (busy[h.nodeIndex] as number) + ms;
  }

  addFusedBlocked(edges: readonly number[], ms: number): void {
    for (const e of edges) this.fusedBlockedMs[e] = (this.fusedBlockedMs[e] as number) + ms;
  }

  /** Post the counters (gauges read now) and the tapped samples since the last report. */
  report(
    worker: number,
    parts: { ins: readonly InChannel[]; outs: readonly OutChannel[]; hosts: Iterable<InstanceHost> },
    post: (fact: WorkerFact) => void,
  ): void {
    const c = this.counters;
    c.edgeQueued.fill(0);
    for (const i of parts.ins) c.edgeQueued[i.edgeIndex] = (c.edgeQueued[i.edgeIndex] as number) + i.queued;
    for (const o of parts.outs) c.edgeQueued[o.edgeIndex] = (c.edgeQueued[o.edgeIndex] as number) + o.pending;
    // Blocked time is cumulative per channel and per fused edge; the frame differences it.
    c.edgeBlockedMs.fill(0);
    for (const o of parts.outs) c.edgeBlockedMs[o.edgeIndex] = (c.edgeBlockedMs[o.edgeIndex] as number) + o.blockedMs;
    for (let e = 0; e < this.fusedBlockedMs.length; e++)
      c.edgeBlockedMs[e] = (c.edgeBlockedMs[e] as number) + (this.fusedBlockedMs[e] as number);
    c.nodeStateSize.fill(0);
    c.nodeIn.fill(0);
    c.nodeConnection.fill(null);
    for (const h of parts.hosts) {
      const status = h.op.connectorStatus?.();
      if (status) c.nodeConnection[h.nodeIndex] = mergeStatus(c.nodeConnection[h.nodeIndex] ?? null, status);
      c.nodeStateSize[h.nodeIndex] = (c.nodeStateSize[h.nodeIndex] as number) + (h.op.stateSize?.() ?? 0);
      // Cumulative, like the counters: each instance's own count since the worker started.
      c.nodeIn[h.nodeIndex] = (c.nodeIn[h.nodeIndex] as number) + h.taken;
      // A source's edges: its exact newest time (other edges sample theirs).
      if (h.maxTime !== Number.NEGATIVE_INFINITY) {
        for (const routes of Object.values(h.routes)) {
          for (const r of routes) {
            const was = c.edgeNewest[r.edgeIndex];
            if (was == null || h.maxTime > was) c.edgeNewest[r.edgeIndex] = h.maxTime;
          }
        }
      }
    }
    post({ type: 'metricsReported', worker, at: wallNow(), counters: c });
    for (const [edgeIndex, events] of this.taps) {
      if (events.length > 0) post({ type: 'edgeTapped', edgeIndex, events: events.map(envelopeOf) });
    }
    this.taps.clear();
  }
}
