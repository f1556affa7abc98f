import type { SluiceEvent } from '../contract/event.js';
import { compileEventExpression, type EventExpression } from './eventExpression.js';

/** The aggregate operations shared by `aggregate` and `window`. */
export const AGGREGATE_OPS = ['count', 'sum', 'avg', 'min', 'max'] as const;
export type AggregateOp = (typeof AGGREGATE_OPS)[number];

/**
 * A running aggregate. Every op is derived from the same four numbers, so accumulators merge
 * (session windows) and snapshot as plain JSON.
 */
export interface Accumulator {
  count: number;
  sum: number;
  /** null until a value arrives (JSON has no Infinity). */
  min: number | null;
  max: number | null;
}

export function newAccumulator(): Accumulator {
  return { count: 0, sum: 0, min: null, max: null };
}

export function addToAccumulator(acc: Accumulator, x: number): void {
  acc.count++;
  acc.sum += x;
  if (acc.min === null || x < acc.min) acc.min = x;
  if (acc.max === null || x > acc.max) acc.max = x;
}

/** Fold `from` into `into` (session windows that merge). */
export function mergeAccumulator(into: Accumulator, from: Accumulator): void {
  into.count += from.count;
  into.sum += from.sum;
  if (from.min !== null && (into.min === null || from.min < into.min)) into.min = from.min;
  if (from.max !== null && (into.max === null || from.max > into.max)) into.max = from.max;
}

/** The op's result; avg of nothing is null rather than NaN so it survives JSON. */
export function accumulatorResult(acc: Accumulator, op: AggregateOp): number | null {
  switch (op) {
    case 'count':
      return acc.count;
    case 'sum':
      return acc.sum;
    case 'avg':
      return acc.count === 0 ? null : acc.sum / acc.count;
    case 'min':
      return acc.min;
    case 'max':
      return acc.max;
  }
}

/**
 * The number an event contributes. Non-numbers are an error of the user's `field` expression,
 * reported through the node's error port like any other user-code failure.
 */
export function toAggregateNumber(x: unknown): number {
  const n = typeof x === 'number' ? x : typeof x === 'string' && x.trim() !== '' ? Number(x) : NaN;
  if (!Number.isFinite(n)) throw new Error(`field is not a number: ${JSON.stringify(x) ?? String(x)}`);
  return n;
}

/** What each event adds to an accumulator: the node's `op`, and the number its `field` picks. */
export class AggregateInput {
  readonly op: AggregateOp;
  private readonly field: EventExpression | null;

  constructor(config: Readonly<Record<string, unknown>>) {
    this.op = (config.op as AggregateOp | undefined) ?? 'count';
    const f = config.field;
    this.field = this.op !== 'count' && typeof f === 'string' && f.trim() !== '' ? compileEventExpression(f) : null;
  }

  /** 0 for count; else the field's number (the value itself without a field). Throws on user-code failure or a non-number. */
  of(e: SluiceEvent): number {
    if (this.op === 'count') return 0;
    return toAggregateNumber(this.field === null ? e.value : this.field(e));
  }
}
