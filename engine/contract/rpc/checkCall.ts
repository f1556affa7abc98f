import type { AnyCheck } from './check.js';
import type { MethodSchema, ServiceSchema } from './method.js';

/** What a trust edge made of one call: the method and its arguments, or one sentence saying what is wrong. */
export type CheckedCall<S extends ServiceSchema> =
  { ok: true; method: keyof S & string; args: unknown[] } | { ok: false; error: string };

/** The schema of `method` in `schema`, if it is one of its own methods (not `constructor`, not `__proto__`). */
export function methodSchema(schema: ServiceSchema, method: unknown): MethodSchema | undefined {
  return typeof method === 'string' && Object.hasOwn(schema, method) ? schema[method] : undefined;
}

/**
 * Check one call from an untrusted peer against its method's schema. Pure and total: never
 * throws, whatever it is given.
 * 1. The method must be in the schema.
 * 2. Trailing `undefined`/`null` arguments count as omitted (JSON turns an omitted argument
 *    into `null`); then the count must fit.
 * 3. Each argument must pass its check; the first that does not is named in the sentence.
 * 4. An omitted optional argument becomes its default, or `undefined` (never `null`), so the
 *    receiver gets what its TypeScript signature says.
 */
export function checkCall<S extends ServiceSchema>(schema: S, method: unknown, args: unknown): CheckedCall<S> {
  const spec = methodSchema(schema, method);
  if (!spec) return { ok: false, error: `Unknown method ${JSON.stringify(method) ?? String(method)}.` };
  const name = method as keyof S & string;
  if (!Array.isArray(args)) return { ok: false, error: `The arguments of ${name} must be an array.` };
  const list = [...(args as unknown[])];
  while (list.length > spec.required && (list[list.length - 1] === undefined || list[list.length - 1] === null))
    list.pop();
  const max = spec.args.length;
  if (list.length < spec.required || list.length > max) {
    const expected = spec.required === max ? `${max}` : `${spec.required} to ${max}`;
    return { ok: false, error: `${name} takes ${expected} argument${max === 1 ? '' : 's'}, not ${list.length}.` };
  }
  for (let i = 0; i < list.length; i++) {
    const arg = spec.args[i]!;
    const problem = arg.check.problem(list[i]);
    if (problem) return { ok: false, error: `The "${arg.name}" argument of ${name} ${problem}.` };
  }
  return { ok: true, method: name, args: withDefaults(spec, list) };
}

/**
 * Arguments as they should travel and arrive: omitted optional ones replaced by their defaults
 * (or `undefined`), trailing `undefined` ones dropped. Clients use it too, so the wire says
 * what the receiver will do.
 */
export function withDefaults(spec: MethodSchema, args: readonly unknown[]): unknown[] {
  const out = spec.args.map((a, i) => {
    const v = args[i];
    if ((v === undefined || v === null) && a.check.optional) return a.check.fallback;
    return v;
  });
  while (out.length > 0 && out[out.length - 1] === undefined) out.pop();
  return out;
}

/**
 * The filesystem paths a checked call names (arguments and record fields whose check is a
 * path), so a host can hold each against the folders the user opened. New methods that take a
 * path are covered without a line here.
 */
export function pathsOfCall(schema: ServiceSchema, method: string, args: readonly unknown[]): string[] {
  const spec = methodSchema(schema, method);
  if (!spec) return [];
  const found: string[] = [];
  const visit = (check: AnyCheck, value: unknown): void => {
    if (check.isPath && typeof value === 'string') found.push(value);
    if (check.fields && typeof value === 'object' && value !== null) {
      for (const [field, sub] of Object.entries(check.fields)) visit(sub, (value as Record<string, unknown>)[field]);
    }
  };
  spec.args.forEach((a, i) => visit(a.check, args[i]));
  return found;
}
