import { describe, expect, it } from 'vitest';
import { CODE_LIMITS, codeBoundsError } from '../../../../engine/graph/codeBoundsError.js';
import { compileExpression, expressionError } from '../../../../engine/graph/expression.js';

/** `n` template literals, each holding the next: `${`${…1…}`}`. */
function nestedTemplates(n: number): string {
  let text = '1';
  for (let i = 0; i < n; i++) text = `\`\${${text}}\``;
  return text;
}

const parens = (n: number): string => `${'('.repeat(n)}1${')'.repeat(n)}`;

describe('codeBoundsError', () => {
  it('refuses the 1,000 nested template literals that aborted the process, before acorn sees them', () => {
    const text = nestedTemplates(1000);
    expect(codeBoundsError(text, 'expression')).toMatch(/is nested more than 64 levels deep/);
    expect(expressionError(text, [], 'expression')).toMatch(/is nested more than 64 levels deep/);
  });

  it('accepts nesting up to the limit and refuses one level more', () => {
    expect(codeBoundsError(parens(CODE_LIMITS.maxNesting), 'expression')).toBeNull();
    expect(expressionError(parens(CODE_LIMITS.maxNesting), [], 'expression')).toBeNull();
    expect(codeBoundsError(parens(CODE_LIMITS.maxNesting + 1), 'expression')).toMatch(/nested more than 64/);
    expect(codeBoundsError(nestedTemplates(CODE_LIMITS.maxNesting / 2), 'expression')).toBeNull();
  });

  it('refuses an expression or code longer than its kind allows, saying how long it is', () => {
    const long = `a${'+a'.repeat(CODE_LIMITS.maxExpressionLength / 2)}`;
    expect(codeBoundsError(long, 'expression')).toBe('is too long (10,001 characters; at most 10,000)');
    const body = `let x = 0;\n${'x += 1;\n'.repeat(8_000)}return x;`;
    expect(codeBoundsError(body, 'code')).toBeNull();
    expect(codeBoundsError(`${body}\n${' '.repeat(CODE_LIMITS.maxCodeLength)}`, 'code')).toMatch(/^is too long/);
  });

  it('refuses chains of operators that acorn parses by recursion, but not long flat lists', () => {
    expect(codeBoundsError(`1${'+1'.repeat(999)}`, 'expression')).toBeNull();
    expect(codeBoundsError(`1${'+1'.repeat(1001)}`, 'expression')).toMatch(/more than 1000 operators/);
    expect(codeBoundsError(`${'!'.repeat(1001)}x`, 'expression')).toMatch(/more than 1000 operators/);
    expect(codeBoundsError(`${'a ? b : '.repeat(501)}c`, 'expression')).toMatch(/more than 1000 operators/);
    expect(codeBoundsError(`${'x => '.repeat(126)}1`, 'expression')).toMatch(/more than 1000 operators/);
    // Commas end a chain: a long array or argument list is iterative in acorn.
    const list = `[${Array.from({ length: 900 }, (_, i) => `a${i} + 1`).join(', ')}]`;
    expect(codeBoundsError(list, 'expression')).toBeNull();
  });

  it('counts operators over every open level, so nesting cannot hide a long chain', () => {
    const perLevel = `1${'+1'.repeat(20)}+`;
    const text = `${`(${perLevel}`.repeat(60)}1${')'.repeat(60)}`;
    expect(codeBoundsError(text, 'expression')).toMatch(/more than 1000 operators/);
  });

  it('counts statements that nest the next one until their block closes', () => {
    expect(codeBoundsError(`${'if (a) '.repeat(501)}x;`, 'code')).toMatch(/more than 1000 operators and statements/);
    const elseIfs = `if (a) x = 1;\n${'else if (a) x = 1;\n'.repeat(600)}`;
    expect(codeBoundsError(elseIfs, 'code')).toMatch(/more than 1000/);
    // Blocks of their own close their statements: many small functions are fine.
    const blocks = Array.from({ length: 2000 }, (_, i) => `function f${i}(v) { if (v) { return 1; } }`).join('\n');
    expect(codeBoundsError(blocks, 'code')).toBeNull();
  });

  it('bounds the groups of a regular expression, which acorn validates recursively', () => {
    expect(codeBoundsError(`/${'('.repeat(64)}a${')'.repeat(64)}/.test(value)`, 'expression')).toBeNull();
    expect(codeBoundsError(`/${'('.repeat(3000)}a${')'.repeat(3000)}/`, 'expression')).toMatch(/nested more/);
  });

  it('is not fooled by closing brackets in strings or regular expressions', () => {
    // A string of closers before deep nesting: the tokenizer knows it is a string.
    expect(codeBoundsError(`"${')'.repeat(100)}" + ${parens(70)}`, 'expression')).toMatch(/nested more/);
    // `]` alone is a valid regular expression: `[/]/[/]/…` nests arrays and member accesses.
    expect(codeBoundsError(`${'[/]/'.repeat(200)}1${']'.repeat(200)}`, 'expression')).toMatch(/nested more/);
    // A `}` in a regular expression after a statement is a regex, not the end of the block.
    const code = `${'[function () { if (1) /}/; if (1) /]/; '.repeat(80)}1${' }]'.repeat(80)}`;
    expect(codeBoundsError(code, 'code')).toMatch(/nested more/);
  });

  it('leaves syntax errors to the parser, which reports them as usual', () => {
    expect(codeBoundsError('value.x +', 'expression')).toBeNull();
    expect(codeBoundsError('"unterminated', 'expression')).toBeNull();
    expect(expressionError('"unterminated', [], 'expression')).toMatch(/Unterminated string/);
  });

  it('stops the compiler too, so a run never hands V8 what validation would refuse', () => {
    expect(() => compileExpression(nestedTemplates(1000), ['value'])).toThrow(/nested more than 64 levels/);
  });
});
