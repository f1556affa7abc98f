/**
 * The compatibility checker against a table of schema pairs (v1 → v2) with the verdict each
 * mode must give. The verdicts are worked out from Confluent Schema Registry's rules for JSON
 * Schema (json-schema-provider: `SchemaDiff.compare(original, update)` and the STRICT set of
 * compatible `Difference.Type`s), not from this implementation's output:
 * - BACKWARD: a consumer on v2 reads v1 events, i.e. compare(original = v1, update = v2);
 * - FORWARD: a consumer on v1 reads v2 events, i.e. compare(original = v2, update = v1);
 * - FULL: both. NONE: always. Each `_TRANSITIVE` mode is its plain mode here (one earlier version).
 * Each case names the Difference.Type of each direction: "B: <type> ✓|✗, F: <type> ✓|✗".
 */
import { describe, expect, it } from 'vitest';
import {
  COMPATIBILITY_MODES,
  type CompatibilityMode,
  type EventSchema,
  type JsonSchema,
} from '../../../../../engine/contract/eventSchema.js';
import { canRead, checkCompatibility } from '../../../../../engine/contracts/common/checkCompatibility.js';

interface Case {
  rule: string;
  v1: JsonSchema;
  v2: JsonSchema;
  backward: boolean;
  forward: boolean;
}

const obj = (properties: Record<string, JsonSchema>, extra: Record<string, unknown> = {}): JsonSchema => ({
  type: 'object',
  properties,
  ...extra,
});
const closed = (properties: Record<string, JsonSchema>, extra: Record<string, unknown> = {}): JsonSchema =>
  obj(properties, { additionalProperties: false, ...extra });
const S = { type: 'string' };
const N = { type: 'number' };
const I = { type: 'integer' };

const CASES: Case[] = [
  // Types
  { rule: 'a type change (string → number) is TYPE_CHANGED both ways', v1: S, v2: N, backward: false, forward: false },
  {
    rule: 'integer → number is TYPE_EXTENDED (B ✓), number → integer TYPE_NARROWED (F ✗)',
    v1: I,
    v2: N,
    backward: true,
    forward: false,
  },
  {
    rule: 'string → ["string","null"]: B SUM_TYPE_EXTENDED ✓, F the union read as string is TYPE_CHANGED ✗',
    v1: S,
    v2: { type: ['string', 'null'] },
    backward: true,
    forward: false,
  },
  {
    rule: 'a field loosened to the empty schema: B no difference (update is EmptySchema) ✓, F TYPE_CHANGED ✗',
    v1: obj({ a: S }),
    v2: obj({ a: {} }),
    backward: true,
    forward: false,
  },
  // Required
  {
    rule: 'an optional field made required: B REQUIRED_ATTRIBUTE_ADDED ✗, F REQUIRED_ATTRIBUTE_REMOVED ✓',
    v1: obj({ amount: N }),
    v2: obj({ amount: N }, { required: ['amount'] }),
    backward: false,
    forward: true,
  },
  {
    rule: 'a required field made optional: B REQUIRED_ATTRIBUTE_REMOVED ✓, F REQUIRED_ATTRIBUTE_ADDED ✗',
    v1: obj({ amount: N }, { required: ['amount'] }),
    v2: obj({ amount: N }),
    backward: true,
    forward: false,
  },
  {
    rule: 'a field made required with a default: B REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED ✓, F REQUIRED_ATTRIBUTE_REMOVED ✓',
    v1: obj({ amount: N }),
    v2: obj({ amount: { type: 'number', default: 0 } }, { required: ['amount'] }),
    backward: true,
    forward: true,
  },
  // Open content model (additionalProperties absent)
  {
    rule: 'an optional field added to an open object: B OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL ✗ (STRICT), F PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL ✓',
    v1: obj({ id: S }),
    v2: obj({ id: S, note: S }),
    backward: false,
    forward: true,
  },
  {
    rule: 'a field removed from an open object: B PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL ✓, F OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL ✗',
    v1: obj({ id: S, note: S }),
    v2: obj({ id: S }),
    backward: true,
    forward: false,
  },
  {
    rule: 'a required field added to an open object: B REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL ✗, F PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL ✓',
    v1: obj({ id: S }),
    v2: obj({ id: S, amount: N }, { required: ['amount'] }),
    backward: false,
    forward: true,
  },
  {
    rule: 'a field of any value added to an open object: B PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL ✓, F PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL ✓',
    v1: obj({ id: S }),
    v2: obj({ id: S, extra: true }),
    backward: true,
    forward: true,
  },
  {
    rule: 'a required field with a default added to an open object: B REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL ✗ (LENIENT only), F PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL ✓',
    v1: obj({ id: S }),
    v2: obj({ id: S, amount: { type: 'number', default: 0 } }, { required: ['amount'] }),
    backward: false,
    forward: true,
  },
  // Closed content model (additionalProperties: false)
  {
    rule: 'an optional field added to a closed object: B OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL ✓, F PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL ✗',
    v1: closed({ id: S }),
    v2: closed({ id: S, note: S }),
    backward: true,
    forward: false,
  },
  {
    rule: 'a field removed from a closed object: B PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL ✗, F OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL ✓',
    v1: closed({ id: S, note: S }),
    v2: closed({ id: S }),
    backward: false,
    forward: true,
  },
  {
    rule: 'a required field added to a closed object: B REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL ✗, F PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL ✗',
    v1: closed({ id: S }),
    v2: closed({ id: S, amount: N }, { required: ['amount'] }),
    backward: false,
    forward: false,
  },
  {
    rule: 'a required field with a default added to a closed object: B REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL ✓, F PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL ✗',
    v1: closed({ id: S }),
    v2: closed({ id: S, amount: { type: 'number', default: 0 } }, { required: ['amount'] }),
    backward: true,
    forward: false,
  },
  {
    rule: 'closing an open object: B ADDITIONAL_PROPERTIES_REMOVED ✗, F ADDITIONAL_PROPERTIES_ADDED ✓',
    v1: obj({ id: S }),
    v2: closed({ id: S }),
    backward: false,
    forward: true,
  },
  {
    rule: 'opening a closed object: B ADDITIONAL_PROPERTIES_ADDED ✓, F ADDITIONAL_PROPERTIES_REMOVED ✗',
    v1: closed({ id: S }),
    v2: obj({ id: S }),
    backward: true,
    forward: false,
  },
  // Partially open content model
  {
    rule: 'a string field added under additionalProperties: string: B PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL ✓, F PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL ✓',
    v1: obj({ id: S }, { additionalProperties: S }),
    v2: obj({ id: S, note: S }, { additionalProperties: S }),
    backward: true,
    forward: true,
  },
  {
    rule: 'a number field added under additionalProperties: string: B PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL ✗, F PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL ✗',
    v1: obj({ id: S }, { additionalProperties: S }),
    v2: obj({ id: S, count: N }, { additionalProperties: S }),
    backward: false,
    forward: false,
  },
  {
    rule: 'an integer field removed into patternProperties ^I_: number: B TYPE_EXTENDED, PROPERTY_REMOVED_IS_COVERED ✓; F TYPE_NARROWED, PROPERTY_ADDED_NOT_COVERED ✗',
    v1: closed({ id: S, I_1: I }),
    v2: closed({ id: S }, { patternProperties: { '^I_': N } }),
    backward: true,
    forward: false,
  },
  // Enums
  {
    rule: 'a typed enum gains a value: B ENUM_ARRAY_EXTENDED ✓, F ENUM_ARRAY_NARROWED leaves the allOf unmatched, COMBINED_TYPE_SUBSCHEMAS_CHANGED ✗',
    v1: { type: 'string', enum: ['new', 'paid'] },
    v2: { type: 'string', enum: ['new', 'paid', 'shipped'] },
    backward: true,
    forward: false,
  },
  {
    rule: 'an enum loses a value: B ENUM_ARRAY_NARROWED ✗, F ENUM_ARRAY_EXTENDED ✓',
    v1: { enum: ['new', 'paid', 'shipped'] },
    v2: { enum: ['new', 'paid'] },
    backward: false,
    forward: true,
  },
  {
    rule: 'an enum value replaced: ENUM_ARRAY_CHANGED both ways ✗',
    v1: { enum: ['a', 'b'] },
    v2: { enum: ['a', 'c'] },
    backward: false,
    forward: false,
  },
  {
    rule: 'the enum of a string removed: B PRODUCT_TYPE_NARROWED ✓, F TYPE_CHANGED ✗',
    v1: { type: 'string', enum: ['red'] },
    v2: S,
    backward: true,
    forward: false,
  },
  {
    rule: 'a const changed: ENUM_ARRAY_CHANGED at const both ways ✗',
    v1: obj({ kind: { const: 'order' } }),
    v2: obj({ kind: { const: 'refund' } }),
    backward: false,
    forward: false,
  },
  // Numeric and string bounds
  {
    rule: 'maximum lowered: B MAXIMUM_DECREASED ✗, F MAXIMUM_INCREASED ✓',
    v1: { type: 'number', maximum: 100 },
    v2: { type: 'number', maximum: 50 },
    backward: false,
    forward: true,
  },
  {
    rule: 'minimum added: B MINIMUM_ADDED ✗, F MINIMUM_REMOVED ✓',
    v1: N,
    v2: { type: 'number', minimum: 0 },
    backward: false,
    forward: true,
  },
  {
    rule: 'exclusiveMinimum removed: B EXCLUSIVE_MINIMUM_REMOVED ✓, F EXCLUSIVE_MINIMUM_ADDED ✗',
    v1: { type: 'number', exclusiveMinimum: 0 },
    v2: N,
    backward: true,
    forward: false,
  },
  {
    rule: 'multipleOf 10 → 5: B MULTIPLE_OF_REDUCED ✓, F MULTIPLE_OF_EXPANDED ✗',
    v1: { type: 'integer', multipleOf: 10 },
    v2: { type: 'integer', multipleOf: 5 },
    backward: true,
    forward: false,
  },
  {
    rule: 'maxLength raised: B MAX_LENGTH_INCREASED ✓, F MAX_LENGTH_DECREASED ✗',
    v1: { type: 'string', maxLength: 10 },
    v2: { type: 'string', maxLength: 20 },
    backward: true,
    forward: false,
  },
  {
    rule: 'minLength added: B MIN_LENGTH_ADDED ✗, F MIN_LENGTH_REMOVED ✓',
    v1: S,
    v2: { type: 'string', minLength: 1 },
    backward: false,
    forward: true,
  },
  {
    rule: 'a pattern changed: PATTERN_CHANGED both ways ✗',
    v1: { type: 'string', pattern: '^[a-z]+$' },
    v2: { type: 'string', pattern: '^[A-Z]+$' },
    backward: false,
    forward: false,
  },
  // Arrays
  {
    rule: 'the items type changed: TYPE_CHANGED at #/items both ways ✗',
    v1: { type: 'array', items: S },
    v2: { type: 'array', items: N },
    backward: false,
    forward: false,
  },
  {
    rule: 'an items schema where there was none: B SCHEMA_ADDED ✗, F SCHEMA_REMOVED ✓',
    v1: { type: 'array' },
    v2: { type: 'array', items: S },
    backward: false,
    forward: true,
  },
  {
    rule: 'maxItems added: B MAX_ITEMS_ADDED ✗, F MAX_ITEMS_REMOVED ✓',
    v1: { type: 'array', items: S },
    v2: { type: 'array', items: S, maxItems: 10 },
    backward: false,
    forward: true,
  },
  {
    rule: 'uniqueItems added: B UNIQUE_ITEMS_ADDED ✗, F UNIQUE_ITEMS_REMOVED ✓',
    v1: { type: 'array', items: S },
    v2: { type: 'array', items: S, uniqueItems: true },
    backward: false,
    forward: true,
  },
  {
    rule: 'a closed tuple gains a position: B ITEM_ADDED_TO_CLOSED_CONTENT_MODEL ✓, F ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL ✗',
    v1: { type: 'array', prefixItems: [S], items: false },
    v2: { type: 'array', prefixItems: [S, N], items: false },
    backward: true,
    forward: false,
  },
  {
    rule: 'an open tuple gains a position: B ITEM_ADDED_TO_OPEN_CONTENT_MODEL ✗, F ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL ✓',
    v1: { type: 'array', prefixItems: [S] },
    v2: { type: 'array', prefixItems: [S, N] },
    backward: false,
    forward: true,
  },
  // Nested objects
  {
    rule: 'a nested field changes type: TYPE_CHANGED at #/properties/customer/properties/id both ways ✗',
    v1: obj({ customer: obj({ id: S }) }),
    v2: obj({ customer: obj({ id: I }) }),
    backward: false,
    forward: false,
  },
  {
    rule: 'a nested field becomes required: B REQUIRED_ATTRIBUTE_ADDED ✗, F REQUIRED_ATTRIBUTE_REMOVED ✓',
    v1: obj({ customer: obj({ id: S }) }),
    v2: obj({ customer: obj({ id: S }, { required: ['id'] }) }),
    backward: false,
    forward: true,
  },
  {
    rule: 'a field in the items of a list is added to a closed item object: B OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL ✓, F PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL ✗',
    v1: obj({ lines: { type: 'array', items: closed({ sku: S }) } }),
    v2: obj({ lines: { type: 'array', items: closed({ sku: S, qty: I }) } }),
    backward: true,
    forward: false,
  },
  // oneOf / anyOf
  {
    rule: 'a oneOf gains an alternative: B SUM_TYPE_EXTENDED ✓, F SUM_TYPE_NARROWED ✗',
    v1: { oneOf: [S] },
    v2: { oneOf: [S, N] },
    backward: true,
    forward: false,
  },
  {
    rule: 'an anyOf alternative replaced: COMBINED_TYPE_SUBSCHEMAS_CHANGED both ways ✗',
    v1: { anyOf: [S, N] },
    v2: { anyOf: [S, { type: 'boolean' }] },
    backward: false,
    forward: false,
  },
  {
    rule: 'oneOf → anyOf of the same alternatives: B COMBINED_TYPE_EXTENDED ✓, F COMBINED_TYPE_CHANGED ✗',
    v1: { oneOf: [S, N] },
    v2: { anyOf: [S, N] },
    backward: true,
    forward: false,
  },
  {
    rule: 'a type becomes a oneOf that contains it: B SUM_TYPE_EXTENDED ✓, F TYPE_CHANGED ✗',
    v1: obj({ note: S }),
    v2: obj({ note: { oneOf: [S, { type: 'null' }] } }),
    backward: true,
    forward: false,
  },
  {
    rule: 'a $ref to the same definition: the reference is resolved, no difference ✓ both ways',
    v1: obj({ price: N }),
    v2: { type: 'object', properties: { price: { $ref: '#/$defs/money' } }, $defs: { money: N } },
    backward: true,
    forward: true,
  },
  // Annotations
  {
    rule: 'only title and description change: TITLE_CHANGED, DESCRIPTION_CHANGED are compatible ✓ both ways',
    v1: obj({ id: S }, { title: 'Order', description: 'An order' }),
    v2: obj({ id: S }, { title: 'Order event', description: 'An order placed' }),
    backward: true,
    forward: true,
  },
  { rule: 'identical schemas: no difference ✓', v1: obj({ id: S }), v2: obj({ id: S }), backward: true, forward: true },
];

function version(schema: JsonSchema, v: number, compatibility: CompatibilityMode = 'BACKWARD'): EventSchema {
  return { name: 'orders', version: v, ref: `orders@${v}`, file: `orders@${v}.schema.json`, schema, compatibility };
}

function expected(c: Case, mode: CompatibilityMode): boolean {
  const base = mode.replace('_TRANSITIVE', '');
  if (base === 'BACKWARD') return c.backward;
  if (base === 'FORWARD') return c.forward;
  if (base === 'FULL') return c.backward && c.forward;
  return true;
}

describe('checkCompatibility against Confluent’s rules', () => {
  it('has at least 30 schema pairs, open and closed content models among them', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
    expect(CASES.filter((c) => /CONTENT_MODEL/.test(c.rule)).length).toBeGreaterThanOrEqual(10);
  });

  describe.each(CASES)('$rule', (c) => {
    it.each([...COMPATIBILITY_MODES])('gives the expected verdict under %s', (mode) => {
      const breaks = checkCompatibility([version(c.v1, 1), version(c.v2, 2, mode)]);
      expect(breaks.length === 0).toBe(expected(c, mode));
      for (const b of breaks) {
        expect(b).toMatchObject({ ref: 'orders@2', against: 'orders@1', mode });
        expect(b.message).toMatch(/: a consumer on v[12] cannot read v[12] events$/);
      }
    });
  });
});

describe('checkCompatibility', () => {
  it('names the change that breaks a mode and who cannot read what', () => {
    const breaks = checkCompatibility([
      version(obj({ amount: N }), 1),
      version(obj({ amount: N }, { required: ['amount'] }), 2, 'FULL'),
    ]);
    expect(breaks.map((b) => [b.direction, b.message])).toEqual([
      ['backward', 'field `amount` became required: a consumer on v2 cannot read v1 events'],
    ]);
  });

  it('says a forward break is an old consumer failing on new events', () => {
    const breaks = checkCompatibility([version(obj({ note: S }), 1), version(obj({ note: N }), 2, 'FORWARD')]);
    expect(breaks.map((b) => b.message)).toEqual([
      'field `note` changed type from number to string: a consumer on v1 cannot read v2 events',
    ]);
  });

  it('explains an open content model when an added optional field breaks BACKWARD', () => {
    const [b] = checkCompatibility([version(obj({ id: S }), 1), version(obj({ id: S, note: S }), 2)]);
    expect(b?.message).toBe(
      'field `note` was added to the value, whose content model is open (additionalProperties is not false), so older events may already carry a `note` of any type: a consumer on v2 cannot read v1 events',
    );
  });

  it('names the enum value a typed field lost rather than the allOf it sits in', () => {
    const [b] = checkCompatibility([
      version(obj({ status: { type: 'string', enum: ['new', 'paid'] } }), 1),
      version(obj({ status: { type: 'string', enum: ['new'] } }), 2),
    ]);
    expect(b?.message).toBe('field `status` no longer allows "paid": a consumer on v2 cannot read v1 events');
  });

  it('checks only the previous version unless the mode is transitive', () => {
    // v2 broke v1 deliberately (NONE); v3 keeps v2's shape, so it reads v2 but not v1.
    const v1 = version(obj({ amount: S }), 1);
    const v2 = version(obj({ amount: N }), 2, 'NONE');
    const shape = obj({ amount: N });
    expect(checkCompatibility([v1, v2, version(shape, 3, 'BACKWARD')])).toEqual([]);
    const transitive = checkCompatibility([v1, v2, version(shape, 3, 'BACKWARD_TRANSITIVE')]);
    expect(transitive.map((b) => `${b.ref} vs ${b.against}: ${b.message}`)).toEqual([
      'orders@3 vs orders@1: field `amount` changed type from string to number: a consumer on v3 cannot read v1 events',
    ]);
    const full = checkCompatibility([v1, v2, version(shape, 3, 'FULL_TRANSITIVE')]);
    expect(full.map((b) => [b.against, b.direction])).toEqual([
      ['orders@1', 'backward'],
      ['orders@1', 'forward'],
    ]);
  });

  it('checks each contract on its own and orders versions by number, not by list order', () => {
    const other: EventSchema = {
      ...version(S, 1),
      name: 'customers',
      ref: 'customers@1',
      file: 'customers@1.schema.json',
    };
    const breaks = checkCompatibility([version(N, 2), other, version(S, 1)]);
    expect(breaks.map((b) => `${b.ref} vs ${b.against}`)).toEqual(['orders@2 vs orders@1']);
  });

  it('reads a consumer’s schema against a producer’s with canRead', () => {
    expect(canRead(N, I)).toBe(true);
    expect(canRead(I, N)).toBe(false);
  });
});
