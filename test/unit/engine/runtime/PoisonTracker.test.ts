import { describe, expect, it } from 'vitest';
import { planGraph } from '../../../../engine/compiler/planGraph.js';
import { nodeRegistry } from '../../../../engine/nodes/registry.js';
import { PoisonTracker } from '../../../../engine/runtime/PoisonTracker.js';
import { graphOf } from './runGraph.js';

/** gen → fn (parallelism 2) → out: instances gen#0, fn#0, fn#1, out#0. */
const plan = planGraph(
  graphOf({
    nodes: [
      { id: 'gen', type: 'source.generator', config: { count: 10 } },
      { id: 'fn', type: 'function', parallelism: 2, config: { code: 'return value;' } },
      { id: 'out', type: 'sink.console' },
    ],
    edges: ['gen -> fn', 'fn -> out'],
  }),
  nodeRegistry,
  { maxWorkers: 2 },
);

/** The in-flight cell as a worker writes it for `instance` at position `received`. */
function cell(instance: string, received: number): Float64Array {
  const c = new Float64Array(new SharedArrayBuffer(16));
  c[0] = Object.keys(plan.instances).indexOf(instance) + 1;
  c[1] = received;
  return c;
}

describe('PoisonTracker', () => {
  it('reads the instance and position from a cell, and nothing from a cell with no delivery', () => {
    const t = new PoisonTracker(plan);
    expect(t.read(cell('fn#1', 42))).toEqual({ instance: 'fn#1', received: 42 });
    expect(t.read(new Float64Array(new SharedArrayBuffer(16)))).toBeNull();
  });

  it('sets an event aside after it killed two attempts at the same place after the same checkpoint', () => {
    const t = new PoisonTracker(plan);
    t.started();
    expect(t.died(t.read(cell('fn#1', 7)), 'made its worker exit (code 3)')).toEqual({ node: 'fn', deaths: 1 });
    expect(t.skips()).toEqual([]);
    t.started();
    expect(t.died(t.read(cell('fn#1', 7)), 'made its worker exit (code 3)')).toEqual({ node: 'fn', deaths: 2 });
    expect(t.died(null, 'exit')).toBeNull();
    t.started();
    expect(t.skips()).toEqual([
      {
        instance: 'fn#1',
        at: 7,
        reason: 'this event made its worker exit (code 3) on 2 attempts, so it was set aside',
      },
    ]);
  });

  it('finds the same event again after a checkpoint completed between the attempts', () => {
    const t = new PoisonTracker(plan);
    t.started();
    // Attempt 1 dies at fn#0's 500th event.
    t.died(t.read(cell('fn#0', 500)), 'hung its worker for 1 s');
    // Attempt 2 (restored from the same checkpoint) completes a checkpoint after 300 of fn#0's
    // events, then dies at its 500th again: 200 after that checkpoint.
    t.started();
    t.checkpointCompleted(new Map([['fn#0', 300]]));
    t.died(t.read(cell('fn#0', 500)), 'hung its worker for 1 s');
    // Attempt 3 restores that newer checkpoint: the event is the 200th after it.
    t.started();
    expect(t.skips()).toEqual([expect.objectContaining({ instance: 'fn#0', at: 200 })]);
  });

  it('forgets a suspect once a checkpoint covers it, and another instance or place is another event', () => {
    const t = new PoisonTracker(plan);
    t.started();
    t.died(t.read(cell('fn#0', 50)), 'exit');
    t.started();
    t.checkpointCompleted(new Map([['fn#0', 80]]));
    // The suspect passed (the checkpoint covers it): a death at the same raw position is new.
    t.died(t.read(cell('fn#0', 130)), 'exit');
    t.started();
    t.died(t.read(cell('fn#1', 50)), 'exit');
    t.started();
    expect(t.skips()).toEqual([]);
  });

  it('keeps a poison event set aside until a checkpoint covers it', () => {
    const t = new PoisonTracker(plan);
    for (let i = 0; i < 2; i++) {
      t.started();
      t.died(t.read(cell('out#0', 9)), 'exit');
    }
    // The attempt that sets it aside dies later, before any checkpoint: still set aside.
    t.started();
    t.died(t.read(cell('out#0', 20)), 'exit');
    t.started();
    expect(t.skips().map((s) => s.at)).toEqual([9]);
    t.checkpointCompleted(new Map([['out#0', 15]]));
    t.started();
    expect(t.skips()).toEqual([]);
  });
});
