import type { AnyCheck, Check } from './check.js';

declare const signature: unique symbol;

/** Any function an RPC method can be: arguments in, a promise out. */
export type AnyMethod = (...args: never[]) => Promise<unknown>;

/** One argument of a method: its name (for messages) and its check. */
export interface ArgSchema {
  readonly name: string;
  readonly check: AnyCheck;
}

/**
 * The schema of one method with signature `F`: its arguments in order and whether it answers
 * with a value. Built with `method` or `voidMethod`, which the compiler holds to `F`.
 */
export interface MethodSchema<F extends AnyMethod = AnyMethod> {
  readonly args: readonly ArgSchema[];
  /** How many leading arguments must be present (the rest are optional). */
  readonly required: number;
  /** The method answers nothing: clients resolve `undefined`, whatever the transport carried. */
  readonly voidResult: boolean;
  readonly [signature]?: F;
}

/** A service's schema table: one entry per method. */
export type ServiceSchema = Readonly<Record<string, MethodSchema>>;

/** The interface a schema table describes: each entry's signature, with the entry's TSDoc. */
export type ServiceOf<S extends ServiceSchema> = { [K in keyof S]: S[K] extends MethodSchema<infer F> ? F : never };

/** `[name, check]` per parameter of `P`, each check vouching for exactly that parameter's type. */
type ArgSpecs<P extends readonly unknown[], Q extends readonly unknown[] = P> = {
  [I in keyof P]-?: readonly [name: string, check: Check<Q[I & keyof Q]>];
};

/** Any value a method may answer with: everything but `undefined` (that is `voidMethod`). */
type Answer = NonNullable<unknown> | null;

function build<F extends AnyMethod>(
  specs: ReadonlyArray<readonly [string, AnyCheck]>,
  voidResult: boolean,
): MethodSchema<F> {
  const args = specs.map(([name, check]) => ({ name, check }));
  const firstOptional = args.findIndex((a) => a.check.optional);
  for (const a of args.slice(firstOptional < 0 ? args.length : firstOptional)) {
    if (!a.check.optional) throw new Error(`Argument "${a.name}" follows an optional one, so it must be optional too.`);
  }
  return { args, required: firstOptional < 0 ? args.length : firstOptional, voidResult };
}

/**
 * A method that answers with a value, e.g.
 * `method<(path: string) => Promise<{ text: string }>>(['path', path])`. The compiler checks
 * that there is one `[name, check]` per parameter and that each check fits its parameter.
 */
export function method<F extends (...args: never[]) => Promise<Answer>>(
  ...specs: ArgSpecs<Parameters<F>>
): MethodSchema<F> {
  return build<F>(specs as ReadonlyArray<readonly [string, AnyCheck]>, false);
}

/** A method that answers nothing (`Promise<void>`), e.g. `voidMethod<(runId: string) => Promise<void>>(['runId', id])`. */
export function voidMethod<F extends (...args: never[]) => Promise<void>>(
  ...specs: ArgSpecs<Parameters<F>>
): MethodSchema<F> {
  return build<F>(specs as ReadonlyArray<readonly [string, AnyCheck]>, true);
}
