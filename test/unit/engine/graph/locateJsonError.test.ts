import { describe, expect, it } from 'vitest';
import { locateJsonError } from '../../../../engine/graph/locateJsonError.js';

describe('locateJsonError', () => {
  it('finds a missing comma between properties', () => {
    expect(locateJsonError('{\n  "a": 1\n  "b": 2\n}')).toEqual({
      line: 3,
      column: 3,
      reason: "expected ',' or '}' but found '\"'",
    });
  });

  it('finds single-quoted strings', () => {
    expect(locateJsonError("{'a': 1}")).toMatchObject({
      line: 1,
      column: 2,
      reason: "expected a property name in double quotes but found '''",
    });
    expect(locateJsonError("['a']")?.reason).toBe("strings must use double quotes, not '");
  });

  it('finds an unclosed string at its opening quote', () => {
    expect(locateJsonError('{"a": "abc')).toMatchObject({ line: 1, column: 7, reason: 'a string is not closed' });
  });

  it('finds a raw line break inside a string', () => {
    expect(locateJsonError('{"a": "x\ny"}')).toMatchObject({ line: 1, column: 9 });
  });

  it('finds data after the end', () => {
    expect(locateJsonError('{} {}')).toMatchObject({
      line: 1,
      column: 4,
      reason: "unexpected '{' after the end of the data",
    });
  });

  it('finds a bad escape and a bad number', () => {
    expect(locateJsonError('["\\x"]')?.reason).toBe("'\\x' is not a valid escape");
    expect(locateJsonError('[-]')?.reason).toBe("expected a number but found '-'");
  });

  it('returns null for valid JSON', () => {
    expect(locateJsonError('{"a": [1, -2.5e3, true, null, "\\u00e9"]}')).toBeNull();
  });
});
