import type { NodeDescriptor } from '../contract/descriptor.js';
import type { SluiceEvent } from '../contract/event.js';
import type { Emitter, Operator, OperatorContext } from '../contract/operator.js';
import { compileEventExpression, type EventExpression } from './eventExpression.js';
import { EVENT_VARS, userCodeFailed } from './userCodeFailed.js';

const DEFAULT_ID = 'event.id';

/**
 * `dedupe`: drops events whose id was seen. Seen ids live in one insertion-ordered Map (id →
 * first-seen ms), so both eviction rules (`ttlMs` on the wall clock and `maxIds`) drop from the
 * front in O(1). A repeat does not refresh its id's age: the window counts from the first sighting.
 */
export const dedupe: NodeDescriptor = {
  type: 'dedupe',
  title: 'Dedupe',
  category: 'stateful',
  doc:
    'Drops an event whose id was already seen, making a retried or replayed stream idempotent. ' +
    'Seen ids are checkpointed; `ttlMs` forgets ids after a while and `maxIds` caps how many are kept.',
  config: {
    idExpression: {
      kind: 'expression',
      vars: EVENT_VARS,
      label: 'Id',
      doc: 'What identifies a duplicate, e.g. `value.orderId`. Default: the event id.',
      default: DEFAULT_ID,
    },
    ttlMs: {
      kind: 'number',
      label: 'Remember for (ms)',
      doc: 'Forget an id this long after it was first seen. Empty: forever.',
      min: 1,
    },
    maxIds: {
      kind: 'number',
      label: 'Max ids',
      doc: 'Keep at most this many ids, forgetting the oldest. Empty: no limit.',
      min: 1,
      integer: true,
    },
  },
  ports: () => ({ inputs: ['in'], outputs: ['out', 'error'] }),
  runsUserCode: true,
  changesKey: false,
  check(config) {
    if (config.ttlMs === undefined && config.maxIds === undefined) {
      return [{ message: 'Without ttlMs or maxIds the seen ids grow without bound.', severity: 'warning' }];
    }
    return [];
  },
  create: (ctx) => new DedupeOperator(ctx),
};

class DedupeOperator implements Operator {
  private readonly seen = new Map<string, number>();
  private readonly idFn: EventExpression | null;
  private readonly ttl: number;
  private readonly maxIds: number;

  constructor(private readonly ctx: OperatorContext) {
    const c = ctx.config;
    const expr = typeof c.idExpression === 'string' ? c.idExpression.trim() : DEFAULT_ID;
    // The default needs no compiled call on the hot path.
    this.idFn = expr === DEFAULT_ID || expr === '' ? null : compileEventExpression(expr);
    this.ttl = typeof c.ttlMs === 'number' && c.ttlMs > 0 ? c.ttlMs : Infinity;
    this.maxIds = typeof c.maxIds === 'number' && c.maxIds > 0 ? c.maxIds : Infinity;
  }

  process(e: SluiceEvent, _port: string, out: Emitter): void {
    let id: string;
    if (this.idFn === null) {
      id = e.id;
    } else {
      try {
        id = String(this.idFn(e));
      } catch (err) {
        userCodeFailed(this.ctx, out, e, err);
        return;
      }
    }
    let now = 0;
    if (this.ttl !== Infinity) {
      now = this.ctx.now();
      this.expire(now);
    }
    if (this.seen.has(id)) return;
    this.seen.set(id, now);
    if (this.seen.size > this.maxIds) this.seen.delete(this.seen.keys().next().value as string);
    out.emit('out', e);
  }

  private expire(now: number): void {
    const limit = now - this.ttl;
    for (const [id, at] of this.seen) {
      if (at > limit) return;
      this.seen.delete(id);
    }
  }

  snapshot(): unknown {
    return { seen: [...this.seen] };
  }

  restore(state: unknown): void {
    this.seen.clear();
    const seen = (state as { seen?: unknown } | null)?.seen;
    if (Array.isArray(seen)) for (const [id, at] of seen as Array<[string, number]>) this.seen.set(id, at);
  }

  stateSize(): number {
    return this.seen.size;
  }
}
