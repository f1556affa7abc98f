import type { ExecutionPlan } from '../compiler/ExecutionPlan.js';
import type { DeadLetter } from '../contract/index.js';
import type { CheckpointWrite, NewDeadLetter, RestoredCheckpoint, RestoredOperator } from '../store/StateStore.js';

/**
 * Where the coordinator keeps checkpoints: the SQLite `StateStore` (exactly-once across
 * crashes), or memory for runs without a store (unsaved graphs in the editor). The store
 * satisfies this interface as it is.
 */
export interface CheckpointStorage {
  latestCheckpoint(): RestoredCheckpoint | null;
  nextCheckpointId(): number;
  writeCheckpoint(checkpoint: CheckpointWrite): { bytes: number };
  addDeadLetters(rows: readonly NewDeadLetter[]): void;
  listDeadLetters(options?: { limit?: number }): DeadLetter[];
  removeDeadLetters(ids: readonly number[]): void;
  close(): void;
}

export class MemoryCheckpointStorage implements CheckpointStorage {
  private last: RestoredCheckpoint | null = null;
  private next = 1;
  readonly deadLetters: DeadLetter[] = [];
  private nextDeadLetter = 1;

  latestCheckpoint(): RestoredCheckpoint | null {
    return this.last;
  }
  nextCheckpointId(): number {
    return this.next;
  }
  writeCheckpoint(cp: CheckpointWrite): { bytes: number } {
    const snapshots = new Map<string, RestoredOperator>();
    let bytes = 0;
    for (const s of cp.snapshots) {
      let op = snapshots.get(s.operatorId);
      if (!op) {
        op = {
          operatorId: s.operatorId,
          nodeId: s.nodeId,
          type: s.type,
          configHash: s.configHash,
          states: [],
          bytes: 0,
        };
        snapshots.set(s.operatorId, op);
      }
      op.states[s.instance ?? 0] = s.state;
      op.bytes += s.state.byteLength;
      bytes += s.state.byteLength;
    }
    this.last = { id: cp.id, startedAt: cp.startedAt, completedAt: Date.now(), snapshots };
    this.next = cp.id + 1;
    if (cp.deadLetters) this.addDeadLetters(cp.deadLetters);
    return { bytes };
  }
  addDeadLetters(rows: readonly NewDeadLetter[]): void {
    for (const r of rows) {
      this.deadLetters.push({
        id: this.nextDeadLetter++,
        nodeId: r.nodeId,
        error: r.error,
        event: r.event,
        time: r.time ?? Date.now(),
      });
    }
  }
  listDeadLetters(options: { limit?: number } = {}): DeadLetter[] {
    return options.limit === undefined ? [...this.deadLetters] : this.deadLetters.slice(-options.limit);
  }
  removeDeadLetters(ids: readonly number[]): void {
    const gone = new Set(ids);
    for (let i = this.deadLetters.length - 1; i >= 0; i--)
      if (gone.has(this.deadLetters[i]!.id)) this.deadLetters.splice(i, 1);
  }
  close(): void {}
}

export interface StateMatch {
  /** Encoded state per instance key (null: start empty). */
  states: Record<string, Uint8Array | null>;
  /** One sentence per node that starts empty although the checkpoint had state for it. */
  notes: string[];
  /** Why the old state cannot be used at all (the run refuses unless fresh). */
  refusal: string | null;
}

/**
 * Match a stored checkpoint to the plan's instances by operator id (SPEC §6, issue 3 item 4).
 * 1. Same operator id, type and config hash: restored.
 * 2. Config changed, or the node is new: starts empty, with a note — except a source, whose
 *    offset is meaningless under another config only if its config changed; it starts over.
 * 3. Parallelism changed for a node with state: refused, because keyed state was partitioned
 *    by the old instance count and cannot be split or merged here.
 * 4. A node with state that no longer exists: a note (its state is dropped).
 */
export function matchState(plan: ExecutionPlan, cp: RestoredCheckpoint): StateMatch {
  const states: Record<string, Uint8Array | null> = {};
  const notes: string[] = [];
  let refusal: string | null = null;
  const seen = new Set<string>();
  for (const node of plan.nodes) {
    const insts = Object.values(plan.instances).filter((i) => i.nodeId === node.id);
    const opId = insts[0]!.operatorId;
    const stored = cp.snapshots.get(opId);
    seen.add(opId);
    const hasState = stored !== undefined && stored.states.some((s) => s !== undefined && s.byteLength > 1);
    let usable = stored !== undefined;
    if (stored && stored.configHash !== node.configHash) {
      usable = false;
      if (hasState) notes.push(`node "${node.id}": its config changed since checkpoint ${cp.id}, so it starts empty`);
    }
    if (usable && stored && stored.states.length !== node.parallelism && hasState) {
      refusal ??= `node "${node.id}" ran with parallelism ${stored.states.length} in checkpoint ${cp.id} and now has ${node.parallelism}; its keyed state cannot be repartitioned — run with --fresh to start over`;
    }
    for (const i of insts) states[i.key] = usable && stored ? (stored.states[i.index] ?? null) : null;
  }
  for (const [opId, stored] of cp.snapshots) {
    if (!seen.has(opId) && stored.states.some((s) => s !== undefined && s.byteLength > 1)) {
      notes.push(`node "${stored.nodeId}" is no longer in the graph; its state from checkpoint ${cp.id} is dropped`);
    }
  }
  return { states, notes, refusal };
}
