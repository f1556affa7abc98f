import type { ExecutionPlan } from '../compiler/ExecutionPlan.js';
import type { RestorePreview } from '../contract/EngineApi.js';
import type { RestoredCheckpoint } from '../store/StateStore.js';
import { nodeRegistry } from '../nodes/registry.js';
import { matchState } from './CheckpointStorage.js';

/** A stored state that is more than an empty marker (matchState's own test). */
const holdsState = (s: Uint8Array | undefined | null): boolean => s !== undefined && s !== null && s.byteLength > 1;

/**
 * What a run of `plan` resuming from checkpoint `cp` restores, node by node, and what that
 * means downstream — the editor shows it before such a run (the CLI prints the same notes).
 *
 * 1. Match the checkpoint to the plan (matchState): a node restores when its operator id and
 *    config hash are the same; otherwise it starts empty (config changed, or it is new).
 * 2. Nodes of the checkpoint that are gone: their state is dropped.
 * 3. Consequences: a node that starts over (a source from its first event, a stateful node
 *    empty) upstream of a node that restores its state feeds that state again: a source that
 *    restarts at event 0 while an aggregate keeps its totals counts those events twice.
 */
export function previewRestore(plan: ExecutionPlan, cp: RestoredCheckpoint): RestorePreview {
  const match = matchState(plan, cp);
  const restored: string[] = [];
  const empty: RestorePreview['empty'] = [];
  const keepsState = new Set<string>();
  for (const node of plan.nodes) {
    const insts = Object.values(plan.instances).filter((i) => i.nodeId === node.id);
    const stored = cp.snapshots.get(insts[0]!.operatorId);
    if (!stored) {
      empty.push({ nodeId: node.id, why: 'new since the checkpoint' });
      continue;
    }
    if (stored.configHash !== node.configHash) {
      const had = stored.states.some(holdsState);
      empty.push({ nodeId: node.id, why: had ? 'config changed: its state is dropped' : 'config changed' });
      continue;
    }
    restored.push(node.id);
    if (insts.some((i) => holdsState(match.states[i.key]))) keepsState.add(node.id);
  }
  const inPlan = new Set(plan.nodes.map((n) => n.id));
  const dropped = [...cp.snapshots.values()]
    .filter((s) => !inPlan.has(s.nodeId) && s.states.some(holdsState))
    .map((s) => s.nodeId);

  const downstream = (from: string): string[] => {
    const seen = new Set<string>();
    const stack = [from];
    while (stack.length > 0) {
      const id = stack.pop()!;
      for (const e of plan.edges) {
        if (e.fromNode === id && !seen.has(e.toNode)) {
          seen.add(e.toNode);
          stack.push(e.toNode);
        }
      }
    }
    return plan.nodes.map((n) => n.id).filter((id) => seen.has(id));
  };
  const isSink = (id: string): boolean =>
    nodeRegistry.get(plan.nodes.find((n) => n.id === id)?.type ?? '')?.category === 'sink';
  const quoted = (ids: readonly string[]): string => ids.map((id) => `"${id}"`).join(', ');
  const consequences: string[] = [];
  for (const { nodeId } of empty) {
    const below = downstream(nodeId);
    const kept = below.filter((id) => keepsState.has(id) && !isSink(id));
    if (kept.length === 0) continue;
    const one = kept.length === 1;
    const sinks = below.filter(isSink);
    const isSource = !plan.edges.some((e) => e.toNode === nodeId);
    const written = sinks.length > 0 ? ` and written again to ${quoted(sinks)}` : '';
    consequences.push(
      isSource
        ? `"${nodeId}" starts again from its first event while ${quoted(kept)} keep${one ? 's its' : ' their'} state: what "${nodeId}" already sent is counted again${written}.`
        : `"${nodeId}" starts empty while ${quoted(kept)} downstream keep${one ? 's its' : ' their'} state: the two no longer match.`,
    );
  }
  return { checkpointId: cp.id, restored, empty, dropped, consequences, refusal: match.refusal };
}
