import type { JsonSchema } from '../../contract/eventSchema.js';
import { normalizeSchema, type SchemaAt } from './normalizeSchema.js';

/** Whether a schema has a field: yes, no (then where the path left it, and what it does have). */
export type FieldLookup =
  | { found: true }
  | {
      found: false;
      /** How many names of the path exist before the missing one (`a.b.c` with no `b`: 1). */
      depth: number;
      /** The fields the object there declares, for "did you mean …?". */
      known: string[];
    };

/**
 * Does a value following `schema` have the field `path` (`["customer", "id"]`)? Answered only
 * where the schema knows: an object that lists properties (or is closed) and lists no such one,
 * in every branch of a `oneOf`/`anyOf`/`allOf`, is "no". Anything the schema leaves open (an
 * object without properties, `additionalProperties` or `patternProperties` that could cover
 * the name, a value that is not an object, such as an array whose methods are read) is "yes".
 */
export function lookUpField(schema: JsonSchema, path: readonly string[]): FieldLookup {
  const result = walk({ schema, root: schema }, path, 0, 0);
  return result === 'not-an-object' ? { found: true } : result;
}

/** Beyond this many nested branches the answer is "yes": an exotic schema, not worth the time. */
const MAX_DEPTH = 32;

type Step = FieldLookup | 'not-an-object';

function walk(at: SchemaAt, path: readonly string[], index: number, depth: number): Step {
  if (index >= path.length || depth > MAX_DEPTH) return { found: true };
  const s = normalizeSchema(at);
  const name = path[index] as string;
  if (s.kind === 'object') {
    const next = s.properties.get(name);
    if (next) {
      const below = walk(next, path, index + 1, depth + 1);
      return below === 'not-an-object' ? { found: true } : below;
    }
    const closed = !s.permitsAdditional || isFalse(s.unevaluated);
    const covered =
      s.additionalSchema !== undefined ||
      s.patternProperties.some((p) => safeTest(p.pattern, name)) ||
      (s.unevaluated !== undefined && !isFalse(s.unevaluated));
    if (covered || (!closed && s.properties.size === 0)) return { found: true };
    return { found: false, depth: index, known: [...s.properties.keys()] };
  }
  if (s.kind === 'combined') {
    // allOf: every part constrains the same value; oneOf/anyOf: the value follows one branch.
    // Either way a field that any branch declares may exist. Branches that are not objects
    // (the null of a nullable object) say nothing.
    const branches = s.subschemas.map((b) => walk(b, path, index, depth + 1));
    if (branches.some((b) => b !== 'not-an-object' && b.found)) return { found: true };
    const misses = branches.filter((b): b is Extract<FieldLookup, { found: false }> => b !== 'not-an-object');
    if (misses.length === 0) return 'not-an-object';
    return {
      found: false,
      depth: Math.max(...misses.map((m) => m.depth)),
      known: [...new Set(misses.flatMap((m) => m.known))],
    };
  }
  return 'not-an-object';
}
function isFalse(at: SchemaAt | undefined): boolean {
  return at !== undefined && normalizeSchema(at).kind === 'false';
}

function safeTest(pattern: string, name: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(name);
  } catch {
    return false;
  }
}
