import type { NodeDescriptor } from '../../contract/descriptor.js';
import type { Operator, SourceOperator } from '../../contract/operator.js';

/**
 * What runs in place of a disabled node (`"disabled": true` in the graph file): it passes
 * nothing and blocks nothing. A disabled source emits nothing and ends at once; any other node
 * takes every event it is given and drops it (its upstream is never held back), and its outputs
 * end when its inputs do. The node's code and I/O never start (a disabled sink opens no file).
 * Its checkpointed state is kept as it was restored, so enabling the node again resumes it.
 */
export function disabledOperator(descriptor: NodeDescriptor): Operator | SourceOperator {
  let kept: unknown;
  const state = {
    snapshot: (): unknown => kept,
    restore: (s: unknown): void => {
      kept = s;
    },
  };
  if (descriptor.category === 'source') return { kind: 'source', poll: () => 'end', ...state };
  return { process: () => undefined, ...state };
}
