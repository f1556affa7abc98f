import type { DeadLetter, EventEnvelope } from '../contract/EngineApi.js';
import type { OperatorId } from '../contract/ids.js';

/**
 * The records a `StateStore` takes and gives: checkpoints and their snapshots, dead letters,
 * sink commits. Apart from the store so its file stays one concept; `StateStore.ts` re-exports
 * them.
 */

/** One operator instance's state, as the runtime hands it to `writeCheckpoint`. */
export interface SnapshotInput {
  /** Stable across graph edits (contract `OperatorId`). */
  operatorId: OperatorId | string;
  /** Instance index when `parallelism` > 1; default 0. */
  instance?: number;
  nodeId: string;
  /** The node type (`aggregate`, `source.file`, …): a restore into another type is refused. */
  type: string;
  /** Hash of the node's config, so a changed config can be detected on restore. */
  configHash: string;
  /** `encodeState(operator.snapshot(id))`, encoded in the operator's worker. */
  state: Uint8Array;
}

/** A checkpoint whose barriers have passed every operator. */
export interface CheckpointWrite {
  /** From `nextCheckpointId()`; must be above every stored id. */
  id: number;
  /** Wall-clock ms when the coordinator injected the barriers. */
  startedAt: number;
  snapshots: readonly SnapshotInput[];
  /** Dead letters to store atomically with this checkpoint (so a replay does not repeat them). */
  deadLetters?: readonly NewDeadLetter[];
}

export interface CheckpointWritten {
  /** Sum of the snapshots' sizes. */
  bytes: number;
  /** From `startedAt` to the moment the transaction began to commit (as stored for the history). */
  durationMs: number;
  /** Time spent in SQLite alone, commit and fsync included. */
  writeMs: number;
}

/** One operator's stored state in the checkpoint to restore from. */
export interface RestoredOperator {
  operatorId: string;
  nodeId: string;
  type: string;
  configHash: string;
  /** Encoded state per instance: `states[i]` is instance i's (for `decodeState`). */
  states: Uint8Array[];
  bytes: number;
}

export interface RestoredCheckpoint {
  id: number;
  startedAt: number;
  completedAt: number;
  /** Keyed by operator id; every blob already verified against its checksum. */
  snapshots: Map<string, RestoredOperator>;
}

/** A failed event to keep (SPEC §4: an unconnected `error` port, or a poison event). */
export interface NewDeadLetter {
  nodeId: string;
  error: string;
  event: EventEnvelope;
  /** Wall-clock ms; default now. */
  time?: number;
  /** How many times the event was tried before it was given up on; default 1. */
  attempts?: number;
}

/** A stored dead letter (contract `DeadLetter` plus the attempt count). */
export interface StoredDeadLetter extends DeadLetter {
  attempts: number;
}

/** The last commit a transactional sink recorded. */
export interface SinkCommit {
  checkpointId: number;
  /** What the sink recorded (for `FileCommitter`: `{ length }`). */
  info: unknown;
  committedAt: number;
}

/**
 * Where transactional sinks record their commits: the small part of `StateStore` that
 * `FileCommitter` needs, so it can be given just that.
 */
export interface SinkCommitLog {
  /** The state store's file, for messages. */
  readonly path: string;
  /** The store's lineage (`StateStore.storeId`): sinks mark their output with it. */
  readonly storeId: string;
  /** Whether the store was created by `--fresh` (`StateStore.createdFresh`). */
  readonly createdFresh: boolean;
  lastSinkCommit(operatorId: string): SinkCommit | null;
  recordSinkCommit(operatorId: string, checkpointId: number, info: unknown): void;
}
