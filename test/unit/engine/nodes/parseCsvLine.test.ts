import { describe, expect, it } from 'vitest';
import { parseCsvLine } from '../../../../engine/nodes/parseCsvLine.js';

describe('parseCsvLine', () => {
  it('splits on commas and parses unquoted numbers', () => {
    expect(parseCsvLine('a,1,-2.5,3e2,.5')).toEqual(['a', 1, -2.5, 300, 0.5]);
  });

  it('keeps commas and doubled quotes inside quoted fields', () => {
    expect(parseCsvLine('"a,b","say ""hi""",c')).toEqual(['a,b', 'say "hi"', 'c']);
  });

  it('keeps quoted numbers as strings and empty fields as empty strings', () => {
    expect(parseCsvLine('"007",,x,')).toEqual(['007', '', 'x', '']);
  });

  it('reads an unterminated quote to the end of the line', () => {
    expect(parseCsvLine('"open, field')).toEqual(['open, field']);
  });
});
