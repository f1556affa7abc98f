import type { NodeDescriptor } from '../contract/descriptor.js';
import { sourceTimeConfig } from './sourceTimeConfig.js';
import type { Emitter, OperatorContext, PollResult, SourceOperator } from '../contract/operator.js';
import type { CompiledCode } from '../graph/expression.js';
import { compileExpression } from '../graph/expression.js';
import { errorMessage } from './userCodeFailed.js';

/** Key names are precomputed up to this many keys, so the hot loop does not build strings. */
const KEY_TABLE_LIMIT = 65536;

/**
 * `source.generator`: synthetic events, replayable from any index `i`. The default path (no
 * expressions) calls no compiled code and reads the clock once per poll, so it can feed
 * millions of events per second into a fused chain.
 */
export const generator: NodeDescriptor = {
  type: 'source.generator',
  title: 'Generator',
  category: 'source',
  doc:
    'Produces synthetic events: event i has id "<node>-i", key "k" + (i % keys), value from ' +
    '`valueExpression` (default { seq: i }) and time from `timeExpression` (default the wall clock). ' +
    'Without `count` it never ends; without `ratePerSec` it runs as fast as downstream accepts.',
  config: {
    count: { kind: 'number', label: 'Count', doc: 'How many events to emit. Empty: unbounded.', min: 0, integer: true },
    ratePerSec: {
      kind: 'number',
      label: 'Rate (events/s)',
      doc: 'Pace the events to this rate. Empty: as fast as backpressure allows.',
      min: 0,
    },
    keys: {
      kind: 'number',
      label: 'Keys',
      doc: 'Number of distinct keys, "k0" … "k<keys-1>".',
      default: 10,
      min: 1,
      integer: true,
    },
    valueExpression: {
      kind: 'expression',
      vars: ['i'],
      label: 'Value',
      doc: 'JavaScript expression over the index `i` giving the event value. Empty: { seq: i }.',
    },
    timeExpression: {
      kind: 'expression',
      vars: ['i'],
      label: 'Event time',
      doc: 'JavaScript expression over `i` giving the event time in ms. Empty: the wall clock.',
    },
    ...sourceTimeConfig,
  },
  ports: () => ({ inputs: [], outputs: ['out'] }),
  runsUserCode: false,
  changesKey: false,
  maxParallelism: 1,
  check(config) {
    const rate = config.ratePerSec;
    if (rate !== undefined && rate !== null && !(typeof rate === 'number' && rate > 0)) {
      return [{ field: 'ratePerSec', message: 'Rate must be greater than 0 (leave it empty for no limit).' }];
    }
    return [];
  },
  create: (ctx) => new GeneratorOperator(ctx),
};

class GeneratorOperator implements SourceOperator {
  readonly kind = 'source' as const;
  private next = 0;
  private readonly count: number;
  private readonly keys: number;
  private readonly keyTable: string[] | null;
  private readonly idPrefix: string;
  private readonly valueFn: CompiledCode | null;
  private readonly timeFn: CompiledCode | null;
  private readonly rate: number;
  private readonly burst: number;
  private tokens = 1;
  private lastRefill = -1;
  private newest = Number.NEGATIVE_INFINITY;

  constructor(private readonly ctx: OperatorContext) {
    const c = ctx.config;
    this.count = typeof c.count === 'number' ? c.count : Infinity;
    this.keys = Math.max(1, Math.floor(typeof c.keys === 'number' ? c.keys : 10));
    this.keyTable = null;
    if (this.keys <= KEY_TABLE_LIMIT) {
      const table: string[] = new Array<string>(this.keys);
      for (let k = 0; k < this.keys; k++) table[k] = 'k' + k;
      this.keyTable = table;
    }
    this.idPrefix = ctx.nodeId + '-';
    this.valueFn = nonEmpty(c.valueExpression) ? compileExpression(c.valueExpression, ['i']) : null;
    this.timeFn = nonEmpty(c.timeExpression) ? compileExpression(c.timeExpression, ['i']) : null;
    this.rate = typeof c.ratePerSec === 'number' && c.ratePerSec > 0 ? c.ratePerSec : 0;
    // Two milliseconds worth: bursts small enough to keep latency low at high rates, yet big
    // enough that a late timer (setTimeout fires 1–2 ms late) does not cost throughput.
    this.burst = Math.max(1, this.rate / 500);
  }

  poll(budget: number, out: Emitter): PollResult {
    if (this.next >= this.count) return 'end';
    const now = this.ctx.now();
    let n = Math.min(budget, this.count - this.next);
    if (this.rate > 0) {
      if (this.lastRefill >= 0) {
        this.tokens = Math.min(this.burst, this.tokens + ((now - this.lastRefill) * this.rate) / 1000);
      }
      this.lastRefill = now;
      if (this.tokens < 1) {
        this.ctx.setTimer(now + Math.ceil(((1 - this.tokens) * 1000) / this.rate));
        return 'idle';
      }
      n = Math.min(n, Math.floor(this.tokens));
      this.tokens -= n;
    }
    const end = this.next + n;
    const { keyTable, keys, idPrefix } = this;
    if (this.valueFn === null && this.timeFn === null) {
      for (let i = this.next; i < end; i++) {
        const k = i % keys;
        out.emit('out', {
          id: idPrefix + i,
          key: keyTable !== null ? (keyTable[k] as string) : 'k' + k,
          time: now,
          value: { seq: i },
          emittedAt: now,
        });
      }
      if (end > this.next && now > this.newest) this.newest = now;
    } else {
      for (let i = this.next; i < end; i++) this.emitComputed(i, now, out);
    }
    this.next = end;
    if (end >= this.count) return 'end';
    return 'more';
  }

  /**
   * The expression path. A throwing expression skips index `i` into the dead letters (there is
   * no input event to route to an error port) and the source goes on.
   */
  private emitComputed(i: number, now: number, out: Emitter): void {
    const k = i % this.keys;
    const id = this.idPrefix + i;
    const key = this.keyTable !== null ? (this.keyTable[k] as string) : 'k' + k;
    let time = now;
    let value: unknown;
    try {
      if (this.timeFn !== null) time = Number(this.timeFn(i));
      value = this.valueFn === null ? { seq: i } : this.valueFn(i);
    } catch (err) {
      this.ctx.countError(1);
      this.ctx.deadLetter({ id, key, time, value: null, emittedAt: now }, `event ${i}: ${errorMessage(err)}`);
      return;
    }
    if (time > this.newest) this.newest = time;
    out.emit('out', { id, key, time, value, emittedAt: now });
  }

  newestTime(): number {
    return this.newest;
  }

  /** Nothing to do: the timer only wakes the runtime to poll again once a token is due. */
  onTimer(): void {}

  snapshot(): unknown {
    return { next: this.next };
  }

  restore(state: unknown): void {
    const next = (state as { next?: unknown } | null)?.next;
    if (typeof next === 'number') this.next = next;
  }
}

function nonEmpty(x: unknown): x is string {
  return typeof x === 'string' && x.trim() !== '';
}
