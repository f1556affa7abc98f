import type { Difference, DifferenceType } from './Difference.js';
import { fieldOfPath } from './fieldOfPath.js';

/**
 * One clause a person understands for a schema difference: "field `amount` became required",
 * "field `note`: maxLength went down from 140 to 80". The caller adds who can no longer read
 * what (`checkCompatibility`). Written for the breaking kinds first; the compatible ones get a
 * plain statement of the change.
 */
export function describeDifference(d: Difference): string {
  if (d.because && d.because.length > 0) return d.because.map(describeDifference).join('; ');
  const special = PHRASES[d.type];
  if (special) return special(d, subject(d.path), owner(d.path));
  const numeric =
    /^(MAX_LENGTH|MIN_LENGTH|MAXIMUM|MINIMUM|EXCLUSIVE_MAXIMUM|EXCLUSIVE_MINIMUM|MAX_PROPERTIES|MIN_PROPERTIES|MAX_ITEMS|MIN_ITEMS|MAX_CONTAINS|MIN_CONTAINS|MULTIPLE_OF)_(ADDED|REMOVED|INCREASED|DECREASED|EXPANDED|REDUCED|CHANGED)$/.exec(
      d.type,
    );
  if (numeric) {
    const keyword = lastSegment(d.path);
    const who = owner(d.path);
    switch (numeric[2]) {
      case 'ADDED':
        return `${who} gained ${keyword} ${show(d.to)}`;
      case 'REMOVED':
        return `${who} lost ${keyword} ${show(d.from)}`;
      case 'INCREASED':
        return `${who}: ${keyword} went up from ${show(d.from)} to ${show(d.to)}`;
      case 'DECREASED':
        return `${who}: ${keyword} went down from ${show(d.from)} to ${show(d.to)}`;
      default:
        return `${who}: ${keyword} changed from ${show(d.from)} to ${show(d.to)}`;
    }
  }
  return `${subject(d.path)}: ${d.type.toLowerCase().replace(/_/g, ' ')} (at ${d.path})`;
}

type Phrase = (d: Difference, subject: string, owner: string) => string;

const field = (d: Difference): string => `\`${lastSegment(d.path)}\``;

const PHRASES: Partial<Record<DifferenceType, Phrase>> = {
  TYPE_CHANGED: (d, s) => `${s} changed type from ${show(d.from, false)} to ${show(d.to, false)}`,
  TYPE_NARROWED: (d, s) => `${s} narrowed from ${show(d.from, false)} to ${show(d.to, false)}`,
  TYPE_EXTENDED: (d, s) => `${s} widened from ${show(d.from, false)} to ${show(d.to, false)}`,
  SCHEMA_ADDED: (_, s) => `${s} must now match a schema (it accepted anything before)`,
  SCHEMA_REMOVED: (_, s) => `${s} no longer has a schema (it accepts anything)`,
  ID_CHANGED: (_, s) => `${s}: $id changed`,
  TITLE_CHANGED: (_, s) => `${s}: title changed`,
  DESCRIPTION_CHANGED: (_, s) => `${s}: description changed`,
  DEFAULT_CHANGED: (_, s) => `${s}: default changed`,
  PATTERN_ADDED: (d, _, o) => `${o} gained pattern /${String(d.to)}/`,
  PATTERN_REMOVED: (_, __, o) => `${o} lost its pattern`,
  PATTERN_CHANGED: (d, _, o) => `${o}: pattern changed from /${String(d.from)}/ to /${String(d.to)}/`,
  REQUIRED_ATTRIBUTE_ADDED: (d) => `field ${fieldName(d.path)} became required`,
  REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED: (d) => `field ${fieldName(d.path)} became required (it has a default)`,
  REQUIRED_ATTRIBUTE_REMOVED: (d) => `field ${fieldName(d.path)} became optional`,
  REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL: (d) => `required field ${fieldName(d.path)} was added`,
  REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL: (d) => `required field ${fieldName(d.path)} was added`,
  REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL: (d) =>
    `required field ${fieldName(d.path)} (with a default) was added to an open object`,
  REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL: (d) =>
    `required field ${fieldName(d.path)} (with a default) was added`,
  OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL: (d, _, o) =>
    `field ${fieldName(d.path)} was added to ${o}, whose content model is open (additionalProperties is not false), so older events may already carry a ${field(d)} of any type`,
  OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL: (d) => `optional field ${fieldName(d.path)} was added`,
  PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL: (d) => `field ${fieldName(d.path)} (any value) was added`,
  PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL: (d) => `field ${fieldName(d.path)} was removed (its object stays open)`,
  PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL: (d) => `forbidden field ${fieldName(d.path)} was removed`,
  PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL: (d, _, o) =>
    `field ${fieldName(d.path)} was removed from ${o}, whose content model is closed (additionalProperties: false), so events that carry it are refused`,
  PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: (d) =>
    `field ${fieldName(d.path)} was removed (additionalProperties or patternProperties still covers it)`,
  PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: (d) =>
    `field ${fieldName(d.path)} was removed, and the additionalProperties or patternProperties schema that now covers it refuses what it held`,
  PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: (d) =>
    `field ${fieldName(d.path)} was added (additionalProperties or patternProperties covered it before)`,
  PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: (d) =>
    `field ${fieldName(d.path)} was added with a schema that refuses what older events may carry under that name (their additionalProperties or patternProperties allowed it)`,
  ADDITIONAL_PROPERTIES_ADDED: (_, __, o) => `${o} was opened (additionalProperties is no longer false)`,
  ADDITIONAL_PROPERTIES_REMOVED: (_, __, o) =>
    `${o} was closed (additionalProperties: false), so events with fields it does not list are refused`,
  ADDITIONAL_PROPERTIES_NARROWED: (_, __, o) =>
    `the unlisted fields of ${o} must now match an additionalProperties schema`,
  ADDITIONAL_PROPERTIES_EXTENDED: (_, __, o) => `the unlisted fields of ${o} are no longer constrained`,
  UNEVALUATED_PROPERTIES_ADDED: (_, __, o) => `${o} was opened (unevaluatedProperties is no longer false)`,
  UNEVALUATED_PROPERTIES_REMOVED: (_, __, o) =>
    `${o} was closed (unevaluatedProperties: false), so events with fields it does not list are refused`,
  UNEVALUATED_PROPERTIES_NARROWED: (_, __, o) =>
    `the unlisted fields of ${o} must now match an unevaluatedProperties schema`,
  UNEVALUATED_PROPERTIES_EXTENDED: (_, __, o) => `the unlisted fields of ${o} are no longer constrained`,
  DEPENDENCY_ARRAY_ADDED: (d, _, o) => `${o}: a field ${field(d)} now requires ${list(d.to)}`,
  DEPENDENCY_ARRAY_REMOVED: (d, _, o) => `${o}: a field ${field(d)} no longer requires other fields`,
  DEPENDENCY_ARRAY_EXTENDED: (d, _, o) => `${o}: a field ${field(d)} now also requires ${list(minus(d.to, d.from))}`,
  DEPENDENCY_ARRAY_NARROWED: (d, _, o) => `${o}: a field ${field(d)} requires fewer fields`,
  DEPENDENCY_ARRAY_CHANGED: (d, _, o) =>
    `${o}: the fields a ${field(d)} requires changed from ${list(d.from)} to ${list(d.to)}`,
  DEPENDENCY_SCHEMA_ADDED: (d, _, o) => `${o}: a field ${field(d)} now brings a dependentSchemas rule`,
  DEPENDENCY_SCHEMA_REMOVED: (d, _, o) => `${o}: the dependentSchemas rule of ${field(d)} was removed`,
  UNIQUE_ITEMS_ADDED: (_, __, o) => `${o} now requires unique items`,
  UNIQUE_ITEMS_REMOVED: (_, __, o) => `${o} no longer requires unique items`,
  ADDITIONAL_ITEMS_ADDED: (_, __, o) => `${o} now allows items beyond its prefixItems`,
  ADDITIONAL_ITEMS_REMOVED: (_, __, o) => `${o} no longer allows items beyond its prefixItems (items: false)`,
  ADDITIONAL_ITEMS_NARROWED: (_, __, o) => `the items of ${o} beyond its prefixItems must now match a schema`,
  ADDITIONAL_ITEMS_EXTENDED: (_, __, o) => `the items of ${o} beyond its prefixItems are no longer constrained`,
  UNEVALUATED_ITEMS_REMOVED: (_, __, o) => `${o} no longer allows unevaluated items`,
  UNEVALUATED_ITEMS_NARROWED: (_, __, o) => `the unevaluated items of ${o} must now match a schema`,
  ITEM_ADDED_TO_OPEN_CONTENT_MODEL: (d, _, o) =>
    `${o} gained positional item ${lastSegment(d.path)} while its further items were open, so older events may hold anything there`,
  ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL: (d, _, o) =>
    `positional item ${lastSegment(d.path)} of ${o} was removed while its further items are refused`,
  ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: (d, _, o) =>
    `positional item ${lastSegment(d.path)} of ${o} was added with a schema that refuses what its further items allowed`,
  ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: (d, _, o) =>
    `positional item ${lastSegment(d.path)} of ${o} was removed, and the schema of its further items refuses what it held`,
  ENUM_ARRAY_EXTENDED: (d, _, o) => `${o} now also allows ${list(minus(d.to, d.from))}`,
  ENUM_ARRAY_NARROWED: (d, _, o) => `${o} no longer allows ${list(minus(d.from, d.to))}`,
  ENUM_ARRAY_CHANGED: (d, _, o) =>
    lastSegment(d.path) === 'const'
      ? `${o} changed its constant from ${show(d.from)} to ${show(d.to)}`
      : `${o} no longer allows ${list(minus(d.from, d.to))}`,
  COMBINED_TYPE_EXTENDED: (d, s) => `${s} changed from ${String(d.from)} to ${String(d.to)}`,
  COMBINED_TYPE_CHANGED: (d, s) => `${s} changed from ${String(d.from)} to ${String(d.to)}`,
  COMBINED_TYPE_SUBSCHEMAS_CHANGED: (d, s) =>
    `${s}: the schemas of its ${String(d.to)} no longer match the earlier ones of its ${String(d.from)} one for one`,
  SUM_TYPE_EXTENDED: (_, s) => `${s} accepts more alternatives`,
  SUM_TYPE_NARROWED: (d, s) => `${s} has fewer alternatives (${show(d.from)} → ${show(d.to)})`,
  PRODUCT_TYPE_EXTENDED: (_, s) => `${s} gained an allOf part`,
  PRODUCT_TYPE_NARROWED: (_, s) => `${s} lost a constraint`,
  NOT_TYPE_EXTENDED: (_, s) => `the "not" of ${s} now excludes more values`,
  NOT_TYPE_NARROWED: (_, s) => `the "not" of ${s} excludes fewer values`,
};

/** "field `customer.id`" or "the value" for the root. */
function subject(path: string): string {
  const f = fieldOfPath(path);
  return f === '' ? 'the value' : `field \`${f}\``;
}

/** The object or array a keyword at `path` belongs to (`#/properties/a/maxLength` → field `a`). */
function owner(path: string): string {
  const f = fieldOfPath(path.replace(/\/[^/]*$/, ''));
  return f === '' ? 'the value' : `field \`${f}\``;
}

/** A property named by the path (`#/properties/a/required/b` → `a.b`). */
function fieldName(path: string): string {
  return `\`${fieldOfPath(path)}\``;
}

function lastSegment(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function show(v: unknown, quote = true): string {
  if (typeof v === 'string' && !quote) return v;
  return JSON.stringify(v) ?? String(v);
}

function list(v: unknown): string {
  return Array.isArray(v) ? v.map((x) => show(x)).join(', ') : show(v);
}

function minus(a: unknown, b: unknown): unknown[] {
  const keep = Array.isArray(b) ? new Set(b.map((x) => JSON.stringify(x))) : new Set<string>();
  return Array.isArray(a) ? a.filter((x) => !keep.has(JSON.stringify(x))) : [];
}
