import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { DeadLetter, EventEnvelope, NodeStatus, RunEvent, RunStatus } from '../contract/index.js';
import { UserError } from '../contract/index.js';
import { CheckpointCoordinator, type CheckpointPublisher } from './CheckpointCoordinator.js';
import { wallNow } from './clock.js';
import { MetricsAggregator } from './MetricsAggregator.js';
import { PoisonTracker } from './PoisonTracker.js';
import type { PreparedRun } from './prepareRun.js';
import type { WorkerFact } from './protocol.js';
import { RestartBudget, type RestartLimits } from './RestartBudget.js';
import type { RunHandle, RunResult } from './RunHandle.js';
import { DEFAULT_HANG_TIMEOUT_MS, WorkerSupervisor } from './WorkerSupervisor.js';

export interface CoordinatorOptions {
  /** The plan, the open state store and the restore point, from `prepareRun`. */
  prepared: PreparedRun;
  baseDir: string;
  statePath: string | null;
  /** Stop (final checkpoint) this long after the workers first run. */
  durationMs?: number;
  metricsIntervalMs: number;
  /**
   * Where `sink.console` lines go (the CLI's stdout). Without it they are the run's `logged`
   * events (the app's Log panel), at most CONSOLE_LOG_PER_SECOND a second.
   */
  onConsole?: (line: string) => void;
  /** A worker silent for this long is stuck (user code that never returns). */
  hangTimeoutMs?: number;
  /** Restarts allowed per window before the run fails (default 3 in 10 minutes). */
  restartBudget?: RestartLimits;
  /** The clock of the restart budget's window (tests). */
  now?: () => number;
  /** Publish each checkpoint before sinks commit it (group members: the partition's state in JetStream). */
  publishCheckpoint?: CheckpointPublisher;
}

/**
 * Runs one execution plan, on the calling thread (the CLI's main thread, the host's engine
 * process); it does no per-event work. It is the run's `RunHandle` and wires three parts:
 * - `WorkerSupervisor`: workers, their deaths and hangs, poison events, the restart budget;
 * - `CheckpointCoordinator`: checkpoints, from trigger to commit;
 * - `MetricsAggregator`: the workers' counters merged into frames.
 * What is left here is the run's life: start, stop, end, and its events to listeners.
 *
 * A finite run ends when every task has ended: a final checkpoint, then `finished`. A stop
 * pauses the sources first, so the final checkpoint covers everything in flight.
 */
/** Console lines a run sends to the editor's log per second, at most (see consoleToLog). */
export const CONSOLE_LOG_PER_SECOND = 50;

export class Coordinator implements RunHandle {
  readonly runId = randomUUID();
  readonly done: Promise<RunResult>;
  private resolveDone!: (r: RunResult) => void;
  private readonly listeners = new Set<(e: RunEvent) => void>();
  private readonly metrics: MetricsAggregator;
  private readonly checkpoints: CheckpointCoordinator;
  private readonly supervisor: WorkerSupervisor;
  private readonly budget: RestartBudget;
  private status: RunStatus = 'starting';
  private readonly startedAt = wallNow();
  private endedTasks = new Set<number>();
  private stopReason: 'stopped' | null = null;
  private metricsTimer: NodeJS.Timeout | null = null;
  private durationTimer: NodeJS.Timeout | null = null;
  private readonly tapped = new Set<number>();
  private readonly failedNodes = new Set<string>();
  private ended = false;
  /** This second's console lines sent to the log, and those over the limit. */
  private consoleWindow = { start: 0, sent: 0, skipped: 0 };
  /** Per node index: the tasks its instances run in (fixed for the plan). */
  private readonly tasksOfNode: number[][];

  constructor(private readonly o: CoordinatorOptions) {
    const { plan, storage, restore } = o.prepared;
    this.done = new Promise((r) => (this.resolveDone = r));
    this.metrics = new MetricsAggregator(plan);
    this.tasksOfNode = plan.nodes.map((_, nodeIndex) =>
      Object.values(plan.instances)
        .filter((i) => i.nodeIndex === nodeIndex)
        .map((i) => i.taskId),
    );
    this.budget = new RestartBudget(o.restartBudget, o.now);
    const poison = new PoisonTracker(plan);
    this.supervisor = new WorkerSupervisor({
      plan,
      schemas: o.prepared.schemas,
      baseDir: o.baseDir,
      statePath: o.statePath,
      metricsIntervalMs: o.metricsIntervalMs,
      hangTimeoutMs: o.hangTimeoutMs ?? DEFAULT_HANG_TIMEOUT_MS,
      budget: this.budget,
      poison,
      fact: (f) => this.onFact(f),
      started: () => this.onStarted(),
      restarting: (reason) => this.onRestarting(reason),
      respawned: () => this.onRespawned(),
      gaveUp: (reason) => this.finish({ status: 'failed', reason }),
      restorePoint: () => this.checkpoints.restorePoint(),
    });
    this.checkpoints = new CheckpointCoordinator({
      plan,
      storage,
      restore,
      broadcast: (cmd) => this.supervisor.broadcast(cmd),
      workers: () => this.supervisor.size,
      ready: () => this.supervisor.ready,
      durable: (_id, received) => poison.checkpointCompleted(received),
      committed: (_id, final) => this.onCommitted(final),
      finalFailed: (reason) => this.finish({ status: 'failed', reason }),
      logError: (message) => this.log('error', message),
      ...(o.publishCheckpoint
        ? {
            publish: o.publishCheckpoint,
            // Fenced: the workers are terminated, not stopped, so no sink commits anything more.
            fenced: (reason: string) => this.finish({ status: 'failed', reason }),
          }
        : {}),
    });
  }

  /** Spawn workers from the prepared restore point and begin. */
  begin(): void {
    this.supervisor.spawn(this.o.prepared.restore);
    this.emit({
      type: 'runStarted',
      runId: this.runId,
      graphName: this.o.prepared.plan.graphName,
      resumedFrom: this.o.prepared.resumedFrom,
    });
    this.metricsTimer = setInterval(() => this.publish(), this.o.metricsIntervalMs);
  }

  subscribe(listener: (e: RunEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  tap(edgeId: string, on: boolean): void {
    const edgeIndex = this.o.prepared.plan.edges.findIndex((e) => e.id === edgeId);
    if (edgeIndex < 0) return;
    if (on) this.tapped.add(edgeIndex);
    else this.tapped.delete(edgeIndex);
    this.supervisor.broadcast({ type: 'tapEdge', edgeIndex, on });
  }

  crash(): void {
    if (!this.ended) this.supervisor.crash();
  }

  deadLetters(limit: number): DeadLetter[] {
    // After the end the store is closed; its file (if any) is read by whoever asks then.
    return this.ended ? [] : this.o.prepared.storage.listDeadLetters({ limit });
  }

  replayDeadLetters(ids: readonly number[]): number {
    if (this.ended || this.supervisor.size === 0)
      throw new UserError('the run is not live; start it again to replay dead letters');
    const storage = this.o.prepared.storage;
    const wanted = new Set(ids);
    // A source has no input to replay into: its letters (a failed expression) stay listed.
    const known = new Set(this.o.prepared.plan.nodes.filter((n) => !n.type.startsWith('source.')).map((n) => n.id));
    const letters = storage.listDeadLetters().filter((d) => wanted.has(d.id) && known.has(d.nodeId));
    const byNode = new Map<string, EventEnvelope[]>();
    for (const d of letters) {
      let list = byNode.get(d.nodeId);
      if (!list) byNode.set(d.nodeId, (list = []));
      list.push(d.event);
    }
    for (const [nodeId, events] of byNode) this.supervisor.broadcast({ type: 'injectEvents', nodeId, events });
    storage.removeDeadLetters(letters.map((d) => d.id));
    return letters.length;
  }

  inject(nodeId: string, port: string, events: readonly EventEnvelope[]): void {
    if (this.ended || this.supervisor.size === 0) throw new UserError('the run is not live; start it to inject events');
    this.supervisor.broadcast({ type: 'injectEvents', nodeId, events: [...events], port });
  }

  /** Stop: sources pause, a final checkpoint covers everything in flight, sinks commit, end. */
  async stop(): Promise<RunResult> {
    if (!this.ended && !this.stopReason) {
      this.stopReason = 'stopped';
      this.setStatus('stopping');
      this.supervisor.broadcast({ type: 'pauseSources' });
      if (this.checkpoints.idle) this.checkpoints.trigger(true);
    }
    return this.done;
  }

  /** Events each sink node committed in this run (what completed checkpoints cover). */
  committedEvents(): Record<string, number> {
    return this.checkpoints.committedEvents();
  }

  private onStarted(): void {
    // The duration counts from when the workers first run: starting them is not running.
    if (this.o.durationMs !== undefined && !this.durationTimer && !this.stopReason)
      this.durationTimer = setTimeout(() => void this.stop(), this.o.durationMs);
    this.setStatus(this.stopReason ? 'stopping' : 'running');
    for (const edgeIndex of this.tapped) this.supervisor.broadcast({ type: 'tapEdge', edgeIndex, on: true });
    this.checkpoints.schedule(true);
    if (this.stopReason) this.checkpoints.trigger(true);
  }

  private onRestarting(why: string): void {
    this.checkpoints.restarting();
    this.metrics.retireAll();
    const { used, limits } = this.budget;
    this.setStatus('recovering', `${why}; restarting from the last checkpoint (${used}/${limits.restarts})`);
    this.log('warn', `${why}; restarting from the last checkpoint`);
  }

  private onRespawned(): void {
    this.endedTasks = new Set();
    if (this.stopReason) this.supervisor.broadcast({ type: 'pauseSources' });
  }

  private onCommitted(final: boolean): void {
    if (final) {
      this.finish(this.stopReason ? { status: 'stopped' } : { status: 'finished' });
      return;
    }
    if (this.allTasksEnded() || this.stopReason) this.checkpoints.trigger(true);
    else this.checkpoints.schedule();
  }

  private allTasksEnded(): boolean {
    return this.endedTasks.size === this.o.prepared.plan.tasks.length;
  }

  private onFact(f: WorkerFact): void {
    switch (f.type) {
      case 'metricsReported':
        this.metrics.report(f.worker, f.counters);
        break;
      case 'snapshotTaken':
        this.checkpoints.snapshotTaken(f);
        break;
      case 'checkpointCommitted':
        this.checkpoints.committedBy(f.checkpointId, f.worker);
        break;
      case 'taskEnded':
        this.endedTasks.add(f.taskId);
        if (this.allTasksEnded() && this.checkpoints.idle) this.checkpoints.trigger(true);
        break;
      case 'deadLettered':
        // Stored with the next checkpoint, so events replayed after a crash do not repeat them.
        this.checkpoints.addDeadLetters(f.rows);
        break;
      case 'consoleWritten':
        if (this.o.onConsole) for (const line of f.lines) this.o.onConsole(line);
        else this.consoleToLog(f.lines, f.nodes);
        break;
      case 'notified':
        this.emit({ type: 'notificationRequested', runId: this.runId, nodeId: f.nodeId, title: f.title, body: f.body });
        break;
      case 'logged':
        this.emit({ type: 'logged', runId: this.runId, nodeId: f.nodeId, level: f.level, message: f.message });
        break;
      case 'edgeTapped': {
        const edge = this.o.prepared.plan.edges[f.edgeIndex];
        if (edge) this.emit({ type: 'edgeTapped', runId: this.runId, edgeId: edge.id, events: f.events });
        break;
      }
      case 'workerFailed':
        // A user error (a missing input file, a bad config) fails the run: a restart would too.
        if (f.nodeId) this.failedNodes.add(f.nodeId);
        this.finish({ status: 'failed', reason: f.nodeId ? `node "${f.nodeId}": ${f.message}` : f.message });
        break;
      case 'workerStarted':
        break;
    }
  }

  private publish(): void {
    const now = wallNow();
    const snapshot = this.metrics.frame(
      now,
      {
        status: this.status,
        elapsedMs: now - this.startedAt,
        checkpoints: this.checkpoints.metrics(),
        restarts: this.budget.total,
      },
      (i) => this.nodeStatus(i),
    );
    this.emit({ type: 'metricsPublished', runId: this.runId, snapshot });
  }

  private nodeStatus(nodeIndex: number): NodeStatus {
    const node = this.o.prepared.plan.nodes[nodeIndex]!;
    if (this.failedNodes.has(node.id)) return 'failed';
    if (this.status === 'starting') return 'starting';
    return this.tasksOfNode[nodeIndex]!.every((t) => this.endedTasks.has(t)) ? 'ended' : 'running';
  }

  private setStatus(status: RunStatus, reason?: string): void {
    this.status = status;
    this.emit({ type: 'runStatusChanged', runId: this.runId, status, ...(reason ? { reason } : {}) });
  }

  /**
   * Console lines as log events, at most CONSOLE_LOG_PER_SECOND a second: a console sink at
   * 100k events/s would otherwise flood the editor's link. What is over the limit is counted
   * and said in one line when the next second starts.
   */
  private consoleToLog(lines: readonly string[], nodes: readonly string[] | undefined, last = false): void {
    const now = Date.now();
    if (last || now - this.consoleWindow.start >= 1000) {
      if (this.consoleWindow.skipped > 0) {
        const n = this.consoleWindow.skipped;
        this.emit({
          type: 'logged',
          runId: this.runId,
          nodeId: null,
          level: 'info',
          message: `… ${n} more console line${n === 1 ? '' : 's'} (the log shows at most ${CONSOLE_LOG_PER_SECOND} a second)`,
        });
      }
      this.consoleWindow = { start: now, sent: 0, skipped: 0 };
    }
    for (let i = 0; i < lines.length; i++) {
      if (this.consoleWindow.sent >= CONSOLE_LOG_PER_SECOND) {
        this.consoleWindow.skipped += lines.length - i;
        return;
      }
      this.consoleWindow.sent++;
      this.emit({ type: 'logged', runId: this.runId, nodeId: nodes?.[i] ?? null, level: 'info', message: lines[i]! });
    }
  }

  private log(level: 'warn' | 'error', message: string): void {
    this.emit({ type: 'logged', runId: this.runId, nodeId: null, level, message });
  }

  /** The end, once: a last frame, workers shut down, the store closed, `done` resolved. */
  private finish(result: RunResult): void {
    if (this.ended) return;
    this.publish();
    this.consoleToLog([], undefined, true);
    this.ended = true;
    if (this.durationTimer) clearTimeout(this.durationTimer);
    if (this.metricsTimer) clearInterval(this.metricsTimer);
    this.checkpoints.dispose();
    this.supervisor.shutdown();
    this.status = result.status;
    const reason = result.reason ? { reason: result.reason } : {};
    this.emit({ type: 'runStatusChanged', runId: this.runId, status: result.status, ...reason });
    this.emit({ type: 'runEnded', runId: this.runId, status: result.status, ...reason });
    try {
      this.o.prepared.storage.close();
    } catch {
      // closing a store we are leaving: nothing left to protect
    }
    this.resolveDone(result);
  }

  private emit(e: RunEvent): void {
    for (const l of this.listeners) l(e);
  }
}

/** Worker threads to use: the machine's cores. */
export const defaultWorkers = (): number => Math.max(1, availableParallelism());
