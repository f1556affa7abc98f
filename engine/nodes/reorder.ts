import type { NodeDescriptor } from '../contract/descriptor.js';
import type { SluiceEvent } from '../contract/event.js';
import type { Emitter, Operator, OperatorContext } from '../contract/operator.js';
import { UserError } from '../contract/operator.js';
import { EventClock, type EventClockState, inputIdleTimeout } from './EventClock.js';
import { MinHeap } from './minHeap.js';

interface Held {
  e: SluiceEvent;
  seq: number;
}

const earlier = (a: Held, b: Held): boolean => (a.e.time !== b.e.time ? a.e.time < b.e.time : a.seq < b.seq);

interface ReorderSnapshot {
  clock: EventClockState;
  /** Held events in the order they will go out. */
  held: SluiceEvent[];
}

/**
 * `reorder` (SPEC §12): puts events back in event-time order.
 *
 * 1. The watermark is the EventClock's: per input max(signal, max time seen), the min over
 *    inputs not idle, minus `watermarkDelayMs`.
 * 2. An event older than the watermark is late and goes unchanged to `late`; any other is held.
 * 3. Whenever the watermark moves, every held event at or before it goes out, in time order
 *    (ties in arrival order), so the output is sorted: per key, and across keys too.
 * 4. At most `maxBuffered` events are held; one more stops the run with a message naming the
 *    node and the remedies, rather than growing without bound.
 * 5. At the end of input everything held goes out in order.
 */
export const reorder: NodeDescriptor = {
  type: 'reorder',
  title: 'Reorder',
  category: 'stateful',
  doc:
    'Buffers events and emits them in event-time order once the watermark passes them (ties keep ' +
    'their arrival order). Events older than the watermark go to the `late` port. Raise the ' +
    'watermark delay to wait longer for out-of-order events.',
  config: {
    watermarkDelayMs: {
      kind: 'number',
      label: 'Watermark delay (ms)',
      doc: 'How far behind the newest event time to wait for out-of-order events before emitting.',
      default: 0,
      min: 0,
    },
    idleTimeoutMs: inputIdleTimeout,
    maxBuffered: {
      kind: 'number',
      label: 'Max buffered events',
      doc: 'The most events held at once; one more stops the run with a clear message.',
      default: 100000,
      min: 1,
      integer: true,
    },
  },
  ports: () => ({ inputs: ['in'], outputs: ['out', 'late'] }),
  runsUserCode: false,
  changesKey: false,
  create: (ctx) => new ReorderOperator(ctx),
};

class ReorderOperator implements Operator {
  private readonly clock: EventClock;
  private readonly heap = new MinHeap<Held>(earlier);
  private readonly max: number;
  private seq = 0;

  constructor(private readonly ctx: OperatorContext) {
    this.clock = new EventClock(ctx.inputCount, Number(ctx.config.watermarkDelayMs ?? 0));
    this.max = Math.max(1, Math.floor(Number(ctx.config.maxBuffered ?? 100000)));
  }

  process(e: SluiceEvent, _port: string, out: Emitter, input: number): void {
    if (e.time < this.clock.watermark) {
      this.ctx.countLate(1);
      out.emit('late', e);
      return;
    }
    if (this.heap.size >= this.max) {
      throw new UserError(
        `reorder "${this.ctx.nodeId}" holds ${this.max} events waiting for the watermark (maxBuffered). ` +
          'Lower its watermarkDelayMs, raise maxBuffered, or give a quiet input an idleTimeoutMs so the watermark advances.',
      );
    }
    this.heap.push({ e, seq: this.seq++ });
    // An event at the watermark itself is on time and may go at once.
    if (this.clock.seen(input, e.time) || e.time <= this.clock.watermark) this.release(out);
  }

  onWatermark(wm: number, input: number, idle: boolean, out: Emitter): number {
    if (this.clock.signal(input, wm, idle)) this.release(out);
    return this.clock.watermark;
  }

  onEnd(out: Emitter): void {
    this.clock.end();
    this.release(out);
  }

  private release(out: Emitter): void {
    const wm = this.clock.watermark;
    this.ctx.reportWatermark(wm);
    for (let top = this.heap.peek(); top !== undefined && top.e.time <= wm; top = this.heap.peek()) {
      this.heap.pop();
      out.emit('out', top.e);
    }
  }

  snapshot(): unknown {
    const held = this.heap
      .toArray()
      .sort((a, b) => (earlier(a, b) ? -1 : earlier(b, a) ? 1 : 0))
      .map((h) => h.e);
    const snap: ReorderSnapshot = { clock: this.clock.snapshot(), held };
    return snap;
  }

  restore(state: unknown): void {
    const s = state as Partial<ReorderSnapshot> | null;
    this.clock.restore(s?.clock);
    this.heap.clear();
    this.seq = 0;
    for (const e of s?.held ?? []) this.heap.push({ e, seq: this.seq++ });
    if (Number.isFinite(this.clock.watermark)) this.ctx.reportWatermark(this.clock.watermark);
  }

  stateSize(): number {
    return this.heap.size;
  }
}
