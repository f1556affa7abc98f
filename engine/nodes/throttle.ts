import type { NodeDescriptor } from '../contract/descriptor.js';
import type { SluiceEvent } from '../contract/event.js';
import type { Emitter, Operator, OperatorContext } from '../contract/operator.js';

/**
 * `throttle`: a token bucket of `ratePerSec` tokens a second holding at most one second's worth
 * (at least one token). `drop` discards (and counts) events without a token; `delay` holds them,
 * pausing the input until the next token is due, so backpressure reaches the sources instead of
 * a queue growing here.
 */
export const throttle: NodeDescriptor = {
  type: 'throttle',
  title: 'Throttle',
  category: 'routing',
  doc:
    "Limits the rate of events with a token bucket (bursts up to one second's worth). In delay mode " +
    'events wait for a token and upstream is slowed down; in drop mode events without a token are ' +
    'dropped and counted.',
  config: {
    ratePerSec: {
      kind: 'number',
      label: 'Rate (events/s)',
      doc: 'Events let through per second.',
      required: true,
      min: 0,
    },
    mode: {
      kind: 'enum',
      values: ['delay', 'drop'],
      label: 'Mode',
      doc: 'Wait for a token (delay) or discard the event (drop).',
      default: 'delay',
    },
  },
  ports: () => ({ inputs: ['in'], outputs: ['out'] }),
  runsUserCode: false,
  changesKey: false,
  check(config) {
    const r = config.ratePerSec;
    return typeof r === 'number' && r > 0
      ? []
      : [{ field: 'ratePerSec', message: 'The rate must be greater than 0 events per second.' }];
  },
  create: (ctx) => new ThrottleOperator(ctx),
};

class ThrottleOperator implements Operator {
  private readonly rate: number;
  private readonly capacity: number;
  private readonly drop: boolean;
  private tokens: number;
  private lastRefill = -1;
  /** Held events (delay mode); `head` avoids O(n) shifts. */
  private held: SluiceEvent[] = [];
  private head = 0;

  constructor(private readonly ctx: OperatorContext) {
    this.rate = Number(ctx.config.ratePerSec);
    this.capacity = Math.max(1, this.rate);
    this.tokens = this.capacity;
    this.drop = ctx.config.mode === 'drop';
  }

  private refill(now: number): void {
    if (this.lastRefill >= 0 && now > this.lastRefill) {
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.lastRefill) * this.rate) / 1000);
    }
    if (now > this.lastRefill) this.lastRefill = now;
  }

  process(e: SluiceEvent, _port: string, out: Emitter): void {
    const now = this.ctx.now();
    this.refill(now);
    if (this.head < this.held.length) {
      // Behind held events (after a restore): keep the order, release what tokens allow.
      this.held.push(e);
      this.release(out, Infinity);
      return;
    }
    if (this.tokens >= 1) {
      this.tokens -= 1;
      out.emit('out', e);
      return;
    }
    if (this.drop) {
      this.ctx.countDropped(1);
      return;
    }
    this.held.push(e);
    this.waitForToken(now);
  }

  /** Pause input and wake up when the next token is due. */
  private waitForToken(now: number): void {
    const until = now + Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / this.rate));
    this.ctx.pauseInput(until);
    this.ctx.setTimer(until);
  }

  /** Emit held events while tokens (and credit) last. */
  private release(out: Emitter, credit: number): void {
    const now = this.ctx.now();
    this.refill(now);
    while (this.head < this.held.length && this.tokens >= 1 && credit > 0) {
      this.tokens -= 1;
      credit--;
      out.emit('out', this.held[this.head++] as SluiceEvent);
    }
    if (this.head === this.held.length) {
      this.held = [];
      this.head = 0;
    } else if (this.tokens < 1) {
      this.waitForToken(now);
    }
  }

  onTimer(_now: number, out: Emitter): void {
    this.release(out, Infinity);
  }

  pump(out: Emitter, credit: (port: string) => number): void {
    if (this.head < this.held.length) this.release(out, credit('out'));
  }

  /** Held events wait for tokens; the run does not end while any are held. */
  hasPending(): boolean {
    return this.head < this.held.length;
  }

  snapshot(): unknown {
    return { held: this.held.slice(this.head) };
  }

  restore(state: unknown): void {
    const held = (state as { held?: unknown } | null)?.held;
    this.held = Array.isArray(held) ? (held as SluiceEvent[]) : [];
    this.head = 0;
    // Let the held events out as soon as the runtime runs timers.
    if (this.held.length > 0) this.ctx.setTimer(this.ctx.now());
  }

  stateSize(): number {
    return this.held.length - this.head;
  }
}
