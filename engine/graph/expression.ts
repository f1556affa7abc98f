/**
 * Compiling user expressions and function bodies. Compiled once per node instance, never per
 * event. A syntax error is reported as a `Problem` by the validator, never a crash.
 *
 * Loading a graph never calls this: code runs only when a run starts (SPEC §2).
 */
import { parse, parseExpressionAt } from 'acorn';
import { codeBoundsError } from './codeBoundsError.js';

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
  return compile(`"use strict";\nreturn (\n${source}\n);`, vars, source, 'expression');
}

/** Compile a function body over `vars` (the `function` node's code). */
export function compileBody(source: string, vars: readonly string[]): CompiledCode {
  return compile(`"use strict";\n${source}\n`, vars, source, 'code');
}

function compile(body: string, vars: readonly string[], source: string, kind: 'expression' | 'code'): CompiledCode {
  if (typeof source !== 'string' || source.trim() === '') {
    throw new ExpressionSyntaxError('is empty');
  }
  // V8's own parser recurses like acorn does: the same bounds keep it from the stack's end.
  const bounds = codeBoundsError(source, kind);
  if (bounds !== null) throw new ExpressionSyntaxError(bounds);
  try {
    return new Function(...vars, body) as CompiledCode;
  } catch (err) {
    throw new ExpressionSyntaxError(err instanceof Error ? err.message : String(err));
  }
}

/**
 * The syntax error of an expression or function body, or null if it parses. Parses with acorn
 * and never evaluates anything, so it works where a Content-Security-Policy forbids eval (the
 * editor) and it catches text like `a); evil(); (b`, which `new Function` would accept as
 * statements around a wrapped expression. A text too long or too deeply nested to parse safely
 * (`CODE_LIMITS`) is an error too, found before acorn sees it.
 */
export function expressionError(source: string, _vars: readonly string[], kind: 'expression' | 'code'): string | null {
  if (typeof source !== 'string' || source.trim() === '') return 'is empty';
  const bounds = codeBoundsError(source, kind);
  if (bounds !== null) return bounds;
  try {
    if (kind === 'code') {
      parse(source, { ecmaVersion: 'latest', sourceType: 'script', allowReturnOutsideFunction: true });
      return null;
    }
    const node = parseExpressionAt(source, 0, { ecmaVersion: 'latest', sourceType: 'script', preserveParens: true });
    // Anything after the expression but blanks and comments is an error ("value.x; y").
    const rest = source.slice(node.end);
    if (stripComments(rest).trim() !== '') {
      const at = lineColumn(source, node.end + (rest.length - rest.trimStart().length));
      return `unexpected "${rest.trim().slice(0, 12)}" after the expression (${at.line}:${at.column})`;
    }
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before[before.length - 1] ?? '').length };
}
