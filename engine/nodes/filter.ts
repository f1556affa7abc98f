import type { NodeDescriptor } from '../contract/descriptor.js';
import type { SluiceEvent } from '../contract/event.js';
import type { Emitter, Operator, OperatorContext } from '../contract/operator.js';
import { compileEventExpression, type EventExpression } from './eventExpression.js';
import { EVENT_VARS, userCodeFailed } from './userCodeFailed.js';

/** `filter`: keep events whose predicate is truthy. */
export const filter: NodeDescriptor = {
  type: 'filter',
  title: 'Filter',
  category: 'transform',
  doc: 'Keeps the events for which the predicate (an expression over `value`, `key`, `time`, `event`) is truthy and passes them on unchanged; the others count as dropped.',
  config: {
    predicate: {
      kind: 'expression',
      vars: EVENT_VARS,
      label: 'Predicate',
      doc: 'Events for which this is truthy pass, e.g. `value.amount > 100`.',
      required: true,
    },
  },
  ports: () => ({ inputs: ['in'], outputs: ['out', 'error'] }),
  runsUserCode: true,
  changesKey: false,
  create: (ctx) => new FilterOperator(ctx),
};

class FilterOperator implements Operator {
  private readonly fn: EventExpression;
  constructor(private readonly ctx: OperatorContext) {
    this.fn = compileEventExpression(String(ctx.config.predicate));
  }
  process(e: SluiceEvent, _port: string, out: Emitter): void {
    let keep: unknown;
    try {
      keep = this.fn(e);
    } catch (err) {
      userCodeFailed(this.ctx, out, e, err);
      return;
    }
    if (keep) out.emit('out', e);
    // What the predicate rejected is the node's "drop" figure.
    else this.ctx.countDropped(1);
  }
}
