/**
 * Keys that reach `Object.prototype` when a naive deep merge or `obj[key] = …` meets them. A
 * graph file is shared between people, so these keys are dropped wherever they appear: nothing
 * in Sluice's graph format uses them, and dropping is simpler to reason about than keeping them
 * "harmlessly" in objects that other code may later merge.
 */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Deeper than any real graph; stops a hostile or cyclic value from exhausting the stack. */
const MAX_DEPTH = 500;

/** Thrown by `toSafeJson` for data that cannot be a graph file (cyclic or absurdly deep). */
export class UnsafeJsonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeJsonError';
  }
}

/**
 * A fresh deep copy of JSON-like data made only of plain objects, arrays and primitives, without
 * the `FORBIDDEN_KEYS`. Used on everything that enters the graph model, from text or from another
 * process, so later code may assign keys freely.
 *
 * Values JSON cannot hold are dropped like `JSON.stringify` would (functions, symbols,
 * `undefined`); class instances (Date, Map, …) become `null` in arrays and are dropped in
 * objects, because a graph file never contains them.
 */
export function toSafeJson(value: unknown): unknown {
  return copy(value, 0, new Set());
}

function copy(value: unknown, depth: number, path: Set<object>): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return value;
  }
  if (typeof value !== 'object') return undefined;
  if (depth > MAX_DEPTH) throw new UnsafeJsonError(`it is nested more than ${MAX_DEPTH} levels deep`);
  if (path.has(value)) throw new UnsafeJsonError('it refers to itself (a cycle), which JSON cannot hold');
  path.add(value);
  try {
    if (Array.isArray(value)) {
      return value.map((item) => {
        const c = copy(item, depth + 1, path);
        return c === undefined ? null : c;
      });
    }
    if (!isPlainObject(value)) return undefined;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) continue;
      const c = copy((value as Record<string, unknown>)[key], depth + 1, path);
      if (c !== undefined) out[key] = c;
    }
    return out;
  } finally {
    path.delete(value);
  }
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
