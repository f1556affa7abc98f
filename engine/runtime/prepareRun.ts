import type { ExecutionPlan } from '../compiler/ExecutionPlan.js';
import { planGraph } from '../compiler/planGraph.js';
import { UserError } from '../contract/index.js';
import { expandBrokerTopics } from '../graph/brokerTopics.js';
import { connectionsOf, resolveNodeConfig } from '../graph/resolveConnections.js';
import { nodeRegistry } from '../nodes/registry.js';
import { StateStore } from '../store/StateStore.js';
import type { CheckedGraph } from './CheckedGraph.js';
import type { CheckpointStorage } from './CheckpointStorage.js';
import { MemoryCheckpointStorage, matchState } from './CheckpointStorage.js';
import type { StartWorker } from './protocol.js';
import type { EventSchema } from '../contract/index.js';

/** How to prepare a run of a checked graph. */
export interface PrepareOptions {
  /** SQLite state store path; undefined keeps checkpoints in memory (tests, unsaved graphs). */
  statePath?: string;
  /** Ignore existing state and start empty. */
  fresh?: boolean;
  /** Worker threads at most (default: the machine's cores). */
  maxWorkers: number;
  /** Fuse chains into one worker (default true). */
  fuse?: boolean;
  /** Sources emit their pinned samples (see PlanOptions.usePinned). */
  usePinned?: boolean;
}

/** Everything a run starts from, each part worked out once. */
export interface PreparedRun {
  plan: ExecutionPlan;
  /** The open state store (its lock held) or memory; the run closes it when it ends. */
  storage: CheckpointStorage;
  /** The latest checkpoint matched to the plan, or null for a fresh start. */
  restore: StartWorker['restore'];
  /** Its id, or null. */
  resumedFrom: number | null;
  /** Sentences about state that could not be restored (changed or removed nodes). */
  notes: string[];
  /** The graph's contracts, sent to every worker (each compiles the ones it checks). */
  schemas: readonly EventSchema[];
}

/**
 * Prepare a run of a checked graph:
 * 1. plan — compile it to an execution plan (engine/compiler);
 * 2. state — open the state store (or memory), taking its lock;
 * 3. restore point — read and verify its latest checkpoint, once, and match it to the plan;
 *    old state that cannot be used is refused (unless `fresh`), and the store closed again.
 */
export function prepareRun(checked: CheckedGraph, o: PrepareOptions): PreparedRun {
  // Broker-backed topics run as the connector nodes they expand to (SPEC §15).
  const plan = planGraph(expandBrokerTopics(checked.graph), nodeRegistry, {
    maxWorkers: o.maxWorkers,
    ...(o.fuse !== undefined ? { fuse: o.fuse } : {}),
    ...(o.usePinned ? { usePinned: true } : {}),
  });
  resolveConfigs(plan, checked);
  const storage: CheckpointStorage = o.statePath
    ? StateStore.open(o.statePath, { fresh: o.fresh ?? false })
    : new MemoryCheckpointStorage();
  try {
    const latest = storage.latestCheckpoint();
    if (!latest) return { plan, storage, restore: null, resumedFrom: null, notes: [], schemas: checked.schemas };
    const match = matchState(plan, latest);
    if (match.refusal) throw new UserError(match.refusal);
    return {
      plan,
      storage,
      restore: { checkpointId: latest.id, states: match.states },
      resumedFrom: latest.id,
      notes: match.notes,
      schemas: checked.schemas,
    };
  } catch (err) {
    storage.close();
    throw err;
  }
}

/**
 * Connections and `${env:…}` are resolved here, at run start, into the instances' configs
 * only: the config hash (which decides whether old state fits) and the graph keep the
 * references, so a rotated secret neither shows in the state store nor discards state.
 * `CheckedGraph` has already refused unset variables and keychain names it does not hold.
 */
function resolveConfigs(plan: ExecutionPlan, checked: CheckedGraph): void {
  const connections = connectionsOf(checked.graph);
  for (const inst of Object.values(plan.instances)) {
    inst.config = resolveNodeConfig(inst.config, connections, process.env, checked.keychain).config;
  }
}
