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

/**
 * The hooks the runtime calls on any operator, sources included, each optional: both
 * `Operator` and `SourceOperator` are assignable to it, so the scheduler calls hooks without
 * asking which kind it holds.
 */
export interface OperatorHooks {
  open?(): void;
  onTimer?(now: number, out: Emitter): void;
  onEnd?(out: Emitter): void;
  snapshot?(checkpointId: number): unknown;
  readonly snapshotOwned?: boolean;
  restore?(state: unknown): void;
  onCheckpointComplete?(checkpointId: number): void;
  stateSize?(): number;
  pump?(out: Emitter, credit: (port: string) => number): void;
  accepts?(): boolean;
  hasPending?(): boolean;
  close?(): void;
}

/** What an instance needs from its worker: small on purpose. */
export interface InstanceServices {
  counters: WorkerCounters;
  tapped: boolean[];
  tapSample(edgeIndex: number, e: SluiceEvent): void;
  setTimer(host: InstanceHost, at: number): void;
  pauseTask(host: InstanceHost, until: number): void;
  /**
   * Give this instance's task a turn soon, even if its source said 'idle': the path for a
   * source whose client receives messages asynchronously (`ctx.wake()`, issue 14).
   */
  wake(host: InstanceHost): void;
  deadLetter(nodeId: string, e: SluiceEvent, error: string): void;
  log(nodeId: string, level: 'info' | 'warn' | 'error', message: string): void;
  io: OperatorIo;
  /** Subscription ports per output port (topic). */
  subscriptions(instance: PlanInstance, port: string): string[];
  reportLag(instance: PlanInstance, port: string, lag: number, skipped: number): void;
  /**
   * Shared with the coordinator (see `StartWorker.progress`): [slot of the instance receiving
   * an event, events it has received]. Written before every delivery, so after the thread dies
   * or hangs the coordinator knows which event was in flight.
   */
  inFlight: Float64Array;
  /** A poison event reached its place again: dead-letter it instead of processing it. */
  setAside(host: InstanceHost, e: SluiceEvent, reason: string): void;
}

/** The operator of a host whose node type has no input (a source): delivering to it is a bug. */
const NO_INPUT: Operator = {
  process() {
    throw new Error('a source has no input');
  },
};

/**
 * One operator instance inside a worker: it owns the operator, gives it its context, and is
 * the Emitter the operator emits into. Emitting to a fused target is a direct call; to a
 * channel, a push onto the channel's outbox. Counting happens here, once per event per edge.
 */
export class InstanceHost implements Emitter {
  /** The lifecycle hooks of the operator (`attach`). */
  op: OperatorHooks = {};
  /** The operator as a source, when it is one (its task polls it). */
  source: SourceOperator | null = null;
  routes: Record<string, Route[]> = {};
  readonly nodeIndex: number;
  /** Events delivered to this instance since the worker started, set-aside ones included. */
  received = 0;
  /** Events set aside as poison since the worker started. */
  setAsideCount = 0;
  /** Replayed dead letters delivered (outside the numbered stream). */
  replayed = 0;
  private processor: Operator = NO_INPUT;
  private sample = 0;
  private readonly counters: WorkerCounters;
  private readonly tapped: boolean[];
  private readonly inFlight: Float64Array;
  /** Ascending `received` positions to set aside, with why; the head is `skipAt` (0: none). */
  private skips: Array<{ at: number; reason: string }> = [];
  private skipAt = 0;

  constructor(
    readonly plan: PlanInstance,
    /** This instance's slot in the in-flight cell (1-based; see `StartWorker.progress`). */
    readonly slot: number,
    private readonly s: InstanceServices,
  ) {
    this.nodeIndex = plan.nodeIndex;
    this.counters = s.counters;
    this.tapped = s.tapped;
    this.inFlight = s.inFlight;
  }

  /** Take the operator the node's descriptor created. */
  attach(op: Operator | SourceOperator): void {
    this.op = op;
    if (op.kind === 'source') this.source = op;
    else this.processor = op;
  }

  /** Events at these `received` positions are set aside instead of processed (poison events). */
  setSkips(skips: ReadonlyArray<{ at: number; reason: string }>): void {
    this.skips = [...skips].sort((a, b) => a.at - b.at);
    this.skipAt = this.skips[0]?.at ?? 0;
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
      reportWatermark: (wm, newest) => {
        c.nodeWatermark[this.nodeIndex] = wm;
        if (newest !== undefined && c.nodeEventTime) c.nodeEventTime[this.nodeIndex] = newest;
      },
      log: (level, message) => s.log(p.nodeId, level, message),
      io: s.io,
    };
  }

  emit(port: string, e: SluiceEvent): void {
    const routes = this.routes[port];
    const c = this.counters;
    // An unconnected port (late, else, an output nobody reads): the event leaves the graph here.
    if (routes === undefined) return;
    c.nodeOut[this.nodeIndex] = (c.nodeOut[this.nodeIndex] as number) + 1;
    for (let i = 0; i < routes.length; i++) {
      const r = routes[i] as Route;
      c.edgeEvents[r.edgeIndex] = (c.edgeEvents[r.edgeIndex] as number) + 1;
      if (this.tapped[r.edgeIndex]) this.s.tapSample(r.edgeIndex, e);
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

  /** Events this instance took in: the node's `in` count (set-aside ones are not). */
  get taken(): number {
    return this.received - this.setAsideCount + this.replayed;
  }

  /**
   * An event arrives at this instance. Its position is written to the in-flight cell first:
   * the stream into an instance replays in the same order after a restore, so (instance,
   * position after a checkpoint) names the same event on every attempt. (The position is also
   * the node's `in` count, summed at report time: no counter to bump here.)
   */
  deliver(e: SluiceEvent, port: string, input: number): void {
    const n = ++this.received;
    const inFlight = this.inFlight;
    inFlight[0] = this.slot;
    inFlight[1] = n;
    if (n === this.skipAt) {
      this.setAsideHead(e);
      return;
    }
    this.processor.process(e, port, this, input);
  }

  /**
   * A replayed dead letter, delivered outside the numbered stream: it is not replayed after a
   * crash (at-most-once until a checkpoint covers it), so it must not shift the positions.
   */
  deliverReplayed(e: SluiceEvent, port: string): void {
    this.inFlight[0] = 0;
    this.replayed++;
    this.processor.process(e, port, this, 0);
  }

  private setAsideHead(e: SluiceEvent): void {
    const skip = this.skips.shift()!;
    this.skipAt = this.skips[0]?.at ?? 0;
    this.setAsideCount++;
    this.s.setAside(this, e, skip.reason);
  }
}
