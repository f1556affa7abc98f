import type {
  Emitter,
  Operator,
  OperatorContext,
  OperatorIo,
  SluiceEvent,
  SourceOperator,
} from '../../contract/index.js';

import type { PlanInstance } from '../../compiler/ExecutionPlan.js';
import { wallNow } from '../clock.js';
import { recordLatency } from '../Histogram.js';
import { partitionOf } from '../partition.js';
import type { WorkerCounters } from '../protocol.js';
import type { OutChannel } from './OutChannel.js';

/** Where one output port's events go, resolved to live objects. */
export type Route =
  | { kind: 'fused'; edgeIndex: number; target: InstanceHost; port: string }
  | { kind: 'single'; edgeIndex: number; channel: OutChannel }
  | { kind: 'hash'; edgeIndex: number; channels: OutChannel[] };

/** Approximate wire size of an event: what the batch codec would send for it. */
export function approxSize(e: SluiceEvent): number {
  return 16 + e.id.length + (e.key === null ? 0 : e.key.length) + (JSON.stringify(e.value) ?? '').length;
}

/** What an instance needs from its worker: small on purpose. */
export interface InstanceServices {
  counters: WorkerCounters;
  tapped: boolean[];
  tapSample(edgeIndex: number, e: SluiceEvent): void;
  setTimer(host: InstanceHost, at: number): void;
  pauseTask(host: InstanceHost, until: number): void;
  deadLetter(nodeId: string, e: SluiceEvent, error: string): void;
  log(nodeId: string, level: 'info' | 'warn' | 'error', message: string): void;
  io: OperatorIo;
  /** Subscription ports per output port (topic). */
  subscriptions(instance: PlanInstance, port: string): string[];
  reportLag(instance: PlanInstance, port: string, lag: number, skipped: number): void;
}

/**
 * One operator instance inside a worker: it owns the operator, gives it its context, and is
 * the Emitter the operator emits into. Emitting to a fused target is a direct call; to a
 * channel, a push onto the channel's outbox. Counting happens here, once per event per edge.
 */
export class InstanceHost implements Emitter {
  op!: Operator | SourceOperator;
  routes: Record<string, Route[]> = {};
  readonly nodeIndex: number;
  private sample = 0;

  constructor(
    readonly plan: PlanInstance,
    private readonly s: InstanceServices,
  ) {
    this.nodeIndex = plan.nodeIndex;
  }

  /** Build the operator context. Kept apart from the hot path (called once). */
  context(): OperatorContext {
    const p = this.plan;
    const s = this.s;
    const c = s.counters;
    return {
      nodeId: p.nodeId,
      instance: p.index,
      parallelism: p.parallelism,
      inputCount: p.inputCount,
      config: p.config,
      now: wallNow,
      setTimer: (at) => s.setTimer(this, at),
      pauseInput: (until) => s.pauseTask(this, until),
      isConnected: (port) => (this.routes[port]?.length ?? 0) > 0,
      subscriptions: (port) => s.subscriptions(p, port),
      reportLag: (port, lag, skipped) => s.reportLag(p, port, lag, skipped),
      deadLetter: (e, error) => s.deadLetter(p.nodeId, e, error),
      countDropped: (n) => (c.nodeDropped[this.nodeIndex] = (c.nodeDropped[this.nodeIndex] as number) + n),
      countError: (n) => (c.nodeErrors[this.nodeIndex] = (c.nodeErrors[this.nodeIndex] as number) + n),
      reportWatermark: (wm) => (c.nodeWatermark[this.nodeIndex] = wm),
      log: (level, message) => s.log(p.nodeId, level, message),
      io: s.io,
    };
  }

  emit(port: string, e: SluiceEvent): void {
    const routes = this.routes[port];
    const c = this.s.counters;
    // An unconnected port (late, else, an output nobody reads): the event leaves the graph here.
    if (routes === undefined) return;
    c.nodeOut[this.nodeIndex] = (c.nodeOut[this.nodeIndex] as number) + 1;
    for (let i = 0; i < routes.length; i++) {
      const r = routes[i] as Route;
      c.edgeEvents[r.edgeIndex] = (c.edgeEvents[r.edgeIndex] as number) + 1;
      if (this.s.tapped[r.edgeIndex]) this.s.tapSample(r.edgeIndex, e);
      if (r.kind === 'fused') {
        // One event in 128 is measured: its latency, and its size standing for the 128 (a fused
        // edge serialises nothing, so bytes/s there is what the events would weigh on the wire).
        if ((++this.sample & 127) === 0) {
          recordLatency(c.edgeLatency[r.edgeIndex] as number[], wallNow() - e.emittedAt);
          c.edgeBytes[r.edgeIndex] = (c.edgeBytes[r.edgeIndex] as number) + 128 * approxSize(e);
        }
        r.target.deliver(e, r.port, 0);
      } else if (r.kind === 'single') {
        r.channel.push(e);
      } else {
        (r.channels[partitionOf(e.key, r.channels.length)] as OutChannel).push(e);
      }
    }
  }

  /** An event arrives at this instance. */
  deliver(e: SluiceEvent, port: string, input: number): void {
    const c = this.s.counters;
    c.nodeIn[this.nodeIndex] = (c.nodeIn[this.nodeIndex] as number) + 1;
    (this.op as Operator).process(e, port, this, input);
  }
}
