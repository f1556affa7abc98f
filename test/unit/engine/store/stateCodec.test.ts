import { describe, expect, it } from 'vitest';
import { decodeState, encodeState, encodeStateInSlices, SLICE_ELEMENTS } from '../../../../engine/store/stateCodec.js';

describe('stateCodec', () => {
  it('round-trips JSON-able state of every shape', () => {
    for (const value of [
      null,
      0,
      -1.5,
      'text ünïcødé ✓',
      true,
      [],
      {},
      { a: [1, { b: null }] },
      [['k1', { count: 2 }]],
    ]) {
      expect(decodeState(encodeState(value))).toEqual(value);
    }
  });

  it('keeps undefined (a stateless operator) distinct from null', () => {
    expect(decodeState(encodeState(undefined))).toBeUndefined();
    expect(decodeState(encodeState(null))).toBeNull();
  });

  it('gives each encoding its own ArrayBuffer, so a worker can transfer it', () => {
    const a = encodeState({ small: 1 });
    const b = encodeState({ small: 2 });
    expect(a.buffer).not.toBe(b.buffer);
    expect(a.byteOffset).toBe(0);
    expect(a.buffer.byteLength).toBe(a.byteLength);
  });

  it('decodes a plain Uint8Array copy, as arrives from another thread', () => {
    const bytes = new Uint8Array(encodeState({ x: [1, 2, 3] }));
    expect(decodeState(bytes)).toEqual({ x: [1, 2, 3] });
  });

  it('refuses an unknown codec header', () => {
    expect(() => decodeState(Uint8Array.of(0x00, 0x7b, 0x7d))).toThrow(/unknown state codec/);
    expect(() => decodeState(new Uint8Array(0))).toThrow(/empty/);
  });

  it('follows JSON semantics for non-finite numbers (documented: operators store null)', () => {
    expect(decodeState(encodeState({ watermark: -Infinity }))).toEqual({ watermark: null });
  });

  describe('in slices', () => {
    function drain(value: unknown): { bytes: Uint8Array; yields: number } {
      const steps = encodeStateInSlices(value);
      let yields = 0;
      for (let r = steps.next(); ; r = steps.next()) {
        if (r.done) return { bytes: r.value, yields };
        yields++;
      }
    }
    const big = SLICE_ELEMENTS * 2 + 17;
    const cases: Array<[string, unknown]> = [
      ['undefined', undefined],
      ['a number', 42],
      ['a string with quotes and unicode', 'a "b" \u00e9 ✓'],
      ['null', null],
      [
        'aggregate columns',
        {
          columns: {
            keys: Array.from({ length: big }, (_, i) => `k${i}`),
            count: Array.from({ length: big }, (_, i) => i),
          },
        },
      ],
      [
        'arrays with holes, undefined, NaN and nested objects',
        [1, undefined, NaN, Infinity, { a: undefined, b: [null] }, [], {}],
      ],
      ['an object with omitted properties', { a: undefined, f: () => 1, s: Symbol('x'), d: new Date(0), n: -0, e: '' }],
      ['a long array of objects', Array.from({ length: big }, (_, i) => ({ k: `k${i}`, v: i / 3 }))],
      ['an object without prototype', Object.assign(Object.create(null) as object, { x: 1 })],
      ['a bare function (nothing JSON can hold)', () => 1],
    ];
    for (const [name, value] of cases) {
      it(`writes the same bytes as encodeState: ${name}`, () => {
        const { bytes } = drain(value);
        expect(Buffer.from(bytes).equals(Buffer.from(encodeState(value)))).toBe(true);
      });
    }

    it('yields once per slice of a long array, and not for a short state', () => {
      expect(drain({ keys: Array.from({ length: big }, (_, i) => i) }).yields).toBe(Math.ceil(big / SLICE_ELEMENTS));
      expect(drain({ keys: [1, 2, 3] }).yields).toBe(0);
      expect(decodeState(drain({ keys: Array.from({ length: big }, (_, i) => i) }).bytes)).toEqual({
        keys: Array.from({ length: big }, (_, i) => i),
      });
    });
  });
});
