import type { JsonSchema } from '../../contract/eventSchema.js';
import { canonicalJson, jsonEqual } from './canonicalJson.js';
import { isCompatibleChange, type Difference } from './Difference.js';
import { DiffContext } from './DiffContext.js';
import { diffArrays } from './diffArrays.js';
import { diffObjects } from './diffObjects.js';
import { normalizeSchema, resolveRefs, type NormalSchema, type NumberShape, type SchemaAt } from './normalizeSchema.js';

/**
 * Every difference between two JSON Schemas, read as "a consumer on `update` reads events
 * written with `original`": the compatible ones (`isCompatibleChange`) keep those events
 * readable. A port of Confluent Schema Registry's `SchemaDiff.compare` (json-schema-provider),
 * so verdicts match the registry's; the paths are Confluent's too (`#/properties/amount`).
 * Pure and isomorphic: no validator, no code generation.
 */
export function diffSchemas(original: JsonSchema, update: JsonSchema): Difference[] {
  const ctx = DiffContext.root();
  compareSchemas(ctx, { schema: original, root: original }, { schema: update, root: update });
  return ctx.differences;
}

/** The recursion hub: every per-kind comparison comes back through here for its subschemas. */
export function compareSchemas(ctx: DiffContext, original: SchemaAt | undefined, update: SchemaAt | undefined): void {
  if (original === undefined && update === undefined) return;
  if (original === undefined) return ctx.add('SCHEMA_ADDED');
  if (update === undefined) return ctx.add('SCHEMA_REMOVED');
  const o = resolveRefs(original);
  const u = resolveRefs(update);
  ctx.guard(o.schema, u.schema, () => compareTypes(ctx, o, u, normalizeSchema(o), normalizeSchema(u)));
}

function compareTypes(ctx: DiffContext, o: SchemaAt, u: SchemaAt, no: NormalSchema, nu: NormalSchema): void {
  // A plain schema becoming a union that contains it, or a product losing all but one part.
  if (no.kind !== 'combined' && nu.kind === 'combined') {
    if (nu.subschemas.length === 1) {
      if (tryAgainst(ctx, () => [o, nu.subschemas[0]!])) return;
    } else if (nu.criterion !== 'allOf') {
      for (const branch of nu.subschemas) {
        if (tryAgainst(ctx, () => [o, branch])) return void ctx.add('SUM_TYPE_EXTENDED');
      }
    }
  } else if (no.kind === 'combined' && nu.kind !== 'combined') {
    if (no.subschemas.length === 1) {
      if (tryAgainst(ctx, () => [no.subschemas[0]!, u])) return;
    } else if (no.criterion === 'allOf') {
      for (const part of no.subschemas) {
        if (tryAgainst(ctx, () => [part, u])) return void ctx.add('PRODUCT_TYPE_NARROWED');
      }
    }
  }

  if (no.kind !== nu.kind) {
    // Anything may become the empty schema (it reads everything); nothing was written with `false`.
    if (no.kind === 'false' || nu.kind === 'empty') return;
    return ctx.add('TYPE_CHANGED', undefined, { from: describeShape(no), to: describeShape(nu) });
  }

  if (no.notes.id !== nu.notes.id) ctx.add('ID_CHANGED');
  if (no.notes.title !== nu.notes.title) ctx.add('TITLE_CHANGED');
  if (no.notes.description !== nu.notes.description) ctx.add('DESCRIPTION_CHANGED');
  if (no.notes.hasDefault !== nu.notes.hasDefault || !jsonEqual(no.notes.default, nu.notes.default))
    ctx.add('DEFAULT_CHANGED');

  switch (no.kind) {
    case 'string':
      if (nu.kind === 'string') {
        bound(ctx, 'maxLength', no.maxLength, nu.maxLength, 'MAX_LENGTH');
        bound(ctx, 'minLength', no.minLength, nu.minLength, 'MIN_LENGTH');
        if (no.pattern === undefined && nu.pattern !== undefined)
          ctx.add('PATTERN_ADDED', 'pattern', { to: nu.pattern });
        else if (no.pattern !== undefined && nu.pattern === undefined) ctx.add('PATTERN_REMOVED', 'pattern');
        else if (no.pattern !== nu.pattern) ctx.add('PATTERN_CHANGED', 'pattern', { from: no.pattern, to: nu.pattern });
      }
      return;
    case 'number':
      if (nu.kind === 'number') compareNumbers(ctx, no, nu);
      return;
    case 'const':
      if (nu.kind === 'const' && !jsonEqual(no.value, nu.value))
        ctx.add('ENUM_ARRAY_CHANGED', 'const', { from: no.value, to: nu.value });
      return;
    case 'enum':
      if (nu.kind === 'enum') compareEnums(ctx, no.values, nu.values);
      return;
    case 'combined':
      if (nu.kind === 'combined') compareCombined(ctx, no, nu);
      return;
    case 'not':
      if (nu.kind === 'not') {
        ctx.within('not', () => {
          // Reversed: `not A` reads `not B` when B reads A.
          const sub = ctx.sub();
          compareSchemas(sub, nu.schema, no.schema);
          ctx.add(sub.isCompatible() ? 'NOT_TYPE_NARROWED' : 'NOT_TYPE_EXTENDED');
        });
      }
      return;
    case 'object':
      if (nu.kind === 'object') diffObjects(ctx, no, nu);
      return;
    case 'array':
      if (nu.kind === 'array') diffArrays(ctx, no, nu);
      return;
    default:
      return;
  }
}

/** Compare a pair in a sub-context; keep its findings and return true only if compatible. */
function tryAgainst(ctx: DiffContext, pair: () => [SchemaAt, SchemaAt]): boolean {
  const sub = ctx.sub();
  const [a, b] = pair();
  compareSchemas(sub, a, b);
  if (!sub.isCompatible()) return false;
  ctx.addAll(sub.differences);
  return true;
}

type BoundName = 'MAX_LENGTH' | 'MIN_LENGTH' | 'MAXIMUM' | 'MINIMUM' | 'EXCLUSIVE_MAXIMUM' | 'EXCLUSIVE_MINIMUM';

/** A numeric keyword added, removed, increased or decreased (`maxLength` 12 → 10: DECREASED). */
export function bound(
  ctx: DiffContext,
  keyword: string,
  from: number | undefined,
  to: number | undefined,
  name: BoundName | 'MAX_PROPERTIES' | 'MIN_PROPERTIES' | 'MAX_ITEMS' | 'MIN_ITEMS' | 'MAX_CONTAINS' | 'MIN_CONTAINS',
): void {
  if (from === to) return;
  const values = { from, to };
  if (from === undefined) ctx.add(`${name}_ADDED`, keyword, values);
  else if (to === undefined) ctx.add(`${name}_REMOVED`, keyword, values);
  else ctx.add(from < to ? `${name}_INCREASED` : `${name}_DECREASED`, keyword, values);
}

function compareNumbers(ctx: DiffContext, o: NumberShape, u: NumberShape): void {
  bound(ctx, 'maximum', o.maximum, u.maximum, 'MAXIMUM');
  bound(ctx, 'minimum', o.minimum, u.minimum, 'MINIMUM');
  bound(ctx, 'exclusiveMaximum', o.exclusiveMaximum, u.exclusiveMaximum, 'EXCLUSIVE_MAXIMUM');
  bound(ctx, 'exclusiveMinimum', o.exclusiveMinimum, u.exclusiveMinimum, 'EXCLUSIVE_MINIMUM');
  const a = o.multipleOf;
  const b = u.multipleOf;
  if (a !== b) {
    const values = { from: a, to: b };
    if (a === undefined) ctx.add('MULTIPLE_OF_ADDED', 'multipleOf', values);
    else if (b === undefined) ctx.add('MULTIPLE_OF_REMOVED', 'multipleOf', values);
    else if (a !== 0 && isMultiple(b, a)) ctx.add('MULTIPLE_OF_EXPANDED', 'multipleOf', values);
    else if (b !== 0 && isMultiple(a, b)) ctx.add('MULTIPLE_OF_REDUCED', 'multipleOf', values);
    else ctx.add('MULTIPLE_OF_CHANGED', 'multipleOf', values);
  }
  if (o.integer !== u.integer) ctx.add(o.integer ? 'TYPE_EXTENDED' : 'TYPE_NARROWED', undefined, typeNames(o, u));
}

/** `x` is a whole multiple of `step`, tolerant of binary fractions (0.1 * 3). */
function isMultiple(x: number, step: number): boolean {
  const q = x / step;
  return Math.abs(q - Math.round(q)) < 1e-9;
}

function typeNames(o: NumberShape, u: NumberShape): { from: string; to: string } {
  return { from: o.integer ? 'integer' : 'number', to: u.integer ? 'integer' : 'number' };
}

function compareEnums(ctx: DiffContext, from: unknown[], to: unknown[]): void {
  const a = new Set(from.map(canonicalJson));
  const b = new Set(to.map(canonicalJson));
  if (a.size === b.size && [...a].every((v) => b.has(v))) return;
  const values = { from, to };
  if ([...a].every((v) => b.has(v))) ctx.add('ENUM_ARRAY_EXTENDED', 'enum', values);
  else if ([...b].every((v) => a.has(v))) ctx.add('ENUM_ARRAY_NARROWED', 'enum', values);
  else ctx.add('ENUM_ARRAY_CHANGED', 'enum', values);
}

type Combined = Extract<NormalSchema, { kind: 'combined' }>;

/**
 * allOf/anyOf/oneOf against each other: the criterion first, then a maximum matching between
 * the original's and the update's subschemas along compatible pairs. If the matching leaves
 * some subschema of the smaller side unmatched, the change is incompatible.
 */
function compareCombined(ctx: DiffContext, o: Combined, u: Combined): void {
  const singleton = (c: Combined): boolean => c.subschemas.length === 1;
  if (o.criterion !== u.criterion) {
    const extended =
      u.criterion === 'anyOf' ||
      (singleton(o) && singleton(u)) ||
      (singleton(o) && u.criterion === 'oneOf') ||
      (singleton(u) && o.criterion === 'allOf');
    if (!extended) return ctx.add('COMBINED_TYPE_CHANGED', undefined, { from: o.criterion, to: u.criterion });
    ctx.add('COMBINED_TYPE_EXTENDED', undefined, { from: o.criterion, to: u.criterion });
  }
  const left = uniqueSchemas(o.subschemas);
  const right = uniqueSchemas(u.subschemas);
  const sizes = { from: left.length, to: right.length };
  if (left.length < right.length)
    ctx.add(u.criterion === 'allOf' ? 'PRODUCT_TYPE_EXTENDED' : 'SUM_TYPE_EXTENDED', undefined, sizes);
  else if (left.length > right.length)
    ctx.add(o.criterion === 'allOf' ? 'PRODUCT_TYPE_NARROWED' : 'SUM_TYPE_NARROWED', undefined, sizes);

  // found[i][j]: the differences when original branch i is read as update branch j.
  // Parts this checker made up (a type beside an enum) add no path segment the user never wrote.
  const pairs = (a: SchemaAt): Difference[][] =>
    right.map((b) => {
      const sub = ctx.sub();
      compareSchemas(sub, a, b);
      return sub.differences;
    });
  const found: Difference[][][] = left.map((a, i) =>
    o.implicit ? pairs(a) : ctx.within(`${o.criterion}/${i}`, () => pairs(a)),
  );
  const compatible = found.map((row) => row.map((diffs) => (diffs.every(isCompatibleChange) ? diffs : null)));
  const match = maximumMatching(compatible);
  for (const [i, j] of match) ctx.addAll(found[i]![j]!);
  if (match.length < Math.min(left.length, right.length)) {
    ctx.add('COMBINED_TYPE_SUBSCHEMAS_CHANGED', undefined, {
      from: o.criterion,
      to: u.criterion,
      because: closestBreaks(found, match, left.length <= right.length),
    });
  }
}

/**
 * The breaking differences of one unmatched branch against the counterpart it is closest to
 * (fewest breaks), for the message.
 */
function closestBreaks(found: Difference[][][], match: Array<[number, number]>, byRow: boolean): Difference[] {
  const matchedRows = new Set(match.map(([i]) => i));
  const matchedCols = new Set(match.map(([, j]) => j));
  let best: Difference[] | null = null;
  found.forEach((row, i) =>
    row.forEach((diffs, j) => {
      if (byRow ? matchedRows.has(i) : matchedCols.has(j)) return;
      const breaks = diffs.filter((d) => !isCompatibleChange(d));
      // A change of kind (an enum read as a string) is a worse match than a change within one.
      const score = (list: Difference[]): number =>
        list.length + (list.some((d) => d.type === 'TYPE_CHANGED') ? 0.5 : 0);
      if (best === null || score(breaks) < score(best)) best = breaks;
    }),
  );
  return best ?? [];
}

/** Subschemas as a set: duplicates (by content) collapse, as Confluent's LinkedHashSet does. */
function uniqueSchemas(list: readonly SchemaAt[]): SchemaAt[] {
  const seen = new Set<string>();
  return list.filter((s) => {
    const key = canonicalJson(s.schema);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Kuhn's augmenting paths: a maximum bipartite matching along the non-null cells. */
function maximumMatching(edges: ReadonlyArray<ReadonlyArray<unknown | null>>): Array<[number, number]> {
  const ownerOf = new Map<number, number>();
  const tryAssign = (i: number, visited: Set<number>): boolean => {
    const row = edges[i] ?? [];
    for (let j = 0; j < row.length; j++) {
      if (row[j] === null || visited.has(j)) continue;
      visited.add(j);
      const owner = ownerOf.get(j);
      if (owner === undefined || tryAssign(owner, visited)) {
        ownerOf.set(j, i);
        return true;
      }
    }
    return false;
  };
  edges.forEach((_, i) => tryAssign(i, new Set()));
  return [...ownerOf].map(([j, i]) => [i, j]);
}

/** A short name of a schema's kind for messages ("string", "integer", "oneOf"). */
export function describeShape(s: NormalSchema): string {
  switch (s.kind) {
    case 'number':
      return s.integer ? 'integer' : 'number';
    case 'combined':
      return s.subschemas.length <= 4
        ? s.subschemas.map((x) => describeShape(normalizeSchema(x))).join(s.criterion === 'allOf' ? ' and ' : ' or ')
        : s.criterion;
    case 'empty':
      return 'any value';
    case 'false':
      return 'no value';
    case 'const':
      return `the constant ${JSON.stringify(s.value)}`;
    case 'enum':
      return s.values.length <= 5 ? `one of ${s.values.map((v) => JSON.stringify(v)).join(', ')}` : 'an enum';
    case 'not':
      return 'a "not" schema';
    default:
      return s.kind;
  }
}
