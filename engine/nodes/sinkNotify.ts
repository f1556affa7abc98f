import type { NodeDescriptor } from '../contract/descriptor.js';
import type { SluiceEvent } from '../contract/event.js';
import type { Emitter, Operator, OperatorContext } from '../contract/operator.js';
import { compileEventExpression, type EventExpression } from './eventExpression.js';
import { EVENT_VARS, userCodeFailed } from './userCodeFailed.js';

/**
 * `sink.notify`: a desktop notification per event — a real one in the desktop app, a line in
 * the terminal from the CLI, a notice in the browser from the web host. Rate-limited, because a
 * stream can produce thousands a second and a person reads one: events inside `minIntervalMs`
 * of the last notification are counted as dropped. At-least-once, not staged.
 */
export const sinkNotify: NodeDescriptor = {
  type: 'sink.notify',
  title: 'Notify',
  category: 'sink',
  doc:
    'Shows a notification for each event: on the desktop in the app, in the terminal from the CLI, as a notice in ' +
    'the browser. At most one per interval; the rest are counted as dropped. At-least-once.',
  config: {
    title: { kind: 'string', label: 'Title', doc: 'The notification title.', default: 'Sluice' },
    bodyExpression: {
      kind: 'expression',
      vars: EVENT_VARS,
      label: 'Message',
      doc: 'The text to show, e.g. `"Card " + key + " spent " + value.value`. Empty: the value as JSON.',
    },
    minIntervalMs: {
      kind: 'number',
      label: 'At most every (ms)',
      doc: 'Events closer than this to the last notification are dropped (counted).',
      default: 1000,
      min: 0,
      integer: true,
    },
  },
  ports: () => ({ inputs: ['in'], outputs: ['error'] }),
  runsUserCode: true,
  changesKey: false,
  create: (ctx) => new NotifySinkOperator(ctx),
};

class NotifySinkOperator implements Operator {
  private readonly body: EventExpression | null;
  private readonly title: string;
  private readonly interval: number;
  private last = Number.NEGATIVE_INFINITY;

  constructor(private readonly ctx: OperatorContext) {
    const expr = ctx.config.bodyExpression;
    this.body = typeof expr === 'string' && expr.trim() !== '' ? compileEventExpression(expr) : null;
    this.title = typeof ctx.config.title === 'string' && ctx.config.title !== '' ? ctx.config.title : 'Sluice';
    const interval = Number(ctx.config.minIntervalMs ?? 1000);
    this.interval = Number.isFinite(interval) && interval >= 0 ? interval : 1000;
  }

  process(e: SluiceEvent, _port: string, out: Emitter): void {
    const now = this.ctx.now();
    if (now - this.last < this.interval) {
      this.ctx.countDropped(1);
      return;
    }
    let text: string;
    try {
      const v = this.body ? this.body(e) : e.value;
      text = typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v));
    } catch (err) {
      userCodeFailed(this.ctx, out, e, err);
      return;
    }
    this.last = now;
    this.ctx.io.notify(this.title, text);
  }
}
