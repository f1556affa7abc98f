/** A 1-based place in a text. */
export interface TextPosition {
  line: number;
  column: number;
}

/**
 * Where the value a JSON pointer (`/properties/amount/type`) names starts in `text`, valid JSON.
 * When the pointer goes further than the data (a missing key), the deepest value that exists.
 * So a problem found in the parsed schema (by the meta-schema validator) can name its line.
 */
export function locateJsonPointer(text: string, pointer: string): TextPosition {
  const segments =
    pointer === ''
      ? []
      : pointer
          .replace(/^\//, '')
          .split('/')
          .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const w = new Walker(text);
  w.space();
  let found = w.pos;
  try {
    for (const segment of segments) {
      const at = w.enter(segment);
      if (at === null) break;
      found = at;
    }
  } catch {
    // Not JSON after all: the start of the text is the best place to name.
  }
  return position(text, found);
}

class Walker {
  pos = 0;
  constructor(private readonly text: string) {}

  space(): void {
    while (this.pos < this.text.length && ' \t\r\n'.includes(this.text[this.pos] as string)) this.pos++;
  }

  /** From the start of an object or array, move to the start of its member `key`; null if none. */
  enter(key: string): number | null {
    const open = this.text[this.pos];
    if (open !== '{' && open !== '[') return null;
    this.pos++;
    for (let index = 0; ; index++) {
      this.space();
      if (this.text[this.pos] === '}' || this.text[this.pos] === ']') return null;
      let name = String(index);
      if (open === '{') {
        name = this.string();
        this.space();
        this.pos++; // ':'
        this.space();
      }
      if (name === key) return this.pos;
      this.skip();
      this.space();
      if (this.text[this.pos] === ',') this.pos++;
    }
  }

  private string(): string {
    const start = this.pos;
    this.pos++;
    while (this.pos < this.text.length && this.text[this.pos] !== '"') this.pos += this.text[this.pos] === '\\' ? 2 : 1;
    this.pos++;
    return JSON.parse(this.text.slice(start, this.pos)) as string;
  }

  /** Past one value of any kind. */
  private skip(): void {
    const c = this.text[this.pos];
    if (c === '"') {
      this.string();
      return;
    }
    if (c === '{' || c === '[') {
      let depth = 0;
      while (this.pos < this.text.length) {
        const ch = this.text[this.pos];
        if (ch === '"') {
          this.string();
          continue;
        }
        if (ch === '{' || ch === '[') depth++;
        else if (ch === '}' || ch === ']') depth--;
        this.pos++;
        if (depth === 0) return;
      }
      return;
    }
    while (this.pos < this.text.length && !',}] \t\r\n'.includes(this.text[this.pos] as string)) this.pos++;
  }
}

function position(text: string, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
