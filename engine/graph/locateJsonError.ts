/** Where and why a text is not JSON, for a one-sentence load error. */
export interface JsonErrorLocation {
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
  /** What was wrong, lower case, no trailing period ("expected ',' or '}' but found ']'"). */
  reason: string;
}

/**
 * Find the first syntax error in `text` (which `JSON.parse` already refused). `JSON.parse`'s own
 * messages differ between engines and often carry no position at all (V8 says `Unexpected token
 * '}', "{"a": }" is not valid JSON`), so a small scanner walks the grammar itself to say where.
 * Returns null if it finds no error (it then agrees with no engine, which should not happen).
 */
export function locateJsonError(text: string): JsonErrorLocation | null {
  const scanner = new Scanner(text);
  try {
    scanner.skipSpace();
    scanner.value(0);
    scanner.skipSpace();
    if (scanner.pos < text.length) scanner.fail(`unexpected ${scanner.describe()} after the end of the data`);
    return null;
  } catch (err) {
    if (err instanceof ScanError) return { ...lineAndColumn(text, err.pos), reason: err.message };
    throw err;
  }
}

class ScanError extends Error {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
  }
}

/** Deeper nesting is refused rather than risk the stack; JSON.parse has refused the text anyway. */
const MAX_DEPTH = 2000;

class Scanner {
  pos = 0;
  constructor(private readonly text: string) {}

  fail(reason: string, at = this.pos): never {
    throw new ScanError(reason, at);
  }

  describe(): string {
    if (this.pos >= this.text.length) return 'end of file';
    return `'${this.text[this.pos]}'`;
  }

  skipSpace(): void {
    while (this.pos < this.text.length && ' \t\n\r'.includes(this.text[this.pos] as string)) this.pos++;
  }

  value(depth: number): void {
    if (depth > MAX_DEPTH) this.fail('the data is nested too deeply');
    const c = this.text[this.pos];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    for (const word of ['true', 'false', 'null']) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return;
      }
    }
    if (c === "'") this.fail("strings must use double quotes, not '");
    this.fail(`expected a value but found ${this.describe()}`);
  }

  object(depth: number): void {
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return;
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] !== '"') {
        if (this.text[this.pos] === '}') this.fail("a trailing comma before '}' is not allowed in JSON");
        this.fail(`expected a property name in double quotes but found ${this.describe()}`);
      }
      this.string();
      this.skipSpace();
      if (this.text[this.pos] !== ':') this.fail(`expected ':' after the property name but found ${this.describe()}`);
      this.pos++;
      this.skipSpace();
      this.value(depth + 1);
      if (!this.more('}')) return;
    }
  }

  /** After an item of an object or array: true past a ',', false past `close`, else fail. */
  private more(close: '}' | ']'): boolean {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === ',' || c === close) {
      this.pos++;
      return c === ',';
    }
    this.fail(`expected ',' or '${close}' but found ${this.describe()}`);
  }

  array(depth: number): void {
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return;
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === ']') this.fail("a trailing comma before ']' is not allowed in JSON");
      this.value(depth + 1);
      if (!this.more(']')) return;
    }
  }

  string(): void {
    const start = this.pos;
    this.pos++;
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      if (c === 0x22) {
        this.pos++;
        return;
      }
      if (c < 0x20) this.fail('a line break or control character inside a string must be escaped');
      if (c === 0x5c) {
        const e = this.text[this.pos + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos + 2, this.pos + 6))) {
            this.fail('\\u must be followed by four hex digits');
          }
          this.pos += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) this.fail(`'\\${e ?? ''}' is not a valid escape`);
        this.pos += 2;
        continue;
      }
      this.pos++;
    }
    this.fail('a string is not closed', start);
  }

  number(): void {
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(this.text.slice(this.pos, this.pos + 400));
    if (!m || m[0] === '-') this.fail(`expected a number but found ${this.describe()}`);
    this.pos += m[0].length;
  }
}

function lineAndColumn(text: string, pos: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < pos && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: pos - lineStart + 1 };
}
