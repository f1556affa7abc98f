import { describe, expect, it } from 'vitest';
import type { EventSchema, JsonSchema } from '../../../../../engine/contract/eventSchema.js';
import { ContractCheckers } from '../../../../../engine/contracts/node/ContractCheckers.js';

const v = (version: number, schema: JsonSchema): EventSchema => ({
  name: 'orders',
  version,
  ref: `orders@${version}`,
  file: `orders@${version}.schema.json`,
  schema,
  compatibility: 'NONE',
});

const checkers = new ContractCheckers([
  v(1, { type: 'object', properties: { qty: { type: 'integer' } }, required: ['qty'] }),
  v(2, {
    type: 'object',
    properties: { qty: { type: 'integer' }, amount: { type: 'number' } },
    required: ['qty', 'amount'],
  }),
]);

describe('ContractCheckers', () => {
  it('compiles each contract once and checks values against it', () => {
    expect(checkers.checker('orders@1')).toBe(checkers.checker('orders@1'));
    expect(checkers.check('orders@2', { qty: 1, amount: 2 })).toBeNull();
    expect(checkers.check('orders@2', { qty: 1 })?.path).toBe('/amount');
  });

  it('finds the newest version a value conforms to, or none', () => {
    expect(checkers.detectVersion('orders', { qty: 1, amount: 2 })).toBe(2);
    expect(checkers.detectVersion('orders', { qty: 1 })).toBe(1);
    expect(checkers.detectVersion('orders', { nothing: true })).toBeNull();
  });

  it('throws for a contract the schemas do not have', () => {
    expect(() => checkers.checker('orders@9')).toThrow("no schema orders@9 in the graph's schemas/ folder");
  });
});
