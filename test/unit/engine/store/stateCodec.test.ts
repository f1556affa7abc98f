import { describe, expect, it } from 'vitest';
import { decodeState, encodeState } from '../../../../engine/store/stateCodec.js';

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
});
