import type { NodeDescriptor } from '../contract/descriptor.js';
import type { SluiceEvent } from '../contract/event.js';
import type { Emitter, Operator, OperatorContext } from '../contract/operator.js';
import { compileEventExpression, type EventExpression } from './eventExpression.js';
import { EVENT_VARS, userCodeFailed } from './userCodeFailed.js';

/** How often at most the points are sent to the app: one log line per this many ms. */
export const CHART_FLUSH_MS = 250;

/**
 * `sink.chart`: plots a numeric expression of its events live in the app's Charts panel. It emits
 * nothing and keeps no state (at-least-once: after a recovery some points repeat). Points travel
 * as `ctx.log('info', '{"chart":[[time, y], ...]}')` batches, at most one per `CHART_FLUSH_MS`
 * and at most `maxPoints` per batch, so a fast stream costs one small message four times a second.
 */
export const sinkChart: NodeDescriptor = {
  type: 'sink.chart',
  title: 'Chart',
  category: 'sink',
  doc:
    'Plots a number computed from each event (x: event time, y: the expression) live in the Charts panel of the app. ' +
    'Non-numeric results are skipped and counted as dropped. At-least-once: after a recovery some points may repeat.',
  config: {
    expression: {
      kind: 'expression',
      vars: EVENT_VARS,
      label: 'Y value',
      doc: 'The number to plot, e.g. `value.amount` or `value.count`.',
      default: 'value',
    },
    title: { kind: 'string', label: 'Title', doc: 'Shown above the chart; the node label when empty.', default: '' },
    maxPoints: {
      kind: 'number',
      label: 'Points shown',
      doc: 'How many of the newest points the chart keeps.',
      default: 300,
      min: 2,
      max: 10_000,
      integer: true,
    },
  },
  ports: () => ({ inputs: ['in'], outputs: ['error'] }),
  runsUserCode: true,
  changesKey: false,
  create: (ctx) => new ChartSinkOperator(ctx),
};

class ChartSinkOperator implements Operator {
  private readonly fn: EventExpression;
  private readonly maxPoints: number;
  /** Points since the last flush, newest last; never more than `maxPoints`. */
  private pending: Array<[number, number]> = [];
  private timerSet = false;

  constructor(private readonly ctx: OperatorContext) {
    this.fn = compileEventExpression(String(ctx.config.expression ?? 'value'));
    const max = Number(ctx.config.maxPoints);
    this.maxPoints = Number.isInteger(max) && max >= 2 ? max : 300;
  }

  process(e: SluiceEvent, _port: string, out: Emitter): void {
    let y: unknown;
    try {
      y = this.fn(e);
    } catch (err) {
      userCodeFailed(this.ctx, out, e, err);
      return;
    }
    const n = typeof y === 'number' ? y : typeof y === 'string' && y.trim() !== '' ? Number(y) : NaN;
    if (!Number.isFinite(n)) {
      this.ctx.countDropped(1);
      return;
    }
    this.pending.push([e.time, n]);
    // Only the newest maxPoints can be shown; a burst must not grow the batch without bound.
    if (this.pending.length > this.maxPoints * 2) this.pending = this.pending.slice(-this.maxPoints);
    if (!this.timerSet) {
      this.timerSet = true;
      this.ctx.setTimer(this.ctx.now() + CHART_FLUSH_MS);
    }
  }

  onTimer(): void {
    this.timerSet = false;
    this.flush();
  }

  onEnd(): void {
    this.flush();
  }

  close(): void {
    this.flush();
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const points = this.pending.length > this.maxPoints ? this.pending.slice(-this.maxPoints) : this.pending;
    this.pending = [];
    this.ctx.log('info', JSON.stringify({ chart: points }));
  }
}
