import type { NodeDescriptor } from '../../contract/descriptor.js';
import type { PlanInstance } from '../../compiler/ExecutionPlan.js';
import { disabledOperator } from './disabledOperator.js';
import { pinnedSource } from './pinnedSource.js';

/**
 * The descriptor an instance is built from: its node type's, except that a disabled node
 * creates `disabledOperator` and a source with a pinned sample (a design run) `pinnedSource`.
 * Everything else about the descriptor (category, ports) stays the node type's.
 */
export function standInFor(plan: PlanInstance, d: NodeDescriptor | undefined): NodeDescriptor | undefined {
  if (!d) return d;
  if (plan.disabled) return { ...d, create: () => disabledOperator(d) };
  const pinned = plan.pinned;
  if (pinned) return { ...d, create: () => pinnedSource(pinned, plan.index, plan.parallelism) };
  return d;
}
