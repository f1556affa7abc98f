import type { SourceOperator } from '../../contract/index.js';
import type { InChannel } from './InChannel.js';
import type { InstanceHost } from './InstanceHost.js';
import type { OutChannel } from './OutChannel.js';

/**
 * A fused chain inside a worker: a root instance (the only one with channel inputs) and the
 * instances called from it. The scheduler gives a task turns; within a turn everything is
 * synchronous, which is why a snapshot between turns is consistent for the whole chain.
 */
export class Task {
  /** ended: end-of-stream sent downstream. ending: inputs done, waiting for pumps to drain. */
  phase: 'running' | 'ending' | 'ended' = 'running';
  sourceEnded = false;
  /** Source asked not to be polled before this wall time (rate limit, follow mode). */
  sourceIdleUntil = 0;
  /** Input paused until this wall time (throttle), and by which instance. */
  pausedUntil = 0;
  pausedBy: InstanceHost | null = null;
  /**
   * Set once an instance of the task has paused its input: from then on the task takes its
   * input one event at a time and stops the moment it is paused again, so a throttle never
   * holds more than one event beyond what its queue holds (memory stays bounded by capacity).
   */
  pauses = false;
  /** Fused edges whose producer waited on a pausing instance in the last turn (backpressure). */
  blockedFused: readonly number[] = [];
  /** Highest checkpoint this task has snapshotted. */
  lastSnapshot = -1;
  /** Channels whose lack of credit blocked this task in the last turn, with when it began. */
  blockedOn: OutChannel[] = [];
  /** Round-robin start over inputs, so one busy input does not starve the others. */
  nextInput = 0;
  /** A source: when it last polled empty after emitting (0: it emitted at its last poll). */
  quietSince = 0;
  /**
   * `idleTimeoutMs` of the root (0: never idle). A source quiet this long is idle; for other
   * tasks, an input channel that brought no events or watermark for this long is.
   */
  readonly idleTimeoutMs: number;
  /** The root as a source (polled for events), or null for a task fed by channels. */
  readonly source: SourceOperator | null;
  readonly pumpers: InstanceHost[];
  readonly acceptors: InstanceHost[];

  constructor(
    readonly id: number,
    readonly root: InstanceHost,
    readonly hosts: InstanceHost[],
    readonly inputs: InChannel[],
    readonly outputs: OutChannel[],
    /** Outputs whose credit bounds the task's input (all but topic subscriptions). */
    private readonly gating: OutChannel[] = outputs,
  ) {
    this.source = root.source;
    const idle = Number(root.plan.config.idleTimeoutMs ?? 0);
    this.idleTimeoutMs = Number.isFinite(idle) && idle > 0 ? idle : 0;
    this.pumpers = hosts.filter((h) => typeof h.op.pump === 'function');
    this.acceptors = hosts.filter((h) => typeof h.op.accepts === 'function');
  }

  get isSource(): boolean {
    return this.source !== null;
  }

  /**
   * Events this task may take in one turn without outrunning any gating output's credit; 0
   * while an output has less room than is worth a batch (`OutChannel.minRoom`).
   */
  budget(max: number): number {
    for (const o of this.gating) if (o.room < o.minRoom) return 0;
    return this.roomLeft(max);
  }

  /**
   * The room left in this turn's batches (no `minRoom` gate): how much more a source polled
   * again in the same turn may emit, so its batches fill (a chain that keeps half its events
   * sent batches of a quarter of the capacity when a second poll waited for `minRoom`).
   */
  roomLeft(max: number): number {
    let b = max;
    for (const o of this.gating) if (o.room < b) b = o.room;
    return Math.max(0, b);
  }
}
