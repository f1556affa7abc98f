import type { DiffContext } from './DiffContext.js';
import { bound, compareSchemas } from './diffSchemas.js';
import { normalizeSchema, type ArrayShape, type SchemaAt } from './normalizeSchema.js';

/**
 * Two array schemas (Confluent's `ArraySchemaDiff`): the schema of every item, the positional
 * ones (`prefixItems`) under the array's content model (open, closed, or partially open when the
 * items beyond the prefix have a schema), then the bounds. Paths use Confluent's names
 * (`#/items/2` for the third positional item, `#/additionalItems` for the rest).
 */
export function diffArrays(ctx: DiffContext, o: ArrayShape, u: ArrayShape): void {
  ctx.within('items', () => compareSchemas(ctx, o.allItems, u.allItems));
  comparePrefix(ctx, o, u);
  compareAdditional(ctx, o, u);
  compareUnevaluated(ctx, o, u);
  bound(ctx, 'maxItems', o.maxItems, u.maxItems, 'MAX_ITEMS');
  bound(ctx, 'minItems', o.minItems, u.minItems, 'MIN_ITEMS');
  if (o.uniqueItems !== u.uniqueItems)
    ctx.add(o.uniqueItems ? 'UNIQUE_ITEMS_REMOVED' : 'UNIQUE_ITEMS_ADDED', 'uniqueItems');
  bound(ctx, 'maxContains', o.maxContains, u.maxContains, 'MAX_CONTAINS');
  bound(ctx, 'minContains', o.minContains, u.minContains, 'MIN_CONTAINS');
}

function comparePrefix(ctx: DiffContext, o: ArrayShape, u: ArrayShape): void {
  const shared = Math.min(o.prefix.length, u.prefix.length);
  for (let i = 0; i < shared; i++) ctx.within(`items/${i}`, () => compareSchemas(ctx, o.prefix[i], u.prefix[i]));
  // Positions the update no longer names: its model must still read what the original wrote there.
  for (let i = shared; i < o.prefix.length; i++) {
    ctx.within(`items/${i}`, () => {
      const before = o.prefix[i] as SchemaAt;
      if (isOpen(u)) return ctx.add('ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL');
      const covering = partiallyOpenSchema(u);
      if (covering) {
        const sub = ctx.sub();
        compareSchemas(sub, before, covering);
        ctx.addAll(sub.differences);
        return ctx.add(
          sub.isCompatible()
            ? 'ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'
            : 'ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
        );
      }
      ctx.add(
        normalizeSchema(before).kind === 'false'
          ? 'ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL'
          : 'ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL',
      );
    });
  }
  // Positions only the update names: what could the original have written there?
  for (let i = shared; i < u.prefix.length; i++) {
    ctx.within(`items/${i}`, () => {
      const after = u.prefix[i] as SchemaAt;
      if (isOpen(o)) {
        return ctx.add(
          normalizeSchema(after).kind === 'empty'
            ? 'ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL'
            : 'ITEM_ADDED_TO_OPEN_CONTENT_MODEL',
        );
      }
      const covering = partiallyOpenSchema(o);
      if (!covering) return ctx.add('ITEM_ADDED_TO_CLOSED_CONTENT_MODEL');
      const sub = ctx.sub();
      compareSchemas(sub, covering, after);
      ctx.addAll(sub.differences);
      ctx.add(
        sub.isCompatible()
          ? 'ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'
          : 'ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
      );
    });
  }
}

function compareAdditional(ctx: DiffContext, o: ArrayShape, u: ArrayShape): void {
  ctx.within('additionalItems', () => {
    if (o.permitsAdditional !== u.permitsAdditional) {
      ctx.add(o.permitsAdditional ? 'ADDITIONAL_ITEMS_REMOVED' : 'ADDITIONAL_ITEMS_ADDED');
    } else if (!o.additionalSchema && u.additionalSchema) {
      ctx.add('ADDITIONAL_ITEMS_NARROWED');
    } else if (o.additionalSchema && !u.additionalSchema) {
      ctx.add('ADDITIONAL_ITEMS_EXTENDED');
    } else if (o.additionalSchema && u.additionalSchema) {
      compareSchemas(ctx, o.additionalSchema, u.additionalSchema);
    }
  });
}

function compareUnevaluated(ctx: DiffContext, o: ArrayShape, u: ArrayShape): void {
  const a = o.unevaluated;
  const b = u.unevaluated;
  if (!a && !b) return;
  ctx.within('unevaluatedItems', () => {
    const ka = a && normalizeSchema(a).kind;
    const kb = b && normalizeSchema(b).kind;
    if (!a) ctx.add(kb === 'false' ? 'UNEVALUATED_ITEMS_REMOVED' : 'UNEVALUATED_ITEMS_NARROWED');
    else if (!b) ctx.add(ka === 'false' ? 'UNEVALUATED_ITEMS_ADDED' : 'UNEVALUATED_ITEMS_EXTENDED');
    else if (ka === 'false' && kb !== 'false') ctx.add('UNEVALUATED_ITEMS_ADDED');
    else if (ka !== 'false' && kb === 'false') ctx.add('UNEVALUATED_ITEMS_REMOVED');
    else if (ka === 'empty' && kb !== 'empty') ctx.add('UNEVALUATED_ITEMS_NARROWED');
    else if (ka !== 'empty' && kb === 'empty') ctx.add('UNEVALUATED_ITEMS_EXTENDED');
    else compareSchemas(ctx, a, b);
  });
}

function isOpen(s: ArrayShape): boolean {
  if (!s.permitsAdditional || s.additionalSchema) return false;
  return !s.unevaluated || normalizeSchema(s.unevaluated).kind === 'empty';
}

function partiallyOpenSchema(s: ArrayShape): SchemaAt | undefined {
  if (s.additionalSchema) return s.additionalSchema;
  if (s.permitsAdditional && s.unevaluated) {
    const kind = normalizeSchema(s.unevaluated).kind;
    if (kind !== 'false' && kind !== 'empty') return s.unevaluated;
  }
  return undefined;
}
