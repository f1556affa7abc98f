import type { JsonSchema } from '../../contract/eventSchema.js';

/** A subschema with the document its `$ref`s resolve in. */
export interface SchemaAt {
  schema: JsonSchema;
  root: JsonSchema;
}

/** Keywords that describe rather than constrain; they change nothing about which events pass. */
export interface Annotations {
  id: string | undefined;
  title: string | undefined;
  description: string | undefined;
  hasDefault: boolean;
  default: unknown;
}

interface Base {
  notes: Annotations;
}

export interface StringShape extends Base {
  kind: 'string';
  minLength: number | undefined;
  maxLength: number | undefined;
  pattern: string | undefined;
}

export interface NumberShape extends Base {
  kind: 'number';
  integer: boolean;
  minimum: number | undefined;
  maximum: number | undefined;
  exclusiveMinimum: number | undefined;
  exclusiveMaximum: number | undefined;
  multipleOf: number | undefined;
}

export interface ObjectShape extends Base {
  kind: 'object';
  properties: Map<string, SchemaAt>;
  required: Set<string>;
  /** False only for `additionalProperties: false`. */
  permitsAdditional: boolean;
  /** `additionalProperties` when it is a schema object (not a boolean). */
  additionalSchema: SchemaAt | undefined;
  patternProperties: Array<{ pattern: string; schema: SchemaAt }>;
  unevaluated: SchemaAt | undefined;
  dependentRequired: Map<string, string[]>;
  dependentSchemas: Map<string, SchemaAt>;
  minProperties: number | undefined;
  maxProperties: number | undefined;
}

export interface ArrayShape extends Base {
  kind: 'array';
  /** The one schema for every item (`items` without `prefixItems`). */
  allItems: SchemaAt | undefined;
  /** Positional item schemas (`prefixItems`). */
  prefix: SchemaAt[];
  /** False when items beyond the prefix are refused (`items: false`). */
  permitsAdditional: boolean;
  /** The schema of items beyond the prefix (`items` beside `prefixItems`). */
  additionalSchema: SchemaAt | undefined;
  unevaluated: SchemaAt | undefined;
  minItems: number | undefined;
  maxItems: number | undefined;
  uniqueItems: boolean;
  minContains: number | undefined;
  maxContains: number | undefined;
}

export type CombinedCriterion = 'allOf' | 'anyOf' | 'oneOf';

/**
 * A JSON Schema as the compatibility checker sees it: one shape per kind of constraint, the way
 * Confluent's checker sees the everit schema model it works on. A schema with several kinds of
 * constraint (a type and an enum, a type list) becomes a combined one, as everit builds it.
 */
export type NormalSchema =
  | (Base & { kind: 'empty' | 'false' | 'null' | 'boolean' })
  | StringShape
  | NumberShape
  | ObjectShape
  | ArrayShape
  | (Base & { kind: 'enum'; values: unknown[] })
  | (Base & { kind: 'const'; value: unknown })
  | (Base & {
      kind: 'combined';
      criterion: CombinedCriterion;
      subschemas: SchemaAt[];
      /** Made by this normalisation (a type list, a type beside an enum), not written as such. */
      implicit?: boolean;
    })
  | (Base & { kind: 'not'; schema: SchemaAt });

const OBJECT_KEYWORDS = [
  'properties',
  'required',
  'additionalProperties',
  'patternProperties',
  'minProperties',
  'maxProperties',
  'dependencies',
  'dependentRequired',
  'dependentSchemas',
  'propertyNames',
  'unevaluatedProperties',
];
const ARRAY_KEYWORDS = [
  'items',
  'prefixItems',
  'additionalItems',
  'minItems',
  'maxItems',
  'uniqueItems',
  'contains',
  'minContains',
  'maxContains',
  'unevaluatedItems',
];
const STRING_KEYWORDS = ['minLength', 'maxLength', 'pattern'];
const NUMBER_KEYWORDS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'];

/** `$ref` chains longer than this are taken as unresolvable (a loop of refs to refs). */
const MAX_REF_HOPS = 64;

/**
 * Follow `$ref`s (local ones: `#`, `#/$defs/x`, `#/definitions/x`) to the schema they name. A
 * reference that cannot be resolved here (another document, an anchor) is taken as `true`: the
 * loader has already reported it, and the checker must not crash on it.
 */
export function resolveRefs(at: SchemaAt): SchemaAt {
  let current = at;
  for (let hops = 0; hops < MAX_REF_HOPS; hops++) {
    const s = current.schema;
    if (typeof s !== 'object' || typeof s.$ref !== 'string') return current;
    const target = resolvePointer(current.root, s.$ref);
    if (target === undefined) return { schema: true, root: current.root };
    current = { schema: target, root: current.root };
  }
  return { schema: true, root: at.root };
}

function resolvePointer(root: JsonSchema, ref: string): JsonSchema | undefined {
  if (!ref.startsWith('#')) return undefined;
  const pointer = decodeURIComponent(ref.slice(1));
  if (pointer === '') return root;
  if (!pointer.startsWith('/')) return undefined;
  let node: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return typeof node === 'boolean' || (node !== null && typeof node === 'object' && !Array.isArray(node))
    ? (node as JsonSchema)
    : undefined;
}

/** The shape of a schema, its `$ref`s resolved. */
export function normalizeSchema(input: SchemaAt): NormalSchema {
  const at = resolveRefs(input);
  const s = at.schema;
  if (s === true) return { kind: 'empty', notes: NO_NOTES };
  if (s === false) return { kind: 'false', notes: NO_NOTES };
  const notes = annotationsOf(s);
  const parts = splitParts(s);
  const first = parts[0];
  if (first === undefined) return { kind: 'empty', notes };
  if (parts.length > 1) {
    // Several kinds of constraint: all must hold, each a subschema of its own.
    return {
      kind: 'combined',
      criterion: 'allOf',
      subschemas: parts.map((p) => ({ schema: p, root: at.root })),
      implicit: true,
      notes,
    };
  }
  return { ...shapeOfPart(first, (v) => ({ schema: asSchema(v), root: at.root })), notes };
}

/**
 * The constraints of `s`, one kind per part: its type(s) with their keywords, `enum`, `const`,
 * `not`, `allOf`, `anyOf`, `oneOf`. Without `type`, each kind of keyword is a part of its own
 * (it constrains only values of its type), as everit reads such a schema.
 */
function splitParts(s: Record<string, unknown>): Array<Record<string, unknown>> {
  const parts: Array<Record<string, unknown>> = [];
  if (s.type !== undefined) {
    parts.push({ type: s.type, ...keywordsOf(s, ALL_TYPE_KEYWORDS) });
  } else {
    for (const kind of ['object', 'array', 'string', 'number'] as const) {
      const own = keywordsOf(s, KEYWORDS_OF[kind]);
      if (Object.keys(own).length > 0) parts.push({ type: kind, ...own });
    }
  }
  if (Array.isArray(s.enum)) parts.push({ enum: s.enum });
  if (Object.hasOwn(s, 'const')) parts.push({ const: s.const });
  if (s.not !== undefined) parts.push({ not: s.not });
  for (const criterion of ['allOf', 'anyOf', 'oneOf'] as const)
    if (Array.isArray(s[criterion])) parts.push({ [criterion]: s[criterion] });
  return parts;
}

/** The shape of one part made by `splitParts`. */
function shapeOfPart(p: Record<string, unknown>, sub: (v: unknown) => SchemaAt): NormalSchema {
  if (typeof p.type === 'string') return typedShape(p.type, p, sub);
  if (Array.isArray(p.type)) {
    // A list of types is a union, one typed subschema each (`["string", "null"]`).
    const subschemas = p.type.filter(isString).map((t) => sub({ ...p, type: t }));
    return { kind: 'combined', criterion: 'anyOf', subschemas, implicit: true, notes: NO_NOTES };
  }
  if (Array.isArray(p.enum)) return { kind: 'enum', values: p.enum, notes: NO_NOTES };
  if (Object.hasOwn(p, 'const')) return { kind: 'const', value: p.const, notes: NO_NOTES };
  if (p.not !== undefined) return { kind: 'not', schema: sub(p.not), notes: NO_NOTES };
  for (const criterion of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = p[criterion];
    if (Array.isArray(list)) return { kind: 'combined', criterion, subschemas: list.map(sub), notes: NO_NOTES };
  }
  return { kind: 'empty', notes: NO_NOTES };
}

const KEYWORDS_OF = {
  object: OBJECT_KEYWORDS,
  array: ARRAY_KEYWORDS,
  string: STRING_KEYWORDS,
  number: NUMBER_KEYWORDS,
};
const ALL_TYPE_KEYWORDS = [...OBJECT_KEYWORDS, ...ARRAY_KEYWORDS, ...STRING_KEYWORDS, ...NUMBER_KEYWORDS];

function keywordsOf(s: Record<string, unknown>, keywords: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kw of keywords) if (Object.hasOwn(s, kw)) out[kw] = s[kw];
  return out;
}

function typedShape(type: string, s: Record<string, unknown>, sub: (v: unknown) => SchemaAt): NormalSchema {
  switch (type) {
    case 'string':
      return {
        kind: 'string',
        minLength: num(s.minLength),
        maxLength: num(s.maxLength),
        pattern: typeof s.pattern === 'string' ? s.pattern : undefined,
        notes: NO_NOTES,
      };
    case 'number':
    case 'integer':
      return {
        kind: 'number',
        integer: type === 'integer',
        minimum: num(s.minimum),
        maximum: num(s.maximum),
        exclusiveMinimum: num(s.exclusiveMinimum),
        exclusiveMaximum: num(s.exclusiveMaximum),
        multipleOf: num(s.multipleOf),
        notes: NO_NOTES,
      };
    case 'object':
      return objectShape(s, sub);
    case 'array':
      return arrayShape(s, sub);
    case 'boolean':
    case 'null':
      return { kind: type, notes: NO_NOTES };
    default:
      // Not a JSON Schema type: the loader reports it; here it constrains nothing.
      return { kind: 'empty', notes: NO_NOTES };
  }
}

function objectShape(s: Record<string, unknown>, sub: (v: unknown) => SchemaAt): ObjectShape {
  const properties = new Map<string, SchemaAt>();
  for (const [k, v] of entries(s.properties)) properties.set(k, sub(v));
  const dependentRequired = new Map<string, string[]>();
  const dependentSchemas = new Map<string, SchemaAt>();
  for (const source of [s.dependencies, s.dependentRequired, s.dependentSchemas]) {
    for (const [k, v] of entries(source)) {
      if (Array.isArray(v)) dependentRequired.set(k, v.filter(isString));
      else dependentSchemas.set(k, sub(v));
    }
  }
  const additional = s.additionalProperties;
  return {
    kind: 'object',
    properties,
    required: new Set(Array.isArray(s.required) ? s.required.filter(isString) : []),
    permitsAdditional: additional !== false,
    additionalSchema: isSchemaObject(additional) ? sub(additional) : undefined,
    patternProperties: entries(s.patternProperties).map(([pattern, v]) => ({ pattern, schema: sub(v) })),
    unevaluated: s.unevaluatedProperties !== undefined ? sub(s.unevaluatedProperties) : undefined,
    dependentRequired,
    dependentSchemas,
    minProperties: num(s.minProperties),
    maxProperties: num(s.maxProperties),
    notes: NO_NOTES,
  };
}

/**
 * 2020-12 arrays in the model Confluent compares: `prefixItems` are the positional schemas and
 * `items` beside them governs the rest (draft-07's `additionalItems`); `items` alone is the one
 * schema of every item, except `true`/`false`, which say whether (further) items are allowed.
 */
function arrayShape(s: Record<string, unknown>, sub: (v: unknown) => SchemaAt): ArrayShape {
  const prefixList = Array.isArray(s.prefixItems) ? s.prefixItems : Array.isArray(s.items) ? s.items : undefined;
  const rest = prefixList ? (Array.isArray(s.items) ? s.additionalItems : s.items) : s.items;
  const positional = prefixList !== undefined;
  return {
    kind: 'array',
    allItems: !positional && isSchemaObject(rest) ? sub(rest) : undefined,
    prefix: (prefixList ?? []).map(sub),
    permitsAdditional: rest !== false && !(positional ? false : s.additionalItems === false),
    additionalSchema: positional && isSchemaObject(rest) ? sub(rest) : undefined,
    unevaluated: s.unevaluatedItems !== undefined ? sub(s.unevaluatedItems) : undefined,
    minItems: num(s.minItems),
    maxItems: num(s.maxItems),
    uniqueItems: s.uniqueItems === true,
    minContains: num(s.minContains),
    maxContains: num(s.maxContains),
    notes: NO_NOTES,
  };
}

const NO_NOTES: Annotations = {
  id: undefined,
  title: undefined,
  description: undefined,
  hasDefault: false,
  default: undefined,
};

function annotationsOf(s: Record<string, unknown>): Annotations {
  return {
    id: typeof s.$id === 'string' ? s.$id : undefined,
    title: typeof s.title === 'string' ? s.title : undefined,
    description: typeof s.description === 'string' ? s.description : undefined,
    hasDefault: Object.hasOwn(s, 'default'),
    default: s.default,
  };
}

/** True when a (property) schema carries a `default`, looking through `$ref`s. */
export function hasDefault(at: SchemaAt): boolean {
  if (typeof at.schema === 'object' && Object.hasOwn(at.schema, 'default')) return true;
  const resolved = resolveRefs(at).schema;
  return typeof resolved === 'object' && Object.hasOwn(resolved, 'default');
}

function asSchema(v: unknown): JsonSchema {
  return typeof v === 'boolean' || isSchemaObject(v) ? (v as JsonSchema) : true;
}

function isSchemaObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function entries(v: unknown): Array<[string, unknown]> {
  return isSchemaObject(v) ? Object.entries(v) : [];
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function isString(v: unknown): v is string {
  return typeof v === 'string';
}
