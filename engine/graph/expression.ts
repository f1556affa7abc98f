/**
 * Compiling user expressions and function bodies. Compiled once per node instance, never per
 * event. A syntax error is reported as a `Problem` by the validator, never a crash.
 *
 * Loading a graph never calls this: code runs only when a run starts (SPEC §2).
 */

export type CompiledCode = (...args: unknown[]) => unknown;

/** Thrown for an expression that does not parse; `message` is a sentence for a person. */
export class ExpressionSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpressionSyntaxError';
  }
}

/**
 * Compile a JS expression over `vars`: `compileExpression('value.x * 2', ['value'])(v)`.
 * The expression runs in strict mode.
 */
export function compileExpression(source: string, vars: readonly string[]): CompiledCode {
  return compile(`"use strict";\nreturn (\n${source}\n);`, vars, source);
}

/** Compile a function body over `vars` (the `function` node's code). */
export function compileBody(source: string, vars: readonly string[]): CompiledCode {
  return compile(`"use strict";\n${source}\n`, vars, source);
}

function compile(body: string, vars: readonly string[], source: string): CompiledCode {
  if (typeof source !== 'string' || source.trim() === '') {
    throw new ExpressionSyntaxError('is empty');
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- user code is the product; it runs only after trust (SPEC §2)
    return new Function(...vars, body) as CompiledCode;
  } catch (err) {
    throw new ExpressionSyntaxError(err instanceof Error ? err.message : String(err));
  }
}

/** The syntax error of an expression, or null if it parses. Does not run it. */
export function expressionError(source: string, vars: readonly string[], kind: 'expression' | 'code'): string | null {
  try {
    if (kind === 'expression') compileExpression(source, vars);
    else compileBody(source, vars);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
