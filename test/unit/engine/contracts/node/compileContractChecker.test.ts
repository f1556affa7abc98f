import { describe, expect, it } from 'vitest';
import type { EventSchema, JsonSchema } from '../../../../../engine/contract/eventSchema.js';
import { compileContractChecker } from '../../../../../engine/contracts/node/compileContractChecker.js';

const contract = (schema: JsonSchema): EventSchema => ({
  name: 'orders',
  version: 2,
  ref: 'orders@2',
  file: 'orders@2.schema.json',
  schema,
  compatibility: 'BACKWARD',
});

const check = compileContractChecker(
  contract({
    type: 'object',
    properties: {
      seq: { type: 'integer' },
      status: { enum: ['new', 'paid'] },
      customer: {
        type: 'object',
        properties: { id: { type: 'string' }, email: { type: 'string', format: 'email' } },
        required: ['id'],
        additionalProperties: false,
      },
      lines: { type: 'array', items: { type: 'object', properties: { qty: { type: 'integer', minimum: 1 } } } },
    },
    required: ['seq'],
    'x-sluice': { compatibility: 'BACKWARD' },
  }),
);

describe('compileContractChecker', () => {
  it('passes a conforming value', () => {
    expect(check({ seq: 1, status: 'paid', customer: { id: 'c1', email: 'a@b.org' }, lines: [{ qty: 2 }] })).toBeNull();
  });

  it('names a missing required field with its path', () => {
    expect(check({ customer: { id: 'x' } })).toEqual({
      contract: 'orders@2',
      path: '/seq',
      message: 'field seq is missing (orders@2 requires it)',
    });
    expect(check({ seq: 1, customer: {} })).toMatchObject({
      path: '/customer/id',
      message: 'field customer.id is missing (orders@2 requires it)',
    });
  });

  it('names a field of the wrong type and what it was', () => {
    expect(check({ seq: '1' })).toEqual({
      contract: 'orders@2',
      path: '/seq',
      message: 'field seq must be an integer, not "1"',
    });
    expect(check('just text')).toEqual({
      contract: 'orders@2',
      path: '',
      message: 'the value must be an object, not "just text"',
    });
  });

  it('names an enum, a bound, a format and a field a closed object does not allow', () => {
    expect(check({ seq: 1, status: 'lost' })?.message).toBe('field status must be one of "new", "paid", not "lost"');
    expect(check({ seq: 1, lines: [{ qty: 1 }, { qty: 0 }] })).toMatchObject({
      path: '/lines/1/qty',
      message: 'field lines[1].qty must be >= 1 (it is 0)',
    });
    expect(check({ seq: 1, customer: { id: 'c', email: 'nope' } })?.message).toBe(
      'field customer.email must match format "email" (it is "nope")',
    );
    expect(check({ seq: 1, customer: { id: 'c', vip: true } })).toMatchObject({
      path: '/customer/vip',
      message: 'field customer.vip is not allowed by orders@2 (it lists the fields it accepts)',
    });
  });

  it('escapes field names in the JSON pointer', () => {
    const odd = compileContractChecker(contract({ type: 'object', required: ['a/b~c'] }));
    expect(odd({})?.path).toBe('/a~1b~0c');
  });
});
