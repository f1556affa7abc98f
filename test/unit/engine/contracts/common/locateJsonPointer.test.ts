import { describe, expect, it } from 'vitest';
import { locateJsonPointer } from '../../../../../engine/contracts/common/locateJsonPointer.js';

const text = `{
  "type": "object",
  "properties": {
    "a/b": { "type": "strin" },
    "list": [1, {"x": "y"}]
  }
}`;

describe('locateJsonPointer', () => {
  it('finds the line and column of the value a pointer names', () => {
    expect(locateJsonPointer(text, '')).toEqual({ line: 1, column: 1 });
    expect(locateJsonPointer(text, '/type')).toEqual({ line: 2, column: 11 });
    expect(locateJsonPointer(text, '/properties/a~1b/type')).toEqual({ line: 4, column: 22 });
    expect(locateJsonPointer(text, '/properties/list/1/x')).toEqual({ line: 5, column: 23 });
  });

  it('stops at the deepest value that exists for a pointer into nothing', () => {
    expect(locateJsonPointer(text, '/properties/missing/type')).toEqual({ line: 3, column: 17 });
  });
});
