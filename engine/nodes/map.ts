import type { NodeDescriptor } from '../contract/descriptor.js';
import type { SluiceEvent } from '../contract/event.js';
import type { Emitter, Operator, OperatorContext } from '../contract/operator.js';
import { compileEventExpression, type EventExpression } from './eventExpression.js';
import { EVENT_VARS, userCodeFailed } from './userCodeFailed.js';

/** `map`: value := expression. */
export const map: NodeDescriptor = {
  type: 'map',
  title: 'Map',
  category: 'transform',
  doc: "Replaces each event's value with the result of an expression over `value`, `key`, `time` and `event`. Id, key and time stay the same.",
  config: {
    expression: {
      kind: 'expression',
      vars: EVENT_VARS,
      label: 'Expression',
      doc: 'The new value, e.g. `{ ...value, total: value.price * value.qty }`.',
      required: true,
    },
  },
  ports: () => ({ inputs: ['in'], outputs: ['out', 'error'] }),
  runsUserCode: true,
  changesKey: false,
  create: (ctx) => new MapOperator(ctx),
};

class MapOperator implements Operator {
  private readonly fn: EventExpression;
  constructor(private readonly ctx: OperatorContext) {
    this.fn = compileEventExpression(String(ctx.config.expression));
  }
  process(e: SluiceEvent, _port: string, out: Emitter): void {
    let value: unknown;
    try {
      value = this.fn(e);
    } catch (err) {
      userCodeFailed(this.ctx, out, e, err);
      return;
    }
    out.emit('out', { id: e.id, key: e.key, time: e.time, value, emittedAt: e.emittedAt });
  }
}
