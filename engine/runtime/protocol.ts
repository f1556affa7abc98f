import type { MessagePort } from 'node:worker_threads';
import type { ExecutionPlan } from '../compiler/ExecutionPlan.js';
import type { ConnectorStatus, EventEnvelope, EventSchema } from '../contract/index.js';
import type { EncodedBatch } from './batchCodec.js';

/**
 * The thread protocol. Three unions, each plain structured-clone data discriminated on `type`:
 *
 * - WorkerCommand: coordinator → worker (verbs).
 * - WorkerFact: worker → coordinator (past-tense facts).
 * - ChannelMessage: worker ↔ worker on one channel's MessagePort: batches and control markers
 *   downstream, credit upstream.
 *
 * Guarantees the rest of the runtime relies on:
 * 1. A channel is FIFO: events, barriers and end-of-stream arrive in the order they were sent
 *    (one MessagePort per channel; MessagePort preserves order).
 * 2. A sender never has more than `capacity` events in a receiver's queue: it sends only against
 *    credit, and the receiver returns credit as it takes events out of the queue (mid-turn once
 *    half the capacity is taken, before processing them: the sender prepares its next batch
 *    while this one is processed).
 * 3. A barrier is sent only after every event emitted before it has been sent; a task snapshots
 *    only when the barrier has arrived on every input that has not ended (alignment).
 * 4. `end` is the last message on a channel.
 * 5. Every worker reports metrics every `metricsIntervalMs` from a timer; a missing report
 *    means the thread is stuck (user code that does not return).
 */
export const PROTOCOL_VERSION = 2;

export interface StartWorker {
  type: 'startWorker';
  protocol: typeof PROTOCOL_VERSION;
  plan: ExecutionPlan;
  /**
   * The graph's contracts (plain data): the worker compiles those its sources, sinks and edges
   * name, once, and checks events against them as they flow (SPEC §11).
   */
  schemas: readonly EventSchema[];
  worker: number;
  baseDir: string;
  statePath: string | null;
  /** Restored state per instance key (decoded), and the checkpoint it came from. */
  restore: { checkpointId: number; states: Record<string, Uint8Array | null> } | null;
  /** MessagePorts for remote channels touching this worker, by channel id. */
  ports: Record<number, MessagePort>;
  metricsIntervalMs: number;
  /**
   * The in-flight cell, two Float64s (exact counts, no wrap-around) the worker writes before
   * it delivers each event to an instance: [the instance's slot (1 + its index in `plan.instances` order), events that
   * instance has received since the worker started]; slot 0 while no event is being
   * delivered (timers, polls, pumps). Read by the coordinator after the thread died or hung,
   * to find the event that was in flight (see PoisonTracker).
   */
  progress: SharedArrayBuffer;
  /**
   * Events to set aside as dead letters instead of processing them (poison events found on
   * earlier attempts): the instance, the event's `received` position since this start, and
   * the sentence the dead letter carries.
   */
  skip: Array<{ instance: string; at: number; reason: string }>;
}

export type WorkerCommand =
  | StartWorker
  /** Sources snapshot and emit barrier `checkpointId`; ended tasks snapshot directly. */
  | { type: 'triggerCheckpoint'; checkpointId: number }
  /** Checkpoint is durable: sinks make its staged output visible. */
  /** `final`: the run's last; connector sinks send what it covers before the worker confirms. */
  | { type: 'completeCheckpoint'; checkpointId: number; final?: boolean }
  /** Sources stop polling (a stop or a duration limit); state is kept for resumption. */
  | { type: 'pauseSources' }
  | { type: 'tapEdge'; edgeIndex: number; on: boolean }
  /** Deliver events to a node's input now (dead letters replayed); each worker takes its instances' share. */
  | { type: 'injectEvents'; nodeId: string; events: EventEnvelope[]; port?: string }
  | { type: 'shutdown' };

export interface WorkerCounters {
  /** Per edge index: events sent, bytes sent, queued (receiver side + sender outbox), blocked ms. */
  edgeEvents: number[];
  edgeBytes: number[];
  edgeQueued: number[];
  edgeBlockedMs: number[];
  /** Per edge index: latency histogram buckets (see Histogram). */
  edgeLatency: number[][];
  /** Per node index. */
  nodeIn: number[];
  nodeOut: number[];
  nodeErrors: number[];
  nodeDropped: number[];
  nodeBusyMs: number[];
  nodeWatermark: (number | null)[];
  /** The newest event time the node has seen, where it reports one with its watermark. */
  nodeEventTime?: (number | null)[];
  /** Per node index: events sent to its `late` port. */
  nodeLate: number[];
  /** Per edge index: the watermark last forwarded on it, whether it is idle, the newest event time sent on it. */
  edgeWatermark: (number | null)[];
  edgeIdle: boolean[];
  edgeNewest: (number | null)[];
  nodeStateSize: number[];
  /** Topic subscriptions: per edge index lag and skipped. */
  edgeLag: (number | null)[];
  edgeSkipped: number[];
  /** Per node index: connector status (gauge; instances merged at report time), null for other nodes. */
  nodeConnection: (ConnectorStatus | null)[];
}

export type WorkerFact =
  | { type: 'workerStarted'; worker: number }
  | {
      type: 'snapshotTaken';
      checkpointId: number;
      instance: string;
      state: Uint8Array;
      bytes: number;
      /** How long the operator paused to snapshot and encode, ms. */
      pauseMs: number;
      /** Events the instance had received (its stream position) when it snapshotted. */
      received: number;
      /** Of those, events set aside as poison. */
      setAside: number;
    }
  | { type: 'checkpointCommitted'; checkpointId: number; worker: number }
  | { type: 'taskEnded'; taskId: number }
  | { type: 'metricsReported'; worker: number; at: number; counters: WorkerCounters }
  | { type: 'deadLettered'; rows: Array<{ nodeId: string; error: string; event: EventEnvelope; time: number }> }
  | { type: 'logged'; nodeId: string | null; level: 'info' | 'warn' | 'error'; message: string }
  /** `nodes[i]` is the node that wrote `lines[i]`. */
  | { type: 'consoleWritten'; lines: string[]; nodes?: string[] }
  | { type: 'notified'; nodeId: string; title: string; body: string }
  | { type: 'edgeTapped'; edgeIndex: number; events: EventEnvelope[] }
  | { type: 'workerFailed'; worker: number; message: string; userError: boolean; nodeId: string | null };

/**
 * In-line signals. `watermark` (SPEC §12): no event with an earlier time follows on this channel
 * (until `idle`: the sender has gone quiet and stops holding the receiver's watermark back; any
 * later message on the channel makes it active again). Sent at most once per batch, only when
 * it moved; consecutive ones not separated by events are coalesced by the sender.
 */
export type ChannelControl = { kind: 'barrier'; checkpointId: number } | { kind: 'end' } | WatermarkControl;

export type WatermarkControl = { kind: 'watermark'; time: number; idle: boolean };

/**
 * A batch may carry the watermark that follows it (`wm`, `wmIdle`: plain numbers, cheaper to
 * clone than a nested control), so a watermark costs no message of its own.
 */
export type ChannelMessage =
  | { type: 'batch'; batch: EncodedBatch; wm?: number; wmIdle?: boolean }
  | { type: 'control'; control: ChannelControl }
  | { type: 'credit'; n: number };
