import { JSON_SCHEMA_2020_12, type JsonSchema } from '../../contract/eventSchema.js';

type JsonType = 'null' | 'boolean' | 'integer' | 'number' | 'string' | 'array' | 'object';

/** What the samples seen at one place in the values have in common, gathered before writing. */
interface Shape {
  types: Set<JsonType>;
  /** Per property: its shape and in how many object samples it appeared. */
  properties: Map<string, { shape: Shape; seen: number }>;
  /** Object samples seen here. */
  objects: number;
  /** The shape of array items, over every item of every array sample. */
  items: Shape | null;
}

/** Keys Sluice refuses in every file (graph/toSafeJson's FORBIDDEN_KEYS): a draft with them would not load. */
const UNSAFE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Deeper than any event worth a contract; below it the draft says nothing (any value). */
const MAX_DEPTH = 32;

/**
 * A JSON Schema 2020-12 draft that every sample value satisfies, as a starting point a person
 * edits ("Save as contract" on a tapped edge, SPEC §11):
 * - types as seen, `integer` when every number seen was whole, a list of types when they mix;
 * - objects with their properties; `required` lists those present in every object sample;
 * - arrays with one `items` schema over all items seen (none if every array was empty);
 * - no `enum`, no bounds, no formats: a sample shows what occurred, not what is allowed;
 * - the content model is left open (no `additionalProperties`).
 * Pure and isomorphic. No samples give `{}` with the draft stated (any value).
 */
export function inferSchema(samples: readonly unknown[], title?: string): Record<string, unknown> {
  const shape = emptyShape();
  for (const s of samples) add(shape, s, 0);
  const body = samples.length === 0 ? {} : (write(shape) as Record<string, unknown>);
  return { $schema: JSON_SCHEMA_2020_12, ...(title ? { title } : {}), ...body };
}

function emptyShape(): Shape {
  return { types: new Set(), properties: new Map(), objects: 0, items: null };
}

function add(shape: Shape, value: unknown, depth: number): void {
  if (depth > MAX_DEPTH) return;
  const type = typeOf(value);
  if (type === undefined) return;
  shape.types.add(type);
  if (type === 'array') {
    shape.items ??= emptyShape();
    for (const item of value as unknown[]) add(shape.items, item, depth + 1);
  } else if (type === 'object') {
    shape.objects++;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined || UNSAFE_KEYS.has(k)) continue;
      let p = shape.properties.get(k);
      if (!p) shape.properties.set(k, (p = { shape: emptyShape(), seen: 0 }));
      p.seen++;
      add(p.shape, v, depth + 1);
    }
  }
}

function write(shape: Shape): JsonSchema {
  const types = [...shape.types];
  // Whole numbers among fractional ones are numbers: `integer` only when every number was whole.
  if (shape.types.has('integer') && shape.types.has('number')) types.splice(types.indexOf('integer'), 1);
  if (types.length === 0) return {};
  const order: JsonType[] = ['object', 'array', 'string', 'number', 'integer', 'boolean', 'null'];
  types.sort((a, b) => order.indexOf(a) - order.indexOf(b));
  const out: Record<string, unknown> = { type: types.length === 1 ? types[0] : types };
  if (shape.types.has('object')) {
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const [k, p] of shape.properties) {
      properties[k] = write(p.shape);
      if (p.seen === shape.objects) required.push(k);
    }
    out.properties = properties;
    if (required.length > 0) out.required = required;
  }
  if (shape.types.has('array') && shape.items && shape.items.types.size > 0) out.items = write(shape.items);
  return out;
}

function typeOf(v: unknown): JsonType | undefined {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'boolean':
      return 'boolean';
    case 'number':
      return Number.isInteger(v) ? 'integer' : 'number';
    case 'string':
      return 'string';
    case 'object':
      return 'object';
    default:
      // undefined, functions, symbols, bigint: not JSON, so not in an event's value.
      return undefined;
  }
}
