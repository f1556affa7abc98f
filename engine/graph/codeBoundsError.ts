import { tokTypes, tokenizer, type TokenType } from 'acorn';

/**
 * What the expression checker (acorn) and the compiler (`new Function`) are given at most. Both
 * parse by recursive descent, so their stack grows with how deeply a text nests. Past a few
 * hundred levels acorn runs out of stack, and if V8 has to compile one of acorn's own regular
 * expressions at that moment the whole process aborts ("FATAL ERROR: RegExpCompiler Allocation
 * failed", issue 10 fault 1): no `try` can catch that. So a text is measured before it is parsed,
 * and one past these bounds is a problem, never a parse.
 *
 * The bounds sit far below where acorn fails on Node's default 984 KB stack (about 350 nested
 * parentheses, 4,000 chained `+`), so a caller deep in its own stack is safe too.
 */
export const CODE_LIMITS = {
  /** Characters in one expression (a map's expression, a router's predicate, …). */
  maxExpressionLength: 10_000,
  /** Characters in a function node's code. */
  maxCodeLength: 100_000,
  /** Brackets, braces, parentheses, template literals and regular-expression groups inside each other. */
  maxNesting: 64,
  /**
   * Operators on one path through the text: the chained operators of each open bracket level
   * (`a + b + c`, `!!!x`, `a ? b : c ? d : e`), summed over the levels open at once. Each costs
   * acorn one level of recursion (an arrow `=>` counts 8: its recursion is that much deeper);
   * commas, semicolons and closing brackets end a chain. Statements that nest (`if`, `else`,
   * loops) count 2 each until their block closes.
   */
  maxChainedOperators: 1_000,
} as const;

/**
 * Why `source` is too large or too deep to parse safely, as a message fragment ("is nested more
 * than 64 levels deep"), or null when it is within `CODE_LIMITS`. Linear in the length and never
 * recursive, so it is safe on any input:
 *
 * 1. the length, against the bound of its kind;
 * 2. a scan of the raw characters, which bounds the nesting of regular-expression groups (acorn
 *    validates regular expressions recursively while it tokenizes);
 * 3. acorn's tokenizer, which is iterative and tells code from strings, comments, templates and
 *    regular expressions exactly as the parser will: nesting depth and chained operators.
 */
export function codeBoundsError(source: string, kind: 'expression' | 'code'): string | null {
  const maxLength = kind === 'expression' ? CODE_LIMITS.maxExpressionLength : CODE_LIMITS.maxCodeLength;
  if (source.length > maxLength) {
    return `is too long (${source.length.toLocaleString('en-US')} characters; at most ${maxLength.toLocaleString('en-US')})`;
  }
  if (rawNesting(source) > CODE_LIMITS.maxNesting) return nestedTooDeeply();
  return tokenBoundsError(source, kind);
}

function nestedTooDeeply(): string {
  return `is nested more than ${CODE_LIMITS.maxNesting} levels deep (brackets, templates or groups inside each other)`;
}

const OPENERS = '([{';
const CLOSERS = ')]}';

/**
 * The deepest nesting of brackets in the raw text, counting inside strings, comments and
 * regular expressions as well. An upper bound on the group nesting of any regular expression in
 * it: a backslash hides the character after it, and a closer that does not match the innermost
 * opener (`)` inside `[)]`) closes nothing, so nothing inside a regular expression can make an
 * outer bracket look closed.
 */
function rawNesting(text: string): number {
  const open: number[] = [];
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c /* \ */) {
      i++;
      continue;
    }
    const opener = OPENERS.indexOf(text[i]!);
    if (opener >= 0) {
      open.push(opener);
      if (open.length > max) max = open.length;
      continue;
    }
    const closer = CLOSERS.indexOf(text[i]!);
    if (closer >= 0 && open[open.length - 1] === closer) open.pop();
  }
  return max;
}

type AcornTokenType = TokenType & {
  binop?: number | null;
  prefix?: boolean;
  postfix?: boolean;
  isAssign?: boolean;
};

/**
 * How much deeper acorn recurses for one more of this token in a chain, in units of one `+`
 * (0: it does not chain). Measured: acorn fails at about 4,200 chained `+`, 4,200 `!`, 2,800
 * `a ? b :` and 660 `x =>`.
 */
function chainCost(type: AcornTokenType): number {
  if (type === tokTypes.arrow) return 8;
  if (STATEMENT_NESTING.has(type)) return 2;
  return type.binop != null ||
    type.prefix === true ||
    type.isAssign === true ||
    type === tokTypes.question ||
    type === tokTypes.colon ||
    type === tokTypes.ellipsis ||
    type === tokTypes._new
    ? 1
    : 0;
}

/**
 * Statements that nest the statement after them (`if (a) if (b) …`, `else if` chains, loops):
 * acorn recurses into that statement, and a semicolon does not end the nesting, so they count
 * until their block closes. Measured: acorn fails at about 2,000 nested `for (;;)` and 4,000
 * `else if`.
 */
const STATEMENT_NESTING: ReadonlySet<TokenType> = new Set([
  tokTypes._if,
  tokTypes._else,
  tokTypes._for,
  tokTypes._while,
  tokTypes._do,
  tokTypes._with,
]);

const OPENING: ReadonlySet<TokenType> = new Set([
  tokTypes.parenL,
  tokTypes.bracketL,
  tokTypes.braceL,
  tokTypes.dollarBraceL,
]);
const CLOSING: ReadonlySet<TokenType> = new Set([tokTypes.parenR, tokTypes.bracketR, tokTypes.braceR]);

function tokenBoundsError(source: string, kind: 'expression' | 'code'): string | null {
  // The open levels, innermost last: what opened each one, and the cost of the operators
  // chained (until a comma or semicolon) and of the statements nested (until the level closes)
  // at it so far. `chained` is their sum over every open level.
  const open: Array<{ template: boolean; operators: number; statements: number }> = [
    { template: false, operators: 0, statements: 0 },
  ];
  let chained = 0;
  const endChain = (): void => {
    const level = open[open.length - 1]!;
    chained -= level.operators;
    level.operators = 0;
  };
  const tokens = tokenizer(source, {
    ecmaVersion: 'latest',
    sourceType: 'script',
    allowReturnOutsideFunction: kind === 'code',
  });
  try {
    for (const token of tokens) {
      const type = token.type as AcornTokenType;
      // A backquote opens a template literal, or closes the one that is innermost.
      const closesTemplate = type === tokTypes.backQuote && open[open.length - 1]!.template;
      if (OPENING.has(type) || (type === tokTypes.backQuote && !closesTemplate)) {
        open.push({ template: type === tokTypes.backQuote, operators: 0, statements: 0 });
        if (open.length - 1 > CODE_LIMITS.maxNesting) return nestedTooDeeply();
      } else if (CLOSING.has(type) || closesTemplate) {
        if (open.length === 1) continue; // unbalanced: the parser reports it
        endChain();
        chained -= open.pop()!.statements;
      } else if (type === tokTypes.comma || type === tokTypes.semi) {
        endChain();
      } else {
        const cost = chainCost(type);
        if (cost === 0) continue;
        const level = open[open.length - 1]!;
        if (STATEMENT_NESTING.has(type)) level.statements += cost;
        else level.operators += cost;
        chained += cost;
        if (chained > CODE_LIMITS.maxChainedOperators) {
          return `chains or nests more than ${CODE_LIMITS.maxChainedOperators} operators and statements in one place; split it up`;
        }
      }
    }
  } catch {
    // A syntax error stops the tokenizer where the parser will stop too, and everything before
    // it was within bounds: the parser reports the error itself.
    return null;
  }
  return null;
}
