import { CheckedGraph } from './CheckedGraph.js';
import type { CheckpointPublisher } from './CheckpointCoordinator.js';
import { Coordinator, defaultWorkers } from './Coordinator.js';
import { prepareRun } from './prepareRun.js';
import type { RestartLimits } from './RestartBudget.js';
import type { RunHandle, RunOptions } from './RunHandle.js';

/** `RunOptions` plus the knobs tests and benchmarks turn. */
export interface StartRunOptions extends RunOptions {
  /** Worker threads at most (default: the machine's cores). */
  maxWorkers?: number;
  /** Fuse chains into one worker (default true). */
  fuse?: boolean;
  /** A worker silent this long is hung (default 10 s). */
  hangTimeoutMs?: number;
  /** Restarts allowed per window before the run fails (default 3 in 10 minutes). */
  restartBudget?: RestartLimits;
  /**
   * Copy each checkpoint out (a group member's partition state, fenced by its lease) after it is
   * in SQLite and before sinks commit it; a rejection ends the run as failed, committing nothing.
   */
  publishCheckpoint?: CheckpointPublisher;
}

export interface StartedRun extends RunHandle {
  /** Checkpoint the run resumed from, or null for a fresh start. */
  readonly resumedFrom: number | null;
  /** Sentences about state that could not be restored (changed or removed nodes). */
  readonly stateNotes: string[];
  /**
   * Events each sink node committed in this run, by node id: what its completed checkpoints
   * cover (not what the sink received: after a restart it receives some events again).
   */
  committedEvents(): Record<string, number>;
}

/**
 * Run a graph on worker threads.
 *
 * 1. check — validate, unless the caller hands over a `CheckedGraph` (an invalid graph is
 *    refused with every error, one per line: UserError);
 * 2. prepare — plan, open the state, pick the restore point (`prepareRun`);
 * 3. run — the coordinator starts the workers and drives checkpoints until the end.
 */
export async function startRun(options: StartRunOptions): Promise<StartedRun> {
  const checked = CheckedGraph.require(options.graph, options.schemas, options.keychain);
  const prepared = prepareRun(checked, {
    maxWorkers: options.maxWorkers ?? defaultWorkers(),
    ...(options.statePath ? { statePath: options.statePath } : {}),
    ...(options.fresh ? { fresh: true } : {}),
    ...(options.fuse !== undefined ? { fuse: options.fuse } : {}),
    ...(options.usePinned ? { usePinned: true } : {}),
  });
  const coordinator = new Coordinator({
    prepared,
    baseDir: options.baseDir,
    statePath: options.statePath ?? null,
    metricsIntervalMs: options.metricsIntervalMs ?? 250,
    ...(options.durationMs !== undefined ? { durationMs: options.durationMs } : {}),
    ...(options.onConsole ? { onConsole: options.onConsole } : {}),
    ...(options.hangTimeoutMs !== undefined ? { hangTimeoutMs: options.hangTimeoutMs } : {}),
    ...(options.restartBudget ? { restartBudget: options.restartBudget } : {}),
    ...(options.publishCheckpoint ? { publishCheckpoint: options.publishCheckpoint } : {}),
  });
  coordinator.begin();
  return Object.assign(coordinator, { resumedFrom: prepared.resumedFrom, stateNotes: prepared.notes });
}
