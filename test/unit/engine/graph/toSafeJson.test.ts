import { describe, expect, it } from 'vitest';
import { toSafeJson } from '../../../../engine/graph/toSafeJson.js';

describe('toSafeJson', () => {
  it('copies plain data deeply', () => {
    const input = { a: [1, { b: 'c' }], d: null };
    const out = toSafeJson(input) as typeof input;
    expect(out).toEqual(input);
    expect(out.a).not.toBe(input.a);
  });

  it('drops __proto__, constructor and prototype keys at any depth', () => {
    const input = JSON.parse(
      '{"x": {"__proto__": {"p": 1}, "constructor": 1, "prototype": 2, "keep": [ {"__proto__": 3} ]}}',
    );
    expect(toSafeJson(input)).toEqual({ x: { keep: [{}] } });
    expect(({} as Record<string, unknown>).p).toBeUndefined();
  });

  it('drops what JSON cannot hold, like JSON.stringify', () => {
    expect(toSafeJson({ f: () => 1, u: undefined, d: new Date(0), list: [undefined, () => 1] })).toEqual({
      list: [null, null],
    });
  });

  it('accepts objects without a prototype', () => {
    const bare = Object.create(null) as Record<string, unknown>;
    bare.a = 1;
    const out = toSafeJson(bare);
    expect(out).toEqual({ a: 1 });
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });

  it('refuses absurd nesting', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 1000; i++) deep = [deep];
    expect(() => toSafeJson(deep)).toThrow(/nested more than/);
  });
});
