import type { ExecutionPlan } from '../compiler/ExecutionPlan.js';
import type { RunMetrics } from '../contract/index.js';
import type { NewDeadLetter, SnapshotInput } from '../store/StateStore.js';
import type { CheckpointStorage } from './CheckpointStorage.js';
import { matchState } from './CheckpointStorage.js';
import { wallNow } from './clock.js';
import type { StartWorker, WorkerCommand, WorkerFact } from './protocol.js';

/** The first checkpoint after workers start comes at most this soon (see `schedule`). */
const FIRST_CHECKPOINT_MS = 250;

/** What the checkpoint coordinator needs from its run. */
export interface CheckpointCoordinatorDeps {
  plan: ExecutionPlan;
  storage: CheckpointStorage;
  /** The checkpoint the run starts from, matched to the plan once, when the run was prepared. */
  restore: StartWorker['restore'];
  broadcast(cmd: WorkerCommand): void;
  /** Workers of the current generation, each of which confirms a commit; 0 while restarting. */
  workers(): number;
  /** True once every worker of the current generation has started (barriers can flow). */
  ready(): boolean;
  /** Checkpoint `id` is durable; `received` is every instance's stream position at its barrier. */
  durable(id: number, received: ReadonlyMap<string, number>): void;
  /** Every worker has committed checkpoint `id` (`final`: the run's last). */
  committed(id: number, final: boolean): void;
  /** The final checkpoint could not be written. */
  finalFailed(reason: string): void;
  logError(message: string): void;
}

interface InFlight {
  id: number;
  startedAt: number;
  final: boolean;
  snapshots: Map<string, SnapshotInput>;
  /** Per instance: events received and set aside before the barrier (this generation). */
  positions: Map<string, { received: number; setAside: number }>;
  /** The longest operator pause reported for this checkpoint so far. */
  pauseMs: number;
  /** The node of that operator. */
  pauseNodeId: string | null;
  committedBy: Set<number>;
}

/**
 * Drives checkpoints (SPEC §6). Checkpoint n, step by step:
 * 1. `triggerCheckpoint n` to every worker; source tasks snapshot their offset and put barrier n
 *    on their outputs; tasks whose inputs have all ended snapshot at once.
 * 2. Barriers flow with the events; a task snapshots when barrier n has arrived on every input
 *    that has not ended, then forwards it.
 * 3. When every instance's snapshot has arrived, the snapshots and the dead letters since the
 *    last checkpoint are written in one transaction.
 * 4. `completeCheckpoint n`: sinks make visible what n staged; each worker confirms.
 * Only one checkpoint is in flight at a time. The latest completed checkpoint's id is kept
 * here, so nothing reads the store to learn it.
 */
export class CheckpointCoordinator {
  /** The newest durable checkpoint: what a restart restores. */
  latestId: number | null;
  private inFlight: InFlight | null = null;
  private lastTriggeredId = 0;
  private count = 0;
  private last: { id: number; durationMs: number; bytes: number; pauseMs: number; pauseNodeId: string | null } | null =
    null;
  private pendingDeadLetters: NewDeadLetter[] = [];
  private timer: NodeJS.Timeout | null = null;
  private disposed = false;
  private readonly instanceCount: number;
  private readonly sinkInstances: Map<string, string>;
  /** Per sink instance: events committed by earlier generations of workers of this run. */
  private readonly committedBefore = new Map<string, number>();
  /** Per sink instance: events committed by the current generation, at its latest checkpoint. */
  private committedNow = new Map<string, number>();

  constructor(private readonly d: CheckpointCoordinatorDeps) {
    this.latestId = d.restore?.checkpointId ?? null;
    this.instanceCount = Object.keys(d.plan.instances).length;
    const sinkNodes = new Set(d.plan.nodes.filter((n) => n.type.startsWith('sink.')).map((n) => n.id));
    this.sinkInstances = new Map(
      Object.values(d.plan.instances)
        .filter((i) => sinkNodes.has(i.nodeId))
        .map((i) => [i.key, i.nodeId]),
    );
  }

  /** True when no checkpoint is in flight. */
  get idle(): boolean {
    return this.inFlight === null;
  }

  /**
   * The next checkpoint after the interval; the first one of a (re)started generation of
   * workers after at most FIRST_CHECKPOINT_MS, because sinks show output only when a checkpoint
   * commits and a person watching a restart wants to see it resume.
   */
  schedule(first = false): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const interval = this.d.plan.checkpointIntervalMs;
    if (interval <= 0 || this.disposed) return;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        if (this.idle) this.trigger(false);
      },
      first ? Math.min(interval, FIRST_CHECKPOINT_MS) : interval,
    );
  }

  /** Start checkpoint n (`final`: the run ends when it commits). Not while workers (re)start. */
  trigger(final: boolean): void {
    if (this.disposed || this.inFlight || this.d.workers() === 0 || !this.d.ready()) return;
    // After a failed write the store's next id is unchanged, but tasks have already snapshotted
    // under it and ignore a repeat: always move past the last id triggered.
    const id = Math.max(this.d.storage.nextCheckpointId(), this.lastTriggeredId + 1, (this.latestId ?? 0) + 1);
    this.lastTriggeredId = id;
    this.inFlight = {
      id,
      startedAt: wallNow(),
      final,
      snapshots: new Map(),
      positions: new Map(),
      pauseMs: 0,
      pauseNodeId: null,
      committedBy: new Set(),
    };
    this.d.broadcast({ type: 'triggerCheckpoint', checkpointId: id });
  }

  /** Dead letters reported by workers: stored with the next checkpoint. */
  addDeadLetters(rows: readonly NewDeadLetter[]): void {
    for (const r of rows) this.pendingDeadLetters.push(r);
  }

  /** Step 3: collect a snapshot; the last one makes the checkpoint durable. */
  snapshotTaken(f: Extract<WorkerFact, { type: 'snapshotTaken' }>): void {
    const cp = this.inFlight;
    if (!cp || cp.id !== f.checkpointId) return;
    const inst = this.d.plan.instances[f.instance]!;
    const node = this.d.plan.nodes[inst.nodeIndex]!;
    if (f.pauseMs >= cp.pauseMs) {
      cp.pauseMs = f.pauseMs;
      cp.pauseNodeId = inst.nodeId;
    }
    cp.positions.set(f.instance, { received: f.received, setAside: f.setAside });
    cp.snapshots.set(f.instance, {
      operatorId: inst.operatorId,
      instance: inst.index,
      nodeId: inst.nodeId,
      type: inst.type,
      configHash: node.configHash,
      state: f.state,
    });
    if (cp.snapshots.size < this.instanceCount) return;
    const deadLetters = this.pendingDeadLetters;
    this.pendingDeadLetters = [];
    let bytes: number;
    try {
      ({ bytes } = this.d.storage.writeCheckpoint({
        id: cp.id,
        startedAt: cp.startedAt,
        snapshots: [...cp.snapshots.values()],
        deadLetters,
      }));
    } catch (err) {
      // The checkpoint did not become durable: the previous one stands. Try again next interval.
      this.pendingDeadLetters = deadLetters.concat(this.pendingDeadLetters);
      const message = err instanceof Error ? err.message : String(err);
      this.d.logError(`checkpoint ${cp.id} failed: ${message}`);
      this.inFlight = null;
      if (cp.final) this.d.finalFailed(`the final checkpoint could not be written: ${message}`);
      else this.schedule();
      return;
    }
    this.count++;
    this.last = {
      id: cp.id,
      durationMs: wallNow() - cp.startedAt,
      bytes,
      pauseMs: cp.pauseMs,
      pauseNodeId: cp.pauseNodeId,
    };
    this.latestId = cp.id;
    const received = new Map<string, number>();
    for (const [key, p] of cp.positions) {
      received.set(key, p.received);
      if (this.sinkInstances.has(key)) this.committedNow.set(key, p.received - p.setAside);
    }
    this.d.durable(cp.id, received);
    this.d.broadcast({ type: 'completeCheckpoint', checkpointId: cp.id, ...(cp.final ? { final: true } : {}) });
  }

  /** Step 4: a worker committed; the last one ends the checkpoint. */
  committedBy(checkpointId: number, worker: number): void {
    const cp = this.inFlight;
    if (!cp || cp.id !== checkpointId) return;
    cp.committedBy.add(worker);
    if (cp.committedBy.size < this.d.workers()) return;
    this.inFlight = null;
    this.d.committed(cp.id, cp.final);
  }

  /**
   * The workers are being replaced: what was in flight is lost, and so are the dead letters
   * of work after the latest checkpoint (that work is done again). What the lost generation
   * committed stays committed.
   */
  restarting(): void {
    this.inFlight = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pendingDeadLetters = [];
    for (const [key, n] of this.committedNow) this.committedBefore.set(key, (this.committedBefore.get(key) ?? 0) + n);
    this.committedNow = new Map();
  }

  /**
   * The latest durable checkpoint mapped onto the plan, for a restart: the prepared one while
   * this run has written none, else read (and verified) from the store.
   */
  restorePoint(): StartWorker['restore'] {
    if (this.latestId === (this.d.restore?.checkpointId ?? null)) return this.d.restore;
    const latest = this.d.storage.latestCheckpoint();
    return latest ? { checkpointId: latest.id, states: matchState(this.d.plan, latest).states } : null;
  }

  /** Events each sink node committed in this run: what the completed checkpoints cover. */
  committedEvents(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [key, nodeId] of this.sinkInstances) {
      out[nodeId] = (out[nodeId] ?? 0) + (this.committedBefore.get(key) ?? 0) + (this.committedNow.get(key) ?? 0);
    }
    return out;
  }

  metrics(): RunMetrics['checkpoints'] {
    return {
      count: this.count,
      lastId: this.last?.id ?? null,
      lastDurationMs: this.last?.durationMs ?? null,
      lastBytes: this.last?.bytes ?? null,
      lastPauseMs: this.last?.pauseMs ?? null,
      lastPauseNodeId: this.last?.pauseNodeId ?? null,
    };
  }

  /** The run is over: no more checkpoints. */
  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
