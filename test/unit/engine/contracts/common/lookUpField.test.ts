import { describe, expect, it } from 'vitest';
import { lookUpField } from '../../../../../engine/contracts/common/lookUpField.js';

const orders = {
  type: 'object',
  properties: {
    amount: { type: 'number' },
    customer: { type: 'object', properties: { id: { type: 'string' } }, additionalProperties: false },
    lines: { type: 'array', items: { type: 'object', properties: { sku: { type: 'string' } } } },
    meta: { type: 'object' },
  },
};

describe('lookUpField', () => {
  it('finds declared fields, nested ones too', () => {
    expect(lookUpField(orders, ['amount'])).toEqual({ found: true });
    expect(lookUpField(orders, ['customer', 'id'])).toEqual({ found: true });
  });

  it('says where a path leaves the schema and what is there instead', () => {
    expect(lookUpField(orders, ['amont'])).toEqual({
      found: false,
      depth: 0,
      known: ['amount', 'customer', 'lines', 'meta'],
    });
    expect(lookUpField(orders, ['customer', 'name'])).toEqual({ found: false, depth: 1, known: ['id'] });
  });

  it('answers yes where the schema does not know: non-objects, property-less objects, covered names', () => {
    expect(lookUpField(orders, ['amount', 'toFixed'])).toEqual({ found: true });
    expect(lookUpField(orders, ['lines', 'length'])).toEqual({ found: true });
    expect(lookUpField(orders, ['meta', 'anything'])).toEqual({ found: true });
    expect(lookUpField({ type: 'object', properties: { a: {} }, patternProperties: { '^x_': {} } }, ['x_1'])).toEqual({
      found: true,
    });
    expect(
      lookUpField({ type: 'object', properties: { a: {} }, additionalProperties: { type: 'string' } }, ['b']),
    ).toEqual({ found: true });
  });

  it('finds a field in any branch of a oneOf, and ignores the null of a nullable object', () => {
    const s = {
      oneOf: [
        { type: 'object', properties: { a: {} } },
        { type: 'object', properties: { b: {} } },
      ],
    };
    expect(lookUpField(s, ['b'])).toEqual({ found: true });
    expect(lookUpField(s, ['c'])).toEqual({ found: false, depth: 0, known: ['a', 'b'] });
    const nullable = { type: ['object', 'null'], properties: { a: {} } };
    expect(lookUpField(nullable, ['z'])).toEqual({ found: false, depth: 0, known: ['a'] });
  });

  it('follows $refs', () => {
    const s = {
      type: 'object',
      properties: { c: { $ref: '#/$defs/c' } },
      $defs: { c: { type: 'object', properties: { id: {} } } },
    };
    expect(lookUpField(s, ['c', 'id'])).toEqual({ found: true });
    expect(lookUpField(s, ['c', 'nope'])).toMatchObject({ found: false, depth: 1 });
  });
});
