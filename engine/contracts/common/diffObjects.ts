import type { DiffContext } from './DiffContext.js';
import { bound, compareSchemas } from './diffSchemas.js';
import { hasDefault, normalizeSchema, type ObjectShape, type SchemaAt } from './normalizeSchema.js';

/**
 * Two object schemas (Confluent's `ObjectSchemaDiff`). The content model decides what adding or
 * removing a property means:
 * - open (`additionalProperties` absent or `true`, no `patternProperties`, and
 *   `unevaluatedProperties` absent or `true`): any other property may appear with any value, so
 *   removing a property is safe but adding one (even optional) is not, since older events may
 *   already carry it with another value;
 * - closed (`additionalProperties: false`): no other property appears, so adding an optional
 *   property is safe but removing one is not (events that carry it would now be refused);
 * - partially open (`additionalProperties` or `patternProperties` or `unevaluatedProperties` a
 *   schema): a property added or removed is safe when its schema and the one covering it agree.
 */
export function diffObjects(ctx: DiffContext, o: ObjectShape, u: ObjectShape): void {
  compareRequired(ctx, o, u);
  compareProperties(ctx, o, u);
  compareDependencies(ctx, o, u);
  compareAdditional(ctx, o, u);
  compareUnevaluated(ctx, o, u);
  bound(ctx, 'maxProperties', o.maxProperties, u.maxProperties, 'MAX_PROPERTIES');
  bound(ctx, 'minProperties', o.minProperties, u.minProperties, 'MIN_PROPERTIES');
}

function compareRequired(ctx: DiffContext, o: ObjectShape, u: ObjectShape): void {
  ctx.within('required', () => {
    for (const [key] of o.properties) {
      const updated = u.properties.get(key);
      if (!updated) continue;
      const was = o.required.has(key);
      const is = u.required.has(key);
      if (was && !is) ctx.add('REQUIRED_ATTRIBUTE_REMOVED', key);
      else if (!was && is)
        ctx.add(hasDefault(updated) ? 'REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED' : 'REQUIRED_ATTRIBUTE_ADDED', key);
    }
  });
}

function compareProperties(ctx: DiffContext, o: ObjectShape, u: ObjectShape): void {
  ctx.within('properties', () => {
    for (const key of new Set([...o.properties.keys(), ...u.properties.keys()])) {
      ctx.within(key, () => {
        const before = o.properties.get(key);
        const after = u.properties.get(key);
        if (before && after) return compareSchemas(ctx, before, after);
        if (before) return propertyRemoved(ctx, before, u, key);
        if (after) return propertyAdded(ctx, after, o, u, key);
      });
    }
  });
}

/** Only the update's content model matters: it must still read events that carry the property. */
function propertyRemoved(ctx: DiffContext, before: SchemaAt, u: ObjectShape, key: string): void {
  if (isOpen(u)) return ctx.add('PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL');
  const covering = partiallyOpenSchema(u, key);
  if (covering) {
    const sub = ctx.sub();
    compareSchemas(sub, before, covering);
    ctx.addAll(sub.differences);
    return ctx.add(
      sub.isCompatible()
        ? 'PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'
        : 'PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
    );
  }
  ctx.add(
    normalizeSchema(before).kind === 'false'
      ? 'PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL'
      : 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL',
  );
}

/** Only the original's content model matters: what older events may carry under that name. */
function propertyAdded(ctx: DiffContext, after: SchemaAt, o: ObjectShape, u: ObjectShape, key: string): void {
  const required = u.required.has(key);
  if (isOpen(o)) {
    if (normalizeSchema(after).kind === 'empty')
      return ctx.add('PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL');
    if (!required) return ctx.add('OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL');
    return ctx.add(
      hasDefault(after)
        ? 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL'
        : 'REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL',
    );
  }
  const covering = partiallyOpenSchema(o, key);
  if (covering) {
    const sub = ctx.sub();
    compareSchemas(sub, covering, after);
    ctx.addAll(sub.differences);
    ctx.add(
      sub.isCompatible()
        ? 'PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'
        : 'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
    );
  }
  // Closed or partially open: an event of the original never lacks a property it could not have.
  if (!required) return ctx.add('OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL');
  ctx.add(
    hasDefault(after)
      ? 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL'
      : 'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL',
  );
}

function compareDependencies(ctx: DiffContext, o: ObjectShape, u: ObjectShape): void {
  ctx.within('dependencies', () => {
    for (const key of new Set([...o.dependentRequired.keys(), ...u.dependentRequired.keys()])) {
      const before = o.dependentRequired.get(key);
      const after = u.dependentRequired.get(key);
      if (!after) ctx.add('DEPENDENCY_ARRAY_REMOVED', key);
      else if (!before) ctx.add('DEPENDENCY_ARRAY_ADDED', key, { to: after });
      else {
        const a = new Set(before);
        const b = new Set(after);
        if (a.size === b.size && before.every((x) => b.has(x))) continue;
        if (before.every((x) => b.has(x))) ctx.add('DEPENDENCY_ARRAY_EXTENDED', key, { from: before, to: after });
        else if (after.every((x) => a.has(x))) ctx.add('DEPENDENCY_ARRAY_NARROWED', key, { from: before, to: after });
        else ctx.add('DEPENDENCY_ARRAY_CHANGED', key, { from: before, to: after });
      }
    }
    for (const key of new Set([...o.dependentSchemas.keys(), ...u.dependentSchemas.keys()])) {
      const before = o.dependentSchemas.get(key);
      const after = u.dependentSchemas.get(key);
      if (!after) ctx.add('DEPENDENCY_SCHEMA_REMOVED', key);
      else if (!before) ctx.add('DEPENDENCY_SCHEMA_ADDED', key);
      else ctx.within(key, () => compareSchemas(ctx, before, after));
    }
  });
}

function compareAdditional(ctx: DiffContext, o: ObjectShape, u: ObjectShape): void {
  ctx.within('additionalProperties', () => {
    if (o.permitsAdditional !== u.permitsAdditional) {
      ctx.add(u.permitsAdditional ? 'ADDITIONAL_PROPERTIES_ADDED' : 'ADDITIONAL_PROPERTIES_REMOVED');
    } else if (!o.additionalSchema && u.additionalSchema) {
      ctx.add('ADDITIONAL_PROPERTIES_NARROWED');
    } else if (o.additionalSchema && !u.additionalSchema) {
      ctx.add('ADDITIONAL_PROPERTIES_EXTENDED');
    } else if (o.additionalSchema && u.additionalSchema) {
      compareSchemas(ctx, o.additionalSchema, u.additionalSchema);
    }
  });
}

function compareUnevaluated(ctx: DiffContext, o: ObjectShape, u: ObjectShape): void {
  const a = o.unevaluated;
  const b = u.unevaluated;
  if (!a && !b) return;
  ctx.within('unevaluatedProperties', () => {
    const ka = a && normalizeSchema(a).kind;
    const kb = b && normalizeSchema(b).kind;
    if (!a) ctx.add(kb === 'false' ? 'UNEVALUATED_PROPERTIES_REMOVED' : 'UNEVALUATED_PROPERTIES_NARROWED');
    else if (!b) ctx.add(ka === 'false' ? 'UNEVALUATED_PROPERTIES_ADDED' : 'UNEVALUATED_PROPERTIES_EXTENDED');
    else if (ka === 'false' && kb !== 'false') ctx.add('UNEVALUATED_PROPERTIES_ADDED');
    else if (ka !== 'false' && kb === 'false') ctx.add('UNEVALUATED_PROPERTIES_REMOVED');
    else if (ka === 'empty' && kb !== 'empty') ctx.add('UNEVALUATED_PROPERTIES_NARROWED');
    else if (ka !== 'empty' && kb === 'empty') ctx.add('UNEVALUATED_PROPERTIES_EXTENDED');
    else compareSchemas(ctx, a, b);
  });
}

/** Fully open: any other property may appear with any value. */
export function isOpen(s: ObjectShape): boolean {
  if (!s.permitsAdditional || s.additionalSchema || s.patternProperties.length > 0) return false;
  return !s.unevaluated || normalizeSchema(s.unevaluated).kind === 'empty';
}

/** The schema a property not listed in `properties` must match, when the model gives one. */
export function partiallyOpenSchema(s: ObjectShape, key: string): SchemaAt | undefined {
  for (const { pattern, schema } of s.patternProperties) if (matches(pattern, key)) return schema;
  if (s.additionalSchema) return s.additionalSchema;
  if (s.permitsAdditional && s.unevaluated) {
    const kind = normalizeSchema(s.unevaluated).kind;
    if (kind !== 'false' && kind !== 'empty') return s.unevaluated;
  }
  return undefined;
}

function matches(pattern: string, key: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(key);
  } catch {
    return false;
  }
}
