import type { NodeDescriptor } from '../contract/descriptor.js';
import type { SluiceEvent } from '../contract/event.js';
import { withKey } from '../contract/event.js';
import type { Emitter, Operator, OperatorContext } from '../contract/operator.js';
import { compileEventExpression, type EventExpression } from './eventExpression.js';
import { EVENT_VARS, userCodeFailed } from './userCodeFailed.js';

/** `keyBy`: key := String(expression); downstream is re-partitioned by the new key. */
export const keyBy: NodeDescriptor = {
  type: 'keyBy',
  title: 'Key by',
  category: 'transform',
  doc: "Gives each event a new key: the expression's result as a string. Keyed nodes downstream (aggregate, window, function state) group by it.",
  config: {
    key: {
      kind: 'expression',
      vars: EVENT_VARS,
      label: 'Key',
      doc: 'The new key, e.g. `value.userId`. Converted with String().',
      required: true,
    },
  },
  ports: () => ({ inputs: ['in'], outputs: ['out', 'error'] }),
  runsUserCode: true,
  changesKey: true,
  create: (ctx) => new KeyByOperator(ctx),
};

class KeyByOperator implements Operator {
  private readonly fn: EventExpression;
  constructor(private readonly ctx: OperatorContext) {
    this.fn = compileEventExpression(String(ctx.config.key));
  }
  process(e: SluiceEvent, _port: string, out: Emitter): void {
    let key: string;
    try {
      key = String(this.fn(e));
    } catch (err) {
      userCodeFailed(this.ctx, out, e, err);
      return;
    }
    // A value still encoded stays so: a key expression that names no value never decodes it.
    out.emit('out', withKey(e, key));
  }
}
