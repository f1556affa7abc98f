import type { NodeDescriptor } from '../contract/descriptor.js';
import type { Operator, OperatorContext } from '../contract/operator.js';

/**
 * `sink.discard`: Nexmark's blackhole. Measures a graph without the cost of output: each event
 * is counted and dropped. The count is part of the checkpoint, so after a recovery it still says
 * how many events the graph delivered exactly once.
 */
export const sinkDiscard: NodeDescriptor = {
  type: 'sink.discard',
  title: 'Discard',
  category: 'sink',
  doc:
    'Drops every event it receives and counts them, like the blackhole sink of benchmarks: for ' +
    'measuring a graph without the cost of writing its output. The count is checkpointed, so it ' +
    'stays exact across a recovery; the run log gives it when the run ends.',
  config: {},
  ports: () => ({ inputs: ['in'], outputs: [] }),
  runsUserCode: false,
  changesKey: false,
  create: (ctx) => new DiscardSinkOperator(ctx),
};

class DiscardSinkOperator implements Operator {
  private count = 0;

  constructor(private readonly ctx: OperatorContext) {}

  process(): void {
    this.count++;
  }

  onEnd(): void {
    this.ctx.log('info', `discarded ${this.count} events`);
  }

  snapshot(): unknown {
    return { count: this.count };
  }

  restore(state: unknown): void {
    const count = (state as { count?: unknown } | null)?.count;
    if (typeof count === 'number') this.count = count;
  }
}
