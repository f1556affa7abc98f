/**
 * Argument checks for RPC methods: small values that say, in a sentence fragment a person can
 * read, what is wrong with an argument ("must be a string, not a number"), or null when it is
 * acceptable. Plain functions and data, no code generation, so they run under the strictest
 * Content-Security-Policy (no `eval`, no `new Function`) in the renderer as in the engine.
 *
 * A check's type parameter is what a value that passed may be treated as; it is invariant, so
 * the compiler keeps an optional parameter from getting a check that refuses `undefined`.
 */
declare const vouchesFor: unique symbol;

/** What every check has, whatever it vouches for (for tables of mixed checks). */
export interface AnyCheck {
  /** What is wrong with `value` (a fragment that follows "The "x" argument of m …"), or null. */
  readonly problem: (value: unknown) => string | null;
  /** `undefined` and `null` are accepted and mean "omitted". */
  readonly optional?: boolean;
  /** Used when an optional value is omitted. */
  readonly fallback?: unknown;
  /** The value names a file or folder: hosts check it against the folders the user opened. */
  readonly isPath?: boolean;
  /** For a record: the checks of its fields (so a host can find the paths inside it). */
  readonly fields?: Readonly<Record<string, AnyCheck>>;
}

/** A check that vouches for values of type `T`. */
export interface Check<T> extends AnyCheck {
  readonly [vouchesFor]?: (value: T) => T;
}

const make = <T>(problem: (value: unknown) => string | null, extra: Partial<AnyCheck> = {}): Check<T> => ({
  problem,
  ...extra,
});

/** What a wrapper keeps of the check it wraps: what kind of value it is about. */
const kinds = (check: AnyCheck): Partial<AnyCheck> => ({
  ...(check.isPath ? { isPath: true } : {}),
  ...(check.fields ? { fields: check.fields } : {}),
});

/** How a value is called in a message: "a number", "an array", "null". */
export function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  switch (typeof v) {
    case 'object':
      return 'an object';
    case 'undefined':
      return 'undefined';
    default:
      return `a ${typeof v}`;
  }
}

/** Anything at all (the engine makes sense of it itself, as `validate` does of any graph). */
export const anything: Check<unknown> = make(() => null);

/** A string of at most `max` characters; `noNul` refuses NUL characters too. */
export function string(max: number, options: { noNul?: boolean; nonEmpty?: boolean } = {}): Check<string> {
  return make((v) => {
    if (typeof v !== 'string') return `must be a string, not ${kindOf(v)}`;
    if (v.length > max) return `is longer than ${max} characters`;
    if (options.nonEmpty && v.length === 0) return 'must not be empty';
    // A NUL byte truncates a path in C APIs, so what is checked would differ from what is opened.
    if (options.noNul && v.includes('\0')) return 'must not contain a NUL character';
    return null;
  });
}

/** Paths longer than any real filesystem allows are refused rather than passed on. */
export const MAX_PATH = 4096;

/** A file or folder path: a non-empty string without NUL, at most `MAX_PATH` characters. */
export const path: Check<string> = make(string(MAX_PATH, { noNul: true, nonEmpty: true }).problem, { isPath: true });

export const boolean: Check<boolean> = make((v) =>
  typeof v === 'boolean' ? null : `must be true or false, not ${kindOf(v)}`,
);

/** A finite number, 0 or more (a duration in ms). */
export const nonNegativeMs: Check<number> = make((v) =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? null : 'must be a number of milliseconds (0 or more)',
);

/** One of the given strings. */
export function oneOf<const V extends string>(values: readonly V[]): Check<V> {
  return make((v) =>
    typeof v === 'string' && (values as readonly string[]).includes(v)
      ? null
      : `must be one of ${values.map((x) => `"${x}"`).join(', ')}`,
  );
}

/** `check`, or omitted (`undefined`, or `null` as JSON spells it); omitted becomes `fallback` if given. */
export function optional<T>(check: Check<T>): Check<T | undefined>;
export function optional<T>(check: Check<T>, fallback: T): Check<T | undefined>;
export function optional<T>(check: Check<T>, ...fallback: [T?]): Check<T | undefined> {
  return make((v) => (v === undefined || v === null ? null : check.problem(v)), {
    ...kinds(check),
    optional: true,
    ...(fallback.length > 0 ? { fallback: fallback[0] } : {}),
  });
}

/** `check`, or `null` (a value of its own, not "omitted": a document with no name). */
export function nullable<T>(check: Check<T>): Check<T | null> {
  return make((v) => (v === null ? null : check.problem(v)), kinds(check));
}

/** A JSON object (not an array, not null); its contents are the receiver's to judge. */
export function objectOf<T extends object>(what: string): Check<T> {
  return make((v) =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? null : `must be ${what}, not ${kindOf(v)}`,
  );
}

/** A list of at most `max` values of any kind (sample event values). */
export function list(max: number, what: string): Check<unknown[]> {
  return make((v) =>
    Array.isArray(v) && v.length <= max ? null : `must be a list of at most ${max} ${what}, not ${kindOf(v)}`,
  );
}

/** A list of at most `max` whole numbers above 0 (ids). */
export function idList(max: number, what: string): Check<number[]> {
  return make((v) =>
    Array.isArray(v) && v.length <= max && v.every((x) => Number.isInteger(x) && (x as number) > 0)
      ? null
      : `must be a list of ${what} (whole numbers), not ${kindOf(v)}`,
  );
}

type FieldChecks<T> = { readonly [K in keyof T]-?: Check<T[K]> };

/**
 * A plain object whose fields pass their checks. Fields not listed are refused, so nothing
 * unexpected reaches the receiver; a field is required unless its check is `optional`.
 */
export function record<T extends object>(fields: FieldChecks<T>): Check<T> {
  const checks = fields as Readonly<Record<string, AnyCheck>>;
  return make<T>(
    (v) => {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return `must be an object, not ${kindOf(v)}`;
      const obj = v as Record<string, unknown>;
      for (const [name, check] of Object.entries(checks)) {
        if (!check.optional && obj[name] === undefined) return `needs a "${name}" field`;
      }
      for (const name of Object.keys(obj)) {
        const check = Object.hasOwn(checks, name) ? checks[name] : undefined;
        if (!check) return `has an unknown field "${name}"`;
        const problem = check.problem(obj[name]);
        if (problem) return `has a "${name}" field that ${problem}`;
      }
      return null;
    },
    { fields: checks },
  );
}
