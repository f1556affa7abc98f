import { describe, expect, it } from 'vitest';
import type { EventSchema } from '../../../../engine/contract/eventSchema.js';
import { compileUpcastChain, UpcastError } from '../../../../engine/graph/compileUpcastChain.js';

const v = (version: number, upcast?: string): EventSchema => ({
  name: 'orders',
  version,
  ref: `orders@${version}`,
  file: `orders@${version}.schema.json`,
  schema: true,
  compatibility: 'BACKWARD',
  ...(upcast ? { upcast } : {}),
});

describe('compileUpcastChain', () => {
  const chain = compileUpcastChain(
    [
      v(3, '({ ...value, total: value.amount * value.quantity, currency: key ?? "EUR" })'),
      v(1),
      v(2, '({ seq: value.seq, quantity: value.quantity, amount: 12.5 })'),
      { ...v(1), name: 'other', ref: 'other@1' },
    ],
    'orders',
  );

  it('applies each later version’s upcast in order, up to the latest', () => {
    expect(chain.latest).toBe(3);
    expect(chain.versions).toEqual([1, 2, 3]);
    expect(chain.upcast({ seq: 1, quantity: 2 }, 1)).toEqual({
      seq: 1,
      quantity: 2,
      amount: 12.5,
      total: 25,
      currency: 'EUR',
    });
    expect(chain.upcast({ seq: 1, quantity: 2, amount: 1 }, 2, { key: 'USD' })).toEqual({
      seq: 1,
      quantity: 2,
      amount: 1,
      total: 2,
      currency: 'USD',
    });
  });

  it('passes a value of the latest version through unchanged, and a version without upcast as it is', () => {
    const latest = { seq: 1, total: 3 };
    expect(chain.upcast(latest, 3)).toBe(latest);
    const noUpcast = compileUpcastChain([v(1), v(2)], 'orders');
    expect(noUpcast.upcast({ a: 1 }, 1)).toEqual({ a: 1 });
  });

  it('throws an UpcastError naming the step that failed', () => {
    const failing = compileUpcastChain([v(1), v(2, 'value.missing.deep')], 'orders');
    expect(() => failing.upcast({}, 1)).toThrow(UpcastError);
    expect(() => failing.upcast({}, 1)).toThrow(/^orders@2's upcast failed on a v1 value: /);
  });

  it('throws for a version the contract does not have', () => {
    expect(() => chain.upcast({}, 7)).toThrow('orders has no version 7 (it has 1, 2, 3)');
    expect(() => compileUpcastChain([v(1)], 'nope')).toThrow('there is no contract named nope');
  });
});
