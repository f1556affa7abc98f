import { planGraph } from '../compiler/planGraph.js';
import { UserError, hasErrors } from '../contract/index.js';
import { validate } from '../graph/validate.js';
import { nodeRegistry } from '../nodes/registry.js';
import { StateStore } from '../store/StateStore.js';
import type { CheckpointStorage } from './CheckpointStorage.js';
import { MemoryCheckpointStorage, matchState } from './CheckpointStorage.js';
import { Coordinator, defaultWorkers } from './Coordinator.js';
import type { RunHandle, RunOptions } from './RunHandle.js';

export interface StartedRun extends RunHandle {
  /** Checkpoint the run resumed from, or null for a fresh start. */
  readonly resumedFrom: number | null;
  /** Sentences about state that could not be restored (changed or removed nodes). */
  readonly stateNotes: string[];
}

/**
 * Compile a graph and run it on worker threads.
 *
 * 1. validate — an invalid graph is refused with every error, one per line (UserError);
 * 2. plan — compile to an execution plan (engine/compiler);
 * 3. state — open the state store (or memory) and match its latest checkpoint to the plan,
 *    refusing when old state cannot be used (unless `fresh`);
 * 4. run — the coordinator starts the workers and drives checkpoints until the end.
 */
export async function startRun(
  options: RunOptions & { maxWorkers?: number; fuse?: boolean; hangTimeoutMs?: number },
): Promise<StartedRun> {
  const problems = validate(options.graph, nodeRegistry);
  if (hasErrors(problems)) {
    const lines = problems.filter((p) => p.severity === 'error').map((p) => p.message);
    throw new UserError(
      `the graph has ${lines.length} problem${lines.length === 1 ? '' : 's'}:\n  ${lines.join('\n  ')}`,
    );
  }
  const plan = planGraph(options.graph, nodeRegistry, {
    maxWorkers: options.maxWorkers ?? defaultWorkers(),
    ...(options.fuse !== undefined ? { fuse: options.fuse } : {}),
  });
  const storage: CheckpointStorage = options.statePath
    ? StateStore.open(options.statePath, { fresh: options.fresh ?? false })
    : new MemoryCheckpointStorage();
  let notes: string[] = [];
  let resumedFrom: number | null = null;
  try {
    const latest = storage.latestCheckpoint();
    if (latest) {
      const match = matchState(plan, latest);
      if (match.refusal) throw new UserError(match.refusal);
      notes = match.notes;
      resumedFrom = latest.id;
    }
  } catch (err) {
    storage.close();
    throw err;
  }
  const coordinator = new Coordinator({
    plan,
    storage,
    baseDir: options.baseDir,
    statePath: options.statePath ?? null,
    metricsIntervalMs: options.metricsIntervalMs ?? 250,
    ...(options.durationMs !== undefined ? { durationMs: options.durationMs } : {}),
    ...(options.onConsole ? { onConsole: options.onConsole } : {}),
    ...(options.hangTimeoutMs !== undefined ? { hangTimeoutMs: options.hangTimeoutMs } : {}),
  });
  coordinator.begin();
  return Object.assign(coordinator, { resumedFrom, stateNotes: notes });
}
