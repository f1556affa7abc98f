import type {
  ContractViolation,
  ConnectorStatus,
  Emitter,
  Operator,
  OperatorContext,
  OperatorIo,
  SluiceEvent,
  SourceOperator,
} from '../../contract/index.js';
import { EncodedEvent, envelopeOf, peekValue, valueJson } from '../../contract/index.js';

import type { PlanInstance } from '../../compiler/ExecutionPlan.js';
import { wallNow } from '../clock.js';
import { recordLatency } from '../Histogram.js';
import { partitionOf } from '../partition.js';
import type { WorkerCounters } from '../protocol.js';
import type { ContractChecker } from '../../contracts/node/compileContractChecker.js';
import { describeViolation, type SourceGate } from './ContractGates.js';
import type { OutChannel } from './OutChannel.js';

/**
 * An edge's contract, checked before an event is routed onto the edge; a failing event's dead
 * letter is the edge's consumer's (replaying it delivers it where it was going).
 */
export interface EdgeCheck {
  check: ContractChecker;
  consumer: string;
}

/** Where one output port's events go, resolved to live objects; `check`: the edge's contract, or null. */
/**
 * `ahead` (on a route to another thread): the receiver's own contract (a sink's), checked here
 * while the value is an object, so the receiver need not decode it to check it (OutChannel's
 * `checkedAgainst`); a failing event is still sent, and the receiver refuses it as its own.
 */
export type Route =
  | { kind: 'fused'; edgeIndex: number; target: InstanceHost; port: string; check: EdgeCheck | null }
  | { kind: 'single'; edgeIndex: number; channel: OutChannel; check: EdgeCheck | null; ahead: ContractChecker | null }
  | {
      kind: 'hash';
      edgeIndex: number;
      channels: OutChannel[];
      check: EdgeCheck | null;
      ahead: ContractChecker | null;
    };

/** Approximate wire size of an event: what the batch codec would send for it. */
export function approxSize(e: SluiceEvent): number {
  return 16 + e.id.length + (e.key === null ? 0 : e.key.length) + valueJson(e).length;
}

/**
 * The hooks the runtime calls on any operator, sources included, each optional: both
 * `Operator` and `SourceOperator` are assignable to it, so the scheduler calls hooks without
 * asking which kind it holds.
 */
export interface OperatorHooks {
  open?(): void;
  onTimer?(now: number, out: Emitter): void;
  onWatermark?(wm: number, input: number, idle: boolean, out: Emitter): number;
  onEnd?(out: Emitter): void;
  snapshot?(checkpointId: number): unknown;
  readonly snapshotOwned?: boolean;
  durable?(): Promise<void> | null;
  restore?(state: unknown): void;
  onCheckpointComplete?(checkpointId: number): void;
  stateSize?(): number;
  connectorStatus?(): ConnectorStatus | null;
  /** Connector sinks at the run's end: resolves once what committed checkpoints cover is sent (or `ms` passed). */
  settle?(ms: number): Promise<boolean>;
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
  /**
   * A source's newest event time emitted (−∞ before any): its watermark. From the source's
   * `newestTime`, else read off each event it emits (`pollOut`). Never in `emit` itself: one more
   * line there cost the fused pipeline ~5% CPU per event (measured A/B); edges sample theirs.
   */
  maxTime = Number.NEGATIVE_INFINITY;
  /** What a source emits into when polled: this host, or (no `newestTime`) a wrapper reading each event's time. */
  pollOut: Emitter = this;
  /** The watermark forwarded on every output (−∞ before any), and whether the outputs are idle. */
  outWatermark = Number.NEGATIVE_INFINITY;
  outIdle = false;
  /** A watermark held back while the operator has output waiting in `pump` (throttle, topic). */
  watermarkHeld = false;
  /** Per input: its watermark signal and whether it is idle (see `inputWatermark`). */
  private readonly inWatermarks: number[];
  private readonly inIdle: boolean[];
  private readonly delay: number;
  private processor: Operator = NO_INPUT;
  private readonly counters: WorkerCounters;
  private readonly tapped: boolean[];
  private readonly inFlight: Float64Array;
  /** Ascending `received` positions to set aside, with why; the head is `skipAt` (0: none). */
  private skips: Array<{ at: number; reason: string }> = [];
  private skipAt = 0;
  /** A source's contract: what it emits passes it (checked, upcast); null: no contract. */
  private outGate: SourceGate | null = null;
  /** A sink's contract: what it receives is checked first; null: no contract. */
  private inCheck: ContractChecker | null = null;
  /** The contract of `inCheck` (`orders@2`): an event the producer checked against it is admitted as it is. */
  private inRef: string | undefined = undefined;

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
    this.inWatermarks = new Array<number>(plan.inputCount).fill(Number.NEGATIVE_INFINITY);
    this.inIdle = new Array<boolean>(plan.inputCount).fill(false);
    const d = Number(plan.config.watermarkDelayMs ?? 0);
    this.delay = Number.isFinite(d) && d > 0 ? d : 0;
  }

  /** Take the operator the node's descriptor created. */
  attach(op: Operator | SourceOperator): void {
    this.op = op;
    if (op.kind === 'source' && op.newestTime === undefined) {
      this.pollOut = {
        emit: (port, e) => {
          if (e.time > this.maxTime) this.maxTime = e.time;
          this.emit(port, e);
        },
      };
    }
    if (op.kind === 'source') this.source = op;
    else this.processor = op;
  }

  /**
   * The node's contract checks (SPEC §11): a source's gate on what it emits, a sink's check of
   * what it receives. Edge contracts sit on the routes.
   */
  setContracts(outGate: SourceGate | null, inCheck: ContractChecker | null, inRef?: string): void {
    this.outGate = outGate;
    this.inCheck = inCheck;
    this.inRef = inRef;
  }

  /**
   * An event its contract refused: counted as the node's error, then to its `error` port as
   * `{ event, error, node, contract, path }` when that is connected, else to the dead letters
   * (of `letterOf`, this node by default) with the message and the failing field's JSON pointer.
   * An event refused on its way out of the error port itself goes to the dead letters (else it
   * would go round). The run goes on. Out of line: the hot path only tests for a contract.
   */
  contractFailed(
    e: SluiceEvent,
    why: ContractViolation,
    also?: string,
    letterOf = this.plan.nodeId,
    fromErrorPort = false,
  ): void {
    const c = this.counters;
    c.nodeErrors[this.nodeIndex] = (c.nodeErrors[this.nodeIndex] as number) + 1;
    const error = describeViolation(why, also);
    if (this.routes.error !== undefined && !fromErrorPort) {
      this.emit('error', {
        ...e,
        value: { event: envelopeOf(e), error, node: this.plan.nodeId, contract: why.contract, path: why.path },
      });
    } else {
      this.s.deadLetter(letterOf, e, error);
    }
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
      wake: () => s.wake(this),
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
      countLate: (n) => (c.nodeLate[this.nodeIndex] = (c.nodeLate[this.nodeIndex] as number) + n),
      log: (level, message) => s.log(p.nodeId, level, message),
      io: s.io,
    };
  }

  emit(port: string, e: SluiceEvent): void {
    const routes = this.routes[port];
    const c = this.counters;
    // An unconnected port (late, else, an output nobody reads): the event leaves the graph here.
    if (routes === undefined) return;
    if (this.outGate !== null && port !== 'error') {
      const passed = this.outGate(e);
      if (passed === null) return;
      e = passed;
    }
    c.nodeOut[this.nodeIndex] = (c.nodeOut[this.nodeIndex] as number) + 1;
    // Routes to sinks on one contract (a changelog and a table) check the value once.
    let lastAhead: ContractChecker | null = null;
    let lastPassed = false;
    for (let i = 0; i < routes.length; i++) {
      const r = routes[i] as Route;
      if (r.check !== null) {
        const why = r.check.check(peekValue(e));
        if (why !== null) {
          this.contractFailed(e, why, undefined, r.check.consumer, port === 'error');
          continue;
        }
      }
      const count = (c.edgeEvents[r.edgeIndex] as number) + 1;
      c.edgeEvents[r.edgeIndex] = count;
      if (this.tapped[r.edgeIndex]) this.s.tapSample(r.edgeIndex, e);
      if (r.kind === 'fused') {
        // One event in 128 of each edge is measured (by the edge's own count: a count shared by
        // a host's routes put every sample on the same one of two fan-out edges).
        if ((count & 127) === 0) this.sampleFused(r.edgeIndex, e, count);
        r.target.deliver(e, r.port, 0);
      } else {
        const channel =
          r.kind === 'single' ? r.channel : (r.channels[partitionOf(e.key, r.channels.length)] as OutChannel);
        if (r.ahead === null) channel.push(e);
        else {
          if (r.ahead !== lastAhead) {
            lastAhead = r.ahead;
            lastPassed = r.ahead(peekValue(e)) === null;
          }
          if (lastPassed) channel.push(e);
          else channel.pushUnchecked(e);
        }
      }
    }
  }

  /**
   * One fused event in 128 (the edge's `count`-th): its latency and time; one in 1024, from the
   * 128th, also its size, standing for the 1024 (a fused edge serialises nothing, so bytes/s
   * there is what the events would weigh on the wire). Sizing is a stringify of the value: one
   * in 128 was 5% of Nexmark q8's CPU (its source fans out every bid to two filters). Kept out
   * of `emit`, which must stay small to be inlined.
   */
  private sampleFused(edgeIndex: number, e: SluiceEvent, count: number): void {
    const c = this.counters;
    recordLatency(c.edgeLatency[edgeIndex] as number[], wallNow() - e.emittedAt);
    if ((count & 1023) === 128) c.edgeBytes[edgeIndex] = (c.edgeBytes[edgeIndex] as number) + 1024 * approxSize(e);
    const newest = c.edgeNewest[edgeIndex];
    if (newest == null || e.time > newest) c.edgeNewest[edgeIndex] = e.time;
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
    if (this.inCheck !== null && !this.admits(e)) return;
    this.processor.process(e, port, this, input);
  }

  /**
   * Whether events may come as values' texts now (`deliverTexts`), and which contract a batch
   * must have passed where it was sent (undefined: none is checked here): the operator takes
   * texts, and no position is due to be set aside (those come one by one, to name the event).
   */
  takesTexts(): boolean {
    return (
      this.skipAt === 0 &&
      this.processor.processValueTexts !== undefined &&
      (this.inCheck === null || this.inRef !== undefined)
    );
  }

  get textsContract(): string | undefined {
    return this.inCheck === null ? undefined : this.inRef;
  }

  /**
   * Events `from..to` of a batch, as their values' texts (`Operator.processValueTexts`). They
   * take positions as `deliver` does; the in-flight cell names the batch's last.
   */
  deliverTexts(texts: readonly string[], from: number, to: number): void {
    this.received += to - from;
    const inFlight = this.inFlight;
    inFlight[0] = this.slot;
    inFlight[1] = this.received;
    this.processor.processValueTexts!(texts, from, to);
  }

  /**
   * A replayed dead letter, delivered outside the numbered stream: it is not replayed after a
   * crash (at-most-once until a checkpoint covers it), so it must not shift the positions.
   */
  deliverReplayed(e: SluiceEvent, port: string): void {
    this.inFlight[0] = 0;
    this.replayed++;
    if (this.inCheck !== null && !this.admits(e)) return;
    this.processor.process(e, port, this, 0);
  }

  /** The sink's contract admits `e`; else it is routed as a failure. */
  private admits(e: SluiceEvent): boolean {
    // Checked by the producer before it crossed the thread (a route's `ahead`): not decoded here.
    if (e instanceof EncodedEvent && e.checkedAgainst !== undefined && e.checkedAgainst === this.inRef) return true;
    // Read, not taken: an undecoded value stays undecoded for the sink (no stringify to write it).
    const why = (this.inCheck as ContractChecker)(peekValue(e));
    if (why === null) return true;
    this.contractFailed(e, why);
    return false;
  }

  /**
   * A source's watermark after a poll: the newest event time it emitted minus its
   * `watermarkDelayMs`, forwarded when it moved (at most once per poll, so once per batch).
   */
  sourceWatermark(emitted: boolean): void {
    const own = this.source?.newestTime;
    if (own !== undefined) this.maxTime = own.call(this.source);
    if (this.maxTime === Number.NEGATIVE_INFINITY) return;
    const wm = this.maxTime - this.delay;
    const idle = this.outIdle && !emitted;
    if (wm > this.outWatermark || idle !== this.outIdle) this.forwardWatermark(wm, idle);
  }

  /**
   * The watermark signal of input `input` is `wm` (+∞: the input ended), idle or not. The
   * operator's `onWatermark` says what to forward; without it, the minimum over inputs that
   * are not idle. The outputs are idle when every open input is.
   */
  inputWatermark(input: number, wm: number, idle: boolean): void {
    const wms = this.inWatermarks;
    while (input >= wms.length) {
      wms.push(Number.NEGATIVE_INFINITY);
      this.inIdle.push(false);
    }
    if (wm > (wms[input] as number)) wms[input] = wm;
    this.inIdle[input] = idle;
    let allIdle = true;
    let min = Number.POSITIVE_INFINITY;
    for (let i = 0; i < wms.length; i++) {
      if (this.inIdle[i]) continue;
      allIdle = false;
      if ((wms[i] as number) < min) min = wms[i] as number;
    }
    let out: number;
    const hook = this.op.onWatermark;
    if (hook !== undefined) out = hook.call(this.op, wms[input] as number, input, idle, this);
    else out = allIdle ? this.outWatermark : min;
    this.forwardWatermark(out, allIdle);
  }

  /** Forward watermark `wm` (never backwards) on every output, unless `pump` still holds output. */
  forwardWatermark(wm: number, idle: boolean): void {
    if (!(wm > this.outWatermark) && idle === this.outIdle) return;
    if (wm > this.outWatermark) this.outWatermark = wm;
    this.outIdle = idle;
    if (this.op.pump !== undefined && this.op.hasPending?.() !== false) {
      this.watermarkHeld = true;
      return;
    }
    this.sendWatermark();
  }

  /** Put the forwarded watermark on every output: fused targets take it at once, channels in line. */
  sendWatermark(): void {
    this.watermarkHeld = false;
    const wm = this.outWatermark;
    const idle = this.outIdle;
    const c = this.counters;
    if (this.op.onWatermark === undefined && wm !== Number.NEGATIVE_INFINITY) c.nodeWatermark[this.nodeIndex] = wm;
    // Every route, flattened once (routes are wired before the first turn): this runs per batch.
    const all = (this.allRoutes ??= Object.values(this.routes).flat());
    for (let i = 0; i < all.length; i++) {
      const r = all[i] as Route;
      c.edgeWatermark[r.edgeIndex] = wm;
      c.edgeIdle[r.edgeIndex] = idle;
      if (r.kind === 'fused') r.target.inputWatermark(0, wm, idle);
      else if (r.kind === 'single') r.channel.pushWatermark(wm, idle);
      else for (const ch of r.channels) ch.pushWatermark(wm, idle);
    }
  }

  private allRoutes: Route[] | null = null;

  private setAsideHead(e: SluiceEvent): void {
    const skip = this.skips.shift()!;
    this.skipAt = this.skips[0]?.at ?? 0;
    this.setAsideCount++;
    this.s.setAside(this, e, skip.reason);
  }
}
