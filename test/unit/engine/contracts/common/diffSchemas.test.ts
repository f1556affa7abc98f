/**
 * The diff itself: which Confluent `Difference.Type` each change is and where (the paths are
 * Confluent's, `#/properties/foo`). Cases follow the examples in Confluent's own test data
 * (json-schema-provider/src/test/resources/diff-schema-examples*.json), written anew here.
 */
import { describe, expect, it } from 'vitest';
import type { JsonSchema } from '../../../../../engine/contract/eventSchema.js';
import { diffSchemas } from '../../../../../engine/contracts/common/diffSchemas.js';

const changes = (a: JsonSchema, b: JsonSchema): string[] =>
  diffSchemas(a, b)
    .map((d) => `${d.type} ${d.path}`)
    .sort();

describe('diffSchemas', () => {
  it('finds nothing between a schema and itself, and nothing when anything becomes the empty schema', () => {
    const s = { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] };
    expect(changes(s, structuredClone(s))).toEqual([]);
    expect(changes({ properties: {} }, {})).toEqual([]);
  });

  it('reports a removed and an added property of an open object separately', () => {
    expect(changes({ properties: { foo: { type: 'string' } } }, { properties: { bar: { type: 'string' } } })).toEqual([
      'OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL #/properties/bar',
      'PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL #/properties/foo',
    ]);
  });

  it('compares a property added to a partially open object with the schema that covered it', () => {
    const before = { properties: { foo: { type: 'string' } }, additionalProperties: { type: 'string' } };
    const after = {
      properties: { foo: { type: 'string' }, bar: { type: 'number' } },
      additionalProperties: { type: 'string' },
    };
    expect(changes(before, after)).toEqual([
      'OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/bar',
      'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/properties/bar',
      'TYPE_CHANGED #/properties/bar',
    ]);
  });

  it('treats unevaluatedProperties: false as a closed content model', () => {
    const before = { properties: { foo: { type: 'string' } }, unevaluatedProperties: false };
    const after = { properties: { foo: { type: 'string' }, bar: { type: 'number' } }, unevaluatedProperties: false };
    expect(changes(before, after)).toEqual(['OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/bar']);
  });

  it('reads 2020-12 tuples: prefixItems are positions, items beside them the rest', () => {
    const before = { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }], items: { type: 'string' } };
    const after = {
      type: 'array',
      prefixItems: [{ type: 'string' }, { type: 'number' }, { type: 'string' }],
      items: { type: 'string' },
    };
    expect(changes(before, after)).toEqual(['ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/items/2']);
    expect(changes({ items: true }, { items: false })).toEqual(['ADDITIONAL_ITEMS_REMOVED #/additionalItems']);
  });

  it('matches the subschemas of a oneOf one for one, whatever their order', () => {
    expect(
      changes({ oneOf: [{ type: 'string' }, { type: 'number' }] }, { oneOf: [{ type: 'number' }, { type: 'string' }] }),
    ).toEqual([]);
    expect(changes({ oneOf: [{ type: 'string' }] }, { oneOf: [{ type: 'number' }] })).toEqual([
      'COMBINED_TYPE_SUBSCHEMAS_CHANGED #/',
    ]);
  });

  it('reverses the comparison inside not', () => {
    expect(changes({ not: { type: 'number' } }, { not: { type: 'integer' } })).toEqual(['NOT_TYPE_NARROWED #/not']);
    expect(changes({ not: { type: 'integer' } }, { not: { type: 'number' } })).toEqual(['NOT_TYPE_EXTENDED #/not']);
  });

  it('compares dependentRequired lists as sets', () => {
    const s = (deps: Record<string, string[]>) => ({ properties: { a: {}, b: {}, c: {} }, dependentRequired: deps });
    expect(changes(s({ a: ['b'] }), s({ a: ['b', 'c'] }))).toEqual(['DEPENDENCY_ARRAY_EXTENDED #/dependencies/a']);
    expect(changes(s({ a: ['b', 'c'] }), s({ a: ['c', 'b'] }))).toEqual([]);
  });

  it('resolves local $refs, and ends on a recursive one', () => {
    const tree = (leaf: string): JsonSchema => ({
      $ref: '#/$defs/node',
      $defs: {
        node: {
          type: 'object',
          properties: { value: { type: leaf }, children: { type: 'array', items: { $ref: '#/$defs/node' } } },
        },
      },
    });
    expect(changes(tree('string'), tree('string'))).toEqual([]);
    expect(changes(tree('string'), tree('number'))).toEqual(['TYPE_CHANGED #/properties/value']);
  });

  it('takes an unresolvable $ref as accepting anything instead of failing', () => {
    expect(changes({ type: 'string' }, { $ref: 'other.json#/x' })).toEqual([]);
  });

  it('carries what a value was and became, for messages', () => {
    const [d] = diffSchemas({ type: 'string', maxLength: 12 }, { type: 'string', maxLength: 10 });
    expect(d).toEqual({ type: 'MAX_LENGTH_DECREASED', path: '#/maxLength', from: 12, to: 10 });
  });
});
