import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { ExecutionPlan } from '../compiler/ExecutionPlan.js';
import type { DeadLetter, EventEnvelope, NodeStatus, RunEvent, RunStatus } from '../contract/index.js';
import { UserError } from '../contract/index.js';
import type { SnapshotInput, NewDeadLetter } from '../store/StateStore.js';
import type { CheckpointStorage } from './CheckpointStorage.js';
import { matchState } from './CheckpointStorage.js';
import { wallNow } from './clock.js';
import { MetricsAggregator } from './MetricsAggregator.js';
import type { StartWorker, WorkerCommand, WorkerFact } from './protocol.js';
import { PROTOCOL_VERSION } from './protocol.js';
import type { RunHandle, RunResult } from './RunHandle.js';
import { workerUrl } from './workerUrl.js';

export interface CoordinatorOptions {
  plan: ExecutionPlan;
  storage: CheckpointStorage;
  baseDir: string;
  statePath: string | null;
  durationMs?: number;
  metricsIntervalMs: number;
  onConsole?: (line: string) => void;
  /** A worker silent for this long is stuck (user code that never returns). */
  hangTimeoutMs?: number;
  /** Restarts from the last checkpoint before the run fails. */
  maxRestarts?: number;
}

interface LiveWorker {
  index: number;
  thread: Worker;
  lastHeard: number;
  /** [task id + 1, deliveries to that task], written by the worker per event. */
  progress: Int32Array;
}

/** The first checkpoint after workers start comes at most this soon (see scheduleCheckpoint). */
const FIRST_CHECKPOINT_MS = 250;

/** A worker dying at the same delivery this many times marks that event as poison. */
const POISON_ATTEMPTS = 2;

/**
 * Runs one execution plan: starts the workers, wires their channels, drives checkpoints,
 * merges metrics, and ends the run. Lives on the calling thread (the CLI's main thread, the
 * host's engine process); it does no per-event work.
 *
 * Checkpoint n, step by step:
 * 1. `triggerCheckpoint n` to every worker; source tasks snapshot their offset and put barrier n
 *    on their outputs; tasks whose inputs have all ended snapshot at once.
 * 2. Barriers flow with the events; a task snapshots when barrier n has arrived on every input
 *    that has not ended, then forwards it.
 * 3. When every instance's snapshot has arrived, the snapshots are written in one transaction.
 * 4. `completeCheckpoint n`: sinks make visible what n staged.
 * Only one checkpoint is in flight at a time.
 */
export class Coordinator implements RunHandle {
  readonly runId = randomUUID();
  readonly done: Promise<RunResult>;
  private resolveDone!: (r: RunResult) => void;
  private readonly listeners = new Set<(e: RunEvent) => void>();
  private workers: LiveWorker[] = [];
  private readonly metrics: MetricsAggregator;
  private status: RunStatus = 'starting';
  private readonly startedAt = wallNow();
  private started = 0;
  private endedTasks = new Set<number>();
  private inFlight: {
    id: number;
    startedAt: number;
    snapshots: Map<string, SnapshotInput>;
    final: boolean;
    /** The longest operator pause reported for this checkpoint so far. */
    pauseMs: number;
  } | null = null;
  private committedBy = new Set<number>();
  private checkpointCount = 0;
  private lastCheckpoint: { id: number; durationMs: number; bytes: number; pauseMs: number } | null = null;
  private restarts = 0;
  private stopReason: 'stopped' | null = null;
  private finishing = false;
  private checkpointTimer: NodeJS.Timeout | null = null;
  private metricsTimer: NodeJS.Timeout | null = null;
  private durationTimer: NodeJS.Timeout | null = null;
  private restoredFrom: number | null = null;
  private readonly tapped = new Set<number>();
  private readonly failedNodes = new Set<string>();
  private ended = false;
  private pendingDeadLetters: NewDeadLetter[] = [];
  private lastTriggeredId = 0;

  constructor(private readonly o: CoordinatorOptions) {
    this.done = new Promise((r) => (this.resolveDone = r));
    this.metrics = new MetricsAggregator(o.plan);
    this.tasksOfNode = o.plan.nodes.map((_, nodeIndex) =>
      Object.values(o.plan.instances)
        .filter((i) => i.nodeIndex === nodeIndex)
        .map((i) => i.taskId),
    );
  }

  /** Spawn workers from the latest checkpoint (if any) and begin. */
  begin(): void {
    this.restoredFrom = this.o.storage.latestCheckpoint()?.id ?? null;
    this.spawn(this.restorePoint());
    this.emit({
      type: 'runStarted',
      runId: this.runId,
      graphName: this.o.plan.graphName,
      resumedFrom: this.restoredFrom,
    });
    this.metricsTimer = setInterval(() => this.publish(), this.o.metricsIntervalMs);
    if (this.o.durationMs !== undefined) this.durationTimer = setTimeout(() => void this.stop(), this.o.durationMs);
  }

  subscribe(listener: (e: RunEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  tap(edgeId: string, on: boolean): void {
    const edgeIndex = this.o.plan.edges.findIndex((e) => e.id === edgeId);
    if (edgeIndex < 0) return;
    if (on) this.tapped.add(edgeIndex);
    else this.tapped.delete(edgeIndex);
    this.broadcast({ type: 'tapEdge', edgeIndex, on });
  }

  crash(): void {
    if (this.ended || this.workers.length === 0) return;
    const w = this.workers[0]!;
    // Like a crash: no checkpoint, no goodbye. The exit handler sees a worker that died.
    void w.thread.terminate();
  }

  deadLetters(limit: number): DeadLetter[] {
    // After the end the store is closed; its file (if any) is read by whoever asks then.
    return this.ended ? [] : this.o.storage.listDeadLetters({ limit });
  }

  replayDeadLetters(ids: readonly number[]): number {
    if (this.ended || this.workers.length === 0)
      throw new UserError('the run is not live; start it again to replay dead letters');
    const wanted = new Set(ids);
    const letters = this.o.storage.listDeadLetters().filter((d) => wanted.has(d.id));
    const known = new Set(this.o.plan.nodes.map((n) => n.id));
    const byNode = new Map<string, EventEnvelope[]>();
    for (const d of letters) {
      if (!known.has(d.nodeId)) continue;
      let list = byNode.get(d.nodeId);
      if (!list) byNode.set(d.nodeId, (list = []));
      list.push(d.event);
    }
    for (const [nodeId, events] of byNode) this.broadcast({ type: 'injectEvents', nodeId, events });
    const replayed = letters.filter((d) => known.has(d.nodeId)).map((d) => d.id);
    this.o.storage.removeDeadLetters(replayed);
    return replayed.length;
  }

  /** Stop: sources pause, a final checkpoint covers everything in flight, sinks commit, end. */
  async stop(): Promise<RunResult> {
    if (!this.ended && !this.stopReason) {
      this.stopReason = 'stopped';
      this.setStatus('stopping');
      this.broadcast({ type: 'pauseSources' });
      if (!this.inFlight && this.started === this.workers.length) this.trigger(true);
    }
    return this.done;
  }

  /** The latest checkpoint mapped onto this plan (startRun has already refused a mismatch). */
  private restorePoint(): StartWorker['restore'] {
    const latest = this.o.storage.latestCheckpoint();
    return latest ? { checkpointId: latest.id, states: matchState(this.o.plan, latest).states } : null;
  }

  /** Deaths per (restored checkpoint, task, delivery): finds an event that kills every attempt. */
  private readonly deathsAt = new Map<string, number>();
  private skip: Array<{ worker: number; taskId: number; delivery: number; checkpointId: number | null }> = [];

  private spawn(restore: StartWorker['restore']): void {
    const plan = this.o.plan;
    const ports: Array<Record<number, MessagePort>> = Array.from({ length: plan.workers }, () => ({}));
    for (const ch of plan.channels) {
      if (ch.fromWorker === ch.toWorker) continue;
      const { port1, port2 } = new MessageChannel();
      ports[ch.fromWorker]![ch.id] = port1;
      ports[ch.toWorker]![ch.id] = port2;
    }
    this.started = 0;
    this.endedTasks = new Set();
    this.workers = [];
    for (let i = 0; i < plan.workers; i++) {
      const thread = new Worker(workerUrl());
      const progress = new SharedArrayBuffer(8);
      const w: LiveWorker = { index: i, thread, lastHeard: wallNow(), progress: new Int32Array(progress) };
      this.workers.push(w);
      thread.on('message', (f: WorkerFact) => {
        w.lastHeard = wallNow();
        this.onFact(f);
      });
      thread.on('error', (err) => this.onWorkerDeath(i, `worker ${i} crashed: ${err.message}`));
      thread.on('exit', (code) => {
        if (!this.ended && this.workers[i]?.thread === thread)
          this.onWorkerDeath(i, `worker ${i} exited (code ${code})`);
      });
      const start: StartWorker = {
        type: 'startWorker',
        protocol: PROTOCOL_VERSION,
        plan,
        worker: i,
        baseDir: this.o.baseDir,
        statePath: this.o.statePath,
        restore,
        ports: ports[i]!,
        metricsIntervalMs: this.o.metricsIntervalMs,
        progress,
        skip: this.skip
          .filter((s) => s.worker === i && s.checkpointId === (restore?.checkpointId ?? null))
          .map(({ taskId, delivery }) => ({ taskId, delivery })),
      };
      thread.postMessage(start, Object.values(ports[i]!));
    }
  }

  private onFact(f: WorkerFact): void {
    switch (f.type) {
      case 'workerStarted':
        this.started++;
        if (this.started === this.workers.length) {
          this.setStatus(this.stopReason ? 'stopping' : 'running');
          for (const edgeIndex of this.tapped) this.broadcast({ type: 'tapEdge', edgeIndex, on: true });
          this.scheduleCheckpoint(true);
          if (this.stopReason) this.trigger(true);
        }
        break;
      case 'metricsReported':
        this.metrics.report(f.worker, f.counters);
        break;
      case 'snapshotTaken':
        this.onSnapshot(f);
        break;
      case 'checkpointCommitted':
        this.onCommitted(f.checkpointId, f.worker);
        break;
      case 'taskEnded':
        this.endedTasks.add(f.taskId);
        if (this.endedTasks.size === this.o.plan.tasks.length && !this.inFlight) this.trigger(true);
        break;
      case 'deadLettered':
        // Stored with the next checkpoint, so events replayed after a crash do not repeat them.
        for (const r of f.rows) this.pendingDeadLetters.push(r);
        break;
      case 'consoleWritten':
        for (const line of f.lines) this.o.onConsole?.(line);
        break;
      case 'notified':
        this.emit({ type: 'notificationRequested', runId: this.runId, nodeId: f.nodeId, title: f.title, body: f.body });
        break;
      case 'logged':
        this.emit({ type: 'logged', runId: this.runId, nodeId: f.nodeId, level: f.level, message: f.message });
        break;
      case 'edgeTapped': {
        const edge = this.o.plan.edges[f.edgeIndex];
        if (edge) this.emit({ type: 'edgeTapped', runId: this.runId, edgeId: edge.id, events: f.events });
        break;
      }
      case 'workerFailed':
        if (f.nodeId) this.failedNodes.add(f.nodeId);
        if (f.userError)
          this.finish({ status: 'failed', reason: f.nodeId ? `node "${f.nodeId}": ${f.message}` : f.message });
        else
          this.onWorkerDeath(
            f.worker,
            `worker ${f.worker} failed${f.nodeId ? ` in node "${f.nodeId}"` : ''}: ${f.message}`,
          );
        break;
    }
  }

  /**
   * The next checkpoint after the interval; the first one of a (re)started set of workers
   * after at most FIRST_CHECKPOINT_MS, because sinks show output only when a checkpoint commits
   * and a person watching a restart wants to see it resume.
   */
  private scheduleCheckpoint(first = false): void {
    if (this.checkpointTimer) clearTimeout(this.checkpointTimer);
    const interval = this.o.plan.checkpointIntervalMs;
    if (interval <= 0) return;
    const every = first ? Math.min(interval, FIRST_CHECKPOINT_MS) : interval;
    this.checkpointTimer = setTimeout(() => {
      this.checkpointTimer = null;
      if (!this.inFlight && !this.finishing && !this.ended) this.trigger(false);
    }, every);
  }

  private trigger(final: boolean): void {
    // Not while workers are (re)starting: a barrier sent to no one would never complete.
    if (this.ended || this.inFlight || this.workers.length === 0 || this.started < this.workers.length) return;
    if (final) this.finishing = true;
    // After a failed write the store's next id is unchanged, but tasks have already snapshotted
    // under it and ignore a repeat: always move past the last id triggered.
    const id = Math.max(this.o.storage.nextCheckpointId(), this.lastTriggeredId + 1);
    this.lastTriggeredId = id;
    this.inFlight = { id, startedAt: wallNow(), snapshots: new Map(), final, pauseMs: 0 };
    this.committedBy.clear();
    this.broadcast({ type: 'triggerCheckpoint', checkpointId: id });
  }

  private onSnapshot(f: Extract<WorkerFact, { type: 'snapshotTaken' }>): void {
    const cp = this.inFlight;
    if (!cp || cp.id !== f.checkpointId) return;
    const inst = this.o.plan.instances[f.instance]!;
    const node = this.o.plan.nodes[inst.nodeIndex]!;
    cp.pauseMs = Math.max(cp.pauseMs, f.pauseMs);
    cp.snapshots.set(f.instance, {
      operatorId: inst.operatorId,
      instance: inst.index,
      nodeId: inst.nodeId,
      type: inst.type,
      configHash: node.configHash,
      state: f.state,
    });
    if (cp.snapshots.size < Object.keys(this.o.plan.instances).length) return;
    try {
      const deadLetters = this.pendingDeadLetters;
      this.pendingDeadLetters = [];
      let bytes: number;
      try {
        ({ bytes } = this.o.storage.writeCheckpoint({
          id: cp.id,
          startedAt: cp.startedAt,
          snapshots: [...cp.snapshots.values()],
          deadLetters,
        }));
      } catch (err) {
        this.pendingDeadLetters = deadLetters.concat(this.pendingDeadLetters);
        throw err;
      }
      this.checkpointCount++;
      this.lastCheckpoint = { id: cp.id, durationMs: wallNow() - cp.startedAt, bytes, pauseMs: cp.pauseMs };
    } catch (err) {
      // The checkpoint did not become durable: the previous one stands. Try again next interval.
      this.emit({
        type: 'logged',
        runId: this.runId,
        nodeId: null,
        level: 'error',
        message: `checkpoint ${cp.id} failed: ${err instanceof Error ? err.message : String(err)}`,
      });
      const final = cp.final;
      this.inFlight = null;
      if (final)
        this.finish({
          status: 'failed',
          reason: `the final checkpoint could not be written: ${err instanceof Error ? err.message : String(err)}`,
        });
      else this.scheduleCheckpoint();
      return;
    }
    this.broadcast({ type: 'completeCheckpoint', checkpointId: cp.id });
  }

  private onCommitted(checkpointId: number, worker: number): void {
    const cp = this.inFlight;
    if (!cp || cp.id !== checkpointId) return;
    this.committedBy.add(worker);
    if (this.committedBy.size < this.workers.length) return;
    this.inFlight = null;
    if (cp.final) {
      this.finish(this.stopReason ? { status: 'stopped' } : { status: 'finished' });
      return;
    }
    if (this.endedTasks.size === this.o.plan.tasks.length || this.stopReason) this.trigger(true);
    else this.scheduleCheckpoint();
  }

  private onWorkerDeath(worker: number, reason: string): void {
    if (this.ended) return;
    const max = this.o.maxRestarts ?? 3;
    if (this.restarts >= max) {
      this.finish({ status: 'failed', reason: `${reason}; gave up after ${this.restarts} restarts` });
      return;
    }
    this.restarts++;
    reason += this.notePoison(worker);
    this.setStatus('recovering', `${reason}; restarting from the last checkpoint (${this.restarts}/${max})`);
    this.emit({
      type: 'logged',
      runId: this.runId,
      nodeId: null,
      level: 'warn',
      message: `${reason}; restarting from the last checkpoint`,
    });
    const old = this.workers;
    this.lastWorkers = old;
    this.workers = [];
    this.inFlight = null;
    if (this.checkpointTimer) clearTimeout(this.checkpointTimer);
    this.checkpointTimer = null;
    this.finishing = false;
    for (const w of old) void w.thread.terminate();
    this.metrics.retireAll();
    const backoff = Math.min(5000, 200 * 2 ** (this.restarts - 1));
    setTimeout(() => {
      if (this.ended) return;
      this.spawn(this.restorePoint());
      if (this.stopReason) this.broadcast({ type: 'pauseSources' });
    }, backoff);
  }

  /**
   * Which event the dead worker was delivering, from its shared progress cell. The same task
   * dying at the same delivery after restoring the same checkpoint twice is a poison event:
   * the next attempt sets it aside as a dead letter. Returns a phrase for the reason.
   */
  private notePoison(worker: number): string {
    const w = this.workers[worker] ?? this.lastWorkers[worker];
    if (!w) return '';
    const taskId = (w.progress[0] as number) - 1;
    const delivery = w.progress[1] as number;
    if (taskId < 0 || delivery <= 0) return '';
    const checkpointId = this.o.storage.latestCheckpoint()?.id ?? null;
    const key = `${checkpointId}:${worker}:${taskId}:${delivery}`;
    const deaths = (this.deathsAt.get(key) ?? 0) + 1;
    this.deathsAt.set(key, deaths);
    const node = this.o.plan.instances[this.o.plan.tasks[taskId]!.root]!.nodeId;
    if (deaths >= POISON_ATTEMPTS) {
      this.skip.push({ worker, taskId, delivery, checkpointId });
      return ` at node "${node}" (the same event ${deaths} times: it goes to the dead letters)`;
    }
    return ` at node "${node}"`;
  }

  private lastWorkers: LiveWorker[] = [];

  private publish(): void {
    const now = wallNow();
    const hang = this.o.hangTimeoutMs ?? 10_000;
    for (const w of this.workers) {
      if (now - w.lastHeard > hang) {
        this.onWorkerDeath(
          w.index,
          `worker ${w.index} stopped responding for ${Math.round(hang / 1000)} s (a node's code may never return)`,
        );
        return;
      }
    }
    const snapshot = this.metrics.frame(
      now,
      {
        status: this.status,
        elapsedMs: now - this.startedAt,
        checkpoints: {
          count: this.checkpointCount,
          lastId: this.lastCheckpoint?.id ?? null,
          lastDurationMs: this.lastCheckpoint?.durationMs ?? null,
          lastBytes: this.lastCheckpoint?.bytes ?? null,
          lastPauseMs: this.lastCheckpoint?.pauseMs ?? null,
        },
        restarts: this.restarts,
      },
      (i) => this.nodeStatus(i),
    );
    this.emit({ type: 'metricsPublished', runId: this.runId, snapshot });
  }

  private nodeStatus(nodeIndex: number): NodeStatus {
    const node = this.o.plan.nodes[nodeIndex]!;
    if (this.failedNodes.has(node.id)) return 'failed';
    if (this.status === 'starting') return 'starting';
    return this.tasksOfNode[nodeIndex]!.every((t) => this.endedTasks.has(t)) ? 'ended' : 'running';
  }

  /** Per node index: the tasks its instances run in (fixed for the plan). */
  private readonly tasksOfNode: number[][];

  private setStatus(status: RunStatus, reason?: string): void {
    this.status = status;
    this.emit({ type: 'runStatusChanged', runId: this.runId, status, ...(reason ? { reason } : {}) });
  }

  private finish(result: RunResult): void {
    if (this.ended) return;
    this.publish();
    this.ended = true;
    for (const t of [this.checkpointTimer, this.durationTimer]) if (t) clearTimeout(t);
    if (this.metricsTimer) clearInterval(this.metricsTimer);
    this.broadcast({ type: 'shutdown' });
    const threads = this.workers.map((w) => w.thread);
    // Give workers a moment to close files after shutdown, then end the threads.
    setTimeout(() => {
      for (const t of threads) void t.terminate();
    }, 50);
    this.status = result.status;
    this.emit({
      type: 'runStatusChanged',
      runId: this.runId,
      status: result.status,
      ...(result.reason ? { reason: result.reason } : {}),
    });
    this.emit({
      type: 'runEnded',
      runId: this.runId,
      status: result.status,
      ...(result.reason ? { reason: result.reason } : {}),
    });
    try {
      this.o.storage.close();
    } catch {
      // closing a store we are leaving: nothing left to protect
    }
    this.resolveDone(result);
  }

  private broadcast(cmd: WorkerCommand): void {
    for (const w of this.workers) w.thread.postMessage(cmd);
  }

  private emit(e: RunEvent): void {
    for (const l of this.listeners) l(e);
  }
}

/** Worker threads to use: the machine's cores. */
export const defaultWorkers = (): number => Math.max(1, availableParallelism());
