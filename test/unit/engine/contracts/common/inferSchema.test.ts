import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { inferSchema } from '../../../../../engine/contracts/common/inferSchema.js';

const SCHEMA = 'https://json-schema.org/draft/2020-12/schema';

/** Every sample must pass the inferred draft (checked with a real validator). */
function accepts(schema: object, samples: unknown[]): boolean {
  const validate = new Ajv2020({ strict: true, allowUnionTypes: true }).compile(schema);
  return samples.every((s) => validate(s));
}

describe('inferSchema', () => {
  it('infers types, integer against number, and fields present in every sample as required', () => {
    const samples = [
      { id: 'a', qty: 2, price: 1.5, paid: true },
      { id: 'b', qty: 3, price: 2, note: null },
    ];
    const schema = inferSchema(samples, 'orders');
    expect(schema).toEqual({
      $schema: SCHEMA,
      title: 'orders',
      type: 'object',
      properties: {
        id: { type: 'string' },
        qty: { type: 'integer' },
        price: { type: 'number' },
        paid: { type: 'boolean' },
        note: { type: 'null' },
      },
      required: ['id', 'qty', 'price'],
    });
    expect(accepts(schema, samples)).toBe(true);
  });

  it('describes nested objects and the items of arrays over every sample', () => {
    const samples = [
      { customer: { id: 1, tags: ['x'] }, lines: [{ sku: 'a', qty: 1 }] },
      { customer: { id: 2 }, lines: [{ sku: 'b' }, { sku: 'c', qty: 2.5 }] },
    ];
    const schema = inferSchema(samples);
    expect(schema.properties).toEqual({
      customer: {
        type: 'object',
        properties: { id: { type: 'integer' }, tags: { type: 'array', items: { type: 'string' } } },
        required: ['id'],
      },
      lines: {
        type: 'array',
        items: { type: 'object', properties: { sku: { type: 'string' }, qty: { type: 'number' } }, required: ['sku'] },
      },
    });
    expect(accepts(schema, samples)).toBe(true);
  });

  it('lists mixed types instead of guessing one, and never guesses an enum', () => {
    const samples = [{ v: 'red' }, { v: 'red' }, { v: 3 }, { v: null }];
    const schema = inferSchema(samples);
    expect(schema.properties).toEqual({ v: { type: ['string', 'integer', 'null'] } });
    expect(JSON.stringify(schema)).not.toContain('enum');
    expect(accepts(schema, samples)).toBe(true);
  });

  it('leaves the items of arrays that were always empty open, and scalars as they are', () => {
    expect(inferSchema([{ a: [] }]).properties).toEqual({ a: { type: 'array' } });
    expect(inferSchema([1, 2])).toEqual({ $schema: SCHEMA, type: 'integer' });
  });

  it('gives a schema that accepts anything for no samples', () => {
    expect(inferSchema([])).toEqual({ $schema: SCHEMA });
  });

  it('skips keys Sluice refuses in files', () => {
    const sample = JSON.parse('{"__proto__": {"x": 1}, "ok": 1}') as unknown;
    expect(inferSchema([sample]).properties).toEqual({ ok: { type: 'integer' } });
  });
});
