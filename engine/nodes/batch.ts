import type { NodeDescriptor } from '../contract/descriptor.js';
import type { SluiceEvent } from '../contract/event.js';
import type { Emitter, Operator, OperatorContext } from '../contract/operator.js';

/**
 * `batch`: groups events into one event whose value is the array of their values. A batch goes
 * out when it has `size` events or `maxDelayMs` after its first event arrived, whichever is first.
 * Its id is `<first id>+<n>`, stable across replays; its key is the shared key or null; its time
 * is the last event's time; its emission stamp is the first event's, so latency counts the wait.
 */
export const batch: NodeDescriptor = {
  type: 'batch',
  title: 'Batch',
  category: 'stateful',
  doc:
    'Collects events into batches: the value becomes the array of the values. A batch is emitted ' +
    'when it holds `size` events or `maxDelayMs` after its first event, and at the end of input.',
  config: {
    size: { kind: 'number', label: 'Size', doc: 'Events per batch.', default: 100, min: 1, integer: true },
    maxDelayMs: {
      kind: 'number',
      label: 'Max delay (ms)',
      doc: 'Emit a partial batch this long after its first event.',
      default: 1000,
      min: 0,
    },
  },
  ports: () => ({ inputs: ['in'], outputs: ['out'] }),
  runsUserCode: false,
  changesKey: false,
  create: (ctx) => new BatchOperator(ctx),
};

class BatchOperator implements Operator {
  private buffer: SluiceEvent[] = [];
  private deadline = Infinity;
  /** The oldest event time held: the watermark waits for it, or the batch would come out late. */
  private oldest = Infinity;
  private readonly size: number;
  private readonly maxDelay: number;

  constructor(private readonly ctx: OperatorContext) {
    this.size = Math.max(1, Math.floor(Number(ctx.config.size ?? 100)));
    this.maxDelay = Math.max(0, Number(ctx.config.maxDelayMs ?? 1000));
  }

  process(e: SluiceEvent, _port: string, out: Emitter): void {
    if (this.buffer.length === 0) this.startDeadline();
    this.buffer.push(e);
    if (e.time < this.oldest) this.oldest = e.time;
    if (this.buffer.length >= this.size) this.flush(out);
  }

  private startDeadline(): void {
    this.deadline = this.ctx.now() + this.maxDelay;
    this.ctx.setTimer(this.deadline);
  }

  onTimer(now: number, out: Emitter): void {
    // A timer set for an already flushed batch may still arrive; the deadline tells.
    if (this.buffer.length > 0 && now >= this.deadline) this.flush(out);
  }

  onWatermark(wm: number): number {
    return Math.min(wm, this.oldest);
  }

  onEnd(out: Emitter): void {
    if (this.buffer.length > 0) this.flush(out);
  }

  private flush(out: Emitter): void {
    const events = this.buffer;
    const n = events.length;
    const first = events[0] as SluiceEvent;
    const last = events[n - 1] as SluiceEvent;
    const values = new Array<unknown>(n);
    let key: string | null = first.key;
    for (let i = 0; i < n; i++) {
      const e = events[i] as SluiceEvent;
      values[i] = e.value;
      if (e.key !== key) key = null;
    }
    this.buffer = [];
    this.deadline = Infinity;
    this.oldest = Infinity;
    out.emit('out', { id: first.id + '+' + n, key, time: last.time, value: values, emittedAt: first.emittedAt });
  }

  snapshot(): unknown {
    return { buffer: this.buffer.slice() };
  }

  restore(state: unknown): void {
    const buffer = (state as { buffer?: unknown } | null)?.buffer;
    this.buffer = Array.isArray(buffer) ? (buffer as SluiceEvent[]) : [];
    this.oldest = this.buffer.reduce((m, e) => Math.min(m, e.time), Infinity);
    // The wait restarts: the original arrival clock did not survive the restart.
    if (this.buffer.length > 0) this.startDeadline();
  }

  stateSize(): number {
    return this.buffer.length;
  }
}
