import type { NodeDescriptor } from '../contract/descriptor.js';
import type { SluiceEvent } from '../contract/event.js';
import type { Emitter, Operator, OperatorContext } from '../contract/operator.js';
import type { Accumulator } from './accumulator.js';
import { AGGREGATE_OPS, accumulatorResult, addToAccumulator, newAccumulator, AggregateInput } from './accumulator.js';
import { EVENT_VARS, userCodeFailed } from './userCodeFailed.js';

/** `aggregate`: a keyed running aggregate that emits a changelog row after every input. */
export const aggregate: NodeDescriptor = {
  type: 'aggregate',
  title: 'Aggregate',
  category: 'stateful',
  doc:
    'Keeps a running count, sum, average, minimum or maximum per key and emits ' +
    '{ key, op, value, count } after every input (a changelog). Its state is checkpointed.',
  config: {
    op: { kind: 'enum', values: AGGREGATE_OPS, label: 'Operation', doc: 'What to compute per key.', default: 'count' },
    field: {
      kind: 'expression',
      vars: EVENT_VARS,
      label: 'Field',
      doc: 'The number to aggregate, e.g. `value.amount`. Empty: the value itself. Not used by count.',
    },
  },
  ports: () => ({ inputs: ['in'], outputs: ['out', 'error'] }),
  runsUserCode: true,
  changesKey: false,
  create: (ctx) => new AggregateOperator(ctx),
};

class AggregateOperator implements Operator {
  /** `snapshot` builds fresh columns of numbers and strings each time. */
  readonly snapshotOwned = true;
  private readonly accs = new Map<string | null, Accumulator>();
  private readonly input: AggregateInput;

  constructor(private readonly ctx: OperatorContext) {
    this.input = new AggregateInput(ctx.config);
  }

  process(e: SluiceEvent, _port: string, out: Emitter): void {
    let x: number;
    try {
      x = this.input.of(e);
    } catch (err) {
      userCodeFailed(this.ctx, out, e, err);
      return;
    }
    let acc = this.accs.get(e.key);
    if (acc === undefined) this.accs.set(e.key, (acc = newAccumulator()));
    addToAccumulator(acc, x);
    out.emit('out', {
      id: e.id,
      key: e.key,
      time: e.time,
      value: { key: e.key, op: this.input.op, value: accumulatorResult(acc, this.input.op), count: acc.count },
      emittedAt: e.emittedAt,
    });
  }

  /**
   * Columns, not one object per key: with 100k keys this is half the bytes of
   * `[[key, { count, sum, min, max }], …]` and several times faster to encode and decode, which
   * is most of what a checkpoint of a big keyed state costs.
   */
  snapshot(): unknown {
    const n = this.accs.size;
    const keys = new Array<string | null>(n);
    const count = new Array<number>(n);
    // Only the columns the op reads: count and sum ops never look at min or max.
    const withSum = this.input.op !== 'count';
    const withMinMax = this.input.op === 'min' || this.input.op === 'max';
    const sum = withSum ? new Array<number>(n) : undefined;
    const min = withMinMax ? new Array<number | null>(n) : undefined;
    const max = withMinMax ? new Array<number | null>(n) : undefined;
    let i = 0;
    // forEach, not for-of over entries: no [key, value] array per key (measured 25% faster).
    this.accs.forEach((a, k) => {
      keys[i] = k;
      count[i] = a.count;
      if (sum) sum[i] = a.sum;
      if (min) min[i] = a.min;
      if (max) max[i] = a.max;
      i++;
    });
    return { columns: { keys, count, ...(sum ? { sum } : {}), ...(min ? { min, max } : {}) } };
  }

  restore(state: unknown): void {
    this.accs.clear();
    const s = state as { keys?: unknown; columns?: Record<string, unknown[]> } | null;
    const c = s?.columns;
    if (c && Array.isArray(c['keys'])) {
      const keys = c['keys'] as Array<string | null>;
      for (let i = 0; i < keys.length; i++) {
        this.accs.set(keys[i]!, {
          count: Number(c['count']?.[i] ?? 0),
          sum: Number(c['sum']?.[i] ?? 0),
          min: (c['min']?.[i] as number | null) ?? null,
          max: (c['max']?.[i] as number | null) ?? null,
        });
      }
      return;
    }
    // The first format: [[key, accumulator], …].
    if (Array.isArray(s?.keys))
      for (const [k, acc] of s.keys as Array<[string | null, Accumulator]>) this.accs.set(k, { ...acc });
  }

  stateSize(): number {
    return this.accs.size;
  }
}
