import type { EventEnvelope } from '../../contract/EngineApi.js';
import type { Emitter, PollResult, SourceOperator } from '../../contract/operator.js';

/**
 * What a source runs in a design run when it has a pinned sample (`node.pinned`): it emits the
 * sample, each instance the events at its index modulo the parallelism, then ends. Its position
 * in the list is its state, so a restart resumes after what the last checkpoint covered.
 */
export function pinnedSource(events: readonly EventEnvelope[], index: number, parallelism: number): SourceOperator {
  let next = index;
  return {
    kind: 'source',
    poll(budget: number, out: Emitter): PollResult {
      for (let n = 0; n < budget && next < events.length; n++, next += parallelism) {
        const e = events[next]!;
        out.emit('out', { id: e.id, key: e.key, time: e.time, value: e.value, emittedAt: Date.now() });
      }
      return next < events.length ? 'more' : 'end';
    },
    snapshot: () => ({ next }),
    restore(state: unknown) {
      const n = (state as { next?: unknown } | null)?.next;
      if (typeof n === 'number' && Number.isInteger(n) && n >= index) next = n;
    },
  };
}
